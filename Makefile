# Aktywni: the two commands a newcomer needs are `make demo` and `make test`.
# Everything they need is installed on first use into a cache outside the checkout
# (AKTYWNI_CACHE, default ~/.cache/aktywni): uv, the Python packages, Kafka's jars, FerretDB, and
# Keycloak (the identity provider; it runs on a JDK 21+ of its own: AKTYWNI_KEYCLOAK_JAVA_HOME, or the
# newest one found under /usr/lib/jvm/*), built and seeded with the demo realm once.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
CACHE ?= $(or $(AKTYWNI_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/aktywni)
UV := $(CACHE)/uv-$(UV_VERSION)/bin/uv
PYTEST_ARGS ?=
# One pytest process by default; PYTEST_WORKERS="-n 2 --dist loadgroup" runs the tests on the session's
# shared stack in one worker and the self-contained ones (demo, fault suite) beside them: faster on a
# machine with cores to spare, too much load on two cores (the demo's and the fault suite's stacks).
PYTEST_WORKERS ?=
# uv trusts the operating system's certificate store, as pip and curl do (proxies with their own CA).
UV_SYSTEM_CERTS ?= 1
export UV_SYSTEM_CERTS

.PHONY: help install demo test bench fault lint typecheck unit integration e2e down status clean

help:
	@echo "make demo    install what is missing, start Kafka, FerretDB, Keycloak and the services (Ctrl-C stops)"
	@echo "             and print the sign-in's issuer, demo users and their password"
	@echo "make test    install what is missing, run ruff, mypy and every test on a real Kafka and database"
	@echo "make bench   the benchmark table (Kafka's ceiling, the projection, latency, HTTP, memory, cost curve)"
	@echo "make fault   the long fault suite: services SIGKILLed (10+ each), Kafka and the database restarted, checked by an oracle"
	@echo "make down    stop whatever 'make demo' or 'aktywni-stack start' left running"
	@echo "make status  what of the local stack is running"

$(UV):
	@command -v python3 >/dev/null || { echo "python3 (3.11 or newer) is required" >&2; exit 1; }
	python3 -m venv "$(CACHE)/uv-$(UV_VERSION)"
	"$(CACHE)/uv-$(UV_VERSION)/bin/pip" install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --locked
	$(UV) run --no-sync aktywni-stack install

# make passes no SIGINT sent to its own pid on to the demo; the demo watches make's pid instead.
demo: install
	AKTYWNI_DEMO_SUPERVISOR=$$PPID $(UV) run --no-sync aktywni-demo

lint: install
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .

typecheck: install
	$(UV) run --no-sync mypy

test: lint typecheck
	$(UV) run --no-sync aktywni-stack install-browser
	$(UV) run --no-sync pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install
	$(UV) run --no-sync python -m tests.benchmarks.bench

fault: install
	$(UV) run --no-sync python -m tests.fault.runner --long

unit integration e2e: install
	$(UV) run --no-sync aktywni-stack install-browser
	$(UV) run --no-sync pytest -m $@ $(PYTEST_ARGS)

down: $(UV)
	$(UV) run aktywni-stack stop

status: $(UV)
	$(UV) run aktywni-stack status

clean: down
	rm -rf var .venv .mypy_cache .ruff_cache .pytest_cache

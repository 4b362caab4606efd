"""Fetch-once artefacts in the shared cache: Kafka's jars and Keycloak's zip (Maven), the FerretDB binary (Go)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aktywni_stack import paths
from aktywni_stack.tools import require

MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.7.1"


def _fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Serialise builds of one artefact between clones and CI runs sharing the cache."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f".{target.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run(argv: list[str], *, cwd: Path, what: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(  # noqa: S603 - fixed argv
        argv, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({' '.join(argv)}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def kafka_lib() -> Path:
    """The directory of Kafka's jars (broker, tools, logging), fetched by Maven on first use."""
    return _maven_lib(paths.KAFKA_RECIPE, "kafka", "Kafka")


def kafka_connect_lib() -> Path:
    """The jars of Kafka Connect and the Debezium MongoDB sink connector (the benchmarks' peer), fetched on first use.

    Used together with ``kafka_lib()`` on one class path (the broker's jars first). The MongoDB Kafka
    Connector is not among them: the Maven registry does not serve it (see the recipe's pom.xml).
    """
    return _maven_lib(paths.RECIPES / "kafka-connect", "kafka-connect", "Kafka Connect")


def _maven_lib(recipe: Path, name: str, what: str) -> Path:
    pom = recipe / "pom.xml"
    target = paths.cache_dir() / f"{name}-{_fingerprint(pom)}"
    lib = target / "lib"
    with _locked(target):
        if not (target / ".complete").exists():
            shutil.rmtree(target, ignore_errors=True)
            started = time.monotonic()
            maven_copy(pom, lib, f"{what}'s jars")
            (target / ".complete").write_text(f"{time.monotonic() - started:.1f}\n")
    return lib


def maven_copy(pom: Path, output_dir: Path, what: str) -> None:
    """Copy the runtime dependencies ``pom`` declares (and theirs) from Maven into ``output_dir``."""
    require("java")
    mvn = require("mvn")
    print(f"[stack] fetching {what} with Maven into {output_dir} (once) ...", flush=True)
    _run(
        [
            mvn,
            "-q",
            "-B",
            f"{MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies",
            f"-DoutputDirectory={output_dir}",
            "-DincludeScope=runtime",
            "-f",
            str(pom),
        ],
        cwd=pom.parent,
        what=f"fetching {what}",
    )


#: Public names for the stack's other fetch-once artefacts (keycloak.py).
fingerprint = _fingerprint
locked = _locked
run = _run


def go_binary(recipe: Path, name: str) -> Path:
    """A Go program of the project, built from its module in ``recipe`` on first use (and on change)."""
    sources = [*sorted(recipe.glob("*.go")), recipe / "go.mod", recipe / "go.sum"]
    target = paths.cache_dir() / f"{name}-{_fingerprint(*sources)}"
    binary = target / name
    with _locked(target):
        if not (target / ".complete").exists():
            go = require("go")
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            started = time.monotonic()
            print(f"[stack] building {name} with Go into {binary} (once) ...", flush=True)
            _run(
                [go, "build", "-trimpath", "-o", str(binary), "."],
                cwd=recipe,
                what=f"building {name}",
                env={"CGO_ENABLED": "0", "GOFLAGS": "-mod=readonly"},
            )
            (target / ".complete").write_text(f"{time.monotonic() - started:.1f}\n")
    return binary


def ferretdb_binary() -> Path:
    """FerretDB embedded in a small program of ours (deploy/local/ferretdb)."""
    return go_binary(paths.FERRETDB_RECIPE, "aktywni-ferretdb")


def compose_check_binary() -> Path:
    """The compose-file validator (deploy/compose-check), for machines without `docker compose`."""
    return go_binary(paths.RECIPES.parent / "compose-check", "compose-check")


#: What the deploy tests check deploy/kubernetes/observability with, from the Go module proxy: the
#: CRDs of KEDA and of the Prometheus operator (YAML files inside their modules).
KEDA = ("github.com/kedacore/keda/v2", "v2.21.0")
PROMETHEUS_OPERATOR = ("github.com/prometheus-operator/prometheus-operator", "v0.85.0")


def go_module_files(module: str, version: str, folder: str) -> Path:
    """The ``*.yaml`` files of ``folder`` in a Go module, fetched once (Go checks the module's checksum)."""
    target = paths.cache_dir() / f"gomod-{module.replace('/', '+')}-{version}"
    with _locked(target):
        if not (target / ".complete").exists():
            go = require("go")
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            result = subprocess.run(  # noqa: S603 - fixed argv
                [go, "mod", "download", "-json", f"{module}@{version}"],
                cwd=target,
                env={**os.environ, "GOFLAGS": "-mod=mod"},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeError(
                    f"fetching {module}@{version} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
                )
            source = Path(json.loads(result.stdout)["Dir"]) / folder
            for file in sorted(source.glob("*.yaml")):
                shutil.copyfile(file, target / file.name)
            (target / ".complete").write_text(f"{module}@{version}/{folder}\n")
    return target


def crd_files() -> list[Path]:
    """KEDA's and the Prometheus operator's CustomResourceDefinitions (YAML)."""
    keda = go_module_files(*KEDA, "config/crd/bases")
    operator = go_module_files(*PROMETHEUS_OPERATOR, "example/prometheus-operator-crd")
    return [*sorted(keda.glob("*.yaml")), *sorted(operator.glob("*.yaml"))]

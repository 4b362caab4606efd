"""`aktywni-demo`: the whole system on this machine, until Ctrl-C.

Starts Kafka and the database (embedded unless KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are set),
the three services, enrols a few example participants of the "Trener Aktywności" project, prints
the URLs, and on Ctrl-C (or SIGTERM) stops everything it started.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import urllib.request
from types import FrameType
from typing import Any

from aktywni_stack import paths
from aktywni_stack.selection import select
from aktywni_stack.services import DEMO_PORTS, SERVICES, ServiceProcess, start_all
from aktywni_stack.tools import MissingToolError

EXAMPLES: list[dict[str, Any]] = [
    {
        "organisation_id": "fundacja-eudajmonia",
        "category": "person_with_disability",
        "first_name": "Anna",
        "last_name": "Przykładowa",
        "pesel": "71030512348",
        "disability_degree": "light",
        "labour_market_status": "inactive",
        "consent": {"given": True, "given_on": "2012-06-04", "scope": ["processing_for_project"]},
    },
    {
        "organisation_id": "fundacja-rozwoju-demokracji-lokalnej",
        "category": "staff_trainee",
        "first_name": "Jan",
        "last_name": "Testowy",
        "birth_date": "1980-02-14",
        "sex": "M",
        "labour_market_status": "employed",
        "consent": {"given": True, "given_on": "2012-06-05", "scope": ["processing_for_project"]},
    },
]


def _post(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - local URL
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local URL
        return json.load(response)


def _enrol_examples(enrolment_url: str) -> int:
    """Enrol the examples; how many were accepted (a re-run refuses the same PESEL: 409)."""
    accepted = 0
    for example in EXAMPLES:
        status, body = _post(f"{enrolment_url}/projects/TA-2012/participants", example)
        what = body.get("participant_id") if status == 201 else body.get("detail")
        print(f"  enrol {example['first_name']} {example['last_name']}: HTTP {status} {what}")
        accepted += status == 201
    return accepted


def _wait_for_count(reporting_url: str, minimum: int, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        counts = _get(f"{reporting_url}/projects/TA-2012/participants/count")
        if counts["participants"] >= minimum or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aktywni-demo", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="enrol the examples, check the count, then stop")
    args = parser.parse_args(argv)
    state_dir = paths.default_state_dir()
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    started = time.monotonic()
    try:
        infra = select(state_dir)
    except MissingToolError as error:
        print(f"aktywni-demo: {error}", file=sys.stderr)
        return 2
    services = [
        ServiceProcess(name, state_dir, int(os.environ.get(f"AKTYWNI_{name.upper()}_PORT", DEMO_PORTS[name])))
        for name in SERVICES
    ]
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    ok = True
    try:
        ready_in = ", ".join(f"{name} ready in {seconds:.1f} s" for name, seconds in infra.start_seconds.items())
        print(f"Kafka {infra.kafka_bootstrap_servers}, database {infra.mongodb_uri} ({infra.source}) {ready_in}")
        start_all(services, infra.kafka_bootstrap_servers, infra.mongodb_uri)
        print(f"Everything ready in {time.monotonic() - started:.1f} s. Logs: {state_dir / 'logs'}")
        for service in services:
            print(f"  {service.name:10} {service.url}/docs   (AsyncAPI: {service.url}/asyncapi.json)")
        enrolment, _, reporting = services
        before = _get(f"{reporting.url}/projects/TA-2012/participants/count")["participants"]
        expected = before + _enrol_examples(enrolment.url)
        counts = _wait_for_count(reporting.url, expected)
        print(f"  reporting sees: {json.dumps(counts, ensure_ascii=False)}")
        if args.smoke:
            ok = counts["participants"] == expected
        else:
            print("Press Ctrl-C to stop everything.")
            while not stopping:
                time.sleep(0.5)
    finally:
        print("stopping ...")
        for service in reversed(services):
            service.stop()
        infra.stop()
        print("stopped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

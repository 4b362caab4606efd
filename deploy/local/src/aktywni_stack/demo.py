"""`aktywni-demo`: the whole system on this machine, until Ctrl-C.

Starts Kafka and the database (embedded unless KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are set),
the three services, registers the seed organisations and projects and a few participants of
"Trener Aktywności", schedules the TA sessions at the seed venues, books and attends the examples
(so that the dashboard shows their support), prints the URLs and tokens to try the APIs with, and on Ctrl-C (or SIGTERM)
stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from types import FrameType

from aktywni_shared.auth import Role, Tokens
from aktywni_stack import demo_data, demo_support, paths
from aktywni_stack.http_client import JsonApi
from aktywni_stack.selection import select
from aktywni_stack.services import DEMO_PORTS, SERVICES, ServiceProcess, local_secret, start_all
from aktywni_stack.tools import MissingToolError


def _participant_count(reporting: JsonApi) -> int:
    status, body = reporting.get("/projects/TA-2012/participants/count")
    if status != 200:
        raise RuntimeError(f"reporting answered HTTP {status}: {body}")
    return int(body["participants"])


def _wait_for_count(reporting: JsonApi, minimum: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while (count := _participant_count(reporting)) < minimum and time.monotonic() < deadline:
        time.sleep(0.2)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aktywni-demo", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="set up the examples, check the count, then stop")
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
        enrolment, scheduling, reporting = services
        tokens = Tokens(local_secret(state_dir, "AKTYWNI_JWT_SECRET"))
        auditor = JsonApi(reporting.url, demo_data.token(tokens, demo_data.MOPS, Role.AUDITOR))
        before = _participant_count(auditor)
        lines = demo_data.set_up(JsonApi(enrolment.url), tokens)
        for line in lines:
            print(f"  {line}")
        expected = before + sum("enrol" in line and "HTTP 201" in line for line in lines)
        count = _wait_for_count(auditor, expected)
        print(f"  reporting counts {count} participants in TA-2012")
        for line in demo_support.set_up(JsonApi(scheduling.url), JsonApi(reporting.url), tokens):
            print(f"  {line}")
        print("Tokens for trying the APIs (valid 8 hours; more with `uv run aktywni-token`):")
        for organisation, role in (
            (demo_data.EUDAJMONIA, Role.COORDINATOR),
            (demo_data.FRDL, Role.PARTNER_STAFF),
            (demo_data.MOPS, Role.AUDITOR),
        ):
            print(f"  {role.value:14} {organisation:38} {demo_data.token(tokens, organisation, role)}")
        dashboard_token = demo_data.token(tokens, demo_data.EUDAJMONIA, Role.COORDINATOR)
        print(f"Dashboard (live): {reporting.url}/dashboard/TA-2012?token={dashboard_token}")
        if args.smoke:
            ok = count == expected
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

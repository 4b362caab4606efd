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
from pathlib import Path
from types import FrameType

from aktywni_shared.auth import Role
from aktywni_stack import assets, demo_data, demo_identity, demo_support, keycloak, paths, supervision
from aktywni_stack.http_client import JsonApi
from aktywni_stack.keycloak import EmbeddedKeycloak
from aktywni_stack.process import ManagedProcess
from aktywni_stack.provider_tokens import ProviderTokens
from aktywni_stack.selection import Infrastructure, select
from aktywni_stack.services import DEMO_ENV, DEMO_PORTS, SERVICES, WEB, ServiceProcess, start_all, web_process
from aktywni_stack.tools import MissingToolError


def _participant_count(reporting: JsonApi) -> int:
    status, body = reporting.get("/projects/TA-2012/participants/count")
    if status == 404:  # not seeded yet (or reporting has not learned of it yet)
        return 0
    if status != 200:
        raise RuntimeError(f"reporting answered HTTP {status}: {body}")
    return int(body["participants"])


def _wait_for_count(reporting: JsonApi, minimum: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while (count := _participant_count(reporting)) < minimum and time.monotonic() < deadline:
        time.sleep(0.2)
    return count


def _seed_and_show(services: list[ServiceProcess], identity: EmbeddedKeycloak) -> bool:
    """The seeding, the tokens and the dashboard link; whether reporting counts the expected participants.

    The seeding signs in at the demo's Keycloak as the persons it names (made members of the realm
    with the demo's password): the services accept no other tokens.
    """
    enrolment, scheduling, reporting = services
    tokens = ProviderTokens(identity.url, password=keycloak.DEMO_PASSWORD, fast_hashing=False)
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
    print("Tokens for trying the APIs (the provider's, valid 5 minutes; a fresh one below); paste these lines:")
    for variable, (organisation, role) in demo_data.EXAMPLE_TOKENS.items():
        print(f"  export {variable}={demo_data.token(tokens, organisation, role)}   # {role.value}, {organisation}")
    variable, organisation, user = demo_data.EXAMPLE_TRAINER
    trainer = demo_data.token(tokens, organisation, Role.TRAINER, user)
    print(f"  export {variable}={trainer}   # trainer {user}, {organisation}")
    print(f"  export ENROLMENT={enrolment.url} SCHEDULING={scheduling.url} REPORTING={reporting.url}")
    print(f"  export ISSUER={identity.issuer}")
    print(
        "A fresh token (5 minutes) of a demo user: export TOKEN=$(curl -fsS -d grant_type=password "
        f"-d client_id={keycloak.TEST_CLIENT} -d username=koordynator-eudajmonia -d password={keycloak.DEMO_PASSWORD} "
        f'"$ISSUER/protocol/openid-connect/token" | jq -r .access_token)'
    )
    dashboard_token = demo_data.token(tokens, demo_data.EUDAJMONIA, Role.COORDINATOR)
    print(f"Dashboard (live): {reporting.url}/dashboard/TA-2012?token={dashboard_token}")
    live = demo_data.wma_project()
    mops_token = demo_data.token(tokens, demo_data.MOPS, Role.COORDINATOR)
    print(
        f"This year's project {live['project_id']} ({live['starts_on']} – {live['ends_on']}): "
        f"{reporting.url}/dashboard/{live['project_id']}?token={mops_token}"
    )
    return count == expected


def _start_services(
    infra: Infrastructure, services: list[ServiceProcess], watched: list[ManagedProcess], issuer: str
) -> None:
    """The services on the chosen Kafka and database, accepting only ``issuer``'s tokens; what to watch
    (a process stopped outside stops the demo)."""
    for service in services:
        service.env["AKTYWNI_OIDC_ISSUER"] = issuer
    if infra.embedded is not None:
        watched += [infra.embedded.kafka.process, infra.embedded.ferretdb.process]
    ready_in = ", ".join(f"{name} ready in {seconds:.1f} s" for name, seconds in infra.start_seconds.items())
    print(f"Kafka {infra.kafka_bootstrap_servers}, database {infra.mongodb_uri} ({infra.source}) {ready_in}")
    start_all(services, infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
    watched += [service.process for service in services]
    for service in services:
        print(f"  {service.name:10} {service.url}/docs   (AsyncAPI: {service.url}/asyncapi.json)")


def _start_web(
    state_dir: Path, infra: Infrastructure, services: list[ServiceProcess], issuer: str, watched: list[ManagedProcess]
) -> ServiceProcess:
    """The staff web application; staff sign in at the demo's Keycloak (its aktywni-web client allows port 3000)."""
    port = int(os.environ.get("AKTYWNI_WEB_PORT", DEMO_PORTS[WEB]))
    web = web_process(state_dir, port, {s.name: s for s in services}, assets.web_assets(), oidc_issuer=issuer)
    start_all([web], infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
    watched.append(web.process)
    print(f"Staff web application: {web.url}/  (sign in as one of the users below)")
    return web


class _Stop(Exception):
    """A signal asked the demo to stop: raised where the demo is, so start-up stops too."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aktywni-demo", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="set up the examples, check the count, then stop")
    args = parser.parse_args(argv)
    state_dir = paths.default_state_dir()
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        first = not stopping
        stopping.append(signum)
        if first:
            raise _Stop

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    started = time.monotonic()
    ports = {name: int(os.environ.get(f"AKTYWNI_{name.upper()}_PORT", DEMO_PORTS[name])) for name in SERVICES}
    services = [ServiceProcess(name, state_dir, ports[name], DEMO_ENV.get(name)) for name in SERVICES]
    watched: list[ManagedProcess] = []

    def stopped_outside() -> str | None:
        gone = [p.name for p in watched if not p.running()]
        return f"{', '.join(gone)} stopped from outside" if gone else None

    supervision.watch(stopped_outside)
    infra = None
    ok = True
    try:
        try:
            # Bound to this process: even a SIGKILL of the demo takes Kafka, the database and the services along.
            infra = select(state_dir, bound_to_parent=True)
        except MissingToolError as error:
            print(f"aktywni-demo: {error}", file=sys.stderr)
            return 2
        identity = demo_identity.start_watched(state_dir, watched)
        _start_services(infra, services, watched, identity.issuer)
        print(f"Everything ready in {time.monotonic() - started:.1f} s. Logs: {state_dir / 'logs'}")
        counted = _seed_and_show(services, identity)
        services.append(_start_web(state_dir, infra, services, identity.issuer, watched))  # stopped with them
        print("\n".join(demo_identity.describe(identity)))
        if args.smoke:
            ok = counted
        else:
            print("Press Ctrl-C to stop everything.", flush=True)
            while True:
                time.sleep(0.5)
    except _Stop:
        pass
    finally:
        watched.clear()
        print("stopping ...", flush=True)
        for service in reversed(services):
            service.stop()
        if infra is not None:
            infra.stop()
        demo_identity.stop(state_dir)
        print("stopped", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

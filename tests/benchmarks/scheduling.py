"""Benchmark of the scheduling service on the real stack: HTTP bookings/s, latency, and a race for seats.

    uv run python -m tests.benchmarks.scheduling [--participants 400] [--concurrency 8] [--racers 60]

Starts Kafka, the database, enrolment and scheduling (embedded unless KAFKA_BOOTSTRAP_SERVERS and
MONGODB_URI are set), enrols made-up persons with disabilities through enrolment's bulk import,
then books each of them into sessions of a workshop (capacity 50) from ``--concurrency`` clients,
records their attendance a session's list per request, books them again into later sessions a
session's group per request (``/bookings/batch``), and lets ``--racers`` requests race for the last
10 seats of one session. Prints one table.
Figures are what this machine did in this run: compare them only with figures measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_stack import demo_data
from aktywni_stack.demo_scheduling import at
from aktywni_stack.embedded import StackPorts
from aktywni_stack.ports import free_port
from aktywni_stack.selection import select
from aktywni_stack.services import ServiceProcess, local_secret, start_all
from tests.support.scheduling import people

PROJECT = "BENCH-SCHED"
SEATS_PER_SESSION = 50
VENUE = {
    "venue_id": "bench-hall",
    "name": "Sala benchmarku",
    "address": {"street": "ul. Testowa 1", "postal_code": "50-001", "city": "Wrocław"},
    "step_free_entrance": True,
    "lift": True,
    "rooms": [{"room_id": f"r{n}", "name": f"Sala {n}", "capacity": 100, "floor": 0} for n in range(40)],
    "opening_hours": {d: [{"opens": "07:00", "closes": "20:00"}] for d in ("mon", "tue", "wed", "thu", "fri")},
}


def _client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120)


def _enrol(enrolment: httpx.Client, count: int) -> list[str]:
    ids = []
    for body in people("on", count, seed=7):
        response = enrolment.post(f"/projects/{PROJECT}/participants", json=body)
        if response.status_code == 201:
            ids.append(response.json()["participant_id"])
    return ids


def _wait_known(scheduling: httpx.Client, ids: list[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        known = {p["participant_id"] for p in scheduling.get(f"/projects/{PROJECT}/participants").json()}
        if set(ids) <= known:
            return
        time.sleep(0.5)
    raise RuntimeError("scheduling did not learn every participant in time")


def _sessions(scheduling: httpx.Client, activity_id: str, count: int, first: date = date(2013, 3, 4)) -> list[str]:
    ids = []
    for n in range(count):
        day = first + timedelta(days=7 * (n // 40))
        body = {**at(day, "10:00", 2), "venue_id": VENUE["venue_id"], "room_id": f"r{n % 40}"}
        response = scheduling.post(f"/activities/{activity_id}/sessions", json=body)
        response.raise_for_status()
        ids.append(response.json()["session_id"])
    return ids


def bookings(scheduling: httpx.Client, pairs: list[tuple[str, str]], concurrency: int) -> dict[str, float]:
    latencies: list[float] = []

    def book(pair: tuple[str, str]) -> None:
        started = time.perf_counter()
        response = scheduling.post(f"/sessions/{pair[0]}/bookings", json={"participant_id": pair[1]})
        latencies.append(time.perf_counter() - started)
        if response.status_code != 201:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text}")

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(book, pairs))
    seconds = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {"per_second": len(pairs) / seconds, "p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000}


def groups(scheduling: httpx.Client, pairs: list[tuple[str, str]]) -> float | None:
    """Bookings/s when each session's participants are booked in one request (None: no such endpoint)."""
    by_session: dict[str, list[str]] = {}
    for session_id, pid in pairs:
        by_session.setdefault(session_id, []).append(pid)
    started = time.perf_counter()
    for session_id, pids in by_session.items():
        response = scheduling.post(f"/sessions/{session_id}/bookings/batch", json={"participant_ids": pids})
        if response.status_code in (404, 405):
            return None
        response.raise_for_status()
    return len(pairs) / (time.perf_counter() - started)


def attendance(scheduling: httpx.Client, pairs: list[tuple[str, str]]) -> float:
    """Attendance records/s when each session's list is recorded in one request (everyone present)."""
    by_session: dict[str, list[str]] = {}
    for session_id, pid in pairs:
        by_session.setdefault(session_id, []).append(pid)
    started = time.perf_counter()
    for session_id, pids in by_session.items():
        records = [{"participant_id": pid, "status": "present"} for pid in pids]
        scheduling.post(f"/sessions/{session_id}/attendance", json={"records": records}).raise_for_status()
    return len(pairs) / (time.perf_counter() - started)


def race(scheduling: httpx.Client, activity_id: str, ids: list[str], racers: int) -> dict[str, Any]:
    body = {**at(date(2013, 6, 3), "10:00", 2), "venue_id": VENUE["venue_id"], "room_id": "r0", "capacity": 10}
    session_id = scheduling.post(f"/activities/{activity_id}/sessions", json=body).json()["session_id"]
    with ThreadPoolExecutor(racers) as pool:
        states = list(
            pool.map(
                lambda pid: scheduling.post(f"/sessions/{session_id}/bookings", json={"participant_id": pid}).json()[
                    "state"
                ],
                ids[:racers],
            )
        )
    return {"confirmed": states.count("confirmed"), "waitlisted": states.count("waitlisted")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--racers", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aktywni-bench-") as tmp:
        workdir = Path(tmp)
        infra = select(workdir / "stack", ports=StackPorts.free(), bound_to_parent=True)
        services = [ServiceProcess(name, workdir, free_port()) for name in ("enrolment", "scheduling")]
        try:
            start_all(services, infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
            tokens = Tokens(local_secret(workdir, "AKTYWNI_JWT_SECRET"))
            admin = tokens.issue(Principal(user="bench", organisation_id=demo_data.MOPS, role=Role.ADMINISTRATOR))
            leader = tokens.issue(Principal(user="bench", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR))
            enrolment, scheduling = (_client(s.url, leader) for s in services)
            for organisation in demo_data.ORGANISATIONS:
                enrolment.post("/organisations", json=organisation, headers={"Authorization": f"Bearer {admin}"})
            enrolment.post("/projects", json=demo_data.ta_project(PROJECT)).raise_for_status()
            ids = _enrol(enrolment, max(args.participants, args.racers))
            _wait_known(scheduling, ids)
            scheduling.post("/venues", json=VENUE).raise_for_status()
            activity = {
                "form": "workshop",
                "title": "Warsztaty",
                "target_categories": ["person_with_disability"],
                "planned_hours": 2,
                "capacity": SEATS_PER_SESSION,
            }
            activity_id = scheduling.post(f"/projects/{PROJECT}/activities", json=activity).json()["activity_id"]
            session_ids = _sessions(scheduling, activity_id, 4)
            pairs = [(session_ids[n % 4], pid) for n, pid in enumerate(ids[: args.participants])]
            pairs = [(s, p) for s, p in pairs][: SEATS_PER_SESSION * 4]
            measured = bookings(scheduling, pairs, args.concurrency)
            recorded = attendance(scheduling, pairs)
            later = _sessions(scheduling, activity_id, 4, first=date(2013, 4, 8))
            grouped = groups(scheduling, [(later[n % 4], pid) for n, (_, pid) in enumerate(pairs)])
            raced = race(scheduling, activity_id, ids, args.racers)
        finally:
            for service in services:
                service.stop()
            infra.stop()
    print(f"\nscheduling benchmark ({infra.source} stack)")
    print(f"{'measure':44} {'value':>12}")
    print(
        f"{'HTTP bookings/s (' + str(args.concurrency) + ' clients, ' + str(len(pairs)) + ' bookings)':44} "
        f"{measured['per_second']:12.1f}"
    )
    print(f"{'HTTP booking latency p50 (ms)':44} {measured['p50_ms']:12.1f}")
    print(f"{'HTTP booking latency p99 (ms)':44} {measured['p99_ms']:12.1f}")
    group_rate = "n/a" if grouped is None else f"{grouped:.1f}"
    print(f"{'HTTP bookings/s, a session per request':44} {group_rate:>12}")
    print(f"{'HTTP attendance records/s, a list per request':44} {recorded:12.1f}")
    overbooked = max(0, raced["confirmed"] - 10)
    print(f"{str(args.racers) + ' racing requests for 10 seats: confirmed':44} {raced['confirmed']:12d}")
    print(f"{'  waitlisted':44} {raced['waitlisted']:12d}")
    print(f"{'  overbookings':44} {overbooked:12d}")


if __name__ == "__main__":
    main()

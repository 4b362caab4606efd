"""Benchmark of reporting's projection on the real stack: catch-up events/s and dashboard update latency.

    uv run python -m tests.benchmarks.reporting [--events 100000] [--projects 10]

Starts a fresh embedded stack (its topics are new and empty) unless KAFKA_BOOTSTRAP_SERVERS and
MONGODB_URI are set, publishes N synthetic events (ProjectRegistered, then per person
ParticipantEnrolled, SupportStarted, SupportCompleted), starts the reporting service and times how
long it takes to count them all (catch-up), then publishes one more SupportStarted and times until
the dashboard stream (server-sent events) shows it. Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.contracts.topics import ALL
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_stack import demo_data
from aktywni_stack.embedded import StackPorts
from aktywni_stack.ports import free_port
from aktywni_stack.selection import select
from aktywni_stack.services import ServiceProcess, local_secret
from tests.support.reporting import Person, project_events, publish

CATEGORIES = ("person_with_disability", "environment_person", "staff_trainee")


def synthetic(events: int, projects: int) -> tuple[list[Any], dict[str, int]]:
    """About ``events`` events over ``projects`` projects, and the expected TA-ON-SUPPORTED per project."""
    out: list[Any] = []
    expected: dict[str, int] = {}
    per_project = max(1, (events - 4 * projects) // (3 * projects))
    for p in range(projects):
        project_id = f"BENCH-{p:03d}"
        out += project_events(project_id)
        expected[project_id] = 0
        for n in range(per_project):
            category = CATEGORIES[n % 3]
            person = Person(project_id, category, "K" if n % 2 else "M", birth_year=1950 + n % 50, mops_employee=True)
            out += [person.enrolled(), person.started(), person.completed()]
            expected[project_id] += category == "person_with_disability"
    return out, expected


def supported(client: httpx.Client, project_id: str) -> int:
    try:
        response = client.get(f"/projects/{project_id}/report")
    except httpx.TimeoutException:
        return -1  # the service is busy catching up
    if response.status_code != 200:
        return -1
    return int(next(i["value"] for i in response.json()["indicators"] if i["code"] == "TA-ON-SUPPORTED"))


def sse_latency(url: str, token: str, project_id: str, bootstrap: str) -> float:
    """Seconds from publishing one SupportStarted to the stream's report showing it."""
    extra = Person(project_id, "person_with_disability", "K")
    headers = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=url, headers=headers, timeout=None) as client,
        client.stream("GET", f"/projects/{project_id}/stream") as stream,
    ):
        published = 0.0
        baseline: int | None = None
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            report = json.loads(line[5:])
            value = next(i["value"] for i in report["indicators"] if i["code"] == "TA-ON-SUPPORTED")
            if baseline is None:
                baseline = value
                published = time.perf_counter()
                asyncio.run(publish(bootstrap, [extra.started()]))
            elif value == baseline + 1:
                return time.perf_counter() - published
    raise RuntimeError("the stream ended before the update arrived")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aktywni-bench-") as tmp:
        workdir = Path(tmp)
        infra = select(workdir / "stack", ports=StackPorts.free(), bound_to_parent=True)
        service = ServiceProcess("reporting", workdir, free_port())
        try:
            asyncio.run(ensure_topics(infra.kafka_bootstrap_servers, ALL))
            events, expected = synthetic(args.events, args.projects)
            started = time.perf_counter()
            asyncio.run(publish(infra.kafka_bootstrap_servers, events))
            print(f"published {len(events)} events in {time.perf_counter() - started:.1f} s", flush=True)
            tokens = Tokens(local_secret(workdir, "AKTYWNI_JWT_SECRET"))
            token = tokens.issue(Principal(user="bench", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR))
            started = time.perf_counter()
            service.launch(infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
            service.wait_ready()
            with httpx.Client(base_url=service.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
                for project_id in expected:
                    while (
                        client.post(
                            f"/projects/{project_id}/indicators/template", json={"template": "trener-aktywnosci"}
                        ).status_code
                        != 200
                    ):
                        time.sleep(0.2)
                remaining = dict(expected)
                while remaining:
                    remaining = {p: n for p, n in remaining.items() if supported(client, p) != n}
                    time.sleep(0.2)
            seconds = time.perf_counter() - started
            print(
                f"catch-up: {len(events)} events counted in {seconds:.1f} s = {len(events) / seconds:.0f} events/s "
                f"(service start included; {args.projects} projects, {sum(expected.values())} ON supported)",
                flush=True,
            )
            latencies = [sse_latency(service.url, token, "BENCH-000", infra.kafka_bootstrap_servers) for _ in range(5)]
            print(
                "dashboard update latency (publish → SSE report): "
                + ", ".join(f"{s * 1000:.0f} ms" for s in latencies),
                flush=True,
            )
        finally:
            service.stop()
            infra.stop()


if __name__ == "__main__":
    main()

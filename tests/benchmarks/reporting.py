"""Benchmark of reporting's projection on the real stack: catch-up events/s and dashboard update latency.

    uv run python -m tests.benchmarks.reporting [--events 100000] [--projects 10] [--latency-samples 5]

Starts a fresh embedded stack (its topics are new and empty) unless KAFKA_BOOTSTRAP_SERVERS and
MONGODB_URI are set, publishes N synthetic events (ProjectRegistered, then per person
ParticipantEnrolled, SupportStarted, SupportCompleted), times a bare Kafka consumer reading them all
(the ceiling), starts the reporting service and times how long it takes to count them all from
offset 0 into an empty view (catch-up), then publishes one more SupportStarted and times until the
dashboard stream (server-sent events) shows it. Prints figures; asserts nothing about speed.
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


async def kafka_ceiling(bootstrap: str, records: int) -> float:
    """Seconds a bare consumer (no decoding) takes to read ``records`` records of the source topics from offset 0."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from reporting.app import SOURCE_TOPICS

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(t.name, p) for t in SOURCE_TOPICS for p in range(t.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        started = time.perf_counter()
        read = 0
        while read < records:
            batches = await consumer.getmany(timeout_ms=1000, max_records=2000)
            read += sum(len(b) for b in batches.values())
        return time.perf_counter() - started
    finally:
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--latency-samples", type=int, default=5)
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
            ceiling = asyncio.run(kafka_ceiling(infra.kafka_bootstrap_servers, len(events)))
            print(
                f"kafka consumer ceiling: {len(events)} events read in {ceiling:.2f} s = "
                f"{len(events) / ceiling:.0f} events/s (no decoding)",
                flush=True,
            )
            tokens = Tokens(local_secret(workdir, "AKTYWNI_JWT_SECRET"))
            token = tokens.issue(Principal(user="bench", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR))
            started = time.perf_counter()
            service.launch(infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
            service.wait_ready()
            ready = time.perf_counter()
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
            done = time.perf_counter()
            seconds, counting = done - started, done - ready
            print(
                f"catch-up: events={len(events)} seconds={seconds:.1f} events/s={len(events) / seconds:.0f} "
                f"(service start included; from ready: {counting:.1f} s = {len(events) / counting:.0f} events/s, "
                f"{len(events) / counting / (len(events) / ceiling):.3f} of the Kafka ceiling; "
                f"{args.projects} projects, {sum(expected.values())} ON supported)",
                flush=True,
            )
            latencies = [
                sse_latency(service.url, token, "BENCH-000", infra.kafka_bootstrap_servers)
                for _ in range(args.latency_samples)
            ]
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

"""`make bench`: the whole system on the embedded stack, against Kafka's own ceiling and a peer sink.

    uv run python -m tests.benchmarks.bench [--quick] [--max-events N] [--runs 3] [--out var/bench/latest.json]

1. Publishes a realistic event stream (participants of several organisations and projects, with the
   proportions of categories, support and completions of the "Trener Aktywności" project) in steps
   of the cost curve (10 k, 100 k, 1 M events; ``--max-events`` caps it). At each step:
   - ceiling: Kafka's ConsumerPerformance reading the same topics from offset 0 (``ceiling.py``);
   - peer: the Debezium MongoDB sink connector sinking them into the same database (``peer.py``), if
     its jars can be had;
   - ours: a fresh reporting process catching up from offset 0 into an empty view, timed until its
     consumer group's committed offsets reach the end of every topic (start-up included), then the
     counts checked against what was published.
   A step is skipped, and the output says so, when its estimated time would overrun the budget.
0. The database's own ceiling on the stack's database (``database.py``: insert_one, update_one by
   ``_id``, a conditional update, find_one by ``_id``, insert_many of 100; serial and 8 clients), and on
   the embedded stack the proxy's write lock per database against one lock for all; every write-path
   figure below is printed as a ratio to it.
2. Starts enrolment, scheduling and reporting and measures: the knee, the highest sustained enrolment
   rate at which enrol → reporting's participant count p99 stays under 1 s (a step search over offered
   rates, 10 s steps, each step's latency p50/p95/p99 and the rate achieved);
   HTTP enrolments and bookings per second and p99 (one instance each); publish → dashboard stream
   latency; the peak resident memory (VmHWM) of each service process.

Each figure is the median of ``--runs`` runs, with min and max. Prints one table, writes JSON to ``--out``.
Asserts nothing about speed: figures are what this machine did in this run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.ids import uuid7
from aktywni_shared.contracts.registry import encode
from aktywni_shared.contracts.topics import (
    ALL,
    ENROLMENT_PARTICIPANTS,
    ENROLMENT_PROJECTS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
)
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_stack import demo_data, paths
from aktywni_stack.demo_scheduling import at
from aktywni_stack.embedded import StackPorts
from aktywni_stack.ports import free_port
from aktywni_stack.selection import Infrastructure, select
from aktywni_stack.services import SECRETS, ServiceProcess, local_secret
from tests.benchmarks import ceiling, database, peer, tokens
from tests.benchmarks.enrolment import http_enrolments
from tests.benchmarks.reporting import sse_latency, supported
from tests.benchmarks.round_trips import rows as round_trip_rows
from tests.benchmarks.round_trips import run as round_trips
from tests.benchmarks.scheduling import PROJECT as SCHED_PROJECT
from tests.benchmarks.scheduling import VENUE, _enrol, _wait_known, bookings
from tests.support.people import person
from tests.support.reporting import TRAINING, Person, declaration, key_of, project_events, topic_of

#: The topics reporting's view is built from (reporting.app.SOURCE_TOPICS).
SOURCE_TOPICS = [ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE]
SOURCE = [t.name for t in SOURCE_TOPICS]
FULL_CURVE = (10_000, 100_000, 1_000_000)
QUICK_CURVE = (2_000, 10_000)
BUDGET_SECONDS = 14 * 60 + 30
#: From this size on, each consumer reads the stream once (a median of several runs would overrun the budget).
SINGLE_RUN_FROM = 1_000_000
#: What the services' part (end-to-end, HTTP, dashboard) takes here, kept free of the cost curve.
SERVICES_SECONDS = 240
#: Bookings per run of the HTTP booking figure.
BOOKINGS = 100
#: The knee: enrol → dashboard p99 under this at a sustained rate; offered rates start here and double.
KNEE_P99_MS = 1000.0
KNEE_FIRST_RATE = 8.0
KNEE_MAX_STEPS = 8
#: No knee step starts this long after the first (the services' part keeps to SERVICES_SECONDS).
KNEE_SECONDS = 120.0
CHUNK = 10_000


# --------------------------------------------------------------------------------------------------
# The event stream


@dataclass
class Stream:
    """A realistic stream, made and published in chunks; what reporting must count from it."""

    projects: int
    published: int = 0
    expected_on_supported: dict[str, int] = field(default_factory=dict)
    _persons: int = 0
    _templates: dict[tuple[Any, ...], Template] = field(default_factory=dict)

    def project_ids(self) -> list[str]:
        return [f"BENCH-{p:03d}" for p in range(self.projects)]

    def head(self) -> list[Envelope]:
        """Each project registered with its partners, and the institutions' declarations."""
        events: list[Envelope] = []
        for project_id in self.project_ids():
            self.expected_on_supported[project_id] = 0
            events += project_events(project_id)
            for n in range(5):
                events.append(declaration(project_id, "implement_model", f"Ośrodek Pomocy Społecznej nr {n + 1}"))
                events.append(declaration(project_id, "cooperate", f"Stowarzyszenie nr {n + 1}"))
        return events

    def person_events(self) -> list[Raw]:
        """One more participant's path, in the proportions of the TA project, as records to publish.

        30 persons with disabilities : 30 of their environment : 15 staff trainees; a third enrolled by
        the partner; 1 in 20 withdraws before any support; the others start individual meetings and
        then the training (two SupportStarted); trainees and every other participant complete it.

        The contract models make the events of each distinct path once (it repeats every 49 500
        people); a later person with the same path gets the same records with ids of their own (the
        participant, the linked person, each event): building every event through the models made
        publishing 1 M events take minutes of the benchmark's budget.
        """
        n = self._persons
        self._persons += 1
        project_id = self.project_ids()[n % self.projects]
        slot = (n // self.projects) % 75
        category = "person_with_disability" if slot < 30 else "environment_person" if slot < 60 else "staff_trainee"
        sex = "K" if n % 5 < 3 else "M"
        organisation_id = demo_data.FRDL if n % 3 == 0 else demo_data.EUDAJMONIA
        month = 2 + n % 9
        withdraws = n % 20 == 7
        completes = category == "staff_trainee" or n % 2 == 0
        shape = (project_id, category, sex, 1950 + n % 55, organisation_id, n % 3 != 0, month, withdraws, completes)
        if not withdraws:
            self.expected_on_supported[project_id] += category == "person_with_disability"
        template = self._templates.get(shape)
        if template is None:
            template = self._templates[shape] = self._path(*shape)
            return template.records
        return template.fresh()

    @staticmethod
    def _path(
        project_id: str,
        category: str,
        sex: str,
        birth_year: int,
        organisation_id: str,
        mops_employee: bool,
        month: int,
        withdraws: bool,
        completes: bool,
    ) -> Template:
        who = Person(
            project_id,
            category,
            sex,
            birth_year=birth_year,
            organisation_id=organisation_id,
            **({"mops_employee": mops_employee} if category == "staff_trainee" else {}),
        )
        events = [who.enrolled(f"2012-{month:02d}-01")]
        if withdraws:
            events.append(who.withdrawn(f"2012-{month:02d}-10"))
        else:
            if category != "staff_trainee":
                events.append(who.started(f"2012-{month:02d}-15"))
            events.append(who.started(f"2012-{month:02d}-20", activity=TRAINING, form="training"))
            if completes:
                events.append(who.completed(f"2012-{month + 2:02d}-28"))
        people = [str(who.participant_id)]
        if linked := who.attrs.get("linked_participant_id"):
            people.append(str(linked))
        return Template(
            [(topic_of(e), key_of(e), encode(e)) for e in events], people, [str(e.event_id) for e in events]
        )

    def grow_to(self, bootstrap: str, total: int) -> float:
        """Publish until the topics hold ``total`` events (about: a person's path is not split); seconds."""
        started = time.perf_counter()
        if self.published == 0:
            head = [(topic_of(e), key_of(e), encode(e)) for e in self.head()]
            asyncio.run(publish_raw(bootstrap, head))
            self.published += len(head)
        while self.published < total:
            chunk: list[Raw] = []
            while len(chunk) < min(CHUNK, total - self.published):
                chunk += self.person_events()
            asyncio.run(publish_raw(bootstrap, chunk))
            self.published += len(chunk)
        return time.perf_counter() - started


#: A record to publish: topic, key, value.
Raw = tuple[str, bytes, bytes]


@dataclass
class Template:
    """The records of one participant's path, and the ids in them that each copy replaces."""

    records: list[Raw]
    people: list[str]
    events: list[str]

    def fresh(self) -> list[Raw]:
        """The same records with new ids (uuid4 for people, uuid7 for events, as the services make them)."""
        replacements = [(old.encode(), str(uuid.uuid4()).encode()) for old in self.people]
        replacements += [(old.encode(), str(uuid7()).encode()) for old in self.events]
        out: list[Raw] = []
        for topic, key, value in self.records:
            new_key, new_value = key, value
            for old, new in replacements:
                new_value = new_value.replace(old, new)
                new_key = new_key.replace(old, new)
            out.append((topic, new_key, new_value))
        return out


async def publish_raw(bootstrap: str, records: list[Raw]) -> None:
    """Publish records as the services' producers do (idempotent, acks=all), in large batches."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=20, max_batch_size=1 << 20
    )
    await producer.start()
    try:
        sent = [await producer.send(topic, value, key=key) for topic, key, value in records]
        for future in sent:
            await future
    finally:
        await producer.stop()


# --------------------------------------------------------------------------------------------------
# Kafka helpers


async def _end_offsets(bootstrap: str, topics: list[str]) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


def end_offsets(bootstrap: str, topics: list[str]) -> dict[TopicPartition, int]:
    return asyncio.run(_end_offsets(bootstrap, topics))


async def _committed(bootstrap: str, group: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        return {tp: meta.offset for tp, meta in (await admin.list_consumer_group_offsets(group)).items()}
    finally:
        await admin.close()


def caught_up(bootstrap: str, group: str, ends: dict[TopicPartition, int]) -> bool:
    try:
        committed = asyncio.run(_committed(bootstrap, group))
    except Exception:  # noqa: BLE001 - the group is not there yet, or the broker is busy: not caught up
        return False
    return all(end == 0 or committed.get(tp, -1) >= end for tp, end in ends.items())


async def _commit_at_end(bootstrap: str, group: str, topics: list[str]) -> None:
    """Start ``group`` at the end of ``topics``: a service in it reads only what comes next."""
    ends = await _end_offsets(bootstrap, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(ends))
        await consumer.commit(dict(ends.items()))
    finally:
        await consumer.stop()


# --------------------------------------------------------------------------------------------------
# Figures


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def peak_rss_mib(pid: int | None) -> float | None:
    """VmHWM (peak resident set) of a process, MiB."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def quantiles_ms(latencies: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": cuts[49] * 1000, "p95_ms": cuts[94] * 1000, "p99_ms": cuts[98] * 1000}


@dataclass
class Bench:
    infra: Infrastructure
    workdir: Path
    runs: int
    deadline: float
    secrets: dict[str, str]
    tokens: Tokens
    notes: list[str] = field(default_factory=list)
    #: The largest size at which the peer runs (it is far slower than the others on FerretDB).
    peer_max_events: int = 10_000
    #: The services' figures, filled in as they are measured (kept if a later one fails).
    live: dict[str, Any] = field(default_factory=dict)

    def token(self, organisation_id: str, role: Role) -> str:
        return self.tokens.issue(Principal(user="bench", organisation_id=organisation_id, role=role))

    def service(self, name: str, **env: str) -> ServiceProcess:
        process = ServiceProcess(name, self.workdir, free_port())
        process.launch(
            self.infra.kafka_bootstrap_servers,
            self.infra.mongodb_uri,
            extra_env={**self.secrets, **env},
            bound_to_parent=True,
        )
        return process

    # ---- ours

    def ours(self, stream: Stream, verify: bool) -> dict[str, float]:
        """One catch-up of a fresh reporting process from offset 0 into an empty view."""
        bootstrap = self.infra.kafka_bootstrap_servers
        ends = end_offsets(bootstrap, SOURCE)
        group = f"bench_ours_{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        process = self.service("reporting", REPORTING_DATABASE=group, REPORTING_GROUP_ID=group)
        try:
            ready = process.wait_ready(timeout=180)
            limit = time.monotonic() + max(300.0, stream.published / 200)
            while not caught_up(bootstrap, group, ends):
                if time.monotonic() > limit or not process.process.running():
                    raise RuntimeError(f"reporting did not catch up; its log:\n{process.process.log_tail()}")
                time.sleep(0.25)
            seconds = time.perf_counter() - started
            rss = peak_rss_mib(process.process.pid())
            if verify:
                self._verify(process, stream)
            # After the reports of every project (the verification): what serving them all costs.
            rss_reports = peak_rss_mib(process.process.pid())
        finally:
            process.stop()
        return {
            "seconds": seconds,
            "per_second": stream.published / seconds,
            "start_seconds": ready,
            "after_start_per_second": stream.published / max(seconds - ready, 1e-3),
            "rss": rss or 0,
            "rss_after_reports": rss_reports or 0,
        }

    def _verify(self, process: ServiceProcess, stream: Stream) -> None:
        token = self.token(demo_data.EUDAJMONIA, Role.COORDINATOR)
        with httpx.Client(base_url=process.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            for project_id, expected in stream.expected_on_supported.items():
                client.post(f"/projects/{project_id}/indicators/template", json={"template": "trener-aktywnosci"})
                got = supported(client, project_id)
                if got != expected:
                    raise RuntimeError(f"{project_id}: reporting counted {got} ON supported, {expected} published")

    # ---- the database's own ceiling

    def database(self, *, quick: bool) -> dict[str, Any]:
        """The ceiling operations on the stack's database (``database.py``), and on the embedded stack the
        write lock per database against one lock for all (two services' databases written at once)."""
        seconds = 2.0 if quick else 3.0
        out: dict[str, Any] = {}
        print("[bench] the database's own ceiling", flush=True)
        try:
            out["ceiling"] = database.ceiling(self.infra.mongodb_uri, seconds=seconds)
            if self.infra.source == "embedded":
                out["locks"] = database.locks(self.workdir / "locks", seconds=seconds)
        except Exception as error:  # noqa: BLE001 - keep the other figures, say what failed
            self.notes.append(f"the database's ceiling stopped: {type(error).__name__}: {str(error)[:300]}")
        return out

    # ---- the curve

    def curve(self, sizes: list[int], stream: Stream) -> list[dict[str, Any]]:
        bootstrap = self.infra.kafka_bootstrap_servers
        peer_missing = peer.available()
        if peer_missing:
            self.notes.append(f"peer not measured: the {peer.NAME}'s jars could not be had ({peer_missing})")
        steps: list[dict[str, Any]] = []
        rate: float | None = None  # ours, events/s from /ready on
        start: float = 0.0  # ours, seconds to /ready
        publish_rate: float | None = None
        peer_rate: float | None = None
        for size in sizes:
            runs = self.runs if size < SINGLE_RUN_FROM else 1
            with_peer = not peer_missing and size <= self.peer_max_events
            if rate and publish_rate:
                estimate = (size - stream.published) / publish_rate + runs * (size / rate + start + 20)
                if with_peer and peer_rate:
                    estimate += runs * (size / peer_rate + 20)
                left = self.deadline - time.monotonic() - SERVICES_SECONDS  # keep time for the services' part
                if estimate > left:
                    self.notes.append(
                        f"cost curve stopped at {steps[-1]['events']} events: {size} would take about "
                        f"{estimate:.0f} s, {max(0.0, left):.0f} s of the budget left"
                    )
                    break
            before = stream.published
            seconds = stream.grow_to(bootstrap, size)
            publish_rate = (stream.published - before) / seconds
            print(f"[bench] {stream.published} events on the topics (published at {publish_rate:.0f}/s)", flush=True)
            if runs < self.runs:
                self.notes.append(f"{size} events: one run of each consumer (the budget has no room for more)")
            if not peer_missing and not with_peer:
                self.notes.append(
                    f"{size} events: the peer not run (it writes a few hundred events/s here; "
                    f"--peer-max-events {self.peer_max_events})"
                )
            step = self._step(stream, runs, with_peer)
            rate = step["ours_after_start_per_second"]["median"]
            start = step["ours_start_seconds"]["median"]
            if "peer_per_second" in step:
                peer_rate = step["peer_per_second"]["median"]
            steps.append(step)
        return steps

    def _step(self, stream: Stream, runs: int, with_peer: bool) -> dict[str, Any]:
        """Ceiling, peer (if ``with_peer``) and ours, ``runs`` times each, on the stream as it is now."""
        bootstrap = self.infra.kafka_bootstrap_servers
        ceilings, peers, ours = [], [], []
        for run in range(runs):
            ceilings.append(ceiling.consumer_performance(bootstrap, SOURCE, stream.published, self.workdir))
            if with_peer:
                try:
                    peers.append(
                        peer.mongo_sink(bootstrap, self.infra.mongodb_uri, SOURCE, stream.published, self.workdir)
                    )
                except RuntimeError as error:  # e.g. past its deadline on a loaded machine: the rest goes on
                    self.notes.append(f"{stream.published} events, run {run + 1}: the peer failed: {str(error)[:200]}")
                    with_peer = False
            ours.append(self.ours(stream, verify=run == 0))
            print(
                f"[bench]   run {run + 1}: ceiling {ceilings[-1]['per_second']:.0f}/s"
                + (f", peer {peers[-1]['per_second']:.0f}/s" if peers else "")
                + f", ours {ours[-1]['per_second']:.0f}/s ({ours[-1]['seconds']:.1f} s)",
                flush=True,
            )
        step: dict[str, Any] = {
            "events": stream.published,
            "ceiling_per_second": spread([c["per_second"] for c in ceilings]),
            "ceiling_fetch_per_second": spread([c["fetch_per_second"] for c in ceilings]),
            "ours_per_second": spread([o["per_second"] for o in ours]),
            "ours_seconds": spread([o["seconds"] for o in ours]),
            "ours_start_seconds": spread([o["start_seconds"] for o in ours]),
            "ours_after_start_per_second": spread([o["after_start_per_second"] for o in ours]),
            "ours_us_per_event": spread([o["seconds"] / stream.published * 1e6 for o in ours]),
            "ours_peak_rss_mib": spread([o["rss"] for o in ours]),
            "verified": True,
        }
        if peers:
            step["peer_per_second"] = spread([p["per_second"] for p in peers])
            step["peer_seconds"] = spread([p["seconds"] for p in peers])
        return step

    # ---- the services under load

    def services(self, *, seconds: float, requests: int) -> dict[str, Any]:
        bootstrap = self.infra.kafka_bootstrap_servers
        group = f"bench_live_{uuid.uuid4().hex[:8]}"
        # Every service starts at the end of the topics: the curve's synthetic history is not theirs to read.
        for name in (group, "enrolment", "scheduling"):
            asyncio.run(_commit_at_end(bootstrap, name, SOURCE))
        processes = {
            "enrolment": self.service("enrolment"),
            "scheduling": self.service("scheduling"),
            "reporting": self.service("reporting", REPORTING_DATABASE=group, REPORTING_GROUP_ID=group),
        }
        try:
            for process in processes.values():
                process.wait_ready(timeout=180)
            admin = self.token(demo_data.MOPS, Role.ADMINISTRATOR)
            leader = self.token(demo_data.EUDAJMONIA, Role.COORDINATOR)
            enrolment = httpx.Client(
                base_url=processes["enrolment"].url, headers={"Authorization": f"Bearer {leader}"}, timeout=60
            )
            for organisation in demo_data.ORGANISATIONS:
                enrolment.post("/organisations", json=organisation, headers={"Authorization": f"Bearer {admin}"})
            projects = ["BENCH-LIVE", SCHED_PROJECT, *(f"BENCH-HTTP-{r}" for r in range(self.runs))]
            for project in projects:
                enrolment.post("/projects", json=demo_data.ta_project(project)).raise_for_status()
            out = self.live
            out["knee"] = self.knee(processes, leader, enrolment, seconds)
            print("[bench] HTTP enrolments", flush=True)
            http = [
                http_enrolments(processes["enrolment"].url, leader, f"BENCH-HTTP-{r}", requests, 8)
                for r in range(self.runs)
            ]
            out["enrolment_http"] = {
                "per_second": spread([h["per_second"] for h in http]),
                "p99_ms": spread([h["p99_ms"] for h in http]),
                "requests": requests,
                "concurrency": 8,
            }
            print("[bench] HTTP bookings", flush=True)
            out["booking_http"] = self.bookings(processes["scheduling"].url, enrolment, leader)
            print("[bench] publish → dashboard stream", flush=True)
            with httpx.Client(
                base_url=processes["reporting"].url, headers={"Authorization": f"Bearer {leader}"}, timeout=60
            ) as reporting:
                template = {"template": "trener-aktywnosci"}
                limit = time.monotonic() + 60
                while reporting.post("/projects/BENCH-LIVE/indicators/template", json=template).status_code != 200:
                    if time.monotonic() > limit:
                        raise RuntimeError("reporting did not learn the project BENCH-LIVE")
                    time.sleep(0.5)
            dashboard = [
                sse_latency(processes["reporting"].url, leader, "BENCH-LIVE", bootstrap) for _ in range(self.runs)
            ]
            out["publish_to_stream_ms"] = spread([d * 1000 for d in dashboard])
            enrolment.close()
        finally:
            self.live["peak_rss_mib"] = {name: peak_rss_mib(p.process.pid()) for name, p in processes.items()}
            for process in processes.values():
                process.stop()
        return out

    def knee(self, processes: dict[str, ServiceProcess], leader: str, enrolment: httpx.Client, seconds: float) -> Any:
        """The highest sustained enrolment rate at which enrol → participant count p99 stays under 1 s.

        A step search over offered rates, ``seconds`` each, a project of its own per step: from
        KNEE_FIRST_RATE the rate doubles while sustained, then halves the interval between the highest
        sustained and the lowest unsustained rate until they are within 25 % (no step starts KNEE_SECONDS
        after the first, half that with shorter steps). Sustained: every enrolment done and shown, none
        dropped, the rate achieved, p99 under KNEE_P99_MS.
        """
        steps: list[dict[str, Any]] = []
        good: float | None = None
        bad: float | None = None
        rate = KNEE_FIRST_RATE
        stop_at = min(self.deadline, time.monotonic() + (KNEE_SECONDS if seconds >= 10 else KNEE_SECONDS / 2))
        while len(steps) < KNEE_MAX_STEPS and time.monotonic() < stop_at:
            project = f"BENCH-KNEE-{len(steps)}"
            enrolment.post("/projects", json=demo_data.ta_project(project)).raise_for_status()
            time.sleep(1.0)  # reporting learns the project before the first enrolment is due
            print(f"[bench] knee: enrolments at {rate:.1f}/s for {seconds:.0f} s", flush=True)
            step = self.end_to_end(
                processes,
                leader,
                rate,
                seconds,
                project=project,
                first=900_000 + 10_000 * len(steps),
                patience=5.0,
                show_timeout=10.0,
            )
            step["sustained"] = (
                step["enrolled"] == step["due"]
                and step["shown"] >= step["enrolled"]
                and step["achieved_per_second"] >= 0.9 * rate
                and step.get("p99_ms", float("inf")) < KNEE_P99_MS
            )
            steps.append(step)
            if step["sustained"]:
                good = rate
            else:
                bad = rate
                self._settle(processes["reporting"].url, project, step["enrolled"])
            if good is not None and bad is not None and bad / good <= 1.25:
                break
            if bad is None:
                rate *= 2
            elif good is None:
                if rate <= 1.0:
                    break
                rate /= 2
            else:
                rate = (good + bad) / 2
        best = max((s for s in steps if s["sustained"]), key=lambda s: s["target_per_second"], default=None)
        return {
            "per_second": best["target_per_second"] if best else 0.0,
            "p99_ms": best.get("p99_ms") if best else None,
            "p99_limit_ms": KNEE_P99_MS,
            "step_seconds": seconds,
            "steps": steps,
        }

    def _settle(self, url: str, project: str, count: int, timeout: float = 30.0) -> None:
        """After an unsustained step, wait (up to ``timeout``) until reporting shows what was enrolled."""
        watcher = CountWatcher(url, self.token(demo_data.MOPS, Role.AUDITOR), project)
        watcher.until(count, timeout=timeout)

    def end_to_end(
        self,
        processes: dict[str, ServiceProcess],
        leader: str,
        rate: float,
        seconds: float,
        *,
        project: str = "BENCH-LIVE",
        first: int = 900_000,
        patience: float = 30.0,
        show_timeout: float = 120.0,
    ) -> Any:
        """Enrolments over HTTP at a fixed rate until reporting's participant count includes them.

        The k-th enrolment (by the time it was due) counts as shown when the count first reaches k; the
        send time is the time it was due, so a service that falls behind shows it as latency. A service
        slower than the rate gets ``patience`` s more to send (the rest is dropped), and ``show_timeout``
        s for the count to show what it enrolled.
        """
        count = max(2, int(rate * seconds))
        bodies = [
            demo_data.staff_trainee(**{**person(_rng(r), first + r), "organisation_id": demo_data.EUDAJMONIA})
            for r in range(count)
        ]
        due = [0.0] * count
        ok = [False] * count
        local = threading.local()

        def client() -> httpx.Client:
            if not hasattr(local, "client"):
                local.client = httpx.Client(
                    base_url=processes["enrolment"].url, headers={"Authorization": f"Bearer {leader}"}, timeout=60
                )
            return local.client  # type: ignore[no-any-return]

        def enrol(index: int) -> None:
            response = client().post(f"/projects/{project}/participants", json=bodies[index])
            ok[index] = response.status_code == 201

        reader = self.token(demo_data.MOPS, Role.AUDITOR)
        watcher = CountWatcher(processes["reporting"].url, reader, project)
        start = time.perf_counter() + 0.5
        pool = ThreadPoolExecutor(64)
        sent = []
        for index in range(count):
            due[index] = start + index / rate
            pause = due[index] - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            sent.append(pool.submit(enrol, index))
        # A service slower than the rate leaves a queue: it gets ``patience`` s more, then what is left is dropped.
        wait(sent, timeout=max(0.0, start + seconds + patience - time.perf_counter()))
        pool.shutdown(wait=True, cancel_futures=True)
        sent_seconds = time.perf_counter() - start
        enrolled = sum(ok)
        seen = watcher.until(enrolled, timeout=show_timeout)
        shown = seen[-1][1] if seen else 0
        latencies = shown_after(sorted(d for d, good in zip(due, ok, strict=True) if good), seen)
        return {
            "target_per_second": rate,
            "achieved_per_second": enrolled / sent_seconds,
            "seconds": seconds,
            "due": count,
            "enrolled": enrolled,
            "dropped": sum(f.cancelled() for f in sent),
            "shown": shown,
            **(quantiles_ms(latencies) if len(latencies) >= 2 else {}),
        }

    def bookings(self, url: str, enrolment: httpx.Client, leader: str) -> dict[str, Any]:
        """Bookings/s and p99 (scheduling benchmark's functions): BOOKINGS bookings into 4 new sessions per run."""
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {leader}"}, timeout=120) as scheduling:
            ids = _enrol(enrolment, BOOKINGS)
            _wait_known(scheduling, ids)
            scheduling.post("/venues", json=VENUE).raise_for_status()
            results = []
            for run in range(self.runs):
                activity = {
                    "form": "workshop",
                    "title": f"Warsztaty {run + 1}",
                    "target_categories": ["person_with_disability"],
                    "planned_hours": 2,
                    "capacity": 50,
                }
                activity_id = scheduling.post(f"/projects/{SCHED_PROJECT}/activities", json=activity).json()[
                    "activity_id"
                ]
                day = date(2013, 3, 4) + timedelta(days=7 * run)
                sessions = []
                for n in range(4):
                    body = {**at(day, f"{8 + 2 * n:02d}:00", 2), "venue_id": VENUE["venue_id"], "room_id": f"r{n}"}
                    response = scheduling.post(f"/activities/{activity_id}/sessions", json=body)
                    response.raise_for_status()
                    sessions.append(response.json()["session_id"])
                pairs = [(sessions[n % 4], pid) for n, pid in enumerate(ids[:BOOKINGS])]
                results.append(bookings(scheduling, pairs, 8))
        return {
            "per_second": spread([r["per_second"] for r in results]),
            "p99_ms": spread([r["p99_ms"] for r in results]),
            "requests": BOOKINGS,
            "concurrency": 8,
        }


class CountWatcher:
    """Polls reporting's participant count of one project; the times at which it grew."""

    def __init__(self, url: str, token: str, project: str) -> None:
        self.seen: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self._path = f"/projects/{project}/participants/count"
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        last = 0
        while not self._stop.is_set():
            response = self._client.get(self._path)
            now = time.perf_counter()
            if response.status_code == 200 and (value := int(response.json()["participants"])) > last:
                self.seen.append((now, value))
                last = value
            time.sleep(0.02)

    def until(self, count: int, timeout: float) -> list[tuple[float, int]]:
        """Wait until the count reaches ``count`` (or ``timeout``), stop, and return what was seen."""
        limit = time.monotonic() + timeout
        while (not self.seen or self.seen[-1][1] < count) and time.monotonic() < limit:
            time.sleep(0.1)
        self._stop.set()
        self._thread.join(timeout=30)
        self._client.close()
        return self.seen


def shown_after(sent: list[float], seen: list[tuple[float, int]]) -> list[float]:
    """Seconds from the k-th send to the first time the count reached k, for each k shown."""
    latencies: list[float] = []
    cursor = 0
    shown = seen[-1][1] if seen else 0
    for k, at_time in enumerate(sent[:shown], start=1):
        while seen[cursor][1] < k:
            cursor += 1
        latencies.append(seen[cursor][0] - at_time)
    return latencies


def _rng(seed: int) -> random.Random:
    return random.Random(seed)


# --------------------------------------------------------------------------------------------------
# Output


def _fmt(figure: dict[str, float] | None, digits: int = 0) -> str:
    if not figure:
        return "—"
    return f"{figure['median']:.{digits}f} ({figure['min']:.{digits}f}–{figure['max']:.{digits}f})"


def table(result: dict[str, Any]) -> str:
    rows: list[tuple[str, str]] = []
    curve = result["curve"]
    if curve:
        top = curve[-1]
        ours = top["ours_per_second"]["median"]
        top_ceiling = top["ceiling_per_second"]["median"]
        rows.append(
            (f"ceiling: ConsumerPerformance, events/s ({top['events']} events)", _fmt(top["ceiling_per_second"]))
        )
        rows.append(("  (its fetch rate, group join excluded)", _fmt(top["ceiling_fetch_per_second"])))
        rows.append(("peer: Debezium MongoDB sink, events/s", _fmt(top.get("peer_per_second"))))
        rows.append(("ours: reporting catch-up from offset 0, events/s", _fmt(top["ours_per_second"])))
        rows.append(("  (counted from /ready, start-up excluded)", _fmt(top["ours_after_start_per_second"])))
        rows.append(("ours / ceiling", f"{ours / top_ceiling:.3f}"))
        if "peer_per_second" in top:
            rows.append(("ours / peer", f"{ours / top['peer_per_second']['median']:.2f}"))
        else:
            rows.append((f"ours / peer at {top['events']} events", "— (peer not run at this size)"))
        for step in curve:
            if "peer_per_second" in step and step is not top:
                at = step["events"]
                peer_median = step["peer_per_second"]["median"]
                ours_median = step["ours_per_second"]["median"]
                rows.append((f"at {at} events: peer, events/s", _fmt(step["peer_per_second"])))
                rows.append((f"at {at} events: ours, events/s", _fmt(step["ours_per_second"])))
                rows.append((f"at {at} events: ours / peer", f"{ours_median / peer_median:.2f}"))
                ceiling_median = step["ceiling_per_second"]["median"]
                rows.append((f"at {at} events: ours / ceiling", f"{ours_median / ceiling_median:.3f}"))
        for step in curve:
            rows.append(
                (
                    f"cost curve: {step['events']} events, catch-up s (µs/event)",
                    f"{_fmt(step['ours_seconds'], 1)} ({step['ours_us_per_event']['median']:.0f})",
                )
            )
        first = curve[0]
        for step in curve[1:]:
            ratio = step["ours_us_per_event"]["median"] / first["ours_us_per_event"]["median"]
            rows.append((f"  per-event cost at {step['events']} ÷ at {first['events']}", f"{ratio:.2f}"))
        rows.append(("reporting catch-up process peak RSS, MiB", _fmt(top["ours_peak_rss_mib"])))
    live = result.get("services") or {}
    rows += _service_rows(live)
    rows += _database_rows(result)
    rows += round_trip_rows(result.get("round_trips") or [])
    if result.get("tokens"):
        rows += tokens.rows(result["tokens"])
    width = max(len(r[0]) for r in rows) + 2
    lines = [f"{'measure':{width}}median (min–max)", "-" * (width + 24)]
    lines += [f"{name:{width}}{value}" for name, value in rows]
    lines += [f"note: {note}" for note in result["notes"]]
    return "\n".join(lines)


def _service_rows(live: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if knee := live.get("knee"):
        p99 = f"{knee['p99_ms']:.0f} ms" if knee.get("p99_ms") is not None else "—"
        rows.append(
            (
                f"knee: highest sustained enrolments/s, enrol → count p99 < {knee['p99_limit_ms']:.0f} ms",
                f"{knee['per_second']:.1f} (p99 {p99}; steps of {knee['step_seconds']:.0f} s)",
            )
        )
        for step in knee["steps"]:
            p99_step = f"{step['p99_ms']:.0f} ms" if "p99_ms" in step else "—"
            verdict = "sustained" if step["sustained"] else "not sustained"
            rows.append(
                (
                    f"  offered {step['target_per_second']:.1f}/s",
                    f"{verdict}: achieved {step['achieved_per_second']:.1f}/s, p99 {p99_step},"
                    f" due / done / dropped / shown {step['due']} / {step['enrolled']} / {step['dropped']}"
                    f" / {step['shown']}",
                )
            )
    if e2e := live.get("end_to_end"):
        target = e2e["target_per_second"]
        rows.append((f"end-to-end enrolments/s: target {target:.0f}, achieved", f"{e2e['achieved_per_second']:.1f}"))
        if "due" in e2e:
            counts = f"{e2e['due']} / {e2e['enrolled']} / {e2e['dropped']} / {e2e['shown']}"
            rows.append(("  enrolments due / done / dropped / shown", counts))
        for q in ("p50", "p95", "p99"):
            value = e2e.get(f"{q}_ms")
            rows.append((f"  HTTP enrolment → participant count, {q} ms", f"{value:.0f}" if value else "—"))
    for key, what in (("enrolment_http", "enrolments"), ("booking_http", "bookings")):
        if figures := live.get(key):
            rows.append((f"HTTP {what}/s (1 instance, 8 clients)", _fmt(figures["per_second"], 1)))
            rows.append(("  p99 ms", _fmt(figures["p99_ms"])))
    if "publish_to_stream_ms" in live:
        rows.append(("publish → dashboard stream, ms", _fmt(live["publish_to_stream_ms"])))
    for name, rss in (live.get("peak_rss_mib") or {}).items():
        rows.append((f"peak RSS {name} under load, MiB", f"{rss:.0f}" if rss else "—"))
    return rows


#: Which ceiling operation (8 clients) each write-path figure is set against: the least it needs per unit.
AGAINST = {
    "enrolment": ("insert_one", "HTTP enrolments/s ÷ insert_one/s"),
    "knee": ("insert_one", "knee enrolments/s ÷ insert_one/s"),
    "booking": ("update_by_id", "HTTP bookings/s ÷ update_one by _id/s"),
    "catch_up": ("insert_many_100", "reporting catch-up events/s ÷ insert_many documents/s"),
}


def _database_rows(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The database's ceiling, the write lock's effect, and each write-path figure as a ratio to the ceiling."""
    figures = result.get("database") or {}
    top = figures.get("ceiling")
    if not top:
        return []
    rows = database.rows(top)
    if "locks" in figures:
        rows += database.lock_rows(figures["locks"])
    live = result.get("services") or {}
    ours: dict[str, float] = {}
    if live.get("enrolment_http"):
        ours["enrolment"] = live["enrolment_http"]["per_second"]["median"]
    if live.get("booking_http"):
        ours["booking"] = live["booking_http"]["per_second"]["median"]
    if live.get("knee"):
        ours["knee"] = live["knee"]["per_second"]
    if result.get("curve"):
        ours["catch_up"] = result["curve"][-1]["ours_per_second"]["median"]
    for key, value in ours.items():
        operation, label = AGAINST[key]
        limit = top[operation]["concurrent"]["per_second"]
        rows.append((f"ours / ceiling: {label} ({database.CONCURRENCY} clients)", f"{value / limit:.3f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and short load, for a smoke run")
    parser.add_argument("--max-events", type=int, default=None, help="stop the cost curve at this size")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 3, quick 2)")
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument(
        "--peer-max-events", type=int, default=10_000, help="run the peer sink up to this size of the curve"
    )
    parser.add_argument("--out", type=Path, default=paths.CHECKOUT / "var" / "bench" / "latest.json")
    args = parser.parse_args()
    began = time.monotonic()
    runs = args.runs or (2 if args.quick else 3)
    sizes = [s for s in (QUICK_CURVE if args.quick else FULL_CURVE) if args.max_events is None or s <= args.max_events]
    if args.max_events and (not sizes or sizes[-1] < args.max_events) and not args.quick:
        sizes.append(args.max_events)
    # seconds: each step of the knee's search
    seconds, requests = (4.0, 200) if args.quick else (10.0, 200)
    with tempfile.TemporaryDirectory(prefix="aktywni-bench-") as tmp:
        workdir = Path(tmp)
        infra = select(workdir / "stack", ports=StackPorts.free(), bound_to_parent=True)
        secrets = {name: local_secret(workdir, name) for name in SECRETS}
        bench = Bench(infra, workdir, runs, began + BUDGET_SECONDS, secrets, Tokens(secrets["AKTYWNI_JWT_SECRET"]))
        bench.peer_max_events = args.peer_max_events
        try:
            asyncio.run(ensure_topics(infra.kafka_bootstrap_servers, ALL))
            trips = round_trips(infra.mongodb_uri, people=10 if args.quick else 20)
            db_figures = bench.database(quick=args.quick)
            stream = Stream(args.projects)
            curve = bench.curve(sizes, stream)
            try:
                bench.services(seconds=seconds, requests=requests)
            except Exception as error:  # noqa: BLE001 - keep the figures measured so far, say what failed
                bench.notes.append(f"the services' part stopped: {type(error).__name__}: {str(error)[:300]}")
            live = bench.live
        finally:
            infra.stop()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "memory_gib": _memory_gib(), "platform": platform.platform()},
        "stack": infra.source,
        "quick": args.quick,
        "runs": runs,
        "wall_seconds": time.monotonic() - began,
        "curve": curve,
        "services": live,
        "database": db_figures,
        "tokens": tokens.measure(),
        "round_trips": trips,
        "notes": bench.notes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nAktywni benchmarks ({infra.source} stack, {result['date']}, {result['wall_seconds']:.0f} s)")
    print(table(result))
    print(f"\nJSON: {args.out}")


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


if __name__ == "__main__":
    main()

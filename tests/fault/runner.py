"""The fault suite: a workload under faults on an embedded stack of its own, checked against the oracle.

    python -m tests.fault.runner            # the short form (what the pytest marker `fault` runs)
    python -m tests.fault.runner --long     # at least 10 SIGKILLs per service (`make fault`)

Starts Kafka and FerretDB (free ports, a temporary directory) and the three services as processes;
sends the workload with a few workers while one thread SIGKILLs a random service at random moments
(and starts it again) and stops and restarts the broker and the database once each. Then, with no
more faults: the numbers against the oracle, every enrolment and scheduling event on Kafka exactly
once; a range of every source topic published again (duplicate delivery) and the numbers again; a
full replay of reporting's view and the numbers again; every topic and every database but
enrolment's scanned for the generated people's personal data, and enrolment's documents for
personal fields in clear. Prints one table; exits 1 if anything differs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aktywni_shared.auth import Tokens
from aktywni_shared.contracts.topics import (
    ENROLMENT_PARTICIPANTS,
    ENROLMENT_PROJECTS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
    dead_letter,
)
from aktywni_stack.embedded import EmbeddedStack, StackPorts
from aktywni_stack.ports import free_port
from aktywni_stack.services import SERVICES, ServiceProcess, local_secret, start_all
from tests.fault import compare, kafka_tools
from tests.fault.driver import Driver
from tests.fault.faults import FaultInjector, FaultLog, plan
from tests.fault.http import Api, Stats
from tests.fault.workload import Workload, generate
from tests.support import pii_scan

SOURCE_TOPICS = [
    t.name for t in (ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE)
]
OUTBOX_TOPICS = [t.name for t in (ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_ATTENDANCE)]
#: seconds the views get to catch up once the commands are done
CONVERGE_WITHIN = float(os.environ.get("AKTYWNI_FAULT_CONVERGE_SECONDS", "240"))


PACE_LEAD = 0.25  # the share of the people a worker may start ahead of the share of faults injected
PACE_AT_MOST = 60.0  # seconds a worker is held back at most


@dataclass(frozen=True)
class Settings:
    seed: int
    projects: int
    size: tuple[int, int, int]  # per project: persons with disabilities, environment persons, trainees
    kills_per_service: int
    broker_restarts: int
    database_restarts: int
    workers: int
    pause: tuple[float, float]  # seconds between two faults


SHORT = Settings(
    seed=20121001,
    projects=2,
    size=(6, 4, 4),
    kills_per_service=3,
    broker_restarts=1,
    database_restarts=1,
    workers=4,
    pause=(0.5, 3.0),
)
LONG = Settings(
    seed=20121015,
    projects=4,
    size=(16, 10, 10),
    kills_per_service=10,
    broker_restarts=1,
    database_restarts=1,
    workers=4,
    pause=(0.5, 4.0),
)


@dataclass
class Stage:
    """The numbers compared at one moment, and what differed."""

    name: str
    numbers: int
    mismatches: list[str]
    seconds: float


@dataclass
class FaultReport:
    settings: Settings
    workload: Workload
    faults_planned: int = 0
    faults: FaultLog = field(default_factory=FaultLog)
    stats: Stats = field(default_factory=Stats)
    findings: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    events: compare.EventCheck = field(default_factory=compare.EventCheck)
    events_processed: int = 0
    republished: int = 0
    dead_letters: dict[str, list[str]] = field(default_factory=dict)
    leaks: dict[str, list[pii_scan.Hit]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return (
            not self.findings
            and not self.faults.errors
            and sum(self.faults.done.values()) == self.faults_planned
            and all(not stage.mismatches for stage in self.stages)
            and len(self.stages) == 3
            and self.events.lost == self.events.extra == 0
            and not any(self.leaks.values())
            and len(self.dead_letters) == len(SERVICES)
            and not any(self.dead_letters.values())
            and len(self.leaks) == 3
        )

    def table(self) -> str:
        rows: list[tuple[str, str]] = []
        for fault in sorted(self.faults.done):
            spent = self.faults.recovery_seconds.get(fault, [])
            rows.append(
                (
                    f"fault: {fault}",
                    f"{self.faults.done[fault]} ({self.faults.while_commands_ran[fault]} while commands ran; "
                    f"back in {min(spent):.1f}-{max(spent):.1f} s)",
                )
            )
        people = self.workload.people
        rows += [
            ("faults planned / injected", f"{self.faults_planned} / {sum(self.faults.done.values())}"),
            ("projects / people", f"{len(self.workload.projects)} / {len(people)}"),
            (
                "commands (workload / sent incl. reads)",
                f"{self.workload.command_count()} / {self.stats.counts['commands']}",
            ),
        ]
        rows += [(f"  {name}", str(n)) for name, n in sorted(self.stats.counts.items()) if name != "commands"]
        rows += [
            ("events on the source topics", str(self.events_processed)),
            ("enrolment + scheduling events checked", str(self.events.published)),
            (
                "  lost / republished (same event id) / extra",
                f"{self.events.lost} / {self.events.duplicated} / {self.events.extra}",
            ),
        ]
        for stage in self.stages:
            rows.append(
                (
                    f"numbers compared {stage.name}",
                    f"{stage.numbers}, mismatches {len(stage.mismatches)} ({stage.seconds:.1f} s)",
                )
            )
        rows.append(("records published again (duplicate delivery)", str(self.republished)))
        for topic, reasons in self.dead_letters.items():
            rows.append((f"dead letters: {topic}", str(len(reasons))))
        for place, hits in self.leaks.items():
            rows.append((f"personal data found: {place}", str(len(hits))))
        rows += [(f"seconds: {name}", f"{value:.1f}") for name, value in self.seconds.items()]
        rows.append(("RESULT", "PASS" if self.passed else "FAIL"))
        width = max(len(name) for name, _ in rows)
        lines = [f"{name.ljust(width)}  {value}" for name, value in rows]
        details = [*self.findings, *self.faults.errors, *self.faults.notes, *self.events.details]
        details += [m for stage in self.stages for m in stage.mismatches[:20]]
        details += [f"{topic}: {reason}" for topic, reasons in self.dead_letters.items() for reason in reasons[:10]]
        details += [f"{place}: {hit.where} {hit.what}" for place, hits in self.leaks.items() for hit in hits[:20]]
        return "\n".join(lines + (["", *details] if details else []))


def _until_equal(measure: Callable[[], compare.Comparison], timeout: float) -> tuple[compare.Comparison, float]:
    started = time.monotonic()
    while True:
        result = measure()
        if not result.mismatches or time.monotonic() - started > timeout:
            return result, time.monotonic() - started
        time.sleep(3)


class Run:
    def __init__(self, settings: Settings, state_dir: Path) -> None:
        self.settings = settings
        self.stack = EmbeddedStack(state_dir / "stack", StackPorts.free())
        services_dir = state_dir / "services"
        self.services = {name: ServiceProcess(name, services_dir, free_port()) for name in SERVICES}
        self.tokens = Tokens(local_secret(services_dir, "AKTYWNI_JWT_SECRET"))
        self.workload = generate(settings.seed, settings.projects, settings.size)
        self.report = FaultReport(settings, self.workload)
        self.api = Api({n: s.url for n, s in self.services.items()}, self.tokens, self.report.stats)
        self.driver = Driver(self.api, self.workload, settings.workers)

    @property
    def bootstrap(self) -> str:
        return self.stack.kafka_bootstrap_servers

    def execute(self) -> FaultReport:
        try:
            self._timed("start the stack and the services", self._start)
            self._timed("reference data and projects", self.driver.set_up)
            self._timed("workload under faults", self._workload_under_faults)
            self._timed("checks", self._checks)
        except Exception as error:  # noqa: BLE001 - the run stops here; the table says why
            self.report.findings.append(f"the run stopped: {type(error).__name__}: {error}")
        finally:
            for service in self.services.values():
                service.stop()
            self.stack.stop()
        self.report.findings += self.driver.findings
        return self.report

    def _timed(self, name: str, step: Callable[[], None]) -> None:
        started = time.monotonic()
        print(f"[fault] {time.strftime('%H:%M:%S')} {name}", file=sys.stderr, flush=True)
        step()
        self.report.seconds[name] = time.monotonic() - started

    def _start(self) -> None:
        self.stack.start(bound_to_parent=True)
        start_all(list(self.services.values()), self.bootstrap, self.stack.mongodb_uri, bound_to_parent=True)

    def _workload_under_faults(self) -> None:
        s = self.settings
        rng = random.Random(s.seed)
        faults = plan(rng, list(SERVICES), s.kills_per_service, s.broker_restarts, s.database_restarts)
        self.report.faults_planned = len(faults)
        running = threading.Event()
        running.set()
        injector = FaultInjector(self.stack, self.services, faults, rng, s.pause, running)

        def pace(share_started: float) -> None:
            """Spread the workload over the faults: hold a worker back while it is well ahead of them."""
            deadline = time.monotonic() + PACE_AT_MOST
            while share_started > injector.share_done + PACE_LEAD and injector.is_alive():
                if time.monotonic() > deadline:
                    return
                time.sleep(0.5)

        self.driver.pace = pace
        injector.start()
        try:
            self.driver.run()
        finally:
            running.clear()
            injector.join()
            self.report.faults = injector.log

    def _measure(self) -> compare.Comparison:
        return compare.numbers(self.api, self.workload, self.driver.ids, self.driver.sessions)

    def _stage(self, name: str) -> None:
        print(f"[fault] {time.strftime('%H:%M:%S')} comparing {name}", file=sys.stderr, flush=True)
        result, seconds = _until_equal(self._measure, CONVERGE_WITHIN)
        for mismatch in result.mismatches[:30]:
            print(f"[fault]   {mismatch}", file=sys.stderr, flush=True)
        self.report.stages.append(Stage(name, result.numbers, result.mismatches, seconds))

    def _checks(self) -> None:
        self._stage("after the faults")
        outboxes = asyncio.run(kafka_tools.read_topics(self.bootstrap, OUTBOX_TOPICS))
        self.report.events = compare.events(outboxes, self.workload, self.driver.ids)
        source = asyncio.run(kafka_tools.read_topics(self.bootstrap, SOURCE_TOPICS))
        self.report.events_processed = len(source)
        again = kafka_tools.first_half(source)
        self.report.republished = asyncio.run(kafka_tools.republish(self.bootstrap, again))
        asyncio.run(kafka_tools.wait_caught_up(self.bootstrap, "reporting", SOURCE_TOPICS))
        asyncio.run(
            kafka_tools.wait_caught_up(
                self.bootstrap, "scheduling", [ENROLMENT_PROJECTS.name, ENROLMENT_PARTICIPANTS.name]
            )
        )
        self._stage("after duplicate delivery")
        self._replay()
        self._stage("after a full replay")
        self._dead_letters()
        self._scan()

    def _dead_letters(self) -> None:
        """Records a consumer gave up on: under faults alone there must be none (each would be a lost effect)."""
        for name in SERVICES:
            topic = dead_letter(name).name
            try:
                records = asyncio.run(kafka_tools.read_topics(self.bootstrap, [topic]))
            except LookupError:
                records = []
            reasons = [dict(r.headers).get("dlq_reason", b"").decode(errors="replace")[:200] for r in records]
            self.report.dead_letters[topic] = reasons

    def _replay(self) -> None:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "MONGODB_URI": self.stack.mongodb_uri,
        }
        done = subprocess.run(
            [sys.executable, "-m", "reporting.cli.replay", "--grace", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            self.report.findings.append(f"aktywni-reporting-replay failed: {done.stderr[-2000:]}")

    def _scan(self) -> None:
        needles = pii_scan.needles(p.personal() for p in self.workload.people)
        self.report.leaks["Kafka topics"] = asyncio.run(pii_scan.scan_topics(self.bootstrap, needles))
        self.report.leaks["databases but enrolment's"] = pii_scan.scan_databases(self.stack.mongodb_uri, needles)
        self.report.leaks["enrolment in clear"] = pii_scan.enrolment_plaintext(self.stack.mongodb_uri, needles)


def run(settings: Settings, state_dir: Path) -> FaultReport:
    return Run(settings, state_dir).execute()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fault.runner", description=__doc__)
    parser.add_argument("--long", action="store_true", help="at least 10 SIGKILLs per service and a larger workload")
    parser.add_argument("--seed", type=int, help="the workload's and the faults' seed")
    parser.add_argument("--kills", type=int, help="SIGKILLs per service (0: none, nor restarts: the oracle alone)")
    args = parser.parse_args(argv)
    settings = LONG if args.long else SHORT
    if args.seed is not None:
        settings = Settings(**{**settings.__dict__, "seed": args.seed})
    if args.kills is not None:
        restarts = 0 if args.kills == 0 else 1
        changes = {"kills_per_service": args.kills, "broker_restarts": restarts, "database_restarts": restarts}
        settings = Settings(**{**settings.__dict__, **changes})
    state_dir = Path(tempfile.mkdtemp(prefix="aktywni-fault-"))
    report = run(settings, state_dir)
    print(report.table())
    if report.passed:
        shutil.rmtree(state_dir, ignore_errors=True)
        return 0
    print(f"logs of the stack and the services kept in {state_dir}")
    return 1


if __name__ == "__main__":
    sys.exit(main())

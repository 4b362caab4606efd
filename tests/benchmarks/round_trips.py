"""Database round trips per enrolment, per booking and per attendance record, counted by the driver.

    uv run python -m tests.benchmarks.round_trips [--people 20] [--sheet 10,24] [--against REVISION]

Every database command of the write path is counted with PyMongo's command monitoring (a
``CommandListener`` on the client the stores use), on the real embedded database (or the one at
MONGODB_URI): the same stores and use cases the HTTP API calls, wired as the services wire them,
without HTTP and Kafka in between (the outbox relay does not run, so only the request's own commands
are counted). Writes are insert, update, delete and findAndModify commands; a bulk command of many
documents is one write. The figures are counts, not times: they mean the same on MongoDB.
``--against REVISION`` counts that revision's stores too (in a temporary git worktree, with this
counter), on the same database, and prints both side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pymongo import monitoring
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared import mongo
from aktywni_shared.contracts.vocabulary import AttendanceStatus, OrganisationKind
from aktywni_shared.messaging.outbox import Outbox
from aktywni_shared.mongo import Document
from aktywni_stack import demo_data
from aktywni_stack.embedded import StackPorts
from aktywni_stack.selection import select

WRITES = frozenset({"insert", "update", "delete", "findAndModify", "findandmodify"})


@dataclass
class CommandCounter(monitoring.CommandListener):
    """Counts the commands started on one database while ``on`` (by name)."""

    database: str = ""
    on: bool = False
    commands: Counter[str] = field(default_factory=Counter)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.on and event.database_name == self.database:
            self.commands[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def reset(self) -> None:
        self.commands.clear()

    @property
    def total(self) -> int:
        return sum(self.commands.values())

    @property
    def writes(self) -> int:
        return sum(n for name, n in self.commands.items() if name in WRITES)


@dataclass
class Figure:
    """Commands and writes of ``operations`` operations (``per`` what one of them is)."""

    what: str
    operations: int
    commands: int
    writes: int
    by_name: dict[str, int]

    def row(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "operations": self.operations,
            "commands_each": round(self.commands / self.operations, 2),
            "writes_each": round(self.writes / self.operations, 2),
            "writes_total": self.writes,
            "by_command": dict(sorted(self.by_name.items())),
        }


async def _measure(counter: CommandCounter, what: str, operations: int, run: Any) -> Figure:
    counter.reset()
    counter.on = True
    try:
        await run()
    finally:
        counter.on = False
    return Figure(what, operations, counter.total, counter.writes, dict(counter.commands))


# --- enrolment ---------------------------------------------------------------------------------------


async def enrolment_figures(db: AsyncDatabase[Document], counter: CommandCounter, people: int) -> list[Figure]:
    """Single enrolments (the use case behind POST /projects/{id}/participants), one after the other."""
    from aktywni_shared.clock import FixedClock
    from enrolment.domain.organisations import Organisation
    from enrolment.domain.participants import EnrolParticipant
    from enrolment.domain.projects import RegisterProject
    from enrolment.store.audit import AuditLog
    from enrolment.store.completions import SupportCompletions
    from enrolment.store.crypto import Keyring, new_key
    from enrolment.store.declarations import DeclarationStore
    from enrolment.store.imports import ImportSummaries
    from enrolment.store.participants import ParticipantStore
    from enrolment.store.projects import ProjectStore
    from enrolment.use_cases import Enrolment, organisations, participants, projects
    from tests.support.people import person
    from tests.unit.enrolment_fakes import ADMIN, LEADER, ORGANISATIONS, TA_DAY

    outbox = Outbox(db)
    keyring = Keyring.from_config(new_key())
    store = ParticipantStore(db, keyring, outbox)
    project_store = ProjectStore(db, outbox)
    audit = AuditLog(db)
    for indexed in (store, project_store, audit):
        await indexed.create_indexes()
    enrolment = Enrolment(
        project_store,
        store,
        DeclarationStore(db, outbox),
        SupportCompletions(db),
        audit,
        FixedClock(datetime.combine(TA_DAY, time(10), tzinfo=UTC)),
        ImportSummaries(db),
    )
    for organisation_id, name in ORGANISATIONS.items():
        organisation = Organisation(organisation_id=organisation_id, name=name, kind=OrganisationKind.FOUNDATION)
        await organisations.register_organisation(enrolment, ADMIN, organisation)
    project = await projects.register_project(enrolment, LEADER, RegisterProject.model_validate(demo_data.ta_project()))
    rng = random.Random(7)
    bodies = [
        EnrolParticipant.model_validate(
            demo_data.staff_trainee(**{**person(rng, n), "organisation_id": demo_data.EUDAJMONIA})
        )
        for n in range(2 * people)
    ]

    async def serial() -> None:
        for body in bodies[:people]:
            await participants.enrol(enrolment, LEADER, project.project_id, body)

    async def concurrent() -> None:
        await asyncio.gather(
            *(participants.enrol(enrolment, LEADER, project.project_id, body) for body in bodies[people:])
        )

    return [
        await _measure(counter, "enrolment (one at a time)", people, serial),
        await _measure(counter, f"enrolment ({people} at once)", people, concurrent),
    ]


# --- scheduling --------------------------------------------------------------------------------------


async def scheduling_figures(
    db: AsyncDatabase[Document], counter: CommandCounter, people: int, sheets: list[int]
) -> list[Figure]:
    """Bookings one after the other (and at once), and attendance sheets of different lengths."""
    from scheduling.domain.attendance import RecordAttendance
    from scheduling.store.attendance import AttendanceBatch
    from scheduling.store.progress import OfferStore, ProgressStore
    from scheduling.store.projects import ParticipantStore
    from scheduling.store.sessions import SessionStore
    from scheduling.store.timelines import TimelineStore
    from scheduling.use_cases.attendance import Attendance
    from scheduling.use_cases.booking import Bookings
    from scheduling.use_cases.context import Stores
    from scheduling.use_cases.planning import Planning
    from tests.unit.scheduling_fakes import COORDINATOR, NOW, PROJECT, enrolled, scene, session_at, training

    # Reference data (project, venue, staff, activity) as the fakes hold them: read, never written
    # on these paths. Everything a booking or an attendance sheet writes is the real stores'.
    fakes = scene()
    outbox = Outbox(db)
    real_participants = ParticipantStore(db, outbox)
    progress = ProgressStore(db, outbox)
    sessions = SessionStore(db, outbox)
    for indexed in (real_participants, progress, sessions):
        await indexed.create_indexes()
    stores = Stores(
        projects=fakes.stores.projects,
        participants=real_participants,
        venues=fakes.stores.venues,
        staff=fakes.stores.staff,
        activities=fakes.stores.activities,
        sessions=sessions,
        timelines=TimelineStore(db, fakes.clock),
        progress=progress,
        offers=OfferStore(db),
        attendance=AttendanceBatch(progress, real_participants),
        clock=fakes.clock,
    )
    total = 2 * people + sum(sheets)
    views = [enrolled() for _ in range(total)]
    await real_participants.collection.insert_many(
        [{"_id": v.participant_id, **v.model_dump(mode="json")} for v in views]
    )
    ids = [v.participant_id for v in views]
    planning = Planning(stores)
    bookings = Bookings(stores)
    day = date(2012, 10, 2)

    async def session(capacity: int, offset: int) -> str:
        activity = await planning.plan_activity(COORDINATOR, PROJECT, training(capacity))
        at = session_at(day + timedelta(days=offset), "09:00", 2)
        stored = await planning.schedule(COORDINATOR, str(activity.activity_id), at)
        return str(stored.session.session_id)

    first, second = await session(people, 0), await session(people, 1)
    serial_ids, racing_ids, rest = ids[:people], ids[people : 2 * people], ids[2 * people :]

    async def serial() -> None:
        for pid in serial_ids:
            await bookings.book(COORDINATOR, first, pid)

    async def concurrent() -> None:
        await asyncio.gather(*(bookings.book(COORDINATOR, second, pid) for pid in racing_ids))

    figures = [
        await _measure(counter, "booking (one at a time)", people, serial),
        await _measure(counter, f"booking ({people} at once)", people, concurrent),
    ]
    attendance = Attendance(stores)
    for offset, size in enumerate(sheets, start=2):
        sheet_ids, rest = rest[:size], rest[size:]
        sid = await session(size, offset)
        await bookings.book_many(COORDINATOR, sid, sheet_ids)
        fakes.clock.instant = NOW + timedelta(days=offset + 2)  # the day after the session
        command = RecordAttendance.model_validate(
            {"records": [{"participant_id": pid, "status": AttendanceStatus.PRESENT.value} for pid in sheet_ids]}
        )

        async def record(sid: str = sid, command: RecordAttendance = command) -> None:
            await attendance.record(COORDINATOR, sid, command)

        figures.append(await _measure(counter, f"attendance record (sheet of {size})", size, record))
    return figures


# --- the run -----------------------------------------------------------------------------------------


async def measure(uri: str, people: int, sheets: list[int]) -> list[dict[str, Any]]:
    """Every figure, each service on a fresh database of its own (dropped afterwards)."""
    counter = CommandCounter()
    client = mongo.connect(uri, listeners=[counter])
    rows: list[dict[str, Any]] = []
    try:
        for name in ("enrolment", "scheduling"):
            database = f"round_trips_{name}_{uuid.uuid4().hex[:8]}"
            counter.database = database
            db = client[database]
            try:
                if name == "enrolment":
                    found = await enrolment_figures(db, counter, people)
                else:
                    found = await scheduling_figures(db, counter, people, sheets)
                rows += [{"service": name, **f.row()} for f in found]
            finally:
                await client.drop_database(database)
    finally:
        await client.close()
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'what':42} {'commands':>9} {'writes':>7}  writes by command", "-" * 100]
    for row in rows:
        writes = {k: v for k, v in row["by_command"].items() if k in WRITES}
        lines.append(f"{row['what']:42} {row['commands_each']:>9} {row['writes_each']:>7}  {writes}")
    return "\n".join(lines)


def run(uri: str | None = None, people: int = 20, sheets: list[int] | None = None) -> list[dict[str, Any]]:
    """The rows, on the database at ``uri`` or on an embedded stack started (and stopped) for them."""
    sheets = sheets or [10, 40]
    if uri:
        return asyncio.run(measure(uri, people, sheets))
    with tempfile.TemporaryDirectory(prefix="aktywni-round-trips-") as state:
        infrastructure = select(Path(state), ports=StackPorts.free(), bound_to_parent=True)
        try:
            return asyncio.run(measure(infrastructure.mongodb_uri, people, sheets))
        finally:
            infrastructure.stop()


#: Where each member's sources are, for running another revision's stores (tests/benchmarks/ itself included).
SOURCES = ["", "shared/src", "deploy/local/src", "services/enrolment/src", "services/scheduling/src"]


def _rows_of(root: Path, uri: str, people: int, sheets: str) -> list[dict[str, Any]]:
    """The rows measured with the stores of the checkout at ``root`` (its sources first on the path)."""
    env = {**os.environ, "MONGODB_URI": uri, "PYTHONPATH": os.pathsep.join(str(root / s) for s in SOURCES)}
    command = [sys.executable, "-m", "tests.benchmarks.round_trips", "--json", "--people", str(people)]
    done = subprocess.run([*command, "--sheet", sheets], cwd=root, env=env, check=True, capture_output=True, text=True)
    rows: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return rows


def compare(revision: str, uri: str, people: int, sheets: str) -> str:
    """Before (``revision``, in a temporary worktree) and after (this checkout), side by side, on one database."""
    here = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="aktywni-before-") as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(here), "worktree"]
        subprocess.run([*git, "add", "--quiet", "--detach", str(tree), revision], check=True)
        try:
            # the counter as it is here, over the stores as they were then
            shutil.copy(Path(__file__), tree / "tests" / "benchmarks" / "round_trips.py")
            before = _rows_of(tree, uri, people, sheets)
        finally:
            subprocess.run([*git, "remove", "--force", str(tree)], check=False)
    after = _rows_of(here, uri, people, sheets)
    lines = [f"{'writes (commands) per operation':42} {'before ' + revision:>22} {'after':>22}", "-" * 88]
    for old, new in zip(before, after, strict=True):
        was = f"{old['writes_each']} ({old['commands_each']})"
        now = f"{new['writes_each']} ({new['commands_each']})"
        lines.append(f"{new['what']:42} {was:>22} {now:>22}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20, help="enrolments and bookings counted (each way)")
    parser.add_argument("--sheet", default="10,24", help="attendance sheet lengths, comma-separated")
    parser.add_argument("--json", action="store_true", help="print the rows as one line of JSON")
    parser.add_argument("--against", metavar="REVISION", help="also measure REVISION's stores, side by side")
    args = parser.parse_args()
    sheets = [int(n) for n in args.sheet.split(",")]
    uri = os.environ.get("MONGODB_URI")
    if args.against:
        if uri:
            print(compare(args.against, uri, args.people, args.sheet))
            return
        with tempfile.TemporaryDirectory(prefix="aktywni-round-trips-") as state:
            infrastructure = select(Path(state), ports=StackPorts.free(), bound_to_parent=True)
            try:
                print(compare(args.against, infrastructure.mongodb_uri, args.people, args.sheet))
            finally:
                infrastructure.stop()
        return
    rows = run(uri, args.people, sheets)
    print(json.dumps(rows) if args.json else table(rows))


if __name__ == "__main__":
    main()

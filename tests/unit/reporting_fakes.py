"""In-memory fakes of reporting's ports (``reporting.use_cases.ports``), for the use cases' unit tests.

They keep what the Mongo stores keep, with the same rules that matter to the use cases: the view
folds every record of a project in order with the domain's idempotent functions, definitions grow
a revision with every change and record an entry once per ``entry_id``, announcements are saved
only at the revision they were read at, together with their events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from aktywni_shared.clock import WARSAW, FixedClock
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.identity import Principal, Role
from reporting.domain.facts import Entry, Record, apply_record
from reporting.domain.indicators import IndicatorDefinition, ManualEntry, ProjectDefinitions
from reporting.domain.report import ProjectInfo
from reporting.domain.signals import State
from reporting.events.projection import Projector
from reporting.use_cases.live import Announcer
from reporting.use_cases.ports import AMENDED_AT
from reporting.use_cases.reports import Reports


class FakeGeneration:
    def __init__(self, number: int = 1) -> None:
        self._number = number
        self.projects: dict[str, dict[str, Any]] = {}
        self.chunks: dict[str, list[list[Record]]] = {}
        self.stamps: dict[str, int] = {}

    @property
    def number(self) -> int:
        return self._number

    async def register_project(
        self, project_id: str, title: str, leader: str, starts_on: date, ends_on: date, leader_name: str | None = None
    ) -> None:
        doc = self.projects.setdefault(project_id, {"organisations": {}, "organisation_names": {}})
        doc.update(leader_organisation_id=leader)
        if AMENDED_AT not in doc:
            doc.update(title=title, starts_on=starts_on, ends_on=ends_on)
        doc["organisations"][leader] = "leader"
        if leader_name is not None:
            doc["organisation_names"][leader] = leader_name

    async def amend_project(self, project_id: str, title: str, starts_on: date, ends_on: date, at: str) -> bool:
        doc = self.projects.setdefault(project_id, {"organisations": {}, "organisation_names": {}})
        if doc.get(AMENDED_AT, "") >= at:
            return False
        doc.update(title=title, starts_on=starts_on, ends_on=ends_on)
        doc[AMENDED_AT] = at
        return True

    async def join_project(self, project_id: str, organisation_id: str, role: str, name: str | None = None) -> None:
        doc = self.projects.setdefault(project_id, {"organisations": {}, "organisation_names": {}})
        doc["organisations"][organisation_id] = role
        if name is not None:
            doc["organisation_names"][organisation_id] = name

    async def append(self, project_id: str, records: Sequence[Record]) -> int:
        chunks = self.chunks.setdefault(project_id, [])
        chunks.append(list(records))
        return len(chunks)

    async def bump(self, project_ids: set[str], chunks: dict[str, int] | None = None) -> None:
        for project_id in project_ids:
            self.stamps[project_id] = self.stamps.get(project_id, 0) + 1

    async def project(self, project_id: str) -> ProjectInfo | None:
        doc = self.projects.get(project_id)
        if doc is None or "leader_organisation_id" not in doc:
            return None
        return ProjectInfo(
            project_id=project_id,
            title=doc["title"],
            leader_organisation_id=doc["leader_organisation_id"],
            starts_on=doc["starts_on"],
            ends_on=doc["ends_on"],
            organisations=dict(doc["organisations"]),
            organisation_names=dict(doc["organisation_names"]),
        )

    async def stamp(self, project_id: str) -> int:
        return self.stamps.get(project_id, 0)

    async def facts(self, project_id: str) -> tuple[dict[str, Entry], dict[str, Entry]]:
        sections: dict[str, dict[str, Entry]] = {"people": {}, "bodies": {}}
        for chunk in self.chunks.get(project_id, []):
            for fact in chunk:
                section = sections[fact["s"]]
                after = apply_record(section.get(fact["k"]), fact)
                if after is not None:
                    section[fact["k"]] = after
        return sections["people"], sections["bodies"]


class FakeView:
    """Generations by number; a replay fills another one and activates it."""

    def __init__(self) -> None:
        self.generations: dict[int, FakeGeneration] = {1: FakeGeneration(1)}
        self.active_number = 1

    async def active(self) -> FakeGeneration:
        return self.generations[self.active_number]

    def fresh(self) -> FakeGeneration:
        number = max(self.generations) + 1
        self.generations[number] = FakeGeneration(number)
        return self.generations[number]

    def activate(self, number: int) -> None:
        self.active_number = number


@dataclass
class _Stored:
    rev: int = 0
    indicators: list[IndicatorDefinition] = field(default_factory=list)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeDefinitions:
    def __init__(self) -> None:
        self.projects: dict[str, _Stored] = {}

    async def get(self, project_id: str) -> ProjectDefinitions:
        stored = self.projects.get(project_id)
        if stored is None:
            return ProjectDefinitions(project_id)
        entries = sorted(stored.entries.values(), key=lambda e: (e["on"], e["entry_id"]))
        return ProjectDefinitions(project_id, stored.rev, list(stored.indicators), entries)

    async def revision(self, project_id: str) -> int:
        stored = self.projects.get(project_id)
        return stored.rev if stored else 0

    async def replace(self, project_id: str, indicators: list[IndicatorDefinition], by: str) -> int:
        stored = self.projects.setdefault(project_id, _Stored())
        stored.indicators = list(indicators)
        stored.rev += 1
        return stored.rev

    async def seed(self, project_id: str, indicators: list[IndicatorDefinition]) -> bool:
        if project_id in self.projects:
            return False
        self.projects[project_id] = _Stored(rev=1, indicators=list(indicators))
        return True

    async def add_entry(self, project_id: str, code: str, entry: ManualEntry, organisation_id: str, by: str) -> bool:
        stored = self.projects.get(project_id)
        key = str(entry.entry_id)
        if stored is None or key in stored.entries:
            return False
        stored.entries[key] = {
            **entry.model_dump(mode="json"),
            "indicator": code,
            "organisation_id": organisation_id,
            "recorded_by": by,
        }
        stored.rev += 1
        return True

    async def project_ids(self) -> list[str]:
        return sorted(self.projects)


class FakeAnnouncements:
    """The announced state per project, and every event saved with it (what the outbox would publish)."""

    def __init__(self) -> None:
        self.states: dict[str, tuple[int, State]] = {}
        self.outbox: list[Envelope] = []

    async def get(self, project_id: str) -> tuple[int, State]:
        return self.states.get(project_id, (0, {}))

    async def save(self, project_id: str, rev: int, state: State, envelopes: list[Envelope]) -> bool:
        if self.states.get(project_id, (0, {}))[0] != rev:
            return False
        self.states[project_id] = (rev + 1, state)
        self.outbox.extend(envelopes)
        return True

    def types(self) -> list[str]:
        return [e.type for e in self.outbox]


@dataclass
class Reporting:
    """Reporting's use cases wired to the fakes, at a fixed day."""

    today: date = date(2016, 1, 1)
    view: FakeView = field(default_factory=FakeView)
    definitions: FakeDefinitions = field(default_factory=FakeDefinitions)
    announcements: FakeAnnouncements = field(default_factory=FakeAnnouncements)

    def __post_init__(self) -> None:
        self.reports = Reports(self.view, self.definitions, FixedClock(datetime.combine(self.today, time(12), WARSAW)))
        self.projector = Projector(self.view)
        self.announcer = Announcer(self.reports, self.announcements)


def principal(organisation_id: str, role: Role, user: str | None = None) -> Principal:
    return Principal(user=user or f"{role.value}@{organisation_id}", organisation_id=organisation_id, role=role)

"""In-memory fakes of enrolment's ports (``enrolment.use_cases.ports``), for the use cases' unit tests.

Each fake keeps what a store would keep, answers as the port promises (duplicates, compare-and-set
on a status or a partner count, erasure that leaves nothing readable) and records the events it
was given to save, as the real stores put them into their documents' outbox.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from aktywni_shared.clock import FixedClock
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import DeclarationRecordedV1
from aktywni_shared.contracts.vocabulary import OrganisationKind, SupportForm
from aktywni_shared.identity import Principal, Role
from aktywni_stack import demo_data
from enrolment.domain.errors import ConcurrentChange
from enrolment.domain.organisations import Organisation
from enrolment.domain.participants import EnrolParticipant, Participant, Status
from enrolment.domain.personal import personal_values
from enrolment.domain.projects import Project, RegisterProject
from enrolment.domain.search import name_matches
from enrolment.use_cases import Enrolment, organisations, projects
from enrolment.use_cases.ports import (
    AlreadyExists,
    AuditQuery,
    AuditRecord,
    DuplicateParticipant,
    ImportSummary,
    ParticipantQuery,
    StoredParticipant,
)


class FakeOutbox:
    """The events saved with each change, in order (what the relay would publish)."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    def save(self, envelopes: Iterable[Envelope]) -> None:
        self.envelopes.extend(envelopes)

    @property
    def types(self) -> list[str]:
        return [e.type for e in self.envelopes]


class FakeProjects:
    def __init__(self, outbox: FakeOutbox) -> None:
        self.outbox = outbox
        self.organisations: dict[str, Organisation] = {}
        self.projects: dict[str, Project] = {}

    async def add_organisation(self, organisation: Organisation) -> None:
        if organisation.organisation_id in self.organisations:
            raise AlreadyExists(f"organisation {organisation.organisation_id} exists")
        self.organisations[organisation.organisation_id] = organisation

    async def organisation(self, organisation_id: str) -> Organisation | None:
        return self.organisations.get(organisation_id)

    async def list_organisations(self) -> list[Organisation]:
        return [self.organisations[k] for k in sorted(self.organisations)]

    async def add(self, project: Project, envelopes: Sequence[Envelope]) -> None:
        if project.project_id in self.projects:
            raise AlreadyExists(f"project {project.project_id} exists")
        self.projects[project.project_id] = project.model_copy(deep=True)
        self.outbox.save(envelopes)

    async def get(self, project_id: str) -> Project | None:
        project = self.projects.get(project_id)
        return None if project is None else project.model_copy(deep=True)

    async def list(self) -> list[Project]:
        return [self.projects[k].model_copy(deep=True) for k in sorted(self.projects)]

    async def add_partner(self, project: Project, partners_before: int, envelope: Envelope) -> bool:
        stored = self.projects[project.project_id]
        if len(stored.partners) != partners_before:
            return False
        stored.partners = copy.deepcopy(project.partners)
        stored.revision += 1
        self.outbox.save([envelope])
        return True

    async def set_path_completion(self, project: Project) -> bool:
        if project.project_id not in self.projects:
            return False
        self.projects[project.project_id].path_completion = copy.deepcopy(project.path_completion)
        self.projects[project.project_id].revision += 1
        return True

    async def save_settings(
        self, project: Project, fields: Sequence[str], events: Sequence[Envelope] = (), *, revision: int
    ) -> bool:
        stored = self.projects.get(project.project_id)
        if stored is None or stored.revision != revision:
            return False
        for name in fields:
            setattr(stored, name, copy.deepcopy(getattr(project, name)))
        stored.revision += 1
        self.outbox.save(events)
        return True


@dataclass
class _Record:
    participant: Participant
    identity: str
    consent_scope: frozenset[str]
    personal: dict[str, str] = field(default_factory=dict)


def identity_of(project_id: str, command: EnrolParticipant) -> str:
    """The person's identity in a project: PESEL, or name and birth date (as the real store keys it)."""
    if command.pesel:
        return f"{project_id}:pesel:{command.pesel}"
    return f"{project_id}:identity:{command.first_name.casefold()}|{command.last_name.casefold()}|{command.birth_date}"


class FakeParticipants:
    def __init__(self, outbox: FakeOutbox) -> None:
        self.outbox = outbox
        self.records: dict[str, _Record] = {}
        self.identities: dict[str, str] = {}

    def _stored(self, record: _Record) -> StoredParticipant:
        return StoredParticipant(
            copy.deepcopy(record.participant), record.consent_scope, {k: f"sealed:{k}" for k in record.personal}
        )

    async def add(self, participant: Participant, command: EnrolParticipant, envelope: Envelope) -> None:
        identity = identity_of(participant.project_id, command)
        holder = self.identities.get(identity)
        if holder is not None:
            raise DuplicateParticipant(holder, self.records[holder].participant.organisation_id)
        pid = str(participant.participant_id)
        self.identities[identity] = pid
        self.records[pid] = _Record(
            copy.deepcopy(participant), identity, frozenset(command.consent.scope), personal_values(command)
        )
        self.outbox.save([envelope])

    async def add_many(self, items: Sequence[tuple[Participant, EnrolParticipant, Envelope]]) -> Mapping[int, Any]:
        duplicates: dict[int, Any] = {}
        for index, (participant, command, envelope) in enumerate(items):
            try:
                await self.add(participant, command, envelope)
            except DuplicateParticipant as duplicate:
                duplicates[index] = duplicate.existing_id
        return duplicates

    async def get(self, participant_id: uuid.UUID | str) -> StoredParticipant | None:
        record = self.records.get(str(participant_id))
        return None if record is None else self._stored(record)

    async def personal_data(self, stored: StoredParticipant) -> dict[str, Any]:
        record = self.records.get(str(stored.participant.participant_id))
        return {} if record is None else dict(record.personal)

    async def save(
        self,
        participant: Participant,
        expected_status: Status,
        envelope: Envelope | None,
        personal: dict[str, str] | None = None,
    ) -> None:
        record = self.records[str(participant.participant_id)]
        if record.participant.status is not expected_status:
            raise ConcurrentChange("the participant was changed meanwhile; read it again")
        record.participant = copy.deepcopy(participant)
        record.personal.update(personal or {})
        self.outbox.save([envelope] if envelope else [])

    async def erase(self, participant: Participant, expected_status: Status, envelope: Envelope) -> None:
        record = self.records[str(participant.participant_id)]
        if record.participant.status is not expected_status:
            raise ConcurrentChange("the participant was changed meanwhile; read it again")
        self.identities.pop(record.identity, None)
        record.participant = copy.deepcopy(participant)
        record.personal = {}
        record.consent_scope = frozenset()
        self.outbox.save([envelope])

    async def page(self, query: ParticipantQuery, *, skip: int, limit: int) -> tuple[int, list[StoredParticipant]]:
        def matches(record: _Record) -> bool:
            p = record.participant
            return (
                p.project_id == query.project_id
                and query.organisation_id in (None, p.organisation_id)
                and query.status in (None, p.status)
                and query.category in (None, p.profile.category)
                and query.pesel in (None, record.personal.get("pesel"))
                and (
                    query.name is None
                    or name_matches(
                        query.name,
                        str(record.personal.get("first_name", "")),
                        str(record.personal.get("last_name", "")),
                    )
                )
            )

        found = [self._stored(r) for _, r in sorted(self.records.items()) if matches(r)]
        return len(found), found[skip : skip + limit]

    async def enrolment_span(self, project_id: str) -> tuple[date, date] | None:
        days = [
            r.participant.enrolled_on
            for r in self.records.values()
            if r.participant.project_id == project_id
            and r.participant.status not in (Status.CANDIDATE, Status.QUALIFIED)
        ]
        return (min(days), max(days)) if days else None

    async def in_project(self, project_id: str) -> list[StoredParticipant]:
        return [self._stored(r) for _, r in sorted(self.records.items()) if r.participant.project_id == project_id]

    async def by_pesel(self, project_id: str, pesel: str) -> str | None:
        return self.identities.get(f"{project_id}:pesel:{pesel}")

    async def ids_of(self, project_id: str, commands: Sequence[EnrolParticipant]) -> list[str]:
        return [self.identities.get(identity_of(project_id, c), "") for c in commands]


class FakeDeclarations:
    def __init__(self, outbox: FakeOutbox) -> None:
        self.outbox = outbox
        self.rows: list[dict[str, Any]] = []

    async def add(
        self, project_id: str, recorded_by: str, declaration: DeclarationRecordedV1, envelope: Envelope
    ) -> None:
        self.rows.append(
            {
                "project_id": project_id,
                "recorded_by_organisation_id": recorded_by,
                **declaration.model_dump(mode="json"),
            }
        )
        self.outbox.save([envelope])

    async def list(self, project_id: str) -> list[dict[str, Any]]:
        return sorted((r for r in self.rows if r["project_id"] == project_id), key=lambda r: r["declared_on"])


class FakeCompletions:
    def __init__(self) -> None:
        self.activities: dict[str, dict[str, SupportForm]] = {}

    async def record(self, participant_id: str, activity_id: str, form: SupportForm, on: date) -> list[SupportForm]:
        del on
        self.activities.setdefault(participant_id, {})[activity_id] = form
        return list(self.activities[participant_id].values())


@dataclass(frozen=True)
class AuditEntry:
    user: str
    action: str
    project_id: str
    participant_ids: tuple[str, ...]
    fields: frozenset[str]
    organisation_id: str = ""
    role: str = ""
    at: datetime = datetime(2012, 9, 15, 10, tzinfo=UTC)


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []
        #: the moment the next entries are stamped with (a test moves it)
        self.now = datetime(2012, 9, 15, 10, tzinfo=UTC)

    async def record(
        self,
        principal: Principal,
        action: str,
        project_id: str,
        participant_ids: Iterable[str],
        fields: Iterable[str] = (),
    ) -> None:
        self.entries.append(
            AuditEntry(
                principal.user,
                action,
                project_id,
                tuple(participant_ids),
                frozenset(fields),
                principal.organisation_id,
                principal.role.value,
                self.now,
            )
        )

    async def page(self, query: AuditQuery, *, skip: int, limit: int) -> tuple[int, list[AuditRecord]]:
        def matches(e: AuditEntry) -> bool:
            return (
                e.project_id == query.project_id
                and (query.participant_id is None or query.participant_id in e.participant_ids)
                and query.user in (None, e.user)
                and query.action in (None, e.action)
                and (query.since is None or e.at >= query.since)
                and (query.until is None or e.at < query.until)
            )

        found = [
            AuditRecord(
                e.at,
                e.user,
                e.organisation_id,
                e.role,
                e.action,
                e.project_id,
                e.participant_ids,
                tuple(sorted(e.fields)),
            )
            for e in reversed(self.entries)
            if matches(e)
        ]
        found.sort(key=lambda r: r.at, reverse=True)
        return len(found), found[skip : skip + limit]

    @property
    def actions(self) -> list[str]:
        return [e.action for e in self.entries]


class FakeImports:
    """The import log in memory: the summaries, newest first."""

    def __init__(self) -> None:
        self.summaries: list[ImportSummary] = []

    async def add(self, summary: ImportSummary) -> None:
        self.summaries.append(summary)

    async def page(
        self, project_id: str, organisation_id: str | None, *, skip: int, limit: int
    ) -> tuple[int, list[ImportSummary]]:
        found = [
            s
            for s in reversed(self.summaries)
            if s.project_id == project_id and organisation_id in (None, s.organisation_id)
        ]
        return len(found), found[skip : skip + limit]


@dataclass
class FakeEnrolment:
    """The use cases' ports, all in memory, and what they were given."""

    outbox: FakeOutbox
    projects: FakeProjects
    participants: FakeParticipants
    declarations: FakeDeclarations
    completions: FakeCompletions
    audit: FakeAudit
    enrolment: Enrolment
    imports: FakeImports = field(default_factory=FakeImports)


def fake_enrolment(today: date) -> FakeEnrolment:
    """Enrolment's use cases on in-memory ports, with a clock stopped at noon of ``today`` in Warsaw."""
    outbox = FakeOutbox()
    projects, participants = FakeProjects(outbox), FakeParticipants(outbox)
    declarations, completions, audit = FakeDeclarations(outbox), FakeCompletions(), FakeAudit()
    clock = FixedClock(datetime(today.year, today.month, today.day, 10, tzinfo=UTC))
    imports = FakeImports()
    enrolment = Enrolment(projects, participants, declarations, completions, audit, clock, imports)
    return FakeEnrolment(outbox, projects, participants, declarations, completions, audit, enrolment, imports)


# --- a world to test in: the TA project's three organisations and the project itself ----------------

TA_DAY = date(2012, 9, 15)


def principal(organisation_id: str, role: Role, user: str = "staff") -> Principal:
    return Principal(user=user, organisation_id=organisation_id, role=role)


ADMIN = principal(demo_data.MOPS, Role.ADMINISTRATOR, "operator")
LEADER = principal(demo_data.EUDAJMONIA, Role.COORDINATOR, "leader")
LEADER_STAFF = principal(demo_data.EUDAJMONIA, Role.PARTNER_STAFF, "recruiter")
PARTNER = principal(demo_data.FRDL, Role.PARTNER_STAFF, "partner")
PARTNER_COORDINATOR = principal(demo_data.FRDL, Role.COORDINATOR, "partner-coordinator")
MOPS_COORDINATOR = principal(demo_data.MOPS, Role.COORDINATOR, "mops")
AUDITOR = principal(demo_data.MOPS, Role.AUDITOR, "auditor")
TRAINER = principal(demo_data.EUDAJMONIA, Role.TRAINER, "trainer")
OUTSIDER = principal("fundacja-obca", Role.COORDINATOR, "outsider")

ORGANISATIONS = {
    demo_data.EUDAJMONIA: "Fundacja Eudajmonia",
    demo_data.FRDL: "Fundacja Rozwoju Demokracji Lokalnej",
    demo_data.MOPS: "MOPS Wrocław",
    "fundacja-obca": "Fundacja Obca",
}


async def ta_world(today: date = TA_DAY) -> FakeEnrolment:
    """The TA project registered by its leader, with its partners, on fakes; its events cleared."""
    world = fake_enrolment(today)
    for organisation_id, name in ORGANISATIONS.items():
        await organisations.register_organisation(
            world.enrolment,
            ADMIN,
            Organisation(organisation_id=organisation_id, name=name, kind=OrganisationKind.FOUNDATION),
        )
    await projects.register_project(world.enrolment, LEADER, RegisterProject.model_validate(demo_data.ta_project()))
    world.outbox.envelopes.clear()
    return world


def anna(**changes: Any) -> EnrolParticipant:
    """A person with a disability, eligible in TA (enrolled by the leader's organisation)."""
    return EnrolParticipant.model_validate(demo_data.person_with_disability(**changes))


def jan(**changes: Any) -> EnrolParticipant:
    """A partner's staff trainee (FRDL), without a PESEL."""
    return EnrolParticipant.model_validate(demo_data.staff_trainee(**changes))

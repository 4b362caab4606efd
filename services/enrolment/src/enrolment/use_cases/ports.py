"""What enrolment's use cases need from the outside world, as Protocols.

The use cases see only these: the MongoDB stores of :mod:`enrolment.store` implement them for the
service, in-memory fakes implement them for the unit tests. A store writes each change together
with the events it emits (the outbox is the store's job); no use case names a topic, a collection
or a filter. A port refuses with the exceptions below, which the use cases turn into answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import DeclarationRecordedV1
from aktywni_shared.contracts.vocabulary import ParticipantCategory, SupportForm
from aktywni_shared.identity import Principal
from enrolment.domain.organisations import Organisation
from enrolment.domain.participants import EnrolParticipant, Participant, Status
from enrolment.domain.projects import Project


class AlreadyExists(Exception):
    """An organisation or project with this id is stored already."""


class DuplicateParticipant(Exception):
    """The person is in the project already (by PESEL, or by name and birth date)."""

    def __init__(self, existing_id: str, existing_organisation_id: str) -> None:
        super().__init__("this person is already enrolled in the project")
        self.existing_id = existing_id
        self.existing_organisation_id = existing_organisation_id


@dataclass
class StoredParticipant:
    """A participant as stored: the domain object, the consent's scope and the sealed personal fields.

    ``sealed`` is the store's own (encrypted) form of the personal data; only
    :meth:`ParticipantRepository.personal_data` opens it.
    """

    participant: Participant
    consent_scope: frozenset[str] = frozenset()
    sealed: Mapping[str, str] = field(default_factory=dict)
    #: The store's own (wrapped) form of the data key, when it was read with the participant (a page
    #: of the list): opening the personal data then needs no read of its own.
    sealed_key: tuple[str, str] | None = None


@dataclass(frozen=True)
class ParticipantQuery:
    """Which participants of a project a page lists (``None``: any).

    ``name``: those whose first or last name has a word beginning with each of its words
    (:func:`enrolment.domain.search.name_matches`); a name with no words at all matches nobody.
    """

    project_id: str
    organisation_id: str | None = None
    status: Status | None = None
    category: ParticipantCategory | None = None
    pesel: str | None = None
    name: str | None = None


class ProjectRepository(Protocol):
    """Organisations and projects (with their partners); project events saved with each change."""

    async def add_organisation(self, organisation: Organisation) -> None:
        """Store a new organisation; :class:`AlreadyExists` if its id is taken."""

    async def organisation(self, organisation_id: str) -> Organisation | None: ...

    async def list_organisations(self) -> list[Organisation]: ...

    async def add(self, project: Project, envelopes: Sequence[Envelope]) -> None:
        """Store a new project with its events; :class:`AlreadyExists` if its id is taken."""

    async def get(self, project_id: str) -> Project | None: ...

    async def list(self) -> list[Project]: ...

    async def add_partner(self, project: Project, partners_before: int, envelope: Envelope) -> bool:
        """Save the partner list if it still had ``partners_before`` partners; False if it changed."""

    async def set_path_completion(self, project: Project) -> bool:
        """Save the project's path-completion rules; False if the project is gone."""

    async def save_settings(
        self, project: Project, fields: Sequence[str], events: Sequence[Envelope] = (), *, revision: int
    ) -> bool:
        """Save the named settings (``SETTINGS``, ``SHARED`` of ``enrolment.domain.projects``) with their
        events in one write, if the project is still at ``revision``, and move it to the next one;
        False if it is gone or another change landed since it was read."""


class ParticipantRepository(Protocol):
    """Participants, their personal data (encrypted) and the identities that keep them unique."""

    async def add(self, participant: Participant, command: EnrolParticipant, envelope: Envelope) -> None:
        """Store a new participant with its event; :class:`DuplicateParticipant` if the person is there."""

    async def add_many(self, items: Sequence[tuple[Participant, EnrolParticipant, Envelope]]) -> Mapping[int, Any]:
        """Store many new participants; the indexes of the people already in the project."""

    async def get(self, participant_id: uuid.UUID | str) -> StoredParticipant | None: ...

    async def personal_data(self, stored: StoredParticipant) -> dict[str, Any]:
        """The participant's personal fields in clear ({} once erased)."""

    async def save(
        self,
        participant: Participant,
        expected_status: Status,
        envelope: Envelope | None,
        personal: dict[str, str] | None = None,
    ) -> None:
        """Save a change (and its event) if the status is still ``expected_status``, else ConcurrentChange."""

    async def erase(self, participant: Participant, expected_status: Status, envelope: Envelope) -> None:
        """Erase the personal data (for good) and save the erasure with its event."""

    async def page(self, query: ParticipantQuery, *, skip: int, limit: int) -> tuple[int, list[StoredParticipant]]:
        """How many match ``query``, and one page of them in a stable order (the erased too, without personal data)."""

    async def in_project(self, project_id: str) -> list[StoredParticipant]:
        """Every participant of the project, in a stable order."""

    async def enrolment_span(self, project_id: str) -> tuple[date, date] | None:
        """The earliest and latest ``enrolled_on`` of those who entered the project (not candidates or
        the qualified, whose date is of their registration); ``None`` if nobody did."""

    async def by_pesel(self, project_id: str, pesel: str) -> str | None:
        """The id of the participant of the project with this PESEL, if any."""

    async def ids_of(self, project_id: str, commands: Sequence[EnrolParticipant]) -> list[str]:
        """The id of the participant each command's person is in the project ('' where none)."""


class DeclarationRepository(Protocol):
    """A project's institutional declarations, each saved with its event."""

    async def add(
        self, project_id: str, recorded_by: str, declaration: DeclarationRecordedV1, envelope: Envelope
    ) -> None: ...

    async def list(self, project_id: str) -> list[dict[str, Any]]: ...


class CompletionLog(Protocol):
    """The activities each participant completed, as scheduling reported them (idempotent)."""

    async def record(self, participant_id: str, activity_id: str, form: SupportForm, on: date) -> list[SupportForm]:
        """Note one completed activity; the forms of every distinct activity completed so far."""


@dataclass(frozen=True)
class AuditQuery:
    """Which entries of a project's audit log a page lists (``None``: any); ``until`` is exclusive."""

    project_id: str
    participant_id: str | None = None
    user: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit log: who (login, organisation, role) did what to whose data, when.

    ``fields`` names the personal fields touched, never their values.
    """

    at: datetime
    user: str
    organisation_id: str
    role: str
    action: str
    project_id: str
    participant_ids: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ImportSummary:
    """One import as staff look back on it: who, when, which file, how many rows enrolled and refused.

    No personal data: the counts, the file's name as sent and the importer's login and organisation.
    """

    import_id: str
    project_id: str
    organisation_id: str
    user: str
    at: datetime
    filename: str
    rows: int
    enrolled: int
    already_enrolled: int
    refused: int


class ImportLog(Protocol):
    """The summaries of a project's imports (never a row of a file)."""

    async def add(self, summary: ImportSummary) -> None: ...

    async def page(
        self, project_id: str, organisation_id: str | None, *, skip: int, limit: int
    ) -> tuple[int, list[ImportSummary]]:
        """How many imports of the project (of ``organisation_id`` only, if given), one page, newest first."""


class AuditTrail(Protocol):
    """Who read or changed whose personal data."""

    async def page(self, query: AuditQuery, *, skip: int, limit: int) -> tuple[int, list[AuditRecord]]:
        """How many entries match ``query``, and one page of them, the newest first."""

    async def record(
        self,
        principal: Principal,
        action: str,
        project_id: str,
        participant_ids: Iterable[str],
        fields: Iterable[str] = (),
    ) -> None: ...

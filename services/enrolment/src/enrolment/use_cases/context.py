"""What every use case of enrolment works with: the ports, the clock, and the checks they share."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from aktywni_shared.clock import Clock
from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.identity import Principal
from enrolment.domain import access, eligibility
from enrolment.domain.errors import DomainError, NotFound
from enrolment.domain.participants import Status
from enrolment.domain.projects import Project
from enrolment.use_cases.ports import (
    AuditTrail,
    CompletionLog,
    DeclarationRepository,
    ImportLog,
    ParticipantRepository,
    ProjectRepository,
    StoredParticipant,
)

PRODUCER = "enrolment"
T = TypeVar("T")


@dataclass
class Enrolment:
    """The ports of enrolment's use cases; ``clock`` is the service's one clock ("today" in Warsaw)."""

    projects: ProjectRepository
    participants: ParticipantRepository
    declarations: DeclarationRepository
    completions: CompletionLog
    audit: AuditTrail
    clock: Clock
    imports: ImportLog

    def today(self) -> date:
        """Today in Warsaw, by the service's clock."""
        return self.clock.today()

    def not_in_future(self, day: date, field: str) -> None:
        if day > self.today():
            raise DomainError(f"{field} {day} is in the future (today is {self.today()})", field)

    async def project(self, principal: Principal, project_id: str) -> Project:
        """The project, if the caller may read it (else 404: an outsider learns nothing)."""
        project = await self.projects.get(project_id)
        if project is None or not access.may_read_project(principal, project):
            raise NotFound(f"project {project_id} not found")
        return project

    async def visible(self, principal: Principal, participant_id: uuid.UUID) -> StoredParticipant:
        """The participant, if the caller may see them (else 404)."""
        stored = await self.participants.get(participant_id)
        if stored is None:
            raise NotFound(f"participant {participant_id} not found")
        project = await self.projects.get(stored.participant.project_id)
        if project is None or not access.may_see(principal, project, stored.participant.organisation_id):
            raise NotFound(f"participant {participant_id} not found")
        return stored

    async def linked(self, participant_id: uuid.UUID | None) -> eligibility.LinkedPerson | None:
        """The person a participant is linked to (an ON's environment), as eligibility sees them."""
        if participant_id is None:
            return None
        stored = await self.participants.get(participant_id)
        if stored is None:
            return None
        p = stored.participant
        return eligibility.LinkedPerson(
            project_id=p.project_id,
            category=p.profile.category,
            active=p.status in (Status.ENROLLED, Status.ACTIVE, Status.COMPLETED),
        )

    async def require_organisations(self, organisation_ids: list[str]) -> dict[str, str]:
        """Every organisation must be registered: their names by id."""
        names: dict[str, str] = {}
        for organisation_id in organisation_ids:
            organisation = await self.projects.organisation(organisation_id)
            if organisation is None:
                raise DomainError(f"organisation {organisation_id} is not registered", "organisation_id")
            names[organisation_id] = organisation.name
        return names


def guard(step: Callable[[], T]) -> T:
    """Run a step of the domain; its ValueError is the caller's DomainError."""
    try:
        return step()
    except ValueError as error:
        raise DomainError(str(error)) from error


def wrap(payload: EventPayload, organisation_id: str, project_id: str) -> Envelope:
    """An event of enrolment in its envelope (topic and key follow from the contracts)."""
    return Envelope.wrap(payload, producer=PRODUCER, organisation_id=organisation_id, project_id=project_id)

"""Participants: enrol (one, or many from an import), register a candidate, find, read, change, erase.

Every read or change of personal data is audited; a person already in the project (by any
organisation) is refused as a conflict that names them only to a caller who may see them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.vocabulary import ParticipantCategory
from aktywni_shared.errors import ServiceError
from aktywni_shared.identity import Principal
from enrolment.domain import access, eligibility
from enrolment.domain import participants as participant_rules
from enrolment.domain.eligibility import Ineligible
from enrolment.domain.errors import Conflict, DomainError, Forbidden
from enrolment.domain.participants import EnrolParticipant, Participant, ParticipantDetails, Status
from enrolment.domain.personal import personal_changes, personal_values
from enrolment.domain.projects import Project
from enrolment.use_cases.context import Enrolment, guard, wrap
from enrolment.use_cases.ports import DuplicateParticipant, ParticipantQuery, StoredParticipant


async def enrol(enrolment: Enrolment, principal: Principal, project_id: str, command: EnrolParticipant) -> Participant:
    project = await enrolment.project(principal, project_id)
    participant, envelope = await _prepare(enrolment, principal, project, command, enrolment.today())
    await _add(enrolment, principal, project, participant, command, envelope, "enrol")
    return participant


async def register_candidate(
    enrolment: Enrolment, principal: Principal, project_id: str, command: EnrolParticipant
) -> tuple[Participant, list[eligibility.FailedRule]]:
    """Register a recruited person as a candidate: their data and consent are validated and stored.

    The eligibility rules are evaluated and answered (every failed one named) but do not refuse a
    candidate: qualification, later, requires them to pass.
    """
    project = await enrolment.project(principal, project_id)
    if not access.may_enrol_for(principal, project, command.organisation_id):
        raise Forbidden(f"you may not recruit for {command.organisation_id} in {project.project_id}")
    candidate = participant_rules.register_candidate(project.project_id, command, enrolment.today())
    linked = await enrolment.linked(command.linked_participant_id)
    failures = eligibility.evaluate(project, command, candidate.enrolled_on, linked)
    envelope = wrap(candidate.registered_event(), candidate.organisation_id, project_id)
    await _add(enrolment, principal, project, candidate, command, envelope, "register_candidate")
    return candidate, failures


async def enrol_batch(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    commands: list[tuple[int, EnrolParticipant]],
    today: date | None = None,
) -> dict[int, ServiceError | None]:
    """Enrol many people at once (bulk import): per row, None when enrolled, or the error.

    The same rules as :func:`enrol`, row by row; only the writes are shared in bulk. A person who
    is already in the project comes back as :class:`Conflict`.
    """
    project = await enrolment.project(principal, project_id)
    today = today or enrolment.today()
    outcomes: dict[int, ServiceError | None] = {}
    prepared: list[tuple[int, Participant, EnrolParticipant, Envelope]] = []
    for row, command in commands:
        try:
            participant, envelope = await _prepare(enrolment, principal, project, command, today)
        except (Forbidden, Ineligible, DomainError) as error:
            outcomes[row] = error
            continue
        prepared.append((row, participant, command, envelope))
    duplicates = await enrolment.participants.add_many([(p, c, e) for _, p, c, e in prepared])
    for index, (row, _, _, _) in enumerate(prepared):
        outcomes[row] = Conflict("this person is already enrolled in the project") if index in duplicates else None
    return outcomes


async def participant_id_by_pesel(enrolment: Enrolment, project_id: str, pesel: str) -> str | None:
    return await enrolment.participants.by_pesel(project_id, pesel)


async def participant(
    enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID
) -> tuple[StoredParticipant, dict[str, Any]]:
    """A participant with decrypted personal data, if the caller may see them (audited)."""
    stored = await enrolment.visible(principal, participant_id)
    personal = await enrolment.participants.personal_data(stored)
    await enrolment.audit.record(principal, "read", stored.participant.project_id, [str(participant_id)], personal)
    return stored, personal


#: Participants whose keys are read side by side (one request each, over the connection pool).
KEY_READS = 32


async def with_personal_data(
    enrolment: Enrolment, rows: Sequence[StoredParticipant]
) -> list[tuple[StoredParticipant, dict[str, Any]]]:
    """Each row with its decrypted personal data, the keys read ``KEY_READS`` at a time, in row order.

    One after another, a page of 50 waited for 50 round trips to the database.
    """
    result: list[tuple[StoredParticipant, dict[str, Any]]] = []
    for start in range(0, len(rows), KEY_READS):
        window = rows[start : start + KEY_READS]
        personal = await asyncio.gather(*(enrolment.participants.personal_data(row) for row in window))
        result += zip(window, personal, strict=True)
    return result


async def participants_page(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    *,
    organisation_id: str | None,
    status: Status | None,
    category: ParticipantCategory | None,
    pesel: str | None,
    page: int,
    page_size: int,
) -> tuple[int, list[tuple[StoredParticipant, dict[str, Any]]]]:
    """One page of the participants the caller may see (yours, or all for the leader); audited."""
    query = await _visible_query(enrolment, principal, project_id, organisation_id, status, category, pesel)
    total, rows = await enrolment.participants.page(query, skip=(page - 1) * page_size, limit=page_size)
    result = await with_personal_data(enrolment, rows)
    if result:
        await enrolment.audit.record(
            principal,
            "list",
            project_id,
            [str(row.participant.participant_id) for row, _ in result],
            {name for _, personal in result for name in personal},
        )
    return total, result


async def _visible_query(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    organisation_id: str | None,
    status: Status | None,
    category: ParticipantCategory | None,
    pesel: str | None,
) -> ParticipantQuery:
    """The query of the participants the caller may see: a partner's only its own organisation's."""
    project = await enrolment.project(principal, project_id)
    scope = access.participant_scope(principal, project)
    if scope is access.Scope.NONE:
        raise Forbidden("your role sees no personal data")
    if scope is access.Scope.OWN_ORGANISATION:
        if organisation_id not in (None, principal.organisation_id):
            raise Forbidden("you see only your organisation's participants")
        organisation_id = principal.organisation_id
    return ParticipantQuery(project_id, organisation_id or None, status, category, pesel)


@dataclass(frozen=True)
class Search:
    """What staff search by; ``name`` and ``pesel`` come in a request's body, never in its address."""

    name: str | None = None
    pesel: str | None = None
    status: Status | None = None
    category: ParticipantCategory | None = None
    organisation_id: str | None = None


async def search(
    enrolment: Enrolment, principal: Principal, project_id: str, search: Search, *, page: int, page_size: int
) -> tuple[int, list[tuple[StoredParticipant, dict[str, Any]]]]:
    """One page of the visible participants matching ``search``; every search is audited ("search").

    PESEL and name are both found through blind indexes (keyed hashes of the PESEL and of every
    beginning of every word of the names), so only the page's participants are decrypted.
    """
    query = await _visible_query(
        enrolment, principal, project_id, search.organisation_id, search.status, search.category, search.pesel
    )
    if search.name:
        query = dataclasses.replace(query, name=search.name)
    total, rows = await enrolment.participants.page(query, skip=(page - 1) * page_size, limit=page_size)
    result = await with_personal_data(enrolment, rows)
    criteria = [f"by:{name}" for name, value in (("name", search.name), ("pesel", search.pesel)) if value]
    await enrolment.audit.record(
        principal,
        "search",
        project_id,
        [str(row.participant.participant_id) for row, _ in result],
        {name for _, personal in result for name in personal} | set(criteria),
    )
    return total, result


async def update(
    enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID, details: ParticipantDetails
) -> Participant:
    stored = await enrolment.visible(principal, participant_id)
    participant, status = stored.participant, stored.participant.status
    event = guard(lambda: participant.update(details))
    envelope = wrap(event, participant.organisation_id, participant.project_id) if event else None
    personal = personal_changes(details)
    await enrolment.participants.save(participant, status, envelope, personal)
    await enrolment.audit.record(principal, "update", participant.project_id, [str(participant_id)], personal)
    return participant


async def erase(enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID) -> Participant:
    stored = await enrolment.visible(principal, participant_id)
    participant, status = stored.participant, stored.participant.status
    today = enrolment.today()
    event = guard(lambda: participant.erase(today))
    await enrolment.participants.erase(
        participant, status, wrap(event, participant.organisation_id, participant.project_id)
    )
    await enrolment.audit.record(principal, "erase", participant.project_id, [str(participant_id)])
    return participant


async def _prepare(
    enrolment: Enrolment, principal: Principal, project: Project, command: EnrolParticipant, today: date
) -> tuple[Participant, Envelope]:
    """Authorise, apply the domain's rules and eligibility: the participant and its event, or an error."""
    if not access.may_enrol_for(principal, project, command.organisation_id):
        raise Forbidden(f"you may not enrol participants for {command.organisation_id} in {project.project_id}")
    participant = participant_rules.enrol(project.project_id, command, today)
    linked = await enrolment.linked(command.linked_participant_id)
    failures = eligibility.evaluate(project, command, participant.enrolled_on, linked)
    if failures:
        raise Ineligible(failures)
    return participant, wrap(participant.enrolled_event(), participant.organisation_id, project.project_id)


async def _add(
    enrolment: Enrolment,
    principal: Principal,
    project: Project,
    participant: Participant,
    command: EnrolParticipant,
    envelope: Envelope,
    action: str,
) -> None:
    try:
        await enrolment.participants.add(participant, command, envelope)
    except DuplicateParticipant as duplicate:
        visible = access.may_see(principal, project, duplicate.existing_organisation_id)
        where = f" by {duplicate.existing_organisation_id}" if visible else ""
        raise Conflict(
            f"this person is already registered in {project.project_id}{where}",
            duplicate.existing_id if visible else None,
        ) from duplicate
    await enrolment.audit.record(
        principal, action, project.project_id, [str(participant.participant_id)], personal_values(command)
    )

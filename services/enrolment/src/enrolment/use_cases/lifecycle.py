"""A participant's path: qualification, enrolment of a qualified candidate, support, completion, withdrawal.

Staff move a participant on by hand (qualify, enrol, complete, withdraw, re-enrol); scheduling's
support facts move them on by themselves (:func:`support_started`, :func:`support_completed`),
idempotently, so that a repeated or replayed event changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from aktywni_shared.contracts.envelope import EventPayload
from aktywni_shared.contracts.vocabulary import SupportForm, WithdrawalReason
from aktywni_shared.identity import Principal
from enrolment.domain import access, eligibility
from enrolment.domain import completion as path_completion
from enrolment.domain.eligibility import Ineligible
from enrolment.domain.errors import DomainError, Forbidden, NotFound
from enrolment.domain.participants import Participant, Status
from enrolment.use_cases.context import Enrolment, guard, wrap
from enrolment.use_cases.ports import StoredParticipant


async def qualify(enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID, on: date) -> Participant:
    """Qualify a candidate: every eligibility rule must pass on ``on`` (all failures are named)."""
    stored = await enrolment.visible(principal, participant_id)
    participant, status = stored.participant, stored.participant.status
    await _require_eligible(enrolment, stored, on, check_period=False)
    enrolment.not_in_future(on, "qualified_on")
    event = guard(lambda: participant.qualify(on))
    await _save_transition(enrolment, participant, status, event)
    await enrolment.audit.record(principal, "qualify", participant.project_id, [str(participant_id)])
    return participant


async def enrol_qualified(
    enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID, on: date
) -> Participant:
    """A qualified candidate enters the project; the rules are checked again for that day."""
    stored = await enrolment.visible(principal, participant_id)
    participant, status = stored.participant, stored.participant.status
    enrolment.not_in_future(on, "enrolled_on")
    await _require_eligible(enrolment, stored, on, check_period=True)
    event = guard(lambda: participant.enrol_qualified(on))
    await _save_transition(enrolment, participant, status, event)
    await enrolment.audit.record(principal, "enrol", participant.project_id, [str(participant_id)])
    return participant


async def complete(enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID, on: date) -> Participant:
    """Staff close a participant's path as completed (scheduling's completions do it on their own)."""
    stored = await enrolment.visible(principal, participant_id)
    project = await enrolment.project(principal, stored.participant.project_id)
    if not access.is_participating_coordinator(principal, project):
        raise Forbidden("a coordinator closes a participant's path")
    enrolment.not_in_future(on, "completed_on")
    participant, status = stored.participant, stored.participant.status
    event = guard(lambda: participant.complete(on))
    if event is None:
        return participant
    await _save_transition(enrolment, participant, status, event)
    return participant


async def withdraw(
    enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID, on: date, reason: WithdrawalReason
) -> Participant:
    stored = await enrolment.visible(principal, participant_id)
    participant, status = stored.participant, stored.participant.status
    enrolment.not_in_future(on, "withdrawn_on")
    event = guard(lambda: participant.withdraw(on, reason))
    await _save_transition(enrolment, participant, status, event)
    return participant


async def re_enrol(enrolment: Enrolment, principal: Principal, participant_id: uuid.UUID, on: date) -> Participant:
    stored = await enrolment.visible(principal, participant_id)
    participant, status = stored.participant, stored.participant.status
    project = await enrolment.project(principal, participant.project_id)
    enrolment.not_in_future(on, "enrolled_on")
    if not project.starts_on <= on <= project.ends_on:
        raise DomainError(f"{on} is outside the project's period", "enrolled_on")
    event = guard(lambda: participant.re_enrol(on))
    await _save_transition(enrolment, participant, status, event)
    return participant


async def support_started(enrolment: Enrolment, participant_id: uuid.UUID, on: date) -> bool:
    """Scheduling reports the first support: enrolled → active. False when there was nothing to do.

    The activation event carries the age band on that day, from the birth date enrolment holds.
    """
    stored = await enrolment.participants.get(participant_id)
    held = (await enrolment.participants.personal_data(stored)).get("birth_date") if stored else None
    birth_date = date.fromisoformat(held) if held else None
    return await _system_transition(enrolment, participant_id, lambda p: p.activate(on, birth_date))


async def support_completed(
    enrolment: Enrolment, participant_id: uuid.UUID, on: date, activity_id: uuid.UUID, form: SupportForm
) -> bool:
    """Scheduling reports a completed activity; the path completes when the category's rule is met.

    The activity is noted first (idempotent, one document), then the participant's distinct
    completed activities are compared with the project's rule for their category. A duplicate
    delivery or a replay notes nothing new and finds the participant completed already.
    """
    stored = await enrolment.participants.get(participant_id)
    if stored is None:
        raise NotFound(f"participant {participant_id} is not known to enrolment")
    participant = stored.participant
    forms = await enrolment.completions.record(str(participant_id), str(activity_id), form, on)
    if participant.status not in (Status.ENROLLED, Status.ACTIVE):
        return False  # completed already, withdrawn or erased: the fact is noted, the path stays
    project = await enrolment.projects.get(participant.project_id)
    if project is None:
        raise NotFound(f"project {participant.project_id} is not known to enrolment")
    if not path_completion.is_met(project.path_rule(participant.profile.category), forms):
        return False
    return await _system_transition(enrolment, participant_id, lambda p: p.complete(on, activity_id))


async def _require_eligible(enrolment: Enrolment, stored: StoredParticipant, on: date, *, check_period: bool) -> None:
    """Evaluate the project's rules for a stored candidate on ``on``; raise with every failed rule."""
    participant = stored.participant
    project = await enrolment.projects.get(participant.project_id)
    if project is None:
        raise NotFound(f"project {participant.project_id} not found")
    personal = await enrolment.participants.personal_data(stored)
    profile = participant.profile
    applicant = eligibility.Applicant(
        category=profile.category,
        birth_date=date.fromisoformat(personal["birth_date"]) if "birth_date" in personal else None,
        consent_scope=stored.consent_scope,
        social_assistance_client=profile.social_assistance_client,
        disability_degree=profile.disability_degree,
        mops_employee=profile.mops_employee,
    )
    failures = eligibility.evaluate(project, applicant, on, await enrolment.linked(profile.linked_participant_id))
    if not check_period:
        failures = [f for f in failures if f.rule != "within_project_period"]
    if failures:
        raise Ineligible(failures)


async def _system_transition(
    enrolment: Enrolment, participant_id: uuid.UUID, transition: Callable[[Participant], EventPayload | None]
) -> bool:
    """A transition caused by another service's event: idempotent (a repeat changes nothing)."""
    stored = await enrolment.participants.get(participant_id)
    if stored is None:
        raise NotFound(f"participant {participant_id} is not known to enrolment")
    participant, status = stored.participant, stored.participant.status
    event = transition(participant)
    if event is None:
        return False
    await _save_transition(enrolment, participant, status, event)
    return True


async def _save_transition(enrolment: Enrolment, participant: Participant, before: Status, event: EventPayload) -> None:
    await enrolment.participants.save(
        participant, before, wrap(event, participant.organisation_id, participant.project_id)
    )

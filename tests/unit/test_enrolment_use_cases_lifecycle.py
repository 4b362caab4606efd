"""A participant's path through enrolment's use cases on in-memory ports: candidates, transitions, completion."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from aktywni_shared.contracts.vocabulary import SupportForm, WithdrawalReason
from aktywni_stack import demo_data
from enrolment.domain.eligibility import Ineligible
from enrolment.domain.errors import ConcurrentChange, DomainError, Forbidden, InvalidTransition, NotFound
from enrolment.domain.participants import EnrolParticipant, Status, age_band_at
from enrolment.domain.projects import UpdateProject
from enrolment.use_cases import lifecycle, participants, projects
from tests.unit.enrolment_fakes import LEADER, LEADER_STAFF, PARTNER, PARTNER_COORDINATOR, TA_DAY, anna, jan, ta_world

pytestmark = pytest.mark.unit

SUPPORT_DAY = date(2012, 9, 12)


def unlinked_environment_person() -> EnrolParticipant:
    return EnrolParticipant.model_validate(demo_data.environment_person(str(uuid.uuid4())))


async def test_a_candidate_is_registered_qualified_and_enrolled_each_step_with_its_event() -> None:
    world = await ta_world()

    candidate, failures = await participants.register_candidate(world.enrolment, LEADER_STAFF, "TA-2012", anna())
    await lifecycle.qualify(world.enrolment, LEADER_STAFF, candidate.participant_id, TA_DAY)
    enrolled = await lifecycle.enrol_qualified(world.enrolment, LEADER_STAFF, candidate.participant_id, TA_DAY)

    assert failures == []
    assert enrolled.status is Status.ENROLLED
    assert world.outbox.types == ["CandidateRegistered", "CandidateQualified", "ParticipantEnrolled"]
    assert world.audit.actions == ["register_candidate", "qualify", "enrol"]


async def test_a_failing_candidate_is_registered_with_the_failures_named_but_not_qualified() -> None:
    world = await ta_world()

    candidate, failures = await participants.register_candidate(
        world.enrolment, LEADER, "TA-2012", unlinked_environment_person()
    )
    with pytest.raises(Ineligible) as refused:
        await lifecycle.qualify(world.enrolment, LEADER, candidate.participant_id, TA_DAY)

    assert [f.rule for f in failures] == ["linked_person"]
    assert [f.rule for f in refused.value.failures] == ["linked_person"]
    stored = await world.participants.get(candidate.participant_id)
    assert stored is not None
    assert stored.participant.status is Status.CANDIDATE


async def test_an_environment_person_qualifies_once_linked_to_an_active_person_with_a_disability() -> None:
    world = await ta_world()
    on = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())
    linked = EnrolParticipant.model_validate(demo_data.environment_person(str(on.participant_id)))

    candidate, failures = await participants.register_candidate(world.enrolment, LEADER, "TA-2012", linked)
    qualified = await lifecycle.qualify(world.enrolment, LEADER, candidate.participant_id, TA_DAY)

    assert failures == []
    assert qualified.status is Status.QUALIFIED


async def test_a_qualification_dated_tomorrow_is_refused_naming_the_date() -> None:
    world = await ta_world()
    candidate, _ = await participants.register_candidate(world.enrolment, LEADER, "TA-2012", anna())

    with pytest.raises(DomainError) as refused:
        await lifecycle.qualify(world.enrolment, LEADER, candidate.participant_id, TA_DAY + timedelta(days=1))

    assert refused.value.field == "qualified_on"


async def test_withdrawal_and_re_enrolment_within_the_projects_period() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())

    await lifecycle.withdraw(world.enrolment, PARTNER, enrolled.participant_id, TA_DAY, WithdrawalReason.HEALTH)
    with pytest.raises(InvalidTransition):
        await lifecycle.withdraw(world.enrolment, PARTNER, enrolled.participant_id, TA_DAY, WithdrawalReason.HEALTH)
    with pytest.raises(DomainError) as outside:
        await lifecycle.re_enrol(world.enrolment, PARTNER, enrolled.participant_id, date(2011, 1, 1))
    back = await lifecycle.re_enrol(world.enrolment, PARTNER, enrolled.participant_id, TA_DAY)

    assert outside.value.field == "enrolled_on"
    assert back.status is Status.ENROLLED
    assert world.outbox.types == ["ParticipantEnrolled", "ParticipantWithdrawn", "ParticipantEnrolled"]


async def test_a_change_made_meanwhile_is_a_concurrent_change_not_a_lost_update() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())
    stale = await world.participants.get(enrolled.participant_id)
    assert stale is not None
    await lifecycle.withdraw(world.enrolment, PARTNER, enrolled.participant_id, TA_DAY, WithdrawalReason.HEALTH)

    with pytest.raises(ConcurrentChange) as clash:
        await world.participants.save(stale.participant, Status.ENROLLED, None)

    assert clash.value.status == 409


async def test_only_a_participating_coordinator_closes_a_path_and_a_repeat_changes_nothing() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())

    with pytest.raises(Forbidden):
        await lifecycle.complete(world.enrolment, PARTNER, enrolled.participant_id, TA_DAY)
    completed = await lifecycle.complete(world.enrolment, PARTNER_COORDINATOR, enrolled.participant_id, TA_DAY)
    again = await lifecycle.complete(world.enrolment, LEADER, enrolled.participant_id, TA_DAY)

    assert completed.status is again.status is Status.COMPLETED
    assert world.outbox.types == ["ParticipantEnrolled", "ParticipantCompleted"]


async def test_the_first_support_activates_with_the_age_band_and_a_redelivery_does_nothing() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())

    assert await lifecycle.support_started(world.enrolment, enrolled.participant_id, SUPPORT_DAY) is True
    assert await lifecycle.support_started(world.enrolment, enrolled.participant_id, SUPPORT_DAY) is False

    assert world.outbox.types == ["ParticipantEnrolled", "ParticipantActivated"]
    activated = world.outbox.envelopes[-1].payload
    assert activated["support_started_on"] == SUPPORT_DAY.isoformat()
    assert activated["age_band_at_support_start"] == age_band_at(date(1971, 3, 5), SUPPORT_DAY)
    assert "birth_date" not in activated
    with pytest.raises(NotFound):
        await lifecycle.support_started(world.enrolment, uuid.uuid4(), SUPPORT_DAY)


async def test_a_path_completes_when_the_categorys_rule_is_met_once_and_only_once() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())  # training 1, meeting 1
    pid, training, meeting = enrolled.participant_id, uuid.uuid4(), uuid.uuid4()

    first = await lifecycle.support_completed(world.enrolment, pid, SUPPORT_DAY, training, SupportForm.TRAINING)
    repeat = await lifecycle.support_completed(world.enrolment, pid, SUPPORT_DAY, training, SupportForm.TRAINING)
    rule_met = await lifecycle.support_completed(
        world.enrolment, pid, SUPPORT_DAY, meeting, SupportForm.INDIVIDUAL_MEETING
    )
    replay = await lifecycle.support_completed(
        world.enrolment, pid, SUPPORT_DAY, meeting, SupportForm.INDIVIDUAL_MEETING
    )

    assert (first, repeat, rule_met, replay) == (False, False, True, False)
    assert world.outbox.types == ["ParticipantEnrolled", "ParticipantCompleted"]


async def test_a_category_without_a_rule_completes_only_when_a_coordinator_closes_the_path() -> None:
    world = await ta_world()
    await projects.update_project(
        world.enrolment, LEADER, "TA-2012", UpdateProject.model_validate({"path_completion": {}})
    )
    enrolled = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())

    done = await lifecycle.support_completed(
        world.enrolment, enrolled.participant_id, SUPPORT_DAY, uuid.uuid4(), SupportForm.TRAINING
    )

    assert done is False
    stored = await world.participants.get(enrolled.participant_id)
    assert stored is not None
    assert stored.participant.status is Status.ENROLLED


async def test_a_withdrawn_participant_keeps_the_completed_activity_noted_but_the_path_stays() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())
    await lifecycle.withdraw(world.enrolment, PARTNER, enrolled.participant_id, TA_DAY, WithdrawalReason.HEALTH)

    done = await lifecycle.support_completed(
        world.enrolment, enrolled.participant_id, SUPPORT_DAY, uuid.uuid4(), SupportForm.TRAINING
    )

    assert done is False
    assert len(world.completions.activities[str(enrolled.participant_id)]) == 1

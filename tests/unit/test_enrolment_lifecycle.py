"""A participant's path: candidate → qualified → enrolled → active → completed, and what each step emits."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from aktywni_shared.contracts.events import (
    CandidateQualifiedV1,
    CandidateRegisteredV1,
    ParticipantActivatedV2,
    ParticipantCompletedV1,
    ParticipantEnrolledV2,
)
from aktywni_shared.contracts.vocabulary import ParticipantCategory, WithdrawalReason
from enrolment.domain import eligibility
from enrolment.domain.participants import DomainError, InvalidTransition, Participant, Status, register_candidate
from tests.unit.test_enrolment_domain import TODAY, command, participant, with_status


def candidate() -> Participant:
    return register_candidate("TA-2012", command(), TODAY)


def test_a_candidate_is_registered_with_its_day_and_an_event_without_personal_data() -> None:
    subject = candidate()

    assert subject.status is Status.CANDIDATE
    assert subject.history == [{"status": "candidate", "on": TODAY.isoformat()}]
    assert subject.registered_event() == CandidateRegisteredV1(
        participant_id=subject.participant_id, category=ParticipantCategory.CLIENT_AT_RISK, registered_on=TODAY
    )


def test_qualify_then_enrol_emits_each_transition() -> None:
    subject = candidate()

    qualified = subject.qualify(TODAY + timedelta(days=3))
    enrolled = subject.enrol_qualified(TODAY + timedelta(days=7))

    assert qualified == CandidateQualifiedV1(participant_id=subject.participant_id, qualified_on=TODAY + timedelta(3))
    assert isinstance(enrolled, ParticipantEnrolledV2)
    assert enrolled.enrolled_on == TODAY + timedelta(days=7)
    assert subject.status is Status.ENROLLED
    assert subject.enrolled_on == TODAY + timedelta(days=7)
    assert [h["status"] for h in subject.history] == ["candidate", "qualified", "enrolled"]


def test_qualification_before_registration_is_refused_naming_the_date() -> None:
    subject = candidate()

    with pytest.raises(DomainError, match="before the candidate was registered") as caught:
        subject.qualify(TODAY - timedelta(days=1))

    assert caught.value.field == "qualified_on"
    assert subject.status is Status.CANDIDATE


def test_enrolment_before_qualification_is_refused_naming_the_date() -> None:
    subject = candidate()
    subject.qualify(TODAY + timedelta(days=3))

    with pytest.raises(DomainError, match="before the qualification") as caught:
        subject.enrol_qualified(TODAY + timedelta(days=2))

    assert caught.value.field == "enrolled_on"
    assert subject.status is Status.QUALIFIED


def test_a_candidate_cannot_be_enrolled_without_qualification() -> None:
    with pytest.raises(InvalidTransition, match="only a qualified candidate"):
        candidate().enrol_qualified(TODAY)


@pytest.mark.parametrize("status", [Status.QUALIFIED, Status.ENROLLED, Status.WITHDRAWN, Status.ERASED])
def test_only_a_candidate_is_qualified(status: Status) -> None:
    subject = with_status(status)

    with pytest.raises(InvalidTransition, match="only a candidate can be qualified"):
        subject.qualify(TODAY)


def test_a_candidate_may_withdraw_but_not_be_re_enrolled() -> None:
    subject = candidate()
    subject.withdraw(TODAY, WithdrawalReason.NOT_ELIGIBLE)

    with pytest.raises(InvalidTransition, match="withdrawn before enrolment"):
        subject.re_enrol(TODAY + timedelta(days=1))
    assert subject.status is Status.WITHDRAWN


def test_first_support_activates_once() -> None:
    subject = participant()

    first = subject.activate(TODAY + timedelta(days=5))
    again = subject.activate(TODAY + timedelta(days=9))

    assert first == ParticipantActivatedV2(
        participant_id=subject.participant_id, support_started_on=TODAY + timedelta(days=5)
    )
    assert again is None, "a redelivered SupportStarted changes nothing"
    assert subject.status is Status.ACTIVE
    assert [h["status"] for h in subject.history] == ["enrolled", "active"]


@pytest.mark.parametrize("status", [Status.CANDIDATE, Status.QUALIFIED, Status.WITHDRAWN, Status.ERASED])
def test_support_cannot_start_for_someone_not_enrolled(status: Status) -> None:
    with pytest.raises(InvalidTransition, match=f"who is {status.value} cannot start support"):
        with_status(status).activate(TODAY)


def test_completion_emits_once_with_the_activity() -> None:
    subject = participant()
    subject.activate(TODAY)
    activity = uuid.uuid4()

    first = subject.complete(date(2012, 9, 28), activity)
    again = subject.complete(date(2012, 9, 29), activity)

    assert first == ParticipantCompletedV1(
        participant_id=subject.participant_id, completed_on=date(2012, 9, 28), activity_id=activity
    )
    assert again is None
    assert subject.status is Status.COMPLETED


def test_completion_before_enrolment_is_refused_naming_the_date() -> None:
    with pytest.raises(DomainError, match="before the enrolment") as caught:
        participant().complete(TODAY - timedelta(days=1))
    assert caught.value.field == "completed_on"


@pytest.mark.parametrize("status", [Status.CANDIDATE, Status.WITHDRAWN, Status.ERASED])
def test_completion_needs_an_enrolled_or_active_participant(status: Status) -> None:
    with pytest.raises(InvalidTransition, match=f"who is {status.value} cannot complete"):
        with_status(status).complete(TODAY)


def test_a_completed_participant_cannot_withdraw() -> None:
    subject = participant()
    subject.complete(TODAY)

    with pytest.raises(InvalidTransition, match="cannot withdraw"):
        subject.withdraw(TODAY, WithdrawalReason.OTHER)


def test_applicant_of_a_command_carries_what_the_rules_look_at() -> None:
    applicant = eligibility.Applicant.of(command(social_assistance_client=True))

    assert applicant.category is ParticipantCategory.CLIENT_AT_RISK
    assert applicant.birth_date == date(1971, 3, 5)
    assert applicant.social_assistance_client is True
    assert "processing_for_project" in applicant.consent_scope

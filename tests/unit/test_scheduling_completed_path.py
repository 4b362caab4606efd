"""Scheduling learns enrolment's ParticipantCompleted: a participant whose path is complete is booked no more."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ParticipantCompletedV1, ParticipantEnrolledV2
from aktywni_shared.contracts.vocabulary import ParticipantCategory, Sex
from aktywni_stack import demo_scheduling
from scheduling.domain import conflicts, participants
from scheduling.domain.activities import Activity, PlanActivity
from scheduling.domain.participants import ParticipantStatus


def _envelope(payload: ParticipantEnrolledV2 | ParticipantCompletedV1, hour: int) -> Envelope:
    return Envelope.wrap(
        payload,
        producer="enrolment",
        organisation_id="fundacja-eudajmonia",
        project_id="TA-2012",
        occurred_at=datetime(2012, 7, 1, hour, tzinfo=UTC),
    )


def test_a_completed_participant_is_not_bookable_and_a_late_enrolment_does_not_undo_it() -> None:
    pid = uuid.uuid4()
    enrolled = ParticipantEnrolledV2(
        participant_id=pid,
        category=ParticipantCategory.PERSON_WITH_DISABILITY,
        sex=Sex.FEMALE,
        birth_year=1980,
        disability_degree="light",
        enrolled_on=date(2012, 6, 1),
    )
    completed = ParticipantCompletedV1(participant_id=pid, completed_on=date(2012, 7, 1))
    view = participants.blank(_envelope(enrolled, 9), str(pid))
    view = participants.apply(view, _envelope(enrolled, 9), enrolled)
    assert view.bookable

    view = participants.apply(view, _envelope(completed, 10), completed)
    assert view.status is ParticipantStatus.COMPLETED
    assert not view.bookable
    assert participants.apply(view, _envelope(completed, 10), completed) == view, "a duplicate changes nothing"
    assert participants.apply(view, _envelope(enrolled, 9), enrolled).status is ParticipantStatus.COMPLETED

    activity = Activity.plan(PlanActivity.model_validate(demo_scheduling.ON_TRAINING), "TA-2012", "fundacja-eudajmonia")
    found = conflicts.participant_conflicts(view, activity, None, None)
    assert [c.code for c in found] == ["not_enrolled"]
    assert "completed" in found[0].message

"""Scheduling's domain in plain Python: holidays, opening hours, placement, conflicts, waitlists, completion."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import (
    CompletionRule,
    ParticipantEnrolledV2,
    ParticipantEnrolledV3,
    ParticipantErasedV1,
    ParticipantWithdrawnV1,
)
from aktywni_shared.contracts.vocabulary import (
    AttendanceStatus,
    BookingCancellationReason,
    ParticipantCategory,
    Sex,
    SupportForm,
    WithdrawalReason,
)
from aktywni_stack import demo_scheduling
from aktywni_stack.demo_scheduling import at
from scheduling.domain import attendance, bookings, conflicts, participants
from scheduling.domain.activities import Activity, PlanActivity
from scheduling.domain.attendance import Progress, SessionAttendance
from scheduling.domain.bookings import Booking, BookingState
from scheduling.domain.holidays import easter_sunday, holiday_name
from scheduling.domain.participants import ParticipantStatus, ParticipantView
from scheduling.domain.sessions import ScheduleSession
from scheduling.domain.times import Interval
from scheduling.domain.venues import Venue

STRZEGOMSKA = Venue(**demo_scheduling.STRZEGOMSKA, organisation_id="mops-wroclaw")
NAMYSLOWSKA = Venue(**demo_scheduling.NAMYSLOWSKA, organisation_id="mops-wroclaw")
ZON = Venue(**demo_scheduling.SOLIDARNOSCI, organisation_id="mops-wroclaw")


def _interval(day: date, hh_mm: str, hours: float) -> Interval:
    times = at(day, hh_mm, hours)
    return Interval(datetime.fromisoformat(times["starts_at"]), datetime.fromisoformat(times["ends_at"]))


# --- holidays and opening hours ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2012, 4, 8), "Wielkanoc"),
        (date(2012, 4, 9), "Poniedziałek Wielkanocny"),
        (date(2012, 5, 27), "Zielone Świątki (Zesłanie Ducha Świętego)"),
        (date(2012, 6, 7), "Boże Ciało"),
        (date(2013, 5, 30), "Boże Ciało"),
        (date(2012, 1, 6), "Święto Trzech Króli"),
        (date(2012, 11, 11), "Narodowe Święto Niepodległości"),
        (date(2025, 12, 24), "Wigilia Bożego Narodzenia"),
    ],
)
def test_polish_public_holidays(day: date, name: str) -> None:
    assert holiday_name(day) == name


def test_easter_and_ordinary_days() -> None:
    assert [easter_sunday(y) for y in (2012, 2013, 2014, 2024)] == [
        date(2012, 4, 8),
        date(2013, 3, 31),
        date(2014, 4, 20),
        date(2024, 3, 31),
    ]
    assert holiday_name(date(2012, 12, 24)) is None, "Christmas Eve is a day off only since 2025"
    assert holiday_name(date(2012, 10, 2)) is None


def test_seed_venues_opening_hours_with_their_exceptions() -> None:
    tuesday, thursday = date(2012, 10, 2), date(2012, 10, 4)
    assert STRZEGOMSKA.closed_reason(*_astuple(_interval(tuesday, "07:30", 8))) is None
    assert STRZEGOMSKA.closed_reason(*_astuple(_interval(tuesday, "07:00", 1))) is not None
    assert NAMYSLOWSKA.closed_reason(*_astuple(_interval(thursday, "14:00", 2.5))) is None, "Thursday until 16:30"
    assert NAMYSLOWSKA.closed_reason(*_astuple(_interval(tuesday, "14:00", 2))) is not None, "other days until 15:00"
    last_day = date(2012, 10, 31)
    assert STRZEGOMSKA.closed_reason(*_astuple(_interval(last_day, "10:00", 2))) is None
    reason = STRZEGOMSKA.closed_reason(*_astuple(_interval(last_day, "12:00", 1)))
    assert reason is not None
    assert "10:00–12:00" in reason
    holiday = ZON.closed_reason(*_astuple(_interval(date(2012, 11, 1), "09:00", 1)))
    assert holiday is not None
    assert "Wszystkich Świętych" in holiday
    assert ZON.closed_reason(*_astuple(_interval(date(2012, 10, 6), "09:00", 1))) is not None, "Saturday"
    one_off = Venue(
        **{**demo_scheduling.SOLIDARNOSCI, "exceptions": [{"kind": "date", "on": "2012-10-03", "note": "remont"}]},
        organisation_id="mops-wroclaw",
    )
    closed = one_off.closed_reason(*_astuple(_interval(date(2012, 10, 3), "09:00", 1)))
    assert closed == f"{ZON.name} is closed on 2012-10-03 (remont); 09:00–10:00 is outside"


def _astuple(interval: Interval) -> tuple[datetime, datetime]:
    return interval.start, interval.end


def test_accessibility_of_rooms() -> None:
    room_316 = ZON.room("316")
    assert room_316 is not None
    assert ZON.room_accessible(room_316), "3rd floor, with a lift"
    upstairs = NAMYSLOWSKA.room("sala-1-pietro")
    assert upstairs is not None
    assert not NAMYSLOWSKA.room_accessible(upstairs), "1st floor, no lift"


# --- sessions ---------------------------------------------------------------------------------------


def _field_of(error: ValidationError) -> list[object]:
    return list(error.errors()[0]["loc"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "2012-10-02T12:00:00+02:00", "ends_at": "2012-10-02T11:00:00+02:00"}, ["ends_at"]),
        ({"starts_at": "2012-10-02T22:00:00+02:00", "ends_at": "2012-10-03T01:00:00+02:00"}, ["ends_at"]),
        ({"capacity": 0}, ["capacity"]),
        ({"capacity": -1}, ["capacity"]),
        ({"venue_id": None}, ["venue_id"]),
        ({"off_site": True}, ["venue_id"]),
        ({"staff_ids": ["a", "a"]}, ["staff_ids"]),
    ],
)
def test_a_session_is_refused_naming_the_field(changes: dict[str, object], field: list[object]) -> None:
    body = {**at(date(2012, 10, 2), "10:00", 2), "venue_id": "v", "room_id": "r", **changes}
    with pytest.raises(ValidationError) as caught:
        ScheduleSession.model_validate(body)
    assert _field_of(caught.value) == field


def test_an_individual_meeting_seats_one() -> None:
    with pytest.raises(ValidationError):
        PlanActivity(
            form=SupportForm.INDIVIDUAL_MEETING,
            title="x",
            target_categories=["person_with_disability"],
            planned_hours=1,
            capacity=2,
        )


# --- conflicts --------------------------------------------------------------------------------------


def _activity(**changes: object) -> Activity:
    command = PlanActivity.model_validate({**demo_scheduling.ON_TRAINING, **changes})
    return Activity.plan(command, "TA-2012", "fundacja-eudajmonia")


def _participant(**changes: object) -> ParticipantView:
    values: dict[str, object] = {
        "participant_id": str(uuid.uuid4()),
        "project_id": "TA-2012",
        "organisation_id": "fundacja-eudajmonia",
        "status": ParticipantStatus.ENROLLED,
        "category": ParticipantCategory.PERSON_WITH_DISABILITY,
        "sex": Sex.FEMALE,
        "birth_year": 1970,
        **changes,
    }
    return ParticipantView.model_validate(values)


def test_participant_conflicts_are_explained() -> None:
    activity = _activity()
    upstairs = NAMYSLOWSKA.room("sala-1-pietro")
    assert conflicts.participant_conflicts(_participant(), activity, NAMYSLOWSKA, upstairs) == []
    codes = [
        c.code
        for c in conflicts.participant_conflicts(
            _participant(needs_step_free_access=True), activity, NAMYSLOWSKA, upstairs
        )
    ]
    assert codes == ["not_step_free"]
    trainee = _participant(category=ParticipantCategory.STAFF_TRAINEE)
    assert [c.code for c in conflicts.participant_conflicts(trainee, activity, None, None)] == ["category_not_targeted"]
    for status in (ParticipantStatus.WITHDRAWN, ParticipantStatus.ERASED, ParticipantStatus.UNKNOWN):
        found = conflicts.participant_conflicts(_participant(status=status), activity, None, None)
        assert [c.code for c in found] == ["not_enrolled"]
    other_project = _participant(project_id="WMA-2026")
    assert [c.code for c in conflicts.participant_conflicts(other_project, activity, None, None)] == ["not_enrolled"]


def test_half_open_intervals_and_double_bookings() -> None:
    ten = _interval(date(2012, 10, 2), "10:00", 1)
    slots = [conflicts.Slot("a", ten.start, ten.end)]
    assert conflicts.overlapping(slots, _interval(date(2012, 10, 2), "11:00", 1), "b") == []
    assert conflicts.overlapping(slots, _interval(date(2012, 10, 2), "09:00", 1), "b") == []
    assert len(conflicts.overlapping(slots, _interval(date(2012, 10, 2), "10:59", 1), "b")) == 1
    assert conflicts.overlapping(slots, ten, "a") == [], "a session never clashes with itself"


# --- bookings ---------------------------------------------------------------------------------------


def _queue(states: list[BookingState]) -> dict[str, Booking]:
    start = datetime(2012, 10, 1, tzinfo=UTC)
    made = [
        Booking(booking_id=uuid.uuid4(), participant_id=f"p{n}", state=s, requested_at=start + timedelta(seconds=n))
        for n, s in enumerate(states)
    ]
    return {b.participant_id: b for b in made}


def test_waitlist_is_first_come_first_served_with_offers_that_expire() -> None:
    queue = _queue([BookingState.CONFIRMED, BookingState.WAITLISTED, BookingState.WAITLISTED])
    assert bookings.free_seats(1, queue) == 0
    assert [b.participant_id for b in bookings.waitlist(queue)] == ["p1", "p2"]
    cancelled = bookings.cancel(queue, "p0", BookingCancellationReason.REQUESTED)
    assert cancelled is not None
    assert bookings.cancel(queue, "p0", BookingCancellationReason.REQUESTED) is None, "cancelling twice is a no-op"
    assert bookings.free_seats(1, queue) == 1
    moment = datetime(2012, 10, 1, 12, tzinfo=UTC)
    offered = bookings.promote(queue, "p1", moment, timedelta(hours=24))
    assert offered is not None
    assert (offered.state, offered.from_waitlist, offered.confirm_by) == (
        BookingState.OFFERED,
        True,
        moment + timedelta(hours=24),
    )
    assert bookings.free_seats(1, queue) == 0, "an offered seat is held"
    assert bookings.expired_offers(queue, moment + timedelta(hours=23)) == []
    assert [b.participant_id for b in bookings.expired_offers(queue, moment + timedelta(hours=24))] == ["p1"]
    assert bookings.confirm_offer(queue, "p1", moment + timedelta(hours=25)) is None, "too late"
    confirmed = bookings.confirm_offer(queue, "p1", moment + timedelta(hours=1))
    assert confirmed is not None
    assert confirmed.state is BookingState.CONFIRMED


# --- attendance and completion ----------------------------------------------------------------------


def test_completion_at_80_percent_of_planned_hours_once_and_corrections_count_once() -> None:
    rule = CompletionRule(kind="attendance_share", min_share=0.8)
    progress = Progress(participant_id="p", activity_id="a", project_id="TA-2012")
    day = date(2012, 10, 3)
    present = SessionAttendance(status=AttendanceStatus.PRESENT, hours=3.0, session_date=day)
    assert attendance.record(progress, "s1", present)
    assert not attendance.record(progress, "s1", present), "the same record twice changes nothing"
    assert not attendance.newly_completed(rule, 6, progress, day), "3 of 6 hours"
    assert attendance.record(progress, "s2", present)
    assert attendance.newly_completed(rule, 6, progress, day)
    assert not attendance.newly_completed(rule, 6, progress, day), "completed once"
    absent = SessionAttendance(status=AttendanceStatus.ABSENT, hours=0.0, session_date=day)
    assert attendance.record(progress, "s2", absent)
    assert progress.hours_attended == 3.0
    assert progress.completed_on == day, "a completion stays a fact"
    one = Progress(participant_id="p", activity_id="m", project_id="TA-2012")
    attendance.record(one, "s", SessionAttendance(status=AttendanceStatus.EXCUSED, hours=0, session_date=day))
    assert not attendance.meets(CompletionRule(kind="any_attendance"), 1, one)
    assert attendance.credited_hours(AttendanceStatus.PRESENT, 0.5) == 0.5


# --- the participants view --------------------------------------------------------------------------


def _envelope(payload: object, hour: int) -> Envelope:
    return Envelope.wrap(
        payload,  # type: ignore[arg-type]
        producer="enrolment",
        organisation_id="fundacja-eudajmonia",
        project_id="TA-2012",
        occurred_at=datetime(2012, 7, 1, hour, tzinfo=UTC),
    )


def test_a_withdrawal_before_its_enrolment_is_not_undone_but_a_re_enrolment_is_honoured() -> None:
    pid = uuid.uuid4()
    enrolled = ParticipantEnrolledV2(
        participant_id=pid,
        category=ParticipantCategory.PERSON_WITH_DISABILITY,
        sex=Sex.MALE,
        birth_year=1980,
        disability_degree="moderate",
        enrolled_on=date(2012, 6, 1),
    )
    withdrawn = ParticipantWithdrawnV1(participant_id=pid, withdrawn_on=date(2012, 7, 1), reason=WithdrawalReason.OTHER)
    view = participants.blank(_envelope(enrolled, 9), str(pid))
    view = participants.apply(view, _envelope(withdrawn, 10), withdrawn)
    view = participants.apply(view, _envelope(enrolled, 9), enrolled)
    assert view.status is ParticipantStatus.WITHDRAWN
    assert view.category is ParticipantCategory.PERSON_WITH_DISABILITY
    view = participants.apply(view, _envelope(enrolled, 11), enrolled)
    assert view.status is ParticipantStatus.ENROLLED, "a later enrolment is a re-enrolment"
    erased = ParticipantErasedV1(participant_id=pid, erased_on=date(2012, 8, 1))
    view = participants.apply(view, _envelope(erased, 12), erased)
    assert (view.status, view.category, view.birth_year) == (ParticipantStatus.ERASED, None, None)
    assert participants.apply(view, _envelope(enrolled, 13), enrolled).status is ParticipantStatus.ERASED


def test_every_version_of_an_enrolment_enrols_as_decoding_upcasts_it() -> None:
    pid = uuid.uuid4()
    enrolled = ParticipantEnrolledV3(
        participant_id=pid,
        category=ParticipantCategory.PERSON_WITH_DISABILITY,
        sex=Sex.FEMALE,
        birth_year=1980,
        disability_degree="light",
        enrolled_on=date(2012, 6, 1),
        education="isced_3_4",
        degurba="1",
    )
    view = participants.apply(participants.blank(_envelope(enrolled, 1), str(pid)), _envelope(enrolled, 1), enrolled)
    assert (view.status, view.category) == (ParticipantStatus.ENROLLED, ParticipantCategory.PERSON_WITH_DISABILITY)

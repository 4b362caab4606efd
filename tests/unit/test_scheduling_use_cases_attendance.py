"""Attendance's use cases on in-memory stores: hours add up, support starts once, completes by the activity's rule."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from aktywni_shared.contracts.events import CompletionRule
from aktywni_shared.contracts.vocabulary import AttendanceStatus
from scheduling.domain.attendance import AttendanceIn, RecordAttendance
from scheduling.domain.errors import Conflicts, DomainError, Forbidden
from scheduling.use_cases.attendance import Attendance
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.planning import Planning
from tests.unit.scheduling_fakes import (
    COORDINATOR,
    PROJECT,
    FakeStores,
    enrolled,
    scene,
    session_at,
    trainer,
    training,
)

pytestmark = pytest.mark.unit
TUESDAY, WEDNESDAY = date(2012, 10, 2), date(2012, 10, 3)
ANNA = trainer("anna")


async def _two_sessions(fakes: FakeStores, **activity: object) -> tuple[list[str], list[str]]:
    """Two 3-hour sessions of a 6-hour training led by Anna, with two participants booked into both."""
    planning = Planning(fakes.stores)
    plan = await planning.plan_activity(COORDINATOR, PROJECT, training(capacity=5, planned_hours=6, **activity))
    sessions = []
    for day in (TUESDAY, WEDNESDAY):
        body = session_at(day, "09:00", 3, staff_ids=["anna"])
        sessions.append(str((await planning.schedule(COORDINATOR, str(plan.activity_id), body)).session.session_id))
    people = [enrolled(), enrolled()]
    bookings = Bookings(fakes.stores)
    for person in people:
        fakes.participants.add(person)
        for session_id in sessions:
            await bookings.book(COORDINATOR, session_id, person.participant_id)
    fakes.clock.advance(timedelta(days=3))  # both sessions are over
    return sessions, [p.participant_id for p in people]


def _list(statuses: dict[str, AttendanceStatus]) -> RecordAttendance:
    return RecordAttendance(
        records=[AttendanceIn(participant_id=uuid.UUID(pid), status=status) for pid, status in statuses.items()]
    )


def _record(pid: str, status: AttendanceStatus) -> RecordAttendance:
    return RecordAttendance(records=[AttendanceIn(participant_id=uuid.UUID(pid), status=status)])


async def test_the_first_presence_starts_support_once_and_the_rule_completes_the_activity() -> None:
    fakes = scene()
    (tuesday, wednesday), (ola, ewa) = await _two_sessions(fakes)
    attendance = Attendance(fakes.stores)

    first = await attendance.record(ANNA, tuesday, _list({ola: AttendanceStatus.PRESENT, ewa: AttendanceStatus.ABSENT}))

    assert [(r.participant_id, r.hours_attended, r.completed) for r in first] == [(ola, 3.0, False), (ewa, 0.0, False)]
    started = fakes.events.of_type("SupportStarted")
    assert [e.payload["participant_id"] for e in started] == [ola], "an absence starts nothing"
    assert len(fakes.events.of_type("AttendanceRecorded")) == 2

    second = await attendance.record(ANNA, wednesday, _list({ola: AttendanceStatus.PRESENT}))

    assert [(r.hours_attended, r.completed) for r in second] == [(6.0, True)]
    assert len(fakes.events.of_type("SupportStarted")) == 1, "support starts once per participant"
    [completed] = fakes.events.of_type("SupportCompleted")
    assert completed.payload["participant_id"] == ola
    assert completed.payload["hours_attended"] == 6.0
    assert completed.payload["completed_on"] == WEDNESDAY.isoformat()
    [progress] = await attendance.progress_of(COORDINATOR, ola)
    assert progress.completed_on == WEDNESDAY
    assert (await fakes.stores.session(wednesday)).attendance == {ola: "present"}


async def test_completion_is_a_fact_a_correction_does_not_emit_it_again() -> None:
    fakes = scene()
    (tuesday, wednesday), (ola, _) = await _two_sessions(fakes)
    attendance = Attendance(fakes.stores)
    for session_id in (tuesday, wednesday):
        await attendance.record(ANNA, session_id, _record(ola, AttendanceStatus.PRESENT))

    await attendance.record(ANNA, wednesday, _record(ola, AttendanceStatus.EXCUSED))
    await attendance.record(ANNA, wednesday, _record(ola, AttendanceStatus.PRESENT))

    assert len(fakes.events.of_type("SupportCompleted")) == 1
    assert len(fakes.events.of_type("AttendanceRecorded")) == 4


async def test_recording_the_same_list_again_changes_nothing_and_emits_nothing() -> None:
    fakes = scene()
    (tuesday, _), (ola, ewa) = await _two_sessions(fakes)
    attendance = Attendance(fakes.stores)
    command = _list({ola: AttendanceStatus.PRESENT, ewa: AttendanceStatus.PRESENT})
    await attendance.record(ANNA, tuesday, command)
    before = len(fakes.events.saved)

    again = await attendance.record(ANNA, tuesday, command)

    assert [r.changed for r in again] == [False, False]
    assert len(fakes.events.saved) == before


async def test_an_any_attendance_rule_completes_at_the_first_presence() -> None:
    fakes = scene()
    (tuesday, _), (ola, _) = await _two_sessions(fakes, completion_rule=CompletionRule(kind="any_attendance"))

    [recorded] = await Attendance(fakes.stores).record(ANNA, tuesday, _record(ola, AttendanceStatus.PRESENT))

    assert recorded.completed
    assert fakes.events.types()[-3:] == ["AttendanceRecorded", "SupportCompleted", "SupportStarted"]


async def test_who_records_and_when() -> None:
    fakes = scene()
    (tuesday, _), (ola, _) = await _two_sessions(fakes)
    attendance = Attendance(fakes.stores)

    with pytest.raises(Forbidden):
        await attendance.record(trainer("piotr"), tuesday, _record(ola, AttendanceStatus.PRESENT))
    assert await attendance.record(COORDINATOR, tuesday, _record(ola, AttendanceStatus.PRESENT))
    with pytest.raises(DomainError) as not_booked:
        await attendance.record(ANNA, tuesday, _record(str(uuid.uuid4()), AttendanceStatus.PRESENT))
    assert not_booked.value.field == "records.0.participant_id"


async def test_attendance_waits_for_the_session_to_start_and_a_cancelled_one_takes_none() -> None:
    fakes = scene()
    planning = Planning(fakes.stores)
    plan = await planning.plan_activity(COORDINATOR, PROJECT, training())
    body = session_at(TUESDAY, "09:00", 3, staff_ids=["anna"])
    session_id = str((await planning.schedule(COORDINATOR, str(plan.activity_id), body)).session.session_id)
    ola = enrolled()
    fakes.participants.add(ola)
    await Bookings(fakes.stores).book(COORDINATOR, session_id, ola.participant_id)
    attendance = Attendance(fakes.stores)

    with pytest.raises(DomainError) as early:
        await attendance.record(ANNA, session_id, _record(ola.participant_id, AttendanceStatus.PRESENT))
    assert early.value.field == "records"

    await planning.cancel(COORDINATOR, session_id, "trener chory")
    fakes.clock.advance(timedelta(days=3))
    with pytest.raises(Conflicts) as cancelled:
        await attendance.record(ANNA, session_id, _record(ola.participant_id, AttendanceStatus.PRESENT))
    assert [c.code for c in cancelled.value.conflicts] == ["session_cancelled"]

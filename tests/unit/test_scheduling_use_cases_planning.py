"""Planning's use cases on in-memory stores: conflicts of rooms, staff and people; reschedule, cancel, capacity."""

from __future__ import annotations

from datetime import date

import pytest

from aktywni_shared.contracts.vocabulary import BookingCancellationReason
from aktywni_stack import demo_scheduling
from scheduling.domain.bookings import BookingState
from scheduling.domain.errors import Conflicts, DomainError, Forbidden, NotFound
from scheduling.domain.sessions import ChangeCapacity, Reschedule
from scheduling.domain.timelines import participant_key, room_key, staff_key
from scheduling.domain.venues import VenueIn
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.planning import Planning
from tests.unit.scheduling_fakes import (
    AUDITOR,
    COORDINATOR,
    LEADER,
    PARTNER_STAFF,
    PROJECT,
    FakeStores,
    enrolled,
    scene,
    session_at,
    trainer,
    training,
)

pytestmark = pytest.mark.unit
TUESDAY = date(2012, 10, 2)
ROOM = {"venue_id": "mops-strzegomska-6", "room_id": "sala-konferencyjna"}
ROOM_KEY = room_key(f"{LEADER}:mops-strzegomska-6", "sala-konferencyjna")


async def _activity(fakes: FakeStores, capacity: int = 10) -> str:
    activity = await Planning(fakes.stores).plan_activity(COORDINATOR, PROJECT, training(capacity=capacity))
    return str(activity.activity_id)


def _placement(hh_mm: str, hours: float) -> Reschedule:
    """A new time on Tuesday, away from the venue."""
    return Reschedule.model_validate({**demo_scheduling.at(TUESDAY, hh_mm, hours), "off_site": True})


def _codes(error: pytest.ExceptionInfo[Conflicts]) -> list[tuple[str, str]]:
    return [(c.code, c.field) for c in error.value.conflicts]


async def test_planning_an_activity_saves_its_event() -> None:
    fakes = scene()

    activity = await Planning(fakes.stores).plan_activity(COORDINATOR, PROJECT, training())

    [planned] = fakes.events.saved
    assert (planned.type, planned.payload["activity_id"]) == ("ActivityPlanned", str(activity.activity_id))
    assert (planned.organisation_id, planned.project_id) == (LEADER, PROJECT)


async def test_a_room_and_a_trainer_are_never_booked_twice_at_once() -> None:
    fakes = scene()
    planning = Planning(fakes.stores)
    activity_id = await _activity(fakes)
    first = await planning.schedule(
        COORDINATOR, activity_id, session_at(TUESDAY, "09:00", 3, **ROOM, staff_ids=["anna"])
    )

    with pytest.raises(Conflicts) as clash:
        await planning.schedule(COORDINATOR, activity_id, session_at(TUESDAY, "11:00", 2, **ROOM, staff_ids=["anna"]))

    assert _codes(clash) == [("room_double_booked", "room_id"), ("staff_double_booked", "staff_ids")]
    session_id = str(first.session.session_id)
    assert [s.session_id for s in fakes.timelines.slots[ROOM_KEY]] == [session_id]
    assert [s.session_id for s in fakes.timelines.slots[staff_key("anna")]] == [session_id]
    assert fakes.events.types() == ["ActivityPlanned", "SessionScheduled"], "a refused session emits nothing"


async def test_the_venues_hours_the_rooms_seats_and_the_projects_period_are_checked_together() -> None:
    fakes = scene()
    activity_id = await _activity(fakes, capacity=30)

    with pytest.raises(Conflicts) as refused:
        await Planning(fakes.stores).schedule(
            COORDINATOR, activity_id, session_at(date(2013, 7, 2), "14:00", 3, **ROOM, capacity=25)
        )

    codes = {code for code, _ in _codes(refused)}
    assert {"outside_project_period", "outside_opening_hours", "over_capacity"} <= codes


async def test_a_trainer_outside_their_hours_or_competence_is_refused() -> None:
    fakes = scene()
    activity_id = await _activity(fakes)

    with pytest.raises(Conflicts) as refused:
        await Planning(fakes.stores).schedule(
            COORDINATOR, activity_id, session_at(TUESDAY, "17:00", 2, staff_ids=["anna"])
        )

    assert _codes(refused) == [("staff_unavailable", "staff_ids")]


async def test_rescheduling_moves_the_claims_and_refuses_a_time_the_seated_participant_is_busy() -> None:
    fakes = scene()
    planning = Planning(fakes.stores)
    activity_id = await _activity(fakes)
    morning = await planning.schedule(COORDINATOR, activity_id, session_at(TUESDAY, "09:00", 2, **ROOM))
    afternoon = await planning.schedule(COORDINATOR, activity_id, session_at(TUESDAY, "13:00", 2))
    ola = enrolled()
    fakes.participants.add(ola)
    bookings = Bookings(fakes.stores)
    for stored in (morning, afternoon):
        await bookings.book(COORDINATOR, str(stored.session.session_id), ola.participant_id)
    morning_id = str(morning.session.session_id)

    with pytest.raises(Conflicts) as busy:
        await planning.reschedule(COORDINATOR, morning_id, _placement("13:30", 1))
    assert _codes(busy) == [("participant_double_booked", "starts_at")]

    moved = await planning.reschedule(COORDINATOR, morning_id, _placement("10:00", 2))

    assert moved.session.sequence == 1
    assert moved.session.off_site
    assert fakes.timelines.slots[ROOM_KEY] == [], "room released"
    [slot] = [s for s in fakes.timelines.slots[participant_key(ola.participant_id)] if s.session_id == morning_id]
    assert slot.start == moved.session.starts_at
    assert fakes.events.types()[-1] == "SessionRescheduled"


async def test_cancelling_a_session_cancels_its_bookings_and_frees_everyones_time() -> None:
    fakes = scene()
    planning = Planning(fakes.stores)
    activity_id = await _activity(fakes)
    stored = await planning.schedule(
        COORDINATOR, activity_id, session_at(TUESDAY, "09:00", 2, **ROOM, staff_ids=["anna"])
    )
    session_id = str(stored.session.session_id)
    ola = enrolled()
    fakes.participants.add(ola)
    await Bookings(fakes.stores).book(COORDINATOR, session_id, ola.participant_id)

    cancelled = await planning.cancel(COORDINATOR, session_id, "remont sali")

    assert cancelled.bookings[ola.participant_id].state is BookingState.CANCELLED
    reason = cancelled.bookings[ola.participant_id].cancellation_reason
    assert reason is BookingCancellationReason.SESSION_CANCELLED
    assert fakes.events.types()[-2:] == ["SessionCancelled", "BookingCancelled"]
    assert all(not slots for slots in fakes.timelines.slots.values())
    with pytest.raises(Conflicts) as again:
        await planning.cancel(COORDINATOR, session_id, "remont sali")
    assert _codes(again) == [("session_cancelled", "session_id")]
    assert fakes.events.types()[-1] == "BookingCancelled", "a refused cancellation emits nothing"


async def test_capacity_never_drops_below_the_seats_taken() -> None:
    fakes = scene()
    planning = Planning(fakes.stores)
    activity_id = await _activity(fakes)
    stored = await planning.schedule(COORDINATOR, activity_id, session_at(TUESDAY, "09:00", 2, capacity=3))
    session_id = str(stored.session.session_id)
    for person in (enrolled(), enrolled()):
        fakes.participants.add(person)
        await Bookings(fakes.stores).book(COORDINATOR, session_id, person.participant_id)

    with pytest.raises(Conflicts) as refused:
        await planning.change_capacity(COORDINATOR, session_id, ChangeCapacity(capacity=1))
    assert _codes(refused) == [("over_capacity", "capacity")]

    changed = await planning.change_capacity(COORDINATOR, session_id, ChangeCapacity(capacity=2))
    assert (changed.session.capacity, changed.session.free) == (2, 0)


async def test_who_plans() -> None:
    fakes = scene()
    planning = Planning(fakes.stores)
    activity_id = await _activity(fakes)
    stored = await planning.schedule(COORDINATOR, activity_id, session_at(TUESDAY, "09:00", 2, staff_ids=["anna"]))
    session_id = str(stored.session.session_id)

    with pytest.raises(Forbidden):
        await planning.plan_activity(PARTNER_STAFF, PROJECT, training())
    with pytest.raises(Forbidden):
        await planning.cancel(trainer("anna"), session_id, "nie")
    with pytest.raises(NotFound):
        await planning.cancel(trainer("piotr"), session_id, "nie")
    with pytest.raises(NotFound) as outsider:
        await planning.activities(trainer("obcy", "inna-fundacja"), PROJECT)
    assert outsider.value.field == "project_id"
    assert [a.activity_id for a in await planning.activities(AUDITOR, PROJECT)] == [stored.session.activity_id]


async def test_venues_are_registered_per_organisation() -> None:
    fakes = scene()
    planning = Planning(fakes.stores)
    body = VenueIn.model_validate(
        {**(await fakes.venues.all(LEADER))[0].model_dump(exclude={"organisation_id"}), "name": "Nowa nazwa"}
    )

    with pytest.raises(Conflicts) as exists:
        await planning.add_venue(COORDINATOR, body)
    assert _codes(exists) == [("exists", "venue_id")]
    other_coordinator = COORDINATOR.model_copy(update={"organisation_id": "inna-fundacja"})
    other = await planning.add_venue(other_coordinator, body)
    assert other.organisation_id == "inna-fundacja"
    with pytest.raises(NotFound):
        await planning.replace_venue(COORDINATOR, "inny-adres", body)
    with pytest.raises(DomainError) as differs:
        await planning.replace_venue(other_coordinator, "mops-strzegomska-6", body.model_copy(update={"venue_id": "x"}))
    assert differs.value.field == "venue_id"
    with pytest.raises(Forbidden):
        await planning.add_venue(trainer("anna"), body)
    assert [m.staff_id for m in await planning.staff_of(trainer("anna"))] == ["anna"]
    assert [m.staff_id for m in await planning.staff_of(COORDINATOR)] == ["anna", "piotr"]

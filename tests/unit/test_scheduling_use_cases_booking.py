"""Booking's use cases on in-memory stores: seats and the waitlist, the capacity guard, promotion, offers."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from aktywni_shared.contracts.vocabulary import BookingCancellationReason
from scheduling.domain.bookings import BookingState
from scheduling.domain.errors import Conflicts, Forbidden, NotFound
from scheduling.domain.timelines import participant_key
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.planning import Planning
from tests.unit.scheduling_fakes import (
    COORDINATOR,
    PARTNER,
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


async def _session(fakes: FakeStores, capacity: int = 2, offer_window_hours: int | None = None) -> str:
    planning = Planning(fakes.stores)
    command = training(capacity, offer_window_hours=offer_window_hours)
    activity = await planning.plan_activity(COORDINATOR, PROJECT, command)
    stored = await planning.schedule(COORDINATOR, str(activity.activity_id), session_at(TUESDAY, "09:00", 3))
    return str(stored.session.session_id)


async def _in_turn(fakes: FakeStores, session_id: str, participant_ids: list[str]) -> None:
    """Book them one after the other, a minute apart (the waitlist's order is the requests' order)."""
    bookings = Bookings(fakes.stores)
    for pid in participant_ids:
        fakes.clock.advance(timedelta(minutes=1))
        await bookings.book(COORDINATOR, session_id, pid)


def _people(fakes: FakeStores, count: int, organisation_id: str | None = None) -> list[str]:
    people = [enrolled() if organisation_id is None else enrolled(organisation_id) for _ in range(count)]
    for person in people:
        fakes.participants.add(person)
    return [p.participant_id for p in people]


async def test_a_full_session_puts_the_next_participant_on_its_waitlist() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=2)
    bookings = Bookings(fakes.stores)

    answers = [await bookings.book(COORDINATOR, session_id, pid) for pid in _people(fakes, 3)]

    assert [b.state for b, new in answers] == [BookingState.CONFIRMED, BookingState.CONFIRMED, BookingState.WAITLISTED]
    assert all(new for _, new in answers)
    assert fakes.sessions.docs[session_id]["free"] == 0
    assert fakes.events.types()[-3:] == ["BookingConfirmed", "BookingConfirmed", "ParticipantWaitlisted"]


async def test_racing_bookings_never_overbook_a_session() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=3)
    bookings = Bookings(fakes.stores)

    answers = await asyncio.gather(*(bookings.book(COORDINATOR, session_id, pid) for pid in _people(fakes, 12)))

    states = [b.state for b, _ in answers]
    assert states.count(BookingState.CONFIRMED) == 3
    assert states.count(BookingState.WAITLISTED) == 9
    stored = await fakes.stores.session(session_id)
    assert sum(b.holds_seat for b in stored.bookings.values()) == 3
    assert stored.session.free == 0
    assert len(fakes.events.of_type("BookingConfirmed")) == 3


async def test_booking_again_answers_the_booking_there_is() -> None:
    fakes = scene()
    session_id = await _session(fakes)
    bookings = Bookings(fakes.stores)
    [pid] = _people(fakes, 1)

    first, new = await bookings.book(COORDINATOR, session_id, pid)
    again, new_again = await bookings.book(COORDINATOR, session_id, pid)

    assert (new, new_again) == (True, False)
    assert again.booking_id == first.booking_id
    assert len(fakes.events.of_type("BookingConfirmed")) == 1


async def test_cancelling_a_seat_confirms_the_first_on_the_waitlist() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=2)
    bookings = Bookings(fakes.stores)
    first, second, third, fourth = _people(fakes, 4)
    await _in_turn(fakes, session_id, [first, second, third, fourth])

    cancelled = await bookings.cancel(COORDINATOR, session_id, first)

    assert cancelled.state is BookingState.CANCELLED
    stored = await fakes.stores.session(session_id)
    assert stored.bookings[third].state is BookingState.CONFIRMED
    assert stored.bookings[third].from_waitlist
    assert stored.bookings[fourth].state is BookingState.WAITLISTED, "only the first in line moves up"
    assert stored.session.free == 0
    assert fakes.events.types()[-2:] == ["BookingCancelled", "BookingConfirmed"]
    assert [s.session_id for s in fakes.timelines.slots[participant_key(first)]] == []
    assert [s.session_id for s in fakes.timelines.slots[participant_key(third)]] == [session_id]


async def test_with_an_offer_window_the_freed_seat_is_offered_then_confirmed_or_passed_on() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=1, offer_window_hours=24)
    bookings = Bookings(fakes.stores)
    seated, next_in_line, last = _people(fakes, 3)
    await _in_turn(fakes, session_id, [seated, next_in_line, last])

    await bookings.cancel(COORDINATOR, session_id, seated)
    deadline = fakes.clock.now() + timedelta(hours=24)

    offered = (await fakes.stores.session(session_id)).bookings[next_in_line]
    assert offered.state is BookingState.OFFERED
    assert offered.confirm_by == deadline
    assert fakes.offers.offers == {(session_id, next_in_line): deadline}
    assert fakes.events.types()[-1] == "SeatOffered"

    confirmed = await bookings.confirm_offer(COORDINATOR, session_id, next_in_line)
    assert confirmed.state is BookingState.CONFIRMED
    assert fakes.offers.offers == {}
    with pytest.raises(Conflicts) as refused:
        await bookings.confirm_offer(COORDINATOR, session_id, last)
    assert [c.code for c in refused.value.conflicts] == ["no_offer"]


async def test_an_expired_offer_is_cancelled_and_the_seat_offered_to_the_next() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=1, offer_window_hours=24)
    bookings = Bookings(fakes.stores)
    seated, slow, next_one = _people(fakes, 3)
    await _in_turn(fakes, session_id, [seated, slow, next_one])
    await bookings.cancel(COORDINATOR, session_id, seated)
    assert await bookings.expire_offers() == 0, "the offer stands for 24 hours"

    fakes.clock.advance(timedelta(hours=25))
    expired = await bookings.expire_offers()

    stored = await fakes.stores.session(session_id)
    assert expired == 1
    assert stored.bookings[slow].state is BookingState.CANCELLED
    assert stored.bookings[slow].cancellation_reason is BookingCancellationReason.OFFER_EXPIRED
    assert stored.bookings[next_one].state is BookingState.OFFERED


async def test_a_group_that_does_not_fit_is_seated_as_far_as_seats_go_and_queued_after() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=2)
    group = _people(fakes, 3)

    answers = await Bookings(fakes.stores).book_many(COORDINATOR, session_id, group)

    assert [b.participant_id for b, _ in answers] == group
    assert [b.state for b, _ in answers] == [BookingState.CONFIRMED, BookingState.CONFIRMED, BookingState.WAITLISTED]
    assert (await fakes.stores.session(session_id)).session.free == 0


async def test_a_group_that_fits_takes_its_seats_at_once() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=5)
    group = _people(fakes, 4)

    answers = await Bookings(fakes.stores).book_many(COORDINATOR, session_id, group)

    assert {b.state for b, _ in answers} == {BookingState.CONFIRMED}
    assert fakes.sessions.docs[session_id]["free"] == 1
    assert fakes.sessions.docs[session_id]["rev"] == 2, "one write for the whole group"


async def test_a_withdrawn_participant_loses_their_bookings_and_the_waitlist_moves_up() -> None:
    fakes = scene()
    session_id = await _session(fakes, capacity=1)
    bookings = Bookings(fakes.stores)
    leaving, waiting = _people(fakes, 2)
    await _in_turn(fakes, session_id, [leaving, waiting])

    cancelled = await bookings.participant_left(leaving, BookingCancellationReason.PARTICIPANT_WITHDRAWN, TUESDAY)

    stored = await fakes.stores.session(session_id)
    assert cancelled == 1
    assert stored.bookings[leaving].state is BookingState.CANCELLED
    assert stored.bookings[waiting].state is BookingState.CONFIRMED
    assert await bookings.participant_left(leaving, BookingCancellationReason.PARTICIPANT_WITHDRAWN, TUESDAY) == 0


async def test_who_may_book_whom() -> None:
    fakes = scene()
    session_id = await _session(fakes)
    bookings = Bookings(fakes.stores)
    [leaders] = _people(fakes, 1)
    [partners] = _people(fakes, 1, PARTNER)

    with pytest.raises(Forbidden):
        await bookings.book(trainer("anna"), session_id, leaders)
    with pytest.raises(NotFound) as hidden:
        await bookings.book(PARTNER_STAFF, session_id, leaders)
    assert hidden.value.field == "participant_id"
    booking, _ = await bookings.book(PARTNER_STAFF, session_id, partners)
    assert booking.state is BookingState.CONFIRMED


async def test_a_participant_busy_at_that_time_is_refused_with_the_clash() -> None:
    fakes = scene()
    first = await _session(fakes)
    second = await _session(fakes)
    bookings = Bookings(fakes.stores)
    [pid] = _people(fakes, 1)
    await bookings.book(COORDINATOR, first, pid)

    with pytest.raises(Conflicts) as refused:
        await bookings.book(COORDINATOR, second, pid)

    assert [c.code for c in refused.value.conflicts] == ["participant_double_booked"]
    assert pid not in (await fakes.stores.session(second)).bookings

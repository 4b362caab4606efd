"""Scheduling's stores on the real database: the atomic seat, revision-guarded rewrites, timeline claims."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import SessionCancelledV1
from aktywni_shared.contracts.ids import uuid7
from aktywni_shared.messaging.outbox import OUTBOX, Outbox
from aktywni_shared.mongo import Document
from scheduling.domain.bookings import Booking, BookingState
from scheduling.domain.conflicts import Slot
from scheduling.domain.sessions import Session
from scheduling.domain.times import Interval
from scheduling.store.sessions import SessionStore
from scheduling.store.timelines import TimelineStore
from scheduling.store.versioned import Write, modify

START = datetime(2012, 10, 2, 8, 0, tzinfo=UTC)


def _session(capacity: int) -> Session:
    return Session(
        session_id=uuid.uuid4(),
        activity_id=uuid.uuid4(),
        project_id="TEST-store",
        organisation_id="fundacja-eudajmonia",
        form="training",
        title="Szkolenie TA",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        venue_id="strzegomska-6",
        room_id="sala-1",
        off_site=False,
        staff_ids=[],
        capacity=capacity,
        free=capacity,
    )


def _booking(state: BookingState = BookingState.CONFIRMED) -> Booking:
    return Booking(booking_id=uuid7(), participant_id=str(uuid.uuid4()), state=state, requested_at=datetime.now(UTC))


def _entry(n: int) -> Envelope:
    """An event for a store to save in its outbox (the store derives the entry's topic and key)."""
    event = SessionCancelledV1(session_id=uuid.uuid4(), activity_id=uuid.uuid4(), reason=f"event {n}")
    return Envelope.wrap(event, producer="scheduling", organisation_id="fundacja-eudajmonia", project_id="TEST-store")


async def test_seats_are_never_overbooked_by_racing_conditional_updates(db: AsyncDatabase[Document]) -> None:
    store = SessionStore(db, Outbox(db))
    session = _session(capacity=10)
    await store.add(session, [], _entry(0))
    sid = str(session.session_id)

    bookings = [_booking() for _ in range(60)]
    taken = await asyncio.gather(*(store.take_seat(sid, b, _entry(i)) for i, b in enumerate(bookings)))

    assert sum(taken) == 10
    stored = await store.get(sid)
    assert stored is not None
    assert stored.session.free == 0
    assert len(stored.bookings) == 10
    doc = await db["sessions"].find_one({"_id": sid})
    assert doc is not None
    assert len(doc["participants"]) == 10
    assert len(doc[OUTBOX]) == 11, "each seat's event was written with it, plus the scheduling event"
    # The same participant twice: refused by the "participants $ne" guard even with seats free.
    await store.modify(sid, lambda d: Write(True, {"free": 5}))
    first = bookings[next(i for i, t in enumerate(taken) if t)]
    assert not await store.take_seat(sid, first, _entry(99))
    # Full session: the waitlist takes them, and only when full.
    assert await store.join_waitlist(sid, _booking(BookingState.WAITLISTED), _entry(100)) is False
    await store.modify(sid, lambda d: Write(True, {"free": 0}))
    assert await store.join_waitlist(sid, _booking(BookingState.WAITLISTED), _entry(101)) is True


async def test_a_group_takes_its_seats_in_one_update_only_if_all_fit_and_none_is_booked(
    db: AsyncDatabase[Document],
) -> None:
    store = SessionStore(db, Outbox(db))
    session = _session(capacity=10)
    await store.add(session, [], _entry(0))
    sid = str(session.session_id)

    six = [_booking() for _ in range(6)]
    assert await store.take_seats(sid, six, [_entry(n) for n in range(6)])
    assert not await store.take_seats(sid, [_booking() for _ in range(5)], [_entry(9)]), "5 do not fit in 4"
    assert not await store.take_seats(sid, [six[0], _booking()], [_entry(10)]), "one of them holds a seat"
    racing = [[_booking() for _ in range(4)] for _ in range(5)]
    taken = await asyncio.gather(*(store.take_seats(sid, group, [_entry(11)]) for group in racing))
    assert sum(taken) == 1, "of five racing groups of four, one got the last four seats"

    stored = await store.get(sid)
    assert stored is not None
    assert (stored.session.free, len(stored.bookings)) == (0, 10)
    doc = await db["sessions"].find_one({"_id": sid})
    assert doc is not None
    assert sorted(doc["participants"]) == sorted(stored.bookings)
    assert len(doc[OUTBOX]) == 1 + 6 + 1, "the group's events were written with its seats"


async def test_revision_guarded_rewrites_lose_no_update_and_append_events_with_each(
    db: AsyncDatabase[Document],
) -> None:
    collection = db["counters"]
    outbox = Outbox(db)

    def increment(doc: Document | None) -> Write[int]:
        value = 0 if doc is None else int(doc["value"])
        return Write(value + 1, {"value": value + 1}, [_entry(value), _entry(value)])

    results = await asyncio.gather(*(modify(collection, outbox, "c1", increment) for _ in range(25)))

    doc = await collection.find_one({"_id": "c1"})
    assert doc is not None
    assert doc["value"] == 25
    assert sorted(r for r in results if r is not None) == list(range(1, 26))
    assert len(doc[OUTBOX]) == 50
    assert await db["outbox_pending"].find_one({"_id": "counters:c1"}) is not None


async def test_only_one_of_many_racing_claims_gets_overlapping_time(db: AsyncDatabase[Document]) -> None:
    timelines = TimelineStore(db)

    async def always_live(key: str, slot: Slot) -> bool:
        return True

    sessions = [str(uuid.uuid4()) for _ in range(20)]
    intervals = [
        Interval(START + timedelta(minutes=10 * i), START + timedelta(hours=2, minutes=10 * i)) for i in range(20)
    ]
    clashes = await asyncio.gather(
        *(timelines.claim("participant:p1", s, i, always_live) for s, i in zip(sessions, intervals, strict=True))
    )

    won = [s for s, c in zip(sessions, clashes, strict=True) if not c]
    slots = await timelines.slots("participant:p1")
    assert len(won) == len(slots)
    for a in slots:
        for b in slots:
            assert a is b or not a.interval.overlaps(b.interval), "no two claimed slots overlap"
    # Half-open: back to back is not a clash; released time can be claimed again.
    after = Interval(max(s.end for s in slots), max(s.end for s in slots) + timedelta(hours=1))
    assert await timelines.claim("participant:p1", "next", after, always_live) == []
    await timelines.release("participant:p1", won[0])
    assert won[0] in await timelines.sessions("participant:p1"), "the calendar keeps it"
    assert all(s.session_id != won[0] for s in await timelines.slots("participant:p1"))


async def test_a_stale_slot_is_released_when_it_gets_in_the_way(db: AsyncDatabase[Document]) -> None:
    timelines = TimelineStore(db)
    interval = Interval(START, START + timedelta(hours=1))

    async def live(key: str, slot: Slot) -> bool:
        return slot.session_id != "crashed"

    assert await timelines.claim("room:v/r", "crashed", interval, live) == []
    assert await timelines.claim("room:v/r", "real", interval, live) == []
    assert [s.session_id for s in await timelines.slots("room:v/r")] == ["real"]
    assert await timelines.claim("room:v/r", "other", interval, live) != []

"""Activities and sessions. A session document holds its bookings and its free-seat counter.

A seat is taken by one conditional update of the session document: the filter requires a free
seat (``free > 0``) and that the participant holds no booking there yet, the update decrements
``free``, adds the booking and its event. The database applies it atomically to one document, so
no number of racing requests, from any number of service instances, can overbook a session.
Everything else that changes bookings (cancellation, promotion, offers, capacity) is a
revision-guarded rewrite that recomputes ``free`` from the bookings themselves.
"""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.messaging.outbox import OUTBOX, Outbox
from aktywni_shared.mongo import Document
from scheduling.domain.activities import Activity
from scheduling.domain.bookings import Booking, StoredSession, active_state
from scheduling.domain.sessions import Session, SessionStatus
from scheduling.store.versioned import REV, Change, T, modify
from scheduling.use_cases.documents import booking_fields, session_fields, to_stored

__all__ = [
    "ActivityStore",
    "SessionStore",
    "StoredSession",
    "active_state",
    "booking_fields",
    "session_fields",
    "to_stored",
]


class ActivityStore:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["activities"]
        self.outbox = outbox

    async def create_indexes(self) -> None:
        await self.collection.create_index([("project_id", ASCENDING)])

    async def add(self, activity: Activity, event: Envelope) -> None:
        doc = {"_id": str(activity.activity_id), **activity.model_dump(mode="json")}
        await self.outbox.insert(self.collection, doc, [event])

    async def get(self, activity_id: str) -> Activity | None:
        doc = await self.collection.find_one({"_id": activity_id}, {OUTBOX: 0})
        return None if doc is None else Activity.model_validate(doc)

    async def of_project(self, project_id: str) -> list[Activity]:
        cursor = self.collection.find({"project_id": project_id}, {OUTBOX: 0}).sort("title", ASCENDING)
        return [Activity.model_validate(doc) async for doc in cursor]


class SessionStore:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["sessions"]
        self.outbox = outbox

    async def create_indexes(self) -> None:
        await self.collection.create_index([("project_id", ASCENDING), ("starts_at", ASCENDING)])

    async def add(self, session: Session, staff_users: list[str], event: Envelope) -> None:
        doc = {
            "_id": str(session.session_id),
            **session_fields(session),
            "staff_users": staff_users,
            **booking_fields({}),
            "attendance": {},
            REV: 1,
        }
        await self.outbox.insert(self.collection, doc, [event])

    async def get(self, session_id: str) -> StoredSession | None:
        doc = await self.collection.find_one({"_id": session_id}, {OUTBOX: 0})
        return None if doc is None else to_stored(doc)

    async def take_seat(self, session_id: str, booking: Booking, event: Envelope) -> bool:
        """Confirm ``booking`` if a seat is free and the participant holds none: one atomic update."""
        return await self._add_booking(session_id, booking, event, {"free": {"$gt": 0}}, {"free": -1})

    async def take_seats(self, session_id: str, bookings: list[Booking], events: list[Envelope]) -> bool:
        """Confirm a group at once if there are seats for all and none of them holds a booking: one atomic update.

        False changes nothing (the caller books them one by one then, seat or waitlist each)."""
        pids = [b.participant_id for b in bookings]
        return await self.outbox.update(
            self.collection,
            session_id,
            {
                "$inc": {"free": -len(pids), REV: 1},
                "$set": {f"bookings.{b.participant_id}": b.model_dump(mode="json") for b in bookings},
                "$push": {"participants": {"$each": pids}},
            },
            events,
            condition={
                "status": SessionStatus.SCHEDULED.value,
                "participants": {"$nin": pids},
                "free": {"$gte": len(pids)},
            },
        )

    async def join_waitlist(self, session_id: str, booking: Booking, event: Envelope) -> bool:
        """Queue ``booking`` if the session is full (a seat freed meanwhile: False, try the seat again)."""
        return await self._add_booking(session_id, booking, event, {"free": {"$lte": 0}}, {})

    async def _add_booking(
        self, session_id: str, booking: Booking, event: Envelope, seats: Document, inc: Document
    ) -> bool:
        pid = booking.participant_id
        return await self.outbox.update(
            self.collection,
            session_id,
            {
                "$inc": {**inc, REV: 1},
                "$set": {f"bookings.{pid}": booking.model_dump(mode="json")},
                "$push": {"participants": pid},
            },
            [event],
            condition={"status": SessionStatus.SCHEDULED.value, "participants": {"$ne": pid}, **seats},
        )

    async def modify(self, session_id: str, change: Change[T]) -> T | None:
        return await modify(self.collection, self.outbox, session_id, change)

    async def set_attendance(self, session_id: str, statuses: dict[str, str]) -> None:
        """The session's copy of its attendance list (the participant's progress is the record)."""
        if statuses:
            await self.collection.update_one(
                {"_id": session_id}, {"$set": {f"attendance.{pid}": s for pid, s in statuses.items()}}
            )

    async def of_project(self, project_id: str) -> list[StoredSession]:
        cursor = self.collection.find({"project_id": project_id}, {OUTBOX: 0}).sort("starts_at", ASCENDING)
        return [to_stored(doc) async for doc in cursor]

    async def many(self, session_ids: list[str]) -> list[StoredSession]:
        """Sessions by id, one ``_id`` lookup each (FerretDB pushes only those down)."""
        found = []
        for session_id in session_ids:
            stored = await self.get(session_id)
            if stored is not None:
                found.append(stored)
        return found

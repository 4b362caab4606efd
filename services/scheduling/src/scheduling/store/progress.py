"""Attendance progress, one document per participant and activity, and seat offers awaiting an answer."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.messaging.outbox import OUTBOX, Outbox
from aktywni_shared.mongo import Document
from scheduling.domain.attendance import Progress
from scheduling.store.versioned import Change, T, Write, modify, rewrite


def progress_id(participant_id: str, activity_id: str) -> str:
    return f"{participant_id}:{activity_id}"


class ProgressStore:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["progress"]
        self.outbox = outbox

    async def create_indexes(self) -> None:
        await self.collection.create_index("participant_id")

    async def modify(self, participant_id: str, activity_id: str, change: Change[T]) -> T | None:
        return await modify(self.collection, self.outbox, progress_id(participant_id, activity_id), change)

    async def raw(self, participant_id: str, activity_id: str) -> Document | None:
        """The stored document (with its revision, without its outbox), for a batch of writes."""
        return await self.collection.find_one({"_id": progress_id(participant_id, activity_id)}, {OUTBOX: 0})

    async def rewrite(self, current: Document, write: Write[T]) -> bool:
        """``write`` over ``current`` unless it changed meanwhile; the caller marks the outbox (see batch.py)."""
        return await rewrite(self.collection, current["_id"], current, write)

    async def get(self, participant_id: str, activity_id: str) -> Progress | None:
        doc = await self.collection.find_one({"_id": progress_id(participant_id, activity_id)}, {OUTBOX: 0})
        return None if doc is None else Progress.model_validate(doc)

    async def of_participant(self, participant_id: str) -> list[Progress]:
        cursor = self.collection.find({"participant_id": participant_id}, {OUTBOX: 0})
        return [Progress.model_validate(doc) async for doc in cursor]


class OfferStore:
    """Seats offered from a waitlist, so that a sweep finds the expired ones without reading sessions."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["offers"]

    async def put(self, session_id: str, participant_id: str, confirm_by: datetime) -> None:
        await self.collection.update_one(
            {"_id": f"{session_id}:{participant_id}"},
            {"$set": {"session_id": session_id, "participant_id": participant_id, "confirm_by": confirm_by}},
            upsert=True,
        )

    async def drop(self, session_id: str, participant_id: str) -> None:
        await self.collection.delete_one({"_id": f"{session_id}:{participant_id}"})

    async def expired(self, now: datetime, limit: int = 100) -> list[tuple[str, str]]:
        cursor = self.collection.find({"confirm_by": {"$lte": now}}).limit(limit)
        return [(doc["session_id"], doc["participant_id"]) async for doc in cursor]

"""Transactional outbox without multi-document transactions.

A command writes its state change and the events it emits in **one** document write: the events
go into the aggregate document's ``outbox`` array. The relay publishes them to Kafka (idempotent
producer, acks=all) in order, then removes exactly those entries from the array. A crash before the
removal republishes them (consumers deduplicate on ``event_id``); a crash before the publish loses
nothing because the entries are still in the document.

Finding the documents with pending events must not scan whole collections (FerretDB pushes only
``_id`` lookups down to its storage), so each command also bumps a small **marker** document,
``<collection>:<id>``, before and after its write. The relay works from the markers: it leases
one (several relays share the work), publishes that aggregate's events, and deletes the marker
only if nobody bumped it meanwhile. A sweep at start-up and every few minutes re-creates markers
for any document that still holds events (the one window a crash could leave without a marker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from faststream.kafka import KafkaBroker
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.registry import encode
from aktywni_shared.contracts.topics import Topic
from aktywni_shared.mongo import Document

log = logging.getLogger(__name__)

OUTBOX = "outbox"
MARKERS = "outbox_pending"
LEASE = "lease_until"
SWEEP_SECONDS = 300.0
T = TypeVar("T")


def outbox_entry(topic: Topic, key: str, envelope: Envelope) -> Document:
    """What a command appends to its aggregate's ``outbox`` array, in the same write as the change."""
    return {
        "event_id": str(envelope.event_id),
        "topic": topic.name,
        "key": key,
        "type": envelope.type,
        "value": encode(envelope).decode(),
    }


class Outbox:
    """The markers of one database: commands call :meth:`expect` around every write with events."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.markers: AsyncCollection[Document] = db[MARKERS]

    async def expect(self, collection: AsyncCollection[Document], doc_id: Any) -> None:
        await self.markers.update_one(
            {"_id": f"{collection.name}:{doc_id}"},
            {"$inc": {"seq": 1}, "$set": {"collection": collection.name, "doc_id": doc_id}},
            upsert=True,
        )

    async def write(
        self, collection: AsyncCollection[Document], doc_id: Any, operation: Callable[[], Awaitable[T]]
    ) -> T:
        """Run a write that puts events into document ``doc_id``'s outbox, marked before and after."""
        await self.expect(collection, doc_id)
        try:
            return await operation()
        finally:
            await self.expect(collection, doc_id)


def _unleased(now: datetime) -> Document:
    return {"$or": [{LEASE: {"$exists": False}}, {LEASE: None}, {LEASE: {"$lt": now}}]}


class OutboxRelay:
    def __init__(
        self,
        broker: KafkaBroker,
        outbox: Outbox,
        collections: Sequence[AsyncCollection[Document]],
        *,
        poll_seconds: float = 0.5,
        lease_seconds: float = 10.0,
        batch_size: int = 200,
    ) -> None:
        self.broker = broker
        self.outbox = outbox
        self.markers = outbox.markers
        self.collections = {c.name: c for c in collections}
        self.poll_seconds = poll_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._last_sweep = 0.0
        self.published = 0

    def notify(self) -> None:
        """Called after a command wrote events, so that they go out without waiting for the poll."""
        self._wake.set()

    async def run(self) -> None:
        """Publish forever; Kafka or database outages are waited out, never lose an event."""
        backoff = self.poll_seconds
        while True:
            try:
                if time.monotonic() - self._last_sweep > SWEEP_SECONDS:
                    await self.sweep()
                sent = await self.relay_once()
                backoff = self.poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("outbox relay failed; retrying", exc_info=True)
                sent = 0
                backoff = min(backoff * 2, 5.0)
            if sent:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)

    async def sweep(self) -> int:
        """Re-create markers for documents that still hold events (a full scan: rare on purpose)."""
        restored = 0
        for collection in self.collections.values():
            async for doc in collection.find({f"{OUTBOX}.0": {"$exists": True}}, {"_id": 1}):
                await self.outbox.expect(collection, doc["_id"])
                restored += 1
        self._last_sweep = time.monotonic()
        if restored:
            log.info("outbox sweep restored markers", extra={"documents": restored})
        return restored

    async def relay_once(self) -> int:
        """Publish what is pending now; the number of events sent."""
        now = datetime.now(UTC)
        markers = await self.markers.find(_unleased(now)).limit(self.batch_size).to_list()
        claimed = [m for m in [await self._claim(m["_id"], now) for m in markers] if m is not None]
        results = await asyncio.gather(*(self._publish(marker) for marker in claimed), return_exceptions=True)
        sent = 0
        for result in results:
            if isinstance(result, BaseException):
                raise result
            sent += result
        self.published += sent
        return sent

    async def _claim(self, marker_id: str, now: datetime) -> Document | None:
        return await self.markers.find_one_and_update(
            {"_id": marker_id, **_unleased(now)},
            {"$set": {LEASE: now + self.lease}},
            return_document=ReturnDocument.AFTER,
        )

    async def _publish(self, marker: Document) -> int:
        collection = self.collections.get(marker["collection"])
        if collection is None:
            await self.markers.delete_one({"_id": marker["_id"]})
            return 0
        doc = await collection.find_one({"_id": marker["doc_id"]}, {OUTBOX: 1})
        entries: list[Document] = (doc or {}).get(OUTBOX, [])
        done: list[Document] = []
        try:
            for entry in entries:  # in order: one aggregate's events keep their order
                await self.broker.publish(
                    entry["value"].encode(),
                    entry["topic"],
                    key=entry["key"].encode(),
                    headers={"event_id": entry["event_id"], "type": entry["type"]},
                )
                done.append(entry)
        finally:
            if done:
                # $pullAll removes elements equal to the ones published (as read back, field order and
                # all); it is portable, unlike $pull with a condition, which FerretDB 1.x ignores.
                await collection.update_one({"_id": marker["doc_id"]}, {"$pullAll": {OUTBOX: done}})
            if len(done) == len(entries):
                gone = await self.markers.delete_one({"_id": marker["_id"], "seq": marker["seq"]})
                if gone.deleted_count == 0:  # bumped meanwhile: more events may be on their way
                    await self.markers.update_one({"_id": marker["_id"]}, {"$unset": {LEASE: ""}})
            else:
                await self.markers.update_one({"_id": marker["_id"]}, {"$unset": {LEASE: ""}})
        return len(done)

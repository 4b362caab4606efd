"""Transactional outbox without multi-document transactions.

A command writes its state change and the events it emits in **one** document write: the events
go into the aggregate document's ``outbox`` array. The relay publishes them to Kafka (idempotent
producer, acks=all) in order, then removes exactly those entries from the array. A crash before the
pull republishes them (consumers deduplicate on ``event_id``); a crash before the publish loses
nothing because the entries are still in the document. Several relay instances share the work
through a lease on each document, taken with a single-document atomic update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.registry import encode
from aktywni_shared.contracts.topics import Topic
from aktywni_shared.mongo import Document

log = logging.getLogger(__name__)

OUTBOX = "outbox"
LEASE = "outbox_lease_until"


def outbox_entry(topic: Topic, key: str, envelope: Envelope) -> Document:
    """What a command appends to its aggregate's ``outbox`` array, in the same write as the change."""
    return {
        "event_id": str(envelope.event_id),
        "topic": topic.name,
        "key": key,
        "type": envelope.type,
        "value": encode(envelope).decode(),
    }


def pending_filter(now: datetime) -> Document:
    return {
        f"{OUTBOX}.0": {"$exists": True},
        "$or": [{LEASE: {"$exists": False}}, {LEASE: None}, {LEASE: {"$lt": now}}],
    }


class OutboxRelay:
    def __init__(
        self,
        broker: KafkaBroker,
        collections: Sequence[AsyncCollection[Document]],
        *,
        poll_seconds: float = 0.5,
        lease_seconds: float = 10.0,
        batch_size: int = 200,
    ) -> None:
        self.broker = broker
        self.collections = list(collections)
        self.poll_seconds = poll_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self.published = 0

    def notify(self) -> None:
        """Called after a command wrote events, so that they go out without waiting for the poll."""
        self._wake.set()

    async def run(self) -> None:
        """Publish forever; Kafka or database outages are waited out, never lose an event."""
        backoff = self.poll_seconds
        while True:
            try:
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

    async def relay_once(self) -> int:
        """Publish what is pending now; the number of events sent."""
        sent = 0
        for collection in self.collections:
            now = datetime.now(UTC)
            docs = await collection.find(pending_filter(now), {"_id": 1}).limit(self.batch_size).to_list()
            claimed = [doc["_id"] for doc in docs if await self._claim(collection, doc["_id"], now)]
            results = await asyncio.gather(
                *(self._publish_document(collection, doc_id) for doc_id in claimed), return_exceptions=True
            )
            for result in results:
                if isinstance(result, BaseException):
                    raise result
                sent += result
        self.published += sent
        return sent

    async def _claim(self, collection: AsyncCollection[Document], doc_id: Any, now: datetime) -> bool:
        result = await collection.update_one(
            {"_id": doc_id, **pending_filter(now)}, {"$set": {LEASE: now + self.lease}}
        )
        return result.modified_count == 1

    async def _publish_document(self, collection: AsyncCollection[Document], doc_id: Any) -> int:
        doc = await collection.find_one({"_id": doc_id}, {OUTBOX: 1})
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
            update: Document = {"$unset": {LEASE: ""}}
            if done:
                # $pullAll removes elements equal to the ones published (as read back, field order and
                # all); it is portable, unlike $pull with a condition, which FerretDB 1.x ignores.
                update["$pullAll"] = {OUTBOX: done}
            await collection.update_one({"_id": doc_id}, update)
        return len(done)

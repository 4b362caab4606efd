"""Transactional outbox without multi-document transactions.

A command writes its state change and the events it emits in **one** document write: the events
go into the aggregate document's ``outbox`` array. The relay publishes them to Kafka (idempotent
producer, acks=all) in order, then removes exactly those entries from the array. A crash before the
removal republishes them (consumers deduplicate on ``event_id``); a crash before the publish loses
nothing because the entries are still in the document.

Finding the documents with pending events must not scan whole collections (FerretDB pushes only
``_id`` lookups down to its storage), so each command also bumps a small **marker** document,
``<collection>:<id>``, after its write (concurrent writes share one bulk command of markers). The
relay works from the markers: it reads a
batch of them, publishes those aggregates' events, removes them from the documents, deletes the
markers and re-marks any document that received events meanwhile. One relay per database works at
a time (it holds a lease; the others take over when it lapses). A sweep at start-up and every few
minutes re-creates markers for any document that still holds events (the one window a crash could
leave without a marker).

Every marker and document operation is an exact ``_id`` lookup: on FerretDB's SQLite storage any
other filter scans the collection (measured with 10 000 pending markers: a lease by ``$in`` took
8.5 s and a conditional delete by ``$or`` 12 s per batch of 200; by ``_id`` they take milliseconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from faststream.kafka import KafkaBroker
from pymongo import DeleteOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from aktywni_shared import metrics, tracing
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.registry import encode
from aktywni_shared.contracts.topics import Topic, record_key, topic_of
from aktywni_shared.mongo import Document
from aktywni_shared.store_limits import STATEMENTS_PER_COMMAND

log = logging.getLogger(__name__)

OUTBOX = "outbox"
MARKERS = "outbox_pending"
LEADER = "outbox_relay_lease"
LEADER_ID = "relay"
SWEEP_SECONDS = 300.0
READ_CONCURRENCY = 16
#: Statements per update command (the embedded database's limit: aktywni_shared/store_limits.py).
UPDATES_PER_COMMAND = STATEMENTS_PER_COMMAND
T = TypeVar("T")


def outbox_entry(topic: Topic, key: str, envelope: Envelope) -> Document:
    """What a command appends to its aggregate's ``outbox`` array, in the same write as the change
    (with the trace context it was written in, when traces are on: ``aktywni_shared.tracing``)."""
    return {
        "event_id": str(envelope.event_id),
        "topic": topic.name,
        "key": key,
        "type": envelope.type,
        "value": encode(envelope).decode(),
        **tracing.outbox_context(),
    }


def event_entry(envelope: Envelope) -> Document:
    """The outbox entry of one event, its topic and key as the contracts say (``contracts/topics.py``)."""
    key = record_key(envelope.type, envelope.payload, project_id=envelope.project_id)
    return outbox_entry(topic_of(envelope.type), key, envelope)


def marker_change(collection: AsyncCollection[Document], doc_id: Any) -> tuple[Document, Document]:
    """Filter and update of the marker saying document ``doc_id`` of ``collection`` holds events."""
    return (
        {"_id": f"{collection.name}:{doc_id}"},
        {
            "$inc": {"seq": 1},
            "$set": {"collection": collection.name, "doc_id": doc_id},
            "$setOnInsert": {"since": datetime.now(UTC)},  # the oldest pending event's age (metrics)
        },
    )


class MarkerGroup:
    """Markers waiting for the next bulk command, one command in flight at a time (group commit).

    The marker after a write is the one the relay's protocol needs: it either sees the bump or, having
    dropped the marker, reads the document again and finds the events (``OutboxRelay._acknowledge``).
    A crash between a write and its marker is the window the sweep closes. While one command is in
    flight, the markers of every request that arrives meanwhile wait and go together in the next one,
    so that under load many requests share one write.
    """

    def __init__(self, markers: AsyncCollection[Document], written: Callable[[], None]) -> None:
        self.markers = markers
        self.written = written
        self._waiting: list[tuple[list[UpdateOne], asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.commands = 0

    async def mark(self, targets: list[tuple[AsyncCollection[Document], Any]]) -> None:
        """Bump the markers of ``targets`` (with other requests' if they are waiting too); then wake the relay."""
        if not targets:
            return
        loop = asyncio.get_running_loop()  # a flush of another (closed) loop never finishes: start one here
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.append(([UpdateOne(*marker_change(c, i), upsert=True) for c, i in targets], done))
        if self._flushing is None or self._flushing.done() or self._flushing.get_loop() is not loop:
            self._flushing = asyncio.create_task(self._flush())
        await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._waiting:
            batch: list[tuple[list[UpdateOne], asyncio.Future[None]]] = []
            size = 0
            while self._waiting and (not batch or size + len(self._waiting[0][0]) <= UPDATES_PER_COMMAND):
                operations, done = self._waiting.pop(0)
                batch.append((operations, done))
                size += len(operations)
            operations = [op for ops, _ in batch for op in ops]
            try:
                for start in range(0, len(operations), UPDATES_PER_COMMAND):
                    self.commands += 1
                    await self.markers.bulk_write(operations[start : start + UPDATES_PER_COMMAND], ordered=False)
            except Exception as error:  # noqa: BLE001 - handed to every request of the batch
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            self.written()
            for _, done in batch:
                if not done.done():
                    done.set_result(None)


class Outbox:
    """The markers of one database, and the one way a store saves a change together with its events.

    A store calls :meth:`insert` or :meth:`update` (or :meth:`write` around its own operation);
    topic and key come from the contracts, and the relay of the database is woken after the write,
    so no use case names a topic or wakes the relay.
    """

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.markers: AsyncCollection[Document] = db[MARKERS]
        self._listeners: list[Callable[[], None]] = []
        self._group = MarkerGroup(self.markers, self.written)

    def on_write(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every write that put events into an outbox (the relay's wake-up)."""
        self._listeners.append(listener)

    def written(self) -> None:
        for listener in self._listeners:
            listener()

    async def insert(
        self, collection: AsyncCollection[Document], document: Document, envelopes: Sequence[Envelope]
    ) -> None:
        """Insert a new document holding ``envelopes`` in its outbox, in one write; then its marker."""
        stored = {**document, OUTBOX: [*document.get(OUTBOX, []), *(event_entry(e) for e in envelopes)]}
        await collection.insert_one(stored)
        await self.mark_after([(collection, stored["_id"])])

    async def update(
        self,
        collection: AsyncCollection[Document],
        doc_id: Any,
        update: Document,
        envelopes: Sequence[Envelope],
        *,
        condition: Document | None = None,
    ) -> bool:
        """One ``update_one`` on ``doc_id`` (and ``condition``) that also appends ``envelopes``; True if matched.

        The marker follows only a write that matched and added events."""
        entries = [event_entry(e) for e in envelopes]
        change = {**update, "$push": {**update.get("$push", {}), OUTBOX: {"$each": entries}}} if entries else update
        result = await collection.update_one({"_id": doc_id, **(condition or {})}, change)
        matched = result.matched_count == 1
        if matched and entries:
            await self.mark_after([(collection, doc_id)])
        return matched

    async def mark_after(self, targets: list[tuple[AsyncCollection[Document], Any]]) -> None:
        """Bump the markers of documents whose outbox a write just filled (group-committed); wake the relay."""
        await self._group.mark(targets)

    async def expect(self, collection: AsyncCollection[Document], doc_id: Any) -> None:
        await self.markers.update_one(*marker_change(collection, doc_id), upsert=True)

    async def expect_many(self, collection: AsyncCollection[Document], doc_ids: list[Any]) -> None:
        """Mark many new documents at once (after their bulk insert; the sweep covers a crash between)."""
        since = datetime.now(UTC)
        markers = [
            {"_id": f"{collection.name}:{i}", "seq": 1, "collection": collection.name, "doc_id": i, "since": since}
            for i in doc_ids
        ]
        try:
            await self.markers.insert_many(markers, ordered=False)
        except BulkWriteError as error:
            errors = error.details.get("writeErrors", [])
            if any(e.get("code") != 11000 for e in errors):
                raise
            for e in errors:  # marked already: bump it, so that a relay working on it looks again
                await self.expect(collection, markers[int(e["index"])]["doc_id"])
        self.written()

    async def write(
        self, collection: AsyncCollection[Document], doc_id: Any, operation: Callable[[], Awaitable[T]]
    ) -> T:
        """Run a write that puts events into document ``doc_id``'s outbox, marked before and after."""
        await self.expect(collection, doc_id)
        try:
            return await operation()
        finally:
            await self.expect(collection, doc_id)
            self.written()


class OutboxRelay:
    """Publishes the events of the outbox; one relay of a database works at a time (a leader lease).

    Several instances of a service each run a relay; the one holding the lease document publishes,
    the others stand by and take over when it expires (a crashed leader's unacknowledged events are
    then published again: consumers deduplicate). One publisher per database keeps every marker
    operation an exact ``_id`` lookup, which is what FerretDB's storage can do without a scan; the
    conditional update that decides the leader touches a one-document collection.
    """

    def __init__(
        self,
        broker: KafkaBroker,
        outbox: Outbox,
        collections: Sequence[AsyncCollection[Document]],
        *,
        poll_seconds: float = 0.5,
        lease_seconds: float = 10.0,
        batch_size: int = 200,
        instance: str | None = None,
    ) -> None:
        self.broker = broker
        self.outbox = outbox
        self.markers = outbox.markers
        self.leases: AsyncCollection[Document] = outbox.markers.database[LEADER]
        self.instance = instance or uuid.uuid4().hex
        self.collections = {c.name: c for c in collections}
        self.poll_seconds = poll_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._reads = asyncio.Semaphore(READ_CONCURRENCY)
        self._last_sweep = 0.0
        self._leading_until = datetime(2000, 1, 1, tzinfo=UTC)
        self.published = 0
        self.metrics = metrics.of(broker)
        self.metrics.watch_outbox(self.markers)
        outbox.on_write(self.notify)

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
            unmarked = [
                doc["_id"] for doc in await collection.find({f"{OUTBOX}.0": {"$exists": True}}, {"_id": 1}).to_list()
            ]
            for doc_id in unmarked:  # written after the cursor is drained, never while it is open
                await self.outbox.expect(collection, doc_id)
                restored += 1
        self._last_sweep = time.monotonic()
        if restored:
            log.info("outbox sweep restored markers", extra={"documents": restored})
        return restored

    async def lead(self) -> bool:
        """Hold the relay lease (renewed halfway through), or take it over once it expired."""
        now = datetime.now(UTC)
        if now < self._leading_until - self.lease / 2:
            return True
        until = now + self.lease
        renewed = await self.leases.update_one(
            {"_id": LEADER_ID, "$or": [{"holder": self.instance}, {"until": {"$lt": now}}]},
            {"$set": {"holder": self.instance, "until": until}},
        )
        if renewed.matched_count == 0:
            try:
                await self.leases.insert_one({"_id": LEADER_ID, "holder": self.instance, "until": until})
            except DuplicateKeyError:
                return False  # another relay leads
        self._leading_until = until
        return True

    async def relay_once(self) -> int:
        """Publish what is pending now, a batch of documents at a time; the number of events sent."""
        if not await self.lead():
            return 0
        claimed = await self.markers.find({}).limit(self.batch_size).to_list()
        if not claimed:
            return 0
        pending = await asyncio.gather(*(self._entries(marker) for marker in claimed))
        published = await asyncio.gather(*(self._publish(entries) for entries in pending), return_exceptions=True)
        done: list[tuple[Document, list[Document], bool]] = []
        failure: BaseException | None = None
        for marker, entries, result in zip(claimed, pending, published, strict=True):
            if isinstance(result, BaseException):
                failure = failure or result
                continue
            done.append((marker, entries[:result], result == len(entries)))
        await self._acknowledge(done)
        sent = sum(len(entries) for _, entries, _ in done)
        self.published += sent
        self.metrics.published(entry["topic"] for _, entries, _ in done for entry in entries)
        if failure is not None:
            raise failure
        return sent

    async def _entries(self, marker: Document) -> list[Document]:
        collection = self.collections.get(marker["collection"])
        if collection is None:
            return []
        # Bounded, so that a batch of hundreds of markers does not take every database connection.
        async with self._reads:
            doc = await collection.find_one({"_id": marker["doc_id"]}, {OUTBOX: 1})
        return list((doc or {}).get(OUTBOX, []))

    async def _publish(self, entries: list[Document]) -> int:
        """Publish one document's events in order; how many went out (all, or up to a failure)."""
        for sent, entry in enumerate(entries):
            try:
                with tracing.publishing(entry) as trace_headers:  # a span in the trace the event was written in
                    await self.broker.publish(
                        entry["value"].encode(),
                        entry["topic"],
                        key=entry["key"].encode(),
                        headers={"event_id": entry["event_id"], "type": entry["type"], **trace_headers},
                    )
            except Exception:
                if sent == 0:
                    raise
                return sent
        return len(entries)

    async def _acknowledge(self, done: list[tuple[Document, list[Document], bool]]) -> None:
        """Remove what was published from the documents and drop the markers of finished documents.

        A command may have added events after they were read: every document whose marker was
        dropped is read again and marked anew if its outbox is not empty. (Such a command bumps the
        marker after its write, so either that bump or this check sees the new events.)
        """
        by_collection: dict[str, list[UpdateOne]] = {}
        finished: list[Document] = []
        for marker, entries, complete in done:
            if entries:
                # $pullAll removes elements equal to the ones published (as read back, field order and
                # all); it is portable, unlike $pull with a condition, which FerretDB 1.x ignores.
                by_collection.setdefault(marker["collection"], []).append(
                    UpdateOne({"_id": marker["doc_id"]}, {"$pullAll": {OUTBOX: entries}})
                )
            if complete:
                finished.append(marker)
        for name, operations in by_collection.items():
            for start in range(0, len(operations), UPDATES_PER_COMMAND):
                await self.collections[name].bulk_write(operations[start : start + UPDATES_PER_COMMAND], ordered=False)
        drops = [DeleteOne({"_id": marker["_id"]}) for marker in finished]
        for start in range(0, len(drops), UPDATES_PER_COMMAND):
            await self.markers.bulk_write(drops[start : start + UPDATES_PER_COMMAND], ordered=False)
        remaining = await asyncio.gather(*(self._entries(marker) for marker in finished))
        for marker, entries in zip(finished, remaining, strict=True):
            if entries:
                await self.outbox.expect(self.collections[marker["collection"]], marker["doc_id"])

"""Outbox markers bumped once, after the write, and shared by concurrent requests (group commit).

``Outbox.write`` bumps a document's marker before and after the write that puts events into it:
three commands per change. The marker after the write is the one the relay's protocol needs (it
either sees the bump or, having dropped the marker, reads the document again and finds the events:
see ``OutboxRelay._acknowledge``). The one before only narrows the window a crash between the write
and the bump leaves without a marker, which the sweep (at every relay's start and every few minutes)
closes anyway. So a store may write first and then call :func:`mark_after`: one marker command,
and while one such command is in flight the markers of every request that arrives meanwhile wait
and go together in the next one, so that under load many requests share one write.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.messaging.outbox import OUTBOX, UPDATES_PER_COMMAND, Outbox, event_entry
from aktywni_shared.mongo import Document


def marker(collection: AsyncCollection[Document], doc_id: Any) -> UpdateOne:
    """The same marker operation as ``Outbox.expect``."""
    return UpdateOne(
        {"_id": f"{collection.name}:{doc_id}"},
        {"$inc": {"seq": 1}, "$set": {"collection": collection.name, "doc_id": doc_id}},
        upsert=True,
    )


class MarkerGroup:
    """The markers of one outbox waiting for the next bulk command (one command in flight at a time)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._waiting: list[tuple[list[UpdateOne], asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.commands = 0

    async def mark(self, targets: list[tuple[AsyncCollection[Document], Any]]) -> None:
        """Bump the markers of ``targets`` (with other requests' if they are waiting too); then wake the relay."""
        if not targets:
            return
        loop = asyncio.get_running_loop()  # a flush of another (closed) loop never finishes: start one here
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.append(([marker(c, doc_id) for c, doc_id in targets], done))
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
                    await self.outbox.markers.bulk_write(operations[start : start + UPDATES_PER_COMMAND], ordered=False)
            except Exception as error:  # noqa: BLE001 - handed to every request of the batch
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            self.outbox.written()
            for _, done in batch:
                if not done.done():
                    done.set_result(None)


_groups: weakref.WeakKeyDictionary[Outbox, MarkerGroup] = weakref.WeakKeyDictionary()


def group_of(outbox: Outbox) -> MarkerGroup:
    group = _groups.get(outbox)
    if group is None:
        group = _groups[outbox] = MarkerGroup(outbox)
    return group


async def mark_after(outbox: Outbox, targets: list[tuple[AsyncCollection[Document], Any]]) -> None:
    """Bump the markers of documents whose outbox a write just filled (group-committed); wake the relay."""
    await group_of(outbox).mark(targets)


async def insert_marked(
    outbox: Outbox, collection: AsyncCollection[Document], document: Document, envelopes: Sequence[Envelope]
) -> None:
    """``Outbox.insert`` with the marker after the write only (group-committed): two commands, not three."""
    stored = {**document, OUTBOX: [*document.get(OUTBOX, []), *(event_entry(e) for e in envelopes)]}
    await collection.insert_one(stored)
    await mark_after(outbox, [(collection, stored["_id"])])


async def update_marked(
    outbox: Outbox,
    collection: AsyncCollection[Document],
    doc_id: Any,
    update: Document,
    envelopes: Sequence[Envelope],
    *,
    condition: Document | None = None,
) -> bool:
    """``Outbox.update`` with the marker after the write only, and only if it matched; True if matched."""
    entries = [event_entry(e) for e in envelopes]
    change = {**update, "$push": {**update.get("$push", {}), OUTBOX: {"$each": entries}}} if entries else update
    result = await collection.update_one({"_id": doc_id, **(condition or {})}, change)
    matched = result.matched_count == 1
    if matched and entries:
        await mark_after(outbox, [(collection, doc_id)])
    return matched

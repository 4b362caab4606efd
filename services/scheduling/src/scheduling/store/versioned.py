"""Read, change in Python, write back only if nobody wrote meanwhile (a ``rev`` guard): optimistic concurrency.

The write is one single-document update whose filter holds the revision read, so two writers never
both win; the loser reads again and retries. Events go into the same write (the document's
``outbox``), so a state change and its events are committed together or not at all. Works on
FerretDB and on MongoDB alike (no transactions); only ``_id`` lookups, which FerretDB pushes down.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any, TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from aktywni_shared.messaging.outbox import OUTBOX, Outbox, event_entry
from aktywni_shared.mongo import Document
from scheduling.domain.errors import ConcurrentChange
from scheduling.use_cases.documents import REV
from scheduling.use_cases.ports import Change, Write

ATTEMPTS = 60
T = TypeVar("T")


__all__ = ["REV", "Change", "T", "Write", "modify", "new_document", "rewrite"]


async def _pause(attempt: int) -> None:
    await asyncio.sleep(random.uniform(0, 0.002 * min(attempt, 20)))  # noqa: S311 - jitter, not crypto


async def modify(
    collection: AsyncCollection[Document], outbox: Outbox | None, doc_id: Any, change: Change[T]
) -> T | None:
    """Apply ``change`` to the current document (None if absent) and write it back atomically.

    ``change`` returns None to write nothing (the answer is then None). It may be called several
    times (after a lost race), so it must not have effects of its own.
    """
    for attempt in range(ATTEMPTS):
        current = await collection.find_one({"_id": doc_id}, {OUTBOX: 0})
        write = change(current)
        if write is None:
            return None
        if await _write(collection, outbox, doc_id, current, write):
            return write.result
        await _pause(attempt)
    raise ConcurrentChange(f"{collection.name} {doc_id} keeps changing; try again")


def new_document(doc_id: Any, write: Write[T]) -> Document:
    """The document a write creates when there is none yet (revision 1, its events in the outbox)."""
    return {"_id": doc_id, REV: 1, **write.fields, OUTBOX: [event_entry(e) for e in write.events]}


async def rewrite(collection: AsyncCollection[Document], doc_id: Any, current: Document, write: Write[T]) -> bool:
    """Write ``write`` over ``current`` if nobody wrote meanwhile (its revision); no outbox markers."""
    update: Document = {"$inc": {REV: 1}}
    if write.fields:
        update["$set"] = write.fields
    if write.events:
        update["$push"] = {OUTBOX: {"$each": [event_entry(e) for e in write.events]}}
    rev = current.get(REV)
    guard = {"$exists": False} if rev is None else rev
    result = await collection.update_one({"_id": doc_id, REV: guard}, update)
    return result.modified_count == 1


async def _write(
    collection: AsyncCollection[Document], outbox: Outbox | None, doc_id: Any, current: Document | None, write: Write[T]
) -> bool:
    async def operation() -> bool:
        if current is None:
            try:
                await collection.insert_one(new_document(doc_id, write))
            except DuplicateKeyError:
                return False
            return True
        return await rewrite(collection, doc_id, current, write)

    written = await operation()
    if written and write.events and outbox is not None:
        # The marker once, after the write, shared with concurrent requests (Outbox.mark_after).
        await outbox.mark_after([(collection, doc_id)])
    return written

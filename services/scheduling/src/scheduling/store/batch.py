"""Writes of many documents in few database commands, for requests that change many at once.

Every write command is a round trip (and, on the embedded FerretDB, a turn of the serialised write
path), so a request touching N documents pays N-fold for per-document commands. Here updates go in
unordered bulk commands and new documents are inserted in one ``insert_many``, which reports exactly
which ones existed already. Their outbox markers are the outbox's (``Outbox.mark_after``).
Commands hold at most 50 statements (FerretDB 1.24 deadlocks past 100 in one command).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from aktywni_shared.messaging.outbox import UPDATES_PER_COMMAND
from aktywni_shared.mongo import Document

DUPLICATE_KEY = 11000


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """Slices of at most ``UPDATES_PER_COMMAND``; none for no items (a bulk command needs at least one)."""
    for start in range(0, len(items), UPDATES_PER_COMMAND):
        yield items[start : start + UPDATES_PER_COMMAND]


async def bulk(collection: AsyncCollection[Document], operations: Sequence[UpdateOne]) -> None:
    """Run the updates in as few unordered bulk commands as the statement limit allows (none for none)."""
    for chunk in _chunks(operations):
        await collection.bulk_write(list(chunk), ordered=False)


async def insert_new(collection: AsyncCollection[Document], docs: Sequence[Document]) -> set[Any]:
    """Insert the documents that do not exist yet; the ids inserted (an existing ``_id`` is left alone)."""
    inserted: set[Any] = set()
    if not docs:
        return inserted  # insert_many([]) is an error: nothing to insert
    for chunk in _chunks(docs):
        existing: set[int] = set()
        try:
            await collection.insert_many(list(chunk), ordered=False)
        except BulkWriteError as error:
            errors = error.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            existing = {int(e["index"]) for e in errors}
        inserted.update(doc["_id"] for index, doc in enumerate(chunk) if index not in existing)
    return inserted

"""Idempotent consumption: apply an event's effect to a view document at most once.

The effect and the fact that the event was applied are written in one single-document update:
the filter excludes documents that already list the event id, and the update adds it. A redelivered
event matches no document; the upsert then collides with the existing ``_id`` and is recognised as
a duplicate. No multi-document transaction is needed, so it holds on FerretDB and sharded MongoDB.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from aktywni_shared.mongo import Document

APPLIED = "applied_events"


async def apply_once(collection: AsyncCollection[Document], doc_id: Any, event_id: str, update: Document) -> bool:
    """Apply ``update`` to document ``doc_id`` unless ``event_id`` was applied; True if it was applied now."""
    full_update = dict(update)
    full_update["$push"] = {**update.get("$push", {}), APPLIED: event_id}
    try:
        result = await collection.update_one({"_id": doc_id, APPLIED: {"$ne": event_id}}, full_update, upsert=True)
    except DuplicateKeyError:
        return False
    return result.modified_count == 1 or result.upserted_id is not None

"""The service's database handle: PyMongo's asyncio client (the successor of Motor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandListener

from aktywni_shared.store_limits import MAX_POOL_SIZE

Document = dict[str, Any]


def connect(uri: str, listeners: Sequence[CommandListener] = ()) -> AsyncMongoClient[Document]:
    """A client of the database at ``uri``; ``listeners`` see every command (the metrics' timings)."""
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        serverSelectionTimeoutMS=5000,
        uuidRepresentation="standard",
        maxPoolSize=MAX_POOL_SIZE,
        event_listeners=list(listeners),
    )


async def ping(db: AsyncDatabase[Document]) -> bool:
    try:
        await db.command("ping")
    except Exception:  # noqa: BLE001 - readiness: any failure is "not ready"
        return False
    return True

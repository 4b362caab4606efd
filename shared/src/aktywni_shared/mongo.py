"""The service's database handle: PyMongo's asyncio client (the successor of Motor)."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]
#: Connections per process: well below FerretDB's 100 SQLite connections per database, so that one
#: busy process leaves room for the others.
MAX_POOL_SIZE = 32


def connect(uri: str) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        uri, tz_aware=True, serverSelectionTimeoutMS=5000, uuidRepresentation="standard", maxPoolSize=MAX_POOL_SIZE
    )


async def ping(db: AsyncDatabase[Document]) -> bool:
    try:
        await db.command("ping")
    except Exception:  # noqa: BLE001 - readiness: any failure is "not ready"
        return False
    return True

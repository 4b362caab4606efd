"""The database gives what the design assumes: single-document atomicity under concurrent writes.

FerretDB 1.x alone does not (it reads, then writes back, with no lock between): the embedded stack
puts a proxy in front of it that runs write commands one at a time. These tests fail without it.
"""

from __future__ import annotations

import asyncio

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared import mongo

RACERS = 12


async def test_a_conditional_claim_succeeds_for_exactly_one_of_many_racers(db: AsyncDatabase[mongo.Document]) -> None:
    await db.docs.insert_many([{"_id": i} for i in range(10)])

    async def claim(doc_id: int, racer: int) -> int:
        result = await db.docs.update_one({"_id": doc_id, "owner": {"$exists": False}}, {"$set": {"owner": racer}})
        return result.modified_count

    for doc_id in range(10):
        wins = await asyncio.gather(*(claim(doc_id, racer) for racer in range(RACERS)))
        assert sum(wins) == 1, f"document {doc_id} claimed {sum(wins)} times"


async def test_concurrent_increments_are_neither_lost_nor_over_the_limit(db: AsyncDatabase[mongo.Document]) -> None:
    await db.seats.insert_one({"_id": "session", "taken": 0})

    async def take_seat() -> bool:
        doc = await db.seats.find_one_and_update(
            {"_id": "session", "taken": {"$lt": 5}}, {"$inc": {"taken": 1}}, return_document=ReturnDocument.AFTER
        )
        return doc is not None

    granted = await asyncio.gather(*(take_seat() for _ in range(40)))
    final = await db.seats.find_one({"_id": "session"})

    assert sum(granted) == 5
    assert final is not None
    assert final["taken"] == 5


async def test_seats_stay_exact_in_two_databases_written_at_once(db: AsyncDatabase[mongo.Document]) -> None:
    """Two services' databases race at once: the embedded proxy's lock per database keeps each exact."""
    other = db.client[f"{db.name}_other"]
    try:
        for database in (db, other):
            await database.seats.insert_one({"_id": "session", "taken": 0})

        async def take_seat(database: AsyncDatabase[mongo.Document]) -> bool:
            doc = await database.seats.find_one_and_update(
                {"_id": "session", "taken": {"$lt": 5}}, {"$inc": {"taken": 1}}, return_document=ReturnDocument.AFTER
            )
            return doc is not None

        granted = await asyncio.gather(*(take_seat(database) for _ in range(30) for database in (db, other)))
        finals = [await database.seats.find_one({"_id": "session"}) for database in (db, other)]

        assert sum(granted) == 10
        assert [final["taken"] if final else None for final in finals] == [5, 5]
    finally:
        await db.client.drop_database(other.name)

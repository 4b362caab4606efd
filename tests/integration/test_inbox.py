"""Applying an event at most once, on the real database."""

from __future__ import annotations

import asyncio

from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared import mongo
from aktywni_shared.messaging.inbox import APPLIED, apply_once


async def test_a_redelivered_event_changes_nothing(db: AsyncDatabase[mongo.Document]) -> None:
    assert await apply_once(db.view, "p1", "e1", {"$inc": {"hours": 2}})
    assert not await apply_once(db.view, "p1", "e1", {"$inc": {"hours": 2}})
    assert await apply_once(db.view, "p1", "e2", {"$inc": {"hours": 3}})

    doc = await db.view.find_one({"_id": "p1"})
    assert doc is not None
    assert doc["hours"] == 5
    assert doc[APPLIED] == ["e1", "e2"]


async def test_concurrent_deliveries_of_one_event_apply_it_exactly_once(db: AsyncDatabase[mongo.Document]) -> None:
    results = await asyncio.gather(*(apply_once(db.view, "p2", "e9", {"$inc": {"count": 1}}) for _ in range(20)))

    assert results.count(True) == 1
    doc = await db.view.find_one({"_id": "p2"})
    assert doc is not None
    assert doc["count"] == 1

"""Scheduling's bulk writes and the outbox's markers never send an empty command (insert_many([]) and
bulk_write([]) are errors), and many are chunked by the statement limit."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from aktywni_shared.messaging.outbox import UPDATES_PER_COMMAND, MarkerGroup
from aktywni_shared.mongo import Document
from scheduling.store.batch import bulk, insert_new


class Recording:
    """A collection that records its bulk commands and refuses an empty one, as MongoDB does."""

    name = "sessions"

    def __init__(self) -> None:
        self.commands: list[int] = []

    async def insert_many(self, docs: list[Document], ordered: bool = True) -> None:
        assert docs, "insert_many([])"
        self.commands.append(len(docs))

    async def bulk_write(self, operations: list[Any], ordered: bool = True) -> None:
        assert operations, "bulk_write([])"
        self.commands.append(len(operations))


def test_no_documents_send_no_command_and_many_are_chunked() -> None:
    collection = Recording()
    markers = Recording()
    woken: list[bool] = []
    group = MarkerGroup(cast(AsyncCollection[Document], markers), lambda: woken.append(True))
    as_collection = cast(AsyncCollection[Document], collection)

    assert asyncio.run(insert_new(as_collection, [])) == set()
    asyncio.run(bulk(as_collection, []))
    asyncio.run(group.mark([]))
    assert collection.commands == []
    assert markers.commands == []
    assert woken == []

    docs = [{"_id": n} for n in range(UPDATES_PER_COMMAND + 1)]
    assert asyncio.run(insert_new(as_collection, docs)) == set(range(UPDATES_PER_COMMAND + 1))
    assert collection.commands == [UPDATES_PER_COMMAND, 1]
    updates = [UpdateOne({"_id": n}, {"$set": {"seen": True}}) for n in range(UPDATES_PER_COMMAND + 1)]
    asyncio.run(bulk(as_collection, updates))
    assert collection.commands == [UPDATES_PER_COMMAND, 1, UPDATES_PER_COMMAND, 1]
    asyncio.run(group.mark([(as_collection, 1), (as_collection, 2)]))
    assert markers.commands == [2]
    assert woken == [True]

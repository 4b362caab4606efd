"""Scheduling's bulk writes never send an empty command (insert_many([]) and bulk_write([]) are errors)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from pymongo.asynchronous.collection import AsyncCollection

from aktywni_shared.messaging.outbox import UPDATES_PER_COMMAND, Outbox
from aktywni_shared.mongo import Document
from scheduling.store.batch import insert_new, mark


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


class FakeOutbox:
    def __init__(self) -> None:
        self.markers = Recording()


def test_no_documents_send_no_command_and_many_are_chunked() -> None:
    collection = Recording()
    outbox = FakeOutbox()
    as_collection = cast(AsyncCollection[Document], collection)

    assert asyncio.run(insert_new(as_collection, [])) == set()
    asyncio.run(mark(cast(Outbox, outbox), []))
    assert collection.commands == []
    assert outbox.markers.commands == []

    docs = [{"_id": n} for n in range(UPDATES_PER_COMMAND + 1)]
    assert asyncio.run(insert_new(as_collection, docs)) == set(range(UPDATES_PER_COMMAND + 1))
    assert collection.commands == [UPDATES_PER_COMMAND, 1]
    asyncio.run(mark(cast(Outbox, outbox), [(as_collection, 1), (as_collection, 2)]))
    assert outbox.markers.commands == [2]

"""Group commit: concurrent requests' inserts share one command; a refused document fails its own request only."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from aktywni_shared.group_commit import InsertGroup
from aktywni_shared.mongo import Document


class Collection:
    """Records each insert_many; refuses a document whose ``_id`` it holds, as an unordered insert does."""

    def __init__(self) -> None:
        self.commands: list[list[Any]] = []
        self.stored: set[Any] = {"taken"}

    async def insert_many(self, documents: list[Document], ordered: bool = True) -> None:
        assert not ordered
        self.commands.append([d["_id"] for d in documents])
        await asyncio.sleep(0.01)  # a round trip: the requests arriving meanwhile wait for the next command
        errors = []
        for index, document in enumerate(documents):
            if document["_id"] in self.stored:
                errors.append({"index": index, "code": 11000, "errmsg": "duplicate key"})
            else:
                self.stored.add(document["_id"])
        if errors:
            raise BulkWriteError({"writeErrors": errors})


async def test_requests_arriving_together_or_while_a_command_runs_share_one() -> None:
    collection = Collection()
    group = InsertGroup(cast(AsyncCollection[Document], collection))

    await asyncio.gather(*(group.insert({"_id": n}) for n in range(10)))
    running = asyncio.create_task(group.insert({"_id": "alone"}))
    await asyncio.sleep(0)  # its command is on the way; the next ones wait for it
    await asyncio.gather(running, *(group.insert({"_id": n}) for n in range(10, 15)))

    assert collection.stored == {"taken", "alone", *range(15)}
    assert collection.commands == [list(range(10)), ["alone"], list(range(10, 15))]


async def test_a_refused_document_fails_only_its_own_request() -> None:
    collection = Collection()
    group = InsertGroup(cast(AsyncCollection[Document], collection))

    first = asyncio.create_task(group.insert({"_id": "first"}))
    await asyncio.sleep(0)
    results = await asyncio.gather(
        group.insert({"_id": 1}), group.insert({"_id": "taken"}), group.insert({"_id": 2}), return_exceptions=True
    )
    await first

    assert results[0] is None
    assert results[2] is None
    assert isinstance(results[1], DuplicateKeyError)
    assert collection.commands == [["first"], [1, "taken", 2]]
    with pytest.raises(DuplicateKeyError):
        await group.insert({"_id": 1})

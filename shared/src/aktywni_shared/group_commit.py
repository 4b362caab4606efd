"""Group commit: the inserts of concurrent requests into one collection sent as one command.

Each write command is a round trip and, on the embedded database, a turn of its serialised write
path; ``insert_many`` of many documents costs about what one ``insert_one`` does. An
:class:`InsertGroup` keeps one command in flight at a time: a request's document waits while one is
being written and goes with every other document that arrived meanwhile in the next command. A
request still waits until its own document is written (or the command failed), so nothing is
acknowledged before it is stored; one request alone pays one command, as before.
"""

from __future__ import annotations

import asyncio

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, WriteError

from aktywni_shared.mongo import Document
from aktywni_shared.store_limits import STATEMENTS_PER_COMMAND

DUPLICATE_KEY = 11000


class InsertGroup:
    """Inserts into ``collection``; a document the database refuses fails its own request only."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection
        self._waiting: list[tuple[Document, asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def insert(self, document: Document) -> None:
        """Insert ``document`` (with others waiting, in one command); return once it is stored."""
        loop = asyncio.get_running_loop()  # a flush of another (closed) loop never finishes: start one here
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.append((document, done))
        if self._flushing is None or self._flushing.done() or self._flushing.get_loop() is not loop:
            self._flushing = asyncio.create_task(self._flush())
        await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:STATEMENTS_PER_COMMAND], self._waiting[STATEMENTS_PER_COMMAND:]
            failed: dict[int, BaseException] = {}
            try:
                await self.collection.insert_many([document for document, _ in batch], ordered=False)
            except BulkWriteError as error:  # the documents it names failed; the others are stored
                for item in error.details.get("writeErrors", []):
                    failed[int(item["index"])] = _one_failure(item)
                if not failed:
                    failed = dict.fromkeys(range(len(batch)), error)
            except Exception as error:  # noqa: BLE001 - handed to every request of the batch
                failed = dict.fromkeys(range(len(batch)), error)
            for index, (_, done) in enumerate(batch):
                if done.done():
                    continue
                if index in failed:
                    done.set_exception(failed[index])
                else:
                    done.set_result(None)


def _one_failure(item: Document) -> BaseException:
    """The error one document of an unordered insert met, as ``insert_one`` would have raised it."""
    code = int(item.get("code", 0))
    message = str(item.get("errmsg", "insert failed"))
    return DuplicateKeyError(message, code, item) if code == DUPLICATE_KEY else WriteError(message, code, item)

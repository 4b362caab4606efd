"""The reporting view (everything derived from events) in MongoDB, in numbered generations.

A generation is three collections:

- ``view<N>_chunks``: each project's facts as an append-only log. A projected batch writes **one**
  chunk per project it touches, ``{_id: "<project>:<seq>", z: <zlib of the JSON list of records>}``
  (``reporting.domain.facts.record``: the few fields of an event its subject needs). The records
  are one binary value because FerretDB 1.24 stores and decodes a document field by field (a
  nested document of 140 kB took 185 ms to read or write, a 750 kB string 40-70 ms); compressed,
  because the records repeat the same keys and values (about a tenth of the bytes to send, store
  and read back). Chunks of the earlier form, ``records: "<JSON>"``, are read as they are.
- ``view<N>_projects``: project period, leader, organisations.
- ``view<N>_stamps``: per project a change counter (dashboards poll it) and the highest chunk
  number written (a hint: the chunks themselves are the truth).

Every operation is an exact ``_id`` lookup, the only filter FerretDB's SQLite storage answers
without scanning the collection (a conditional update on ``{_id, rev}`` scans it: 470 ms at 2 000
documents). Chunks are numbered without gaps: a writer inserts ``<project>:<n+1>`` only when it
knows chunk ``n`` exists, and an insert that finds the number taken (another writer, another
instance) tries the next one; a chunk, once written, never changes. A reader can therefore read a
project's chunks in order up to the first missing number and later go on from there.

A project's entries (people and bodies) are the records of all its chunks folded in order with the
pure, idempotent functions of ``reporting.domain.facts``: a record stored twice (a redelivered
batch, a replay's second pass) changes nothing. Each process keeps the folded entries of recently
read projects in memory and reads only the chunks that are new since.

The ``meta`` document names the active generation; a replay fills the next one and then switches
(see ``reporting.events.replay``).
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import orjson
from bson import Binary
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.mongo import Document
from aktywni_shared.store_limits import STATEMENTS_PER_COMMAND
from reporting.domain.facts import Entry, Record, apply_record
from reporting.domain.report import ProjectInfo
from reporting.use_cases.ports import AMENDED_AT

META_ID = "view"
READS = 16
#: Projects whose folded entries a process keeps in memory (least recently used ones are dropped).
FOLDED_PROJECTS = 32
#: Records per chunk at most (a document stays well under FerretDB's 16 MB limit).
CHUNK_RECORDS = 5000
#: Statements per bulk write (the embedded database's limit: aktywni_shared/store_limits.py).
BULK = STATEMENTS_PER_COMMAND
#: zlib's fastest level: a chunk's records repeat the same keys and values, so it shrinks them about
#: tenfold in a few ms, and every byte not sent is one FerretDB need not store and decode.
ZLEVEL = 1


def encode_records(records: Sequence[Record]) -> Binary:
    """A chunk's records as stored: their JSON, zlib-compressed."""
    return Binary(zlib.compress(orjson.dumps(records), ZLEVEL))


def decode_records(doc: Document) -> list[Record]:
    """The records of a stored chunk (``z``: compressed JSON; ``records``: a JSON string, the earlier form)."""
    if "z" in doc:
        records: list[Record] = orjson.loads(zlib.decompress(doc["z"]))
        return records
    return list(json.loads(doc["records"]))


def chunk_id(project_id: str, seq: int) -> str:
    return f"{project_id}:{seq:09d}"


@dataclass
class Folded:
    """A project's entries folded from its chunks ``1..seq``."""

    seq: int = 0
    people: dict[str, Entry] = field(default_factory=dict)
    bodies: dict[str, Entry] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def fold(self, records: Sequence[Record]) -> None:
        for fact in records:
            section = self.people if fact["s"] == "people" else self.bodies
            after = apply_record(section.get(fact["k"]), fact)
            if after is not None:
                section[fact["k"]] = after


class Generation:
    def __init__(self, db: AsyncDatabase[Document], number: int) -> None:
        self.number = number
        self.chunks: AsyncCollection[Document] = db[f"view{number}_chunks"]
        self.projects: AsyncCollection[Document] = db[f"view{number}_projects"]
        self.stamps: AsyncCollection[Document] = db[f"view{number}_stamps"]
        self._reads = asyncio.Semaphore(READS)
        self._written: dict[str, int] = {}  # the last chunk number known to exist, per project
        self._folded: OrderedDict[str, Folded] = OrderedDict()

    async def drop(self) -> None:
        legacy = self.chunks.database[f"view{self.number}_buckets"]  # the earlier layout's facts
        for collection in (self.chunks, self.projects, self.stamps, legacy):
            await collection.drop()
        self._written.clear()
        self._folded.clear()

    # --- writing --------------------------------------------------------------------------------

    async def append(self, project_id: str, records: Sequence[Record]) -> int:
        """Store ``records`` as the project's next chunk(s); the number of the last one written."""
        seq = 0
        for start in range(0, len(records), CHUNK_RECORDS):
            seq = await self._append(project_id, encode_records(records[start : start + CHUNK_RECORDS]))
        return seq

    async def _append(self, project_id: str, payload: Binary) -> int:
        known = self._written.get(project_id)
        if known is None:
            known = await self.last_chunk(project_id)
        seq = known + 1
        while True:
            try:
                await self.chunks.insert_one({"_id": chunk_id(project_id, seq), "z": payload})
            except DuplicateKeyError:
                # Taken by another writer: skip ahead to what the stamps know, else to the next number.
                seq = max(seq, await self.last_chunk(project_id)) + 1
                continue
            self._written[project_id] = seq
            return seq

    async def last_chunk(self, project_id: str) -> int:
        """The highest chunk number the stamps know of (chunks up to it exist; a few more may)."""
        doc = await self.stamps.find_one({"_id": project_id}, {"chunks": 1})
        return int((doc or {}).get("chunks", 0))

    async def bump(self, project_ids: set[str], chunks: dict[str, int] | None = None) -> None:
        """Count a change of each project (dashboards poll the counter), with the chunks written."""
        chunks = chunks or {}
        updates = [
            UpdateOne({"_id": p}, {"$inc": {"changes": 1}, "$max": {"chunks": chunks.get(p, 0)}}, upsert=True)
            for p in sorted(project_ids)
        ]
        # One command per BULK projects rather than one per project (FerretDB stalls above 100 statements).
        for start in range(0, len(updates), BULK):
            await self.stamps.bulk_write(updates[start : start + BULK], ordered=False)

    # --- reading --------------------------------------------------------------------------------

    async def facts(self, project_id: str) -> tuple[dict[str, Entry], dict[str, Entry]]:
        """Every person and body of a project, folded from its chunks (only the new ones are read).

        The dictionaries returned are this process's folded state: read them before the next await.
        """
        folded = self._folded.get(project_id)
        if folded is None:
            folded = self._folded[project_id] = Folded()
        self._folded.move_to_end(project_id)
        while len(self._folded) > FOLDED_PROJECTS:
            self._folded.popitem(last=False)
        async with folded.lock:
            known = await self.last_chunk(project_id)
            while folded.seq < known:
                # Chunks up to ``known`` exist: read a window of them side by side, fold them in order.
                numbers = range(folded.seq + 1, min(known, folded.seq + READS) + 1)
                docs = await asyncio.gather(*(self._chunk(project_id, n) for n in numbers))
                for doc in docs:
                    if doc is None:
                        break  # cannot happen (chunks are never removed)
                    folded.fold(decode_records(doc))
                    folded.seq += 1
                else:
                    continue
                break
            while (doc := await self._chunk(project_id, folded.seq + 1)) is not None:
                folded.fold(decode_records(doc))
                folded.seq += 1
        return folded.people, folded.bodies

    async def _chunk(self, project_id: str, seq: int) -> Document | None:
        async with self._reads:
            return await self.chunks.find_one({"_id": chunk_id(project_id, seq)})

    # --- projects and stamps --------------------------------------------------------------------

    async def register_project(
        self, project_id: str, title: str, leader: str, starts_on: date, ends_on: date, leader_name: str | None = None
    ) -> None:
        """The leader, and the title and period unless an amendment (``amended_at``) already replaced them:
        a registration delivered again after an amendment must not bring the old period back."""
        fields: dict[str, str] = {"leader_organisation_id": leader, f"organisations.{leader}": "leader"}
        if leader_name is not None:
            fields[f"organisation_names.{leader}"] = leader_name
        await self.projects.update_one({"_id": project_id}, {"$set": fields}, upsert=True)
        period = {"title": title, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}
        await self.projects.update_one({"_id": project_id, AMENDED_AT: {"$exists": False}}, {"$set": period})

    async def amend_project(self, project_id: str, title: str, starts_on: date, ends_on: date, at: str) -> bool:
        """Take an amendment's title and period unless one as new or newer (``at``, see ``ports``) was taken.

        The filter leaves out a document with a later or equal ``amended_at``; the upsert then collides
        with its ``_id`` and nothing changes (a redelivery, or an older amendment arriving late)."""
        fields = {"title": title, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), AMENDED_AT: at}
        query = {"_id": project_id, "$or": [{AMENDED_AT: {"$exists": False}}, {AMENDED_AT: {"$lt": at}}]}
        try:
            result = await self.projects.update_one(query, {"$set": fields}, upsert=True)
        except DuplicateKeyError:
            return False
        return result.modified_count == 1 or result.upserted_id is not None

    async def join_project(self, project_id: str, organisation_id: str, role: str, name: str | None = None) -> None:
        fields = {f"organisations.{organisation_id}": role}
        if name is not None:
            fields[f"organisation_names.{organisation_id}"] = name
        await self.projects.update_one({"_id": project_id}, {"$set": fields}, upsert=True)

    async def project(self, project_id: str) -> ProjectInfo | None:
        doc = await self.projects.find_one({"_id": project_id})
        if doc is None or "leader_organisation_id" not in doc:
            return None  # partners known, the registration not yet: not a project to report on
        return ProjectInfo(
            project_id=project_id,
            title=doc["title"],
            leader_organisation_id=doc["leader_organisation_id"],
            starts_on=date.fromisoformat(doc["starts_on"]),
            ends_on=date.fromisoformat(doc["ends_on"]),
            organisations=dict(doc.get("organisations", {})),
            organisation_names=dict(doc.get("organisation_names", {})),
        )

    async def stamp(self, project_id: str) -> int:
        doc = await self.stamps.find_one({"_id": project_id})
        return int(doc["changes"]) if doc else 0


class View:
    """The active generation of the view, and switching to another (a replay's)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db
        self.meta: AsyncCollection[Document] = db["meta"]
        self._generations: dict[int, Generation] = {}

    async def active_number(self) -> int:
        doc = await self.meta.find_one({"_id": META_ID})
        return int(doc["generation"]) if doc else 1

    async def active(self) -> Generation:
        return self.generation(await self.active_number())

    def generation(self, number: int) -> Generation:
        """The generation (one object per number, holding this process's folded entries)."""
        found = self._generations.get(number)
        if found is None:
            found = self._generations[number] = Generation(self.db, number)
            for old in sorted(self._generations)[:-2]:  # the active one and a replay's are enough
                del self._generations[old]
        return found

    async def activate(self, number: int) -> None:
        await self.meta.update_one({"_id": META_ID}, {"$set": {"generation": number}}, upsert=True)

    async def generations(self) -> list[int]:
        names = await self.db.list_collection_names()
        # ``_buckets``: generations of the earlier layout (one document per 1/16 of a project).
        found = {
            int(n[4 : n.index("_")]) for n in names if n.startswith("view") and n.endswith(("_chunks", "_buckets"))
        }
        return sorted(found | {await self.active_number()})

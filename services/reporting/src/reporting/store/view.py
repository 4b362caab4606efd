"""The reporting view (everything derived from events) in MongoDB, in numbered generations.

A generation is three collections, ``view<N>_buckets`` (the facts of a project's people and bodies,
split over ``BUCKETS`` documents per project so that no document grows large and every read is an
``_id`` lookup), ``view<N>_projects`` (project period, leader, organisations) and ``view<N>_stamps``
(a change counter per project, which dashboards poll). The ``meta`` document names the active
generation; a replay fills the next one and then switches (see ``reporting.replay``).

Facts are written with optimistic concurrency: a bucket document carries ``rev`` and is replaced
field by field only if nobody changed it since it was read (a single-document conditional update,
atomic on FerretDB and MongoDB alike); on a clash the events are applied again to the fresh copy.
"""

from __future__ import annotations

import asyncio
import zlib
from datetime import date

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.mongo import Document
from reporting.domain.facts import Changed, Entry
from reporting.domain.report import ProjectInfo

BUCKETS = 16
META_ID = "view"
READS = 16


def bucket_of(project_id: str, key: str) -> str:
    return f"{project_id}:{zlib.crc32(key.encode()) % BUCKETS:02d}"


def bucket_ids(project_id: str) -> list[str]:
    return [f"{project_id}:{n:02d}" for n in range(BUCKETS)]


class Generation:
    def __init__(self, db: AsyncDatabase[Document], number: int) -> None:
        self.number = number
        self.buckets: AsyncCollection[Document] = db[f"view{number}_buckets"]
        self.projects: AsyncCollection[Document] = db[f"view{number}_projects"]
        self.stamps: AsyncCollection[Document] = db[f"view{number}_stamps"]
        self._reads = asyncio.Semaphore(READS)

    async def drop(self) -> None:
        for collection in (self.buckets, self.projects, self.stamps):
            await collection.drop()

    async def bucket(self, bucket_id: str) -> Document | None:
        async with self._reads:
            return await self.buckets.find_one({"_id": bucket_id})

    async def save_bucket(
        self, bucket_id: str, project_id: str, before: Document | None, changes: dict[Changed, Entry]
    ) -> bool:
        """Write the changed entries unless the bucket changed since ``before`` was read; True if written."""
        if before is None:
            document: Document = {"_id": bucket_id, "project_id": project_id, "rev": 1, "people": {}, "bodies": {}}
            for (section, key), entry in changes.items():
                document[section][key] = entry
            try:
                await self.buckets.insert_one(document)
            except DuplicateKeyError:
                return False
            return True
        # One conditional replacement of the whole document: FerretDB 1.24 handles an update with many
        # ``$set`` paths in time quadratic in their number (30 paths of a 35 kB document took 20 s).
        document = {**before, "rev": int(before["rev"]) + 1}
        for section in ("people", "bodies"):
            document[section] = dict(before.get(section, {}))
        for (section, key), entry in changes.items():
            document[section][key] = entry
        result = await self.buckets.replace_one({"_id": bucket_id, "rev": before["rev"]}, document)
        return result.matched_count == 1

    async def facts(self, project_id: str) -> tuple[dict[str, Entry], dict[str, Entry]]:
        """Every person and body of a project: ``BUCKETS`` lookups by ``_id``."""
        docs = await asyncio.gather(*(self.bucket(b) for b in bucket_ids(project_id)))
        people: dict[str, Entry] = {}
        bodies: dict[str, Entry] = {}
        for doc in docs:
            if doc is not None:
                people.update(doc.get("people", {}))
                bodies.update(doc.get("bodies", {}))
        return people, bodies

    async def register_project(self, project_id: str, title: str, leader: str, starts_on: date, ends_on: date) -> None:
        await self.projects.update_one(
            {"_id": project_id},
            {
                "$set": {
                    "title": title,
                    "leader_organisation_id": leader,
                    "starts_on": starts_on.isoformat(),
                    "ends_on": ends_on.isoformat(),
                    f"organisations.{leader}": "leader",
                }
            },
            upsert=True,
        )

    async def join_project(self, project_id: str, organisation_id: str, role: str) -> None:
        await self.projects.update_one(
            {"_id": project_id}, {"$set": {f"organisations.{organisation_id}": role}}, upsert=True
        )

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
        )

    async def bump(self, project_ids: set[str]) -> None:
        await asyncio.gather(
            *(self.stamps.update_one({"_id": p}, {"$inc": {"changes": 1}}, upsert=True) for p in sorted(project_ids))
        )

    async def stamp(self, project_id: str) -> int:
        doc = await self.stamps.find_one({"_id": project_id})
        return int(doc["changes"]) if doc else 0


class View:
    """The active generation of the view, and switching to another (a replay's)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db
        self.meta: AsyncCollection[Document] = db["meta"]

    async def active_number(self) -> int:
        doc = await self.meta.find_one({"_id": META_ID})
        return int(doc["generation"]) if doc else 1

    async def active(self) -> Generation:
        return Generation(self.db, await self.active_number())

    def generation(self, number: int) -> Generation:
        return Generation(self.db, number)

    async def activate(self, number: int) -> None:
        await self.meta.update_one({"_id": META_ID}, {"$set": {"generation": number}}, upsert=True)

    async def generations(self) -> list[int]:
        names = await self.db.list_collection_names()
        found = {int(n[4 : n.index("_")]) for n in names if n.startswith("view") and n.endswith("_buckets")}
        return sorted(found | {await self.active_number()})

"""Venues and staff: reference data of organisations, read by ``_id`` on every scheduling decision."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.mongo import Document
from scheduling.domain.staff import StaffMember
from scheduling.domain.venues import Venue
from scheduling.use_cases.ports import AlreadyExists

__all__ = ["AlreadyExists", "StaffStore", "VenueStore"]


class VenueStore:
    """Venues, each organisation's under its own ids.

    A venue is stored under ``<organisation>:<venue_id>``, so two organisations may both have a
    ``sala-1``. Venues registered before ids were per organisation keep their bare ``venue_id`` as
    ``_id`` (the "key" of the venue, which its room timelines are named after), so the sessions and
    timelines that refer to them keep working.
    """

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["venues"]

    @staticmethod
    def _venue(doc: Document) -> Venue:
        return Venue.model_validate({k: v for k, v in doc.items() if k != "_id"})

    async def add(self, venue: Venue) -> str:
        """Register a venue; its key. ``AlreadyExists`` if its organisation has one of that id."""
        key = f"{venue.organisation_id}:{venue.venue_id}"
        if await self.find(venue.organisation_id, venue.venue_id) is not None:
            raise AlreadyExists(f"venue {venue.venue_id} exists")
        try:
            await self.collection.insert_one({"_id": key, **venue.model_dump(mode="json")})
        except DuplicateKeyError as error:
            raise AlreadyExists(f"venue {venue.venue_id} exists") from error
        return key

    async def replace(self, key: str, venue: Venue) -> bool:
        result = await self.collection.replace_one({"_id": key}, {"_id": key, **venue.model_dump(mode="json")})
        return result.matched_count == 1

    async def find(self, organisation_id: str, venue_id: str) -> tuple[str, Venue] | None:
        """An organisation's venue of that id, with its key."""
        keys = [f"{organisation_id}:{venue_id}", venue_id]
        doc = await self.collection.find_one({"_id": {"$in": keys}, "organisation_id": organisation_id})
        return None if doc is None else (str(doc["_id"]), self._venue(doc))

    async def legacy(self, venue_id: str) -> tuple[str, Venue] | None:
        """A venue registered before ids were per organisation, by its bare id."""
        doc = await self.collection.find_one({"_id": venue_id})
        return None if doc is None else (venue_id, self._venue(doc))

    async def by_key(self, key: str) -> Venue | None:
        doc = await self.collection.find_one({"_id": key})
        return None if doc is None else self._venue(doc)

    async def all(self, organisation_id: str | None = None) -> list[Venue]:
        """The venues of one organisation (``None``: of every organisation), by id."""
        query = {} if organisation_id is None else {"organisation_id": organisation_id}
        cursor = self.collection.find(query)
        venues = [self._venue(doc) async for doc in cursor]
        return sorted(venues, key=lambda v: (v.venue_id, v.organisation_id))


class StaffStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["staff"]

    async def create_indexes(self) -> None:
        await self.collection.create_index([("organisation_id", ASCENDING)])

    async def add(self, member: StaffMember) -> None:
        try:
            await self.collection.insert_one({"_id": member.staff_id, **member.model_dump(mode="json")})
        except DuplicateKeyError as error:
            raise AlreadyExists(f"staff {member.staff_id} exists") from error

    async def get(self, staff_id: str) -> StaffMember | None:
        doc = await self.collection.find_one({"_id": staff_id})
        return None if doc is None else StaffMember.model_validate({k: v for k, v in doc.items() if k != "_id"})

    async def of_organisation(self, organisation_id: str) -> list[StaffMember]:
        cursor = self.collection.find({"organisation_id": organisation_id}).sort("_id", ASCENDING)
        return [StaffMember.model_validate({k: v for k, v in doc.items() if k != "_id"}) async for doc in cursor]

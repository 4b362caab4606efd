"""Venues and staff: reference data of organisations, read by ``_id`` on every scheduling decision."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.mongo import Document
from scheduling.domain.staff import StaffMember
from scheduling.domain.venues import Venue


class AlreadyExists(Exception):
    pass


class VenueStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["venues"]

    async def add(self, venue: Venue) -> None:
        try:
            await self.collection.insert_one({"_id": venue.venue_id, **venue.model_dump(mode="json")})
        except DuplicateKeyError as error:
            raise AlreadyExists(f"venue {venue.venue_id} exists") from error

    async def replace(self, venue: Venue) -> bool:
        result = await self.collection.replace_one(
            {"_id": venue.venue_id}, {"_id": venue.venue_id, **venue.model_dump(mode="json")}
        )
        return result.matched_count == 1

    async def get(self, venue_id: str) -> Venue | None:
        doc = await self.collection.find_one({"_id": venue_id})
        return None if doc is None else Venue.model_validate({k: v for k, v in doc.items() if k != "_id"})

    async def all(self) -> list[Venue]:
        cursor = self.collection.find({}).sort("_id", ASCENDING)
        return [Venue.model_validate({k: v for k, v in doc.items() if k != "_id"}) async for doc in cursor]


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

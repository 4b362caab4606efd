"""Scheduling's MongoDB adapter: the participants view, kept from enrolment's events."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.messaging.inbox import apply_once
from aktywni_shared.mongo import Document
from scheduling.participants import BookableParticipant

VIEW_FIELDS = {"_id": 0, **dict.fromkeys(BookableParticipant.model_fields, 1)}


class SchedulingStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.participants: AsyncCollection[Document] = db["participants"]
        self.projects: AsyncCollection[Document] = db["projects"]

    async def create_indexes(self) -> None:
        await self.participants.create_index([("project_id", ASCENDING), ("organisation_id", ASCENDING)])

    async def record_participant(self, event_id: str, fields: Document) -> bool:
        return await apply_once(self.participants, fields["participant_id"], event_id, {"$set": fields})

    async def record_project(self, event_id: str, project_id: str, fields: Document) -> bool:
        return await apply_once(self.projects, project_id, event_id, {"$set": fields})

    async def project_leader(self, project_id: str) -> str | None:
        doc = await self.projects.find_one({"_id": project_id}, {"leader_organisation_id": 1})
        return None if doc is None else str(doc["leader_organisation_id"])

    async def project_participants(
        self, project_id: str, only_organisation: str | None = None
    ) -> list[BookableParticipant]:
        query: Document = {"project_id": project_id}
        if only_organisation is not None:
            query["organisation_id"] = only_organisation
        cursor = self.participants.find(query, VIEW_FIELDS).sort("participant_id", ASCENDING)
        return [BookableParticipant.model_validate(doc) async for doc in cursor]

"""Reporting's MongoDB adapter: one fact document per participant and project, applied once."""

from __future__ import annotations

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.messaging.inbox import apply_once
from aktywni_shared.mongo import Document


class ProjectParticipants(BaseModel):
    project_id: str
    participants: int
    by_category: dict[str, int]
    by_sex: dict[str, int]


class ReportingStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.participants: AsyncCollection[Document] = db["participants"]

    async def create_indexes(self) -> None:
        await self.participants.create_index([("project_id", ASCENDING), ("organisation_id", ASCENDING)])

    async def record_participant(self, key: str, event_id: str, fact: Document) -> bool:
        return await apply_once(self.participants, key, event_id, {"$set": fact})

    async def project_participants(self, project_id: str) -> ProjectParticipants:
        by_category: dict[str, int] = {}
        by_sex: dict[str, int] = {}
        pipeline: list[Document] = [
            {"$match": {"project_id": project_id}},
            {"$group": {"_id": {"category": "$category", "sex": "$sex"}, "n": {"$sum": 1}}},
        ]
        async for row in await self.participants.aggregate(pipeline):
            by_category[row["_id"]["category"]] = by_category.get(row["_id"]["category"], 0) + row["n"]
            by_sex[row["_id"]["sex"]] = by_sex.get(row["_id"]["sex"], 0) + row["n"]
        return ProjectParticipants(
            project_id=project_id, participants=sum(by_sex.values()), by_category=by_category, by_sex=by_sex
        )

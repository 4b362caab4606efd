"""The audit log of personal data: who read or changed whose data, when, and which fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.group_commit import InsertGroup
from aktywni_shared.identity import Principal
from aktywni_shared.mongo import Document
from enrolment.use_cases.ports import AuditQuery, AuditRecord


class AuditLog:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["audit_log"]
        # Concurrent requests' entries go in one insert (each request waits for its own).
        self._inserts = InsertGroup(self.collection)

    async def create_indexes(self) -> None:
        await self.collection.create_index([("participant_ids", ASCENDING), ("at", DESCENDING)])
        await self.collection.create_index([("project_id", ASCENDING), ("at", DESCENDING)])
        await self.collection.create_index([("project_id", ASCENDING), ("user", ASCENDING), ("at", DESCENDING)])

    async def record(
        self,
        principal: Principal,
        action: str,
        project_id: str,
        participant_ids: Iterable[str],
        fields: Iterable[str] = (),
    ) -> None:
        await self._inserts.insert(
            {
                "at": datetime.now(UTC),
                "user": principal.user,
                "organisation_id": principal.organisation_id,
                "role": principal.role.value,
                "action": action,
                "project_id": project_id,
                "participant_ids": list(participant_ids),
                "fields": sorted(fields),
            }
        )

    async def entries(self, project_id: str, participant_id: str | None = None, limit: int = 100) -> list[Document]:
        query: Document = {"project_id": project_id}
        if participant_id:
            query["participant_ids"] = participant_id
        cursor = self.collection.find(query, {"_id": 0}).sort("at", DESCENDING).limit(limit)
        return [doc async for doc in cursor]

    async def page(self, query: AuditQuery, *, skip: int, limit: int) -> tuple[int, list[AuditRecord]]:
        filters: Document = {"project_id": query.project_id}
        if query.participant_id:
            filters["participant_ids"] = query.participant_id
        if query.user:
            filters["user"] = query.user
        if query.action:
            filters["action"] = query.action
        moments: Document = {}
        if query.since:
            moments["$gte"] = query.since.astimezone(UTC)
        if query.until:
            moments["$lt"] = query.until.astimezone(UTC)
        if moments:
            filters["at"] = moments
        total = await self.collection.count_documents(filters)
        cursor = self.collection.find(filters).sort([("at", DESCENDING), ("_id", DESCENDING)]).skip(skip).limit(limit)
        return total, [_record(doc) async for doc in cursor]


def _record(doc: Document) -> AuditRecord:
    at: datetime = doc["at"]
    return AuditRecord(
        at=at if at.tzinfo is not None else at.replace(tzinfo=UTC),
        user=str(doc.get("user", "")),
        organisation_id=str(doc.get("organisation_id", "")),
        role=str(doc.get("role", "")),
        action=str(doc.get("action", "")),
        project_id=str(doc["project_id"]),
        participant_ids=tuple(str(p) for p in doc.get("participant_ids", [])),
        fields=tuple(str(f) for f in doc.get("fields", [])),
    )

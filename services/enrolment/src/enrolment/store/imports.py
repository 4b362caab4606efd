"""The summaries of imports in MongoDB: who imported which file when, and the counts (never a row)."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.mongo import Document
from enrolment.use_cases.ports import ImportSummary


class ImportSummaries:
    """The :class:`enrolment.use_cases.ports.ImportLog` in MongoDB (one document per import)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["imports"]

    async def create_indexes(self) -> None:
        await self.collection.create_index([("project_id", ASCENDING), ("at", DESCENDING)])
        await self.collection.create_index(
            [("project_id", ASCENDING), ("organisation_id", ASCENDING), ("at", DESCENDING)]
        )

    async def add(self, summary: ImportSummary) -> None:
        await self.collection.insert_one(
            {
                "_id": summary.import_id,
                "project_id": summary.project_id,
                "organisation_id": summary.organisation_id,
                "user": summary.user,
                "at": summary.at.astimezone(UTC),
                "filename": summary.filename,
                "rows": summary.rows,
                "enrolled": summary.enrolled,
                "already_enrolled": summary.already_enrolled,
                "refused": summary.refused,
            }
        )

    async def page(
        self, project_id: str, organisation_id: str | None, *, skip: int, limit: int
    ) -> tuple[int, list[ImportSummary]]:
        filters: Document = {"project_id": project_id}
        if organisation_id is not None:
            filters["organisation_id"] = organisation_id
        total = await self.collection.count_documents(filters)
        cursor = self.collection.find(filters).sort([("at", DESCENDING), ("_id", DESCENDING)]).skip(skip).limit(limit)
        return total, [_summary(doc) async for doc in cursor]


def _summary(doc: Document) -> ImportSummary:
    at: datetime = doc["at"]
    return ImportSummary(
        import_id=str(doc["_id"]),
        project_id=str(doc["project_id"]),
        organisation_id=str(doc["organisation_id"]),
        user=str(doc.get("user", "")),
        at=at if at.tzinfo is not None else at.replace(tzinfo=UTC),
        filename=str(doc.get("filename", "")),
        rows=int(doc.get("rows", 0)),
        enrolled=int(doc.get("enrolled", 0)),
        already_enrolled=int(doc.get("already_enrolled", 0)),
        refused=int(doc.get("refused", 0)),
    )

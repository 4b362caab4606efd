"""Institutional declarations in MongoDB, each with its DeclarationRecorded event in the same write."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import DeclarationRecordedV1
from aktywni_shared.messaging.outbox import OUTBOX, Outbox
from aktywni_shared.mongo import Document


class DeclarationStore:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["declarations"]
        self.outbox = outbox

    async def create_indexes(self) -> None:
        await self.collection.create_index([("project_id", ASCENDING)])

    async def add(
        self, project_id: str, recorded_by: str, declaration: DeclarationRecordedV1, envelope: Envelope
    ) -> None:
        document = {
            "_id": str(declaration.declaration_id),
            "project_id": project_id,
            "recorded_by_organisation_id": recorded_by,
            **declaration.model_dump(mode="json"),
            "created_at": datetime.now(UTC),
        }
        await self.outbox.insert(self.collection, document, [envelope])

    async def list(self, project_id: str) -> list[Document]:
        cursor = self.collection.find({"project_id": project_id}, {OUTBOX: 0, "_id": 0, "created_at": 0})
        return [doc async for doc in cursor.sort("declared_on", ASCENDING)]

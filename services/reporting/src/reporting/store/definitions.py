"""Indicator definitions and manual entries: reporting's own data (not derived from events).

One document per project: ``{_id: project_id, rev, indicators: [...], entries: {entry_id: {...}}}``.
A replay never touches it; definitions apply to the facts whenever a report is computed.
"""

from __future__ import annotations

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.clock import SYSTEM_CLOCK, Clock
from aktywni_shared.mongo import Document
from reporting.domain.indicators import IndicatorDefinition, ManualEntry, ProjectDefinitions

__all__ = ["DefinitionStore", "ProjectDefinitions"]


class DefinitionStore:
    def __init__(self, db: AsyncDatabase[Document], clock: Clock = SYSTEM_CLOCK) -> None:
        self.clock = clock
        self.collection: AsyncCollection[Document] = db["definitions"]

    async def get(self, project_id: str) -> ProjectDefinitions:
        doc = await self.collection.find_one({"_id": project_id})
        if doc is None:
            return ProjectDefinitions(project_id)
        return ProjectDefinitions(
            project_id=project_id,
            rev=int(doc.get("rev", 0)),
            indicators=[IndicatorDefinition.model_validate(d) for d in doc.get("indicators", [])],
            entries=sorted(doc.get("entries", {}).values(), key=lambda e: (e["on"], e["entry_id"])),
        )

    async def revision(self, project_id: str) -> int:
        doc = await self.collection.find_one({"_id": project_id}, {"rev": 1})
        return int((doc or {}).get("rev", 0))

    async def replace(self, project_id: str, indicators: list[IndicatorDefinition], by: str) -> int:
        doc = await self.collection.find_one_and_update(
            {"_id": project_id},
            {
                "$set": {
                    "indicators": [d.model_dump(mode="json") for d in indicators],
                    "updated_by": by,
                    "updated_at": self.clock.now(),
                },
                "$inc": {"rev": 1},
            },
            upsert=True,
            return_document=True,
        )
        return int((doc or {}).get("rev", 0))

    async def seed(self, project_id: str, indicators: list[IndicatorDefinition]) -> bool:
        """Give a seed project its indicators unless it has some already; True if it got them now."""
        try:
            await self.collection.insert_one(
                {
                    "_id": project_id,
                    "rev": 1,
                    "indicators": [d.model_dump(mode="json") for d in indicators],
                    "entries": {},
                    "updated_by": "seed",
                    "updated_at": self.clock.now(),
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def add_entry(self, project_id: str, code: str, entry: ManualEntry, organisation_id: str, by: str) -> bool:
        """Record a manual entry once (by its ``entry_id``); True if it is new."""
        key = str(entry.entry_id)
        stored = {
            **entry.model_dump(mode="json"),
            "indicator": code,
            "organisation_id": organisation_id,
            "recorded_by": by,
        }
        result = await self.collection.update_one(
            {"_id": project_id, f"entries.{key}": {"$exists": False}},
            {"$set": {f"entries.{key}": stored}, "$inc": {"rev": 1}},
        )
        return result.modified_count == 1

    async def project_ids(self) -> list[str]:
        return [str(doc["_id"]) async for doc in self.collection.find({}, {"_id": 1})]

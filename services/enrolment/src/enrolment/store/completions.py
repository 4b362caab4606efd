"""The activities each participant completed, as scheduling reported them (one document per participant).

Each ``SupportCompleted`` sets one key (the activity id) of the participant's document in a single
atomic upsert, so a duplicate delivery or a replay writes the same value again and the count of
distinct activities per form never grows twice. No personal data is kept here: activity ids, forms
and days only.
"""

from __future__ import annotations

from datetime import date

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.contracts.vocabulary import SupportForm
from aktywni_shared.mongo import Document

COLLECTION = "support_completions"


class SupportCompletions:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db[COLLECTION]

    async def record(self, participant_id: str, activity_id: str, form: SupportForm, on: date) -> list[SupportForm]:
        """Note one completed activity (idempotent); the forms of every distinct activity completed so far."""
        doc = await self.collection.find_one_and_update(
            {"_id": participant_id},
            {"$set": {f"activities.{activity_id}": {"form": form.value, "on": on.isoformat()}}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return self._forms(doc)

    async def forms(self, participant_id: str) -> list[SupportForm]:
        return self._forms(await self.collection.find_one({"_id": participant_id}))

    @staticmethod
    def _forms(doc: Document | None) -> list[SupportForm]:
        activities: dict[str, dict[str, str]] = (doc or {}).get("activities", {})
        return [SupportForm(entry["form"]) for entry in activities.values()]

"""What reporting announced per project (the indicator-event state) and the events to announce.

One document per project, ``{_id: project_id, rev, indicators: {code: state}, outbox: [...]}``:
the new state and its events are written together in one conditional update (the transactional
outbox of ``aktywni_shared.messaging.outbox``), and the relay publishes them to
``reporting.indicators``. It is reporting's own data: a replay leaves it alone, so a rebuilt view
with the same numbers announces nothing again.
"""

from __future__ import annotations

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.messaging.outbox import OUTBOX, Outbox
from aktywni_shared.mongo import Document
from reporting.domain.signals import State


class AnnouncementStore:
    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["announcements"]
        self.outbox = outbox

    async def get(self, project_id: str) -> tuple[int, State]:
        doc = await self.collection.find_one({"_id": project_id}, {OUTBOX: 0})
        if doc is None:
            return 0, {}
        return int(doc["rev"]), dict(doc.get("indicators", {}))

    async def save(self, project_id: str, rev: int, state: State, envelopes: list[Envelope]) -> bool:
        """Store the new state with its events unless another instance did meanwhile; True if stored.

        Topic and key of each event come from the contracts (``reporting.indicators``, by project),
        and the outbox wakes the relay after the write.
        """
        if rev == 0:
            try:
                await self.outbox.insert(self.collection, {"_id": project_id, "rev": 1, "indicators": state}, envelopes)
            except DuplicateKeyError:
                return False
            return True
        return await self.outbox.update(
            self.collection,
            project_id,
            {"$set": {"indicators": state}, "$inc": {"rev": 1}},
            envelopes,
            condition={"rev": rev},
        )

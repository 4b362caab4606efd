"""Projects (with their partners) and organisations in MongoDB; project events go out via the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.messaging.outbox import OUTBOX, Outbox
from aktywni_shared.mongo import Document
from enrolment.domain.organisations import Organisation
from enrolment.domain.projects import Project
from enrolment.use_cases.ports import AlreadyExists


class ProjectStore:
    """The projects and organisations of :class:`enrolment.use_cases.ports.ProjectRepository` in MongoDB."""

    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["projects"]
        self.outbox = outbox
        self.organisations: AsyncCollection[Document] = db["organisations"]

    async def create_indexes(self) -> None:
        await self.collection.create_index([("leader_organisation_id", ASCENDING)])

    async def add_organisation(self, organisation: Organisation) -> None:
        try:
            await self.organisations.insert_one(
                {"_id": organisation.organisation_id, **organisation.model_dump(mode="json")}
            )
        except DuplicateKeyError:
            raise AlreadyExists(f"organisation {organisation.organisation_id} exists") from None

    async def organisation(self, organisation_id: str) -> Organisation | None:
        doc = await self.organisations.find_one({"_id": organisation_id}, {"_id": 0})
        return None if doc is None else Organisation.model_validate(doc)

    async def list_organisations(self) -> list[Organisation]:
        cursor = self.organisations.find({}, {"_id": 0}).sort("organisation_id", ASCENDING)
        return [Organisation.model_validate(doc) async for doc in cursor]

    async def add(self, project: Project, envelopes: Sequence[Envelope]) -> None:
        """The project and its ProjectRegistered / PartnerJoined events, in one write."""
        document = {"_id": project.project_id, **project.model_dump(mode="json"), "created_at": datetime.now(UTC)}
        try:
            await self.outbox.insert(self.collection, document, envelopes)
        except DuplicateKeyError:
            raise AlreadyExists(f"project {project.project_id} exists") from None

    async def get(self, project_id: str) -> Project | None:
        doc = await self.collection.find_one({"_id": project_id}, {OUTBOX: 0, "_id": 0, "created_at": 0})
        return None if doc is None else Project.model_validate(doc)

    async def list(self) -> list[Project]:
        cursor = self.collection.find({}, {OUTBOX: 0, "_id": 0, "created_at": 0}).sort("project_id", ASCENDING)
        return [Project.model_validate(doc) async for doc in cursor]

    async def add_partner(self, project: Project, partners_before: int, envelope: Envelope) -> bool:
        """Save the new partner list if nobody added one meanwhile (compare-and-set on the count)."""
        return await self.outbox.update(
            self.collection,
            project.project_id,
            {"$set": {"partners": [p.model_dump(mode="json") for p in project.partners]}, "$inc": {"revision": 1}},
            [envelope],
            condition={"partners": {"$size": partners_before}},
        )

    async def save_settings(
        self, project: Project, fields: Sequence[str], events: Sequence[Envelope] = (), *, revision: int
    ) -> bool:
        """Save the named settings and their events (``ProjectAmended``) in one write, if the project is
        still at ``revision`` (nobody changed it since it was read); it moves to the next revision."""
        document = project.model_dump(mode="json")
        return await self.outbox.update(
            self.collection,
            project.project_id,
            {"$set": {f: document[f] for f in fields}, "$inc": {"revision": 1}},
            events,
            condition=_at_revision(revision),
        )

    async def set_path_completion(self, project: Project) -> bool:
        """Save the project's path-completion rules (one single-document write)."""
        result = await self.collection.update_one(
            {"_id": project.project_id},
            {"$set": {"path_completion": project.model_dump(mode="json")["path_completion"]}, "$inc": {"revision": 1}},
        )
        return result.matched_count == 1


def _at_revision(revision: int) -> Document:
    """The guard of a change made on ``revision``: projects registered before revisions have none (0)."""
    if revision == 0:
        return {"$or": [{"revision": 0}, {"revision": {"$exists": False}}]}
    return {"revision": revision}

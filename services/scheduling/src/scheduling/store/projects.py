"""Projects and participants as learned from enrolment's events (idempotent, order-tolerant)."""

from __future__ import annotations

from datetime import UTC

from pydantic import ValidationError
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import PartnerJoinedV1, ProjectAmendedV1, ProjectRegisteredV1
from aktywni_shared.messaging.inbox import APPLIED, apply_once
from aktywni_shared.messaging.outbox import OUTBOX, Outbox, event_entry
from aktywni_shared.mongo import Document
from scheduling.domain import participants as rules
from scheduling.domain.participants import ParticipantView
from scheduling.domain.projects import ProjectView
from scheduling.store.versioned import Write, modify

#: Event ids kept per participant to recognise a redelivery (a participant has a handful of events).
APPLIED_KEPT = 200


#: When the amendment a project's title and period come from happened (absent: from the registration).
AMENDED_AT = "amended_at"


def amended_at(envelope: Envelope) -> str:
    """The envelope's ``occurred_at`` as a string that sorts as the instants do (UTC, microseconds)."""
    return envelope.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")


class ProjectStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["projects"]

    async def registered(self, envelope: Envelope, event: ProjectRegisteredV1) -> bool:
        fields = {
            "project_id": envelope.project_id,
            "leader_organisation_id": event.leader_organisation_id,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "title": event.title,
        }
        return await apply_once(self.collection, envelope.project_id, str(envelope.event_id), {"$set": fields})

    async def amended(self, envelope: Envelope, event: ProjectAmendedV1) -> bool:
        """Take the amendment's title and period unless this one or a later amendment was applied.

        ``amended_at`` is the envelope's ``occurred_at`` of the amendment applied last (UTC, ISO with
        microseconds, so it sorts as the instants do). A redelivery matches the applied event id, an older
        amendment the newer ``amended_at``: the upsert then collides with the document's ``_id``
        (as in :func:`aktywni_shared.messaging.inbox.apply_once`) and nothing changes.
        """
        at = amended_at(envelope)
        fields = {
            "project_id": envelope.project_id,
            "title": event.title,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            AMENDED_AT: at,
        }
        event_id = str(envelope.event_id)
        query = {
            "_id": envelope.project_id,
            APPLIED: {"$ne": event_id},
            "$or": [{AMENDED_AT: {"$exists": False}}, {AMENDED_AT: {"$lt": at}}],
        }
        try:
            result = await self.collection.update_one(
                query, {"$set": fields, "$push": {APPLIED: event_id}}, upsert=True
            )
        except DuplicateKeyError:
            return False
        return result.modified_count == 1 or result.upserted_id is not None

    async def partner_joined(self, envelope: Envelope, event: PartnerJoinedV1) -> bool:
        update = {"$set": {f"partners.{event.partner_organisation_id}": event.role.value}}
        return await apply_once(self.collection, envelope.project_id, str(envelope.event_id), update)

    async def get(self, project_id: str) -> ProjectView | None:
        doc = await self.collection.find_one({"_id": project_id})
        if doc is None:
            return None
        try:
            return ProjectView.model_validate(doc)
        except ValidationError:
            return None  # only a partner is known yet: the registration is on its way


class ParticipantStore:
    """One document per participant (``_id`` = participant id), with the events it applied."""

    def __init__(self, db: AsyncDatabase[Document], outbox: Outbox) -> None:
        self.collection: AsyncCollection[Document] = db["participants"]
        self.outbox = outbox

    async def create_indexes(self) -> None:
        await self.collection.create_index([("project_id", ASCENDING), ("organisation_id", ASCENDING)])

    async def apply(self, envelope: Envelope, participant_id: str, payload: object) -> ParticipantView:
        """Apply one enrolment event once; the view after it (also for a redelivery)."""
        event_id = str(envelope.event_id)

        def change(doc: Document | None) -> Write[ParticipantView] | None:
            view = rules.blank(envelope, participant_id) if doc is None else to_view(doc)
            applied = [] if doc is None else list(doc.get(APPLIED, []))
            if event_id in applied:
                return None  # a redelivery: nothing to write
            after = rules.apply(view, envelope, payload)
            fields = {**after.model_dump(mode="json"), APPLIED: [*applied, event_id][-APPLIED_KEPT:]}
            return Write(after, fields)

        view = await modify(self.collection, None, participant_id, change)
        if view is None:
            view = await self.get(participant_id)
        assert view is not None
        return view

    async def get(self, participant_id: str) -> ParticipantView | None:
        doc = await self.collection.find_one({"_id": participant_id}, {OUTBOX: 0, APPLIED: 0})
        return None if doc is None else to_view(doc)

    async def get_with_start(self, participant_id: str) -> tuple[ParticipantView | None, bool]:
        """The participant and whether their support has started, in one read."""
        doc = await self.collection.find_one({"_id": participant_id}, {OUTBOX: 0, APPLIED: 0})
        return (None, False) if doc is None else (to_view(doc), bool(doc.get("support_started")))

    async def started(self, participant_id: str) -> bool:
        doc = await self.collection.find_one({"_id": participant_id}, {"support_started": 1})
        return bool((doc or {}).get("support_started"))

    async def support_started(self, participant_id: str, event: Envelope) -> bool:
        """Mark the participant's support as started with its event, once (a conditional update)."""
        return await self.outbox.update(
            self.collection,
            participant_id,
            {"$set": {"support_started": True}},
            [event],
            condition={"support_started": {"$ne": True}},
        )

    def support_started_operation(self, participant_id: str, event: Envelope) -> UpdateOne:
        """``support_started_marked`` as one operation of a bulk command (an attendance sheet's)."""
        return UpdateOne(
            {"_id": participant_id, "support_started": {"$ne": True}},
            {"$set": {"support_started": True}, "$push": {OUTBOX: event_entry(event)}},
        )

    async def support_started_marked(self, participant_id: str, event: Envelope) -> bool:
        """``support_started`` for a caller that marks the outbox itself (a batch, see batch.py)."""
        result = await self.collection.update_one(
            {"_id": participant_id, "support_started": {"$ne": True}},
            {"$set": {"support_started": True}, "$push": {OUTBOX: event_entry(event)}},
        )
        return result.modified_count == 1

    async def of_project(self, project_id: str, organisation_id: str | None) -> list[ParticipantView]:
        query: Document = {"project_id": project_id}
        if organisation_id is not None:
            query["organisation_id"] = organisation_id
        cursor = self.collection.find(query, {OUTBOX: 0, APPLIED: 0}).sort("_id", ASCENDING)
        return [to_view(doc) async for doc in cursor]


def to_view(doc: Document) -> ParticipantView:
    return ParticipantView.model_validate({k: v for k, v in doc.items() if k in ParticipantView.model_fields})

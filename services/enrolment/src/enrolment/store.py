"""Enrolment's MongoDB adapter: participants with encrypted personal data and their outbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_shared.messaging.outbox import OUTBOX, outbox_entry
from aktywni_shared.mongo import Document
from enrolment.crypto import FieldCipher
from enrolment.domain import Participant

PII_FIELDS = ("first_name", "last_name", "pesel", "birth_date", "phone", "email", "address")


class DuplicatePesel(Exception):
    def __init__(self, existing_organisation_id: str) -> None:
        super().__init__("a participant with this PESEL is already enrolled in the project")
        self.existing_organisation_id = existing_organisation_id


class ParticipantStore:
    def __init__(self, db: AsyncDatabase[Document], cipher: FieldCipher) -> None:
        self.collection: AsyncCollection[Document] = db["participants"]
        self.cipher = cipher

    async def create_indexes(self) -> None:
        await self.collection.create_index([("dedupe_key", ASCENDING)], unique=True, name="one_pesel_per_project")
        await self.collection.create_index([("project_id", ASCENDING), ("organisation_id", ASCENDING)])

    def _document(self, participant: Participant, envelope: Envelope) -> Document:
        c = participant.command
        values: dict[str, Any] = {
            "first_name": c.first_name,
            "last_name": c.last_name,
            "pesel": c.pesel,
            "birth_date": participant.birth_date.isoformat(),
            "phone": c.phone,
            "email": str(c.email) if c.email else None,
            "address": c.address,
        }
        pii = {name: self.cipher.encrypt(name, value) for name, value in values.items() if value is not None}
        pesel_hash = self.cipher.lookup_hash(c.pesel) if c.pesel else None
        pid = str(participant.participant_id)
        event = participant.enrolled_event()
        return {
            "_id": pid,
            "project_id": participant.project_id,
            "organisation_id": participant.organisation_id,
            "status": "enrolled",
            "enrolled_on": participant.enrolled_on.isoformat(),
            "attributes": event.model_dump(mode="json", exclude={"participant_id"}),
            "pii": pii,
            "pesel_hash": pesel_hash,
            "dedupe_key": f"{participant.project_id}:{pesel_hash or 'no-pesel:' + pid}",
            "consent": c.consent.model_dump(mode="json"),
            "created_at": datetime.now(UTC),
            OUTBOX: [outbox_entry(ENROLMENT_PARTICIPANTS, pid, envelope)],
        }

    async def add(self, participant: Participant, envelope: Envelope) -> None:
        """Store the participant and its ParticipantEnrolled event in one single-document write."""
        document = self._document(participant, envelope)
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError:
            existing = await self.collection.find_one({"dedupe_key": document["dedupe_key"]}, {"organisation_id": 1})
            raise DuplicatePesel(existing["organisation_id"] if existing else "") from None

    async def count(self, project_id: str) -> int:
        return await self.collection.count_documents({"project_id": project_id})

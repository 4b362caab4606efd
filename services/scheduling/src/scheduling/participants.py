"""Scheduling's knowledge of participants: who may be booked, and what they need (no personal data)."""

from __future__ import annotations

from pydantic import BaseModel

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ParticipantEnrolledV2
from aktywni_shared.mongo import Document


class BookableParticipant(BaseModel):
    participant_id: str
    project_id: str
    organisation_id: str
    category: str
    needs_step_free_access: bool
    status: str


def from_enrolment(envelope: Envelope, event: ParticipantEnrolledV2) -> Document:
    return {
        "participant_id": str(event.participant_id),
        "project_id": envelope.project_id,
        "organisation_id": envelope.organisation_id,
        "category": event.category.value,
        "needs_step_free_access": event.needs_step_free_access,
        "status": "enrolled",
    }

"""Reporting's projections as plain functions: from an event to the facts a count is made of."""

from __future__ import annotations

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ParticipantEnrolledV2
from aktywni_shared.mongo import Document


def participant_key(project_id: str, participant_id: str) -> str:
    """A person counts once per project, however often their events arrive."""
    return f"{project_id}:{participant_id}"


def enrolled_fact(envelope: Envelope, event: ParticipantEnrolledV2) -> Document:
    return {
        "project_id": envelope.project_id,
        "organisation_id": envelope.organisation_id,
        "participant_id": str(event.participant_id),
        "category": event.category.value,
        "sex": event.sex.value,
        "birth_year": event.birth_year,
        "disability_degree": event.disability_degree.value if event.disability_degree else None,
        "enrolled_on": event.enrolled_on.isoformat(),
    }

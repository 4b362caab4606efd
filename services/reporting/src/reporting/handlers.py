"""Reporting's event handlers: adapt decoded events to the projections and the store."""

from __future__ import annotations

from aktywni_shared.contracts.events import ParticipantEnrolledV2
from aktywni_shared.contracts.registry import DecodedEvent
from aktywni_shared.messaging.consumer import Handler
from reporting import projections
from reporting.store import ReportingStore


def handlers(store: ReportingStore) -> dict[str, Handler]:
    async def participant_enrolled(event: DecodedEvent) -> None:
        assert isinstance(event.payload, ParticipantEnrolledV2)
        envelope = event.envelope
        key = projections.participant_key(envelope.project_id, str(event.payload.participant_id))
        await store.record_participant(key, str(envelope.event_id), projections.enrolled_fact(envelope, event.payload))

    return {ParticipantEnrolledV2.event_type: participant_enrolled}

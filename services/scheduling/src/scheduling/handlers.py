"""Scheduling's event handlers: adapt decoded events to the participants view."""

from __future__ import annotations

from aktywni_shared.contracts.events import ParticipantEnrolledV2, ProjectRegisteredV1
from aktywni_shared.contracts.registry import DecodedEvent
from aktywni_shared.messaging.consumer import Handler
from scheduling import participants
from scheduling.store import SchedulingStore


def handlers(store: SchedulingStore) -> dict[str, Handler]:
    async def participant_enrolled(event: DecodedEvent) -> None:
        assert isinstance(event.payload, ParticipantEnrolledV2)
        fields = participants.from_enrolment(event.envelope, event.payload)
        await store.record_participant(str(event.envelope.event_id), fields)

    async def project_registered(event: DecodedEvent) -> None:
        assert isinstance(event.payload, ProjectRegisteredV1)
        fields = event.payload.model_dump(mode="json")
        await store.record_project(str(event.envelope.event_id), event.envelope.project_id, fields)

    return {
        ParticipantEnrolledV2.event_type: participant_enrolled,
        ProjectRegisteredV1.event_type: project_registered,
    }

"""Scheduling's event handlers: adapt decoded events to the participants view."""

from __future__ import annotations

from aktywni_shared.contracts.events import ParticipantEnrolledV1
from aktywni_shared.contracts.registry import DecodedEvent
from aktywni_shared.messaging.consumer import Handler
from scheduling import participants
from scheduling.store import SchedulingStore


def handlers(store: SchedulingStore) -> dict[str, Handler]:
    async def participant_enrolled(event: DecodedEvent) -> None:
        assert isinstance(event.payload, ParticipantEnrolledV1)
        fields = participants.from_enrolment(event.envelope, event.payload)
        await store.record_participant(str(event.envelope.event_id), fields)

    return {ParticipantEnrolledV1.event_type: participant_enrolled}

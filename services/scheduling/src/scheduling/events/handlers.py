"""Scheduling's event handlers: enrolment's facts adapted to the projects and participants views.

Each handler is idempotent (a redelivered event changes nothing) and tolerant of order: see
domain/participants.py; of a project's amendments the latest (by ``occurred_at``) wins. A withdrawal
or an erasure cancels the participant's bookings from that day on and promotes the waitlists; it
runs on every delivery, because cancelling is itself idempotent and a crash may have interrupted it the first time.
"""

from __future__ import annotations

from aktywni_shared.contracts.events import (
    ParticipantCompletedV1,
    ParticipantEnrolledV2,
    ParticipantErasedV1,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
    PartnerJoinedV1,
    ProjectAmendedV1,
    ProjectRegisteredV1,
)
from aktywni_shared.contracts.registry import DecodedEvent
from aktywni_shared.contracts.vocabulary import BookingCancellationReason
from aktywni_shared.messaging.consumer import Handler, RejectedEvent
from scheduling.domain.participants import ParticipantStatus
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.context import Stores

PARTICIPANT_EVENTS = (
    ParticipantEnrolledV2,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
    ParticipantCompletedV1,
    ParticipantErasedV1,
)


def project_handlers(stores: Stores) -> dict[str, Handler]:
    """A project's registration, amendments (title, period) and partners, into the projects view."""

    async def project_registered(event: DecodedEvent) -> None:
        if not isinstance(event.payload, ProjectRegisteredV1):
            raise RejectedEvent("payload is not a ProjectRegistered")
        await stores.projects.registered(event.envelope, event.payload)

    async def project_amended(event: DecodedEvent) -> None:
        if not isinstance(event.payload, ProjectAmendedV1):
            raise RejectedEvent("payload is not a ProjectAmended")
        await stores.projects.amended(event.envelope, event.payload)

    async def partner_joined(event: DecodedEvent) -> None:
        if not isinstance(event.payload, PartnerJoinedV1):
            raise RejectedEvent("payload is not a PartnerJoined")
        await stores.projects.partner_joined(event.envelope, event.payload)

    return {
        ProjectRegisteredV1.event_type: project_registered,
        ProjectAmendedV1.event_type: project_amended,
        PartnerJoinedV1.event_type: partner_joined,
    }


def handlers(stores: Stores, bookings: Bookings) -> dict[str, Handler]:
    async def participant_event(event: DecodedEvent) -> None:
        payload = event.payload
        if not isinstance(payload, PARTICIPANT_EVENTS):
            raise RejectedEvent(f"unexpected payload {type(payload).__name__}")
        view = await stores.participants.apply(event.envelope, str(payload.participant_id), payload)
        if view.status is ParticipantStatus.WITHDRAWN and view.left_on is not None:
            await bookings.participant_left(
                view.participant_id, BookingCancellationReason.PARTICIPANT_WITHDRAWN, view.left_on
            )
        elif view.status is ParticipantStatus.ERASED and view.left_on is not None:
            await bookings.participant_left(
                view.participant_id, BookingCancellationReason.PARTICIPANT_ERASED, view.left_on
            )

    return {
        **project_handlers(stores),
        **{cls.event_type: participant_event for cls in PARTICIPANT_EVENTS},
    }

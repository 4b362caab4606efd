"""Enrolment's event handlers: scheduling's support facts move a participant's lifecycle on.

``SupportStarted`` makes an enrolled participant active; ``SupportCompleted`` counts a completed
activity and completes the path once the project's rule for the participant's category is met.
Both are idempotent (a repeat finds the participant already there) and ordered per participant, as
scheduling keys them by participant id on one topic.
"""

from __future__ import annotations

from aktywni_shared.contracts.events import SupportCompletedV1, SupportStartedV1
from aktywni_shared.contracts.registry import DecodedEvent
from aktywni_shared.messaging.consumer import Handler, RejectedEvent
from enrolment.domain.errors import InvalidTransition, NotFound
from enrolment.use_cases import Enrolment, lifecycle


def handlers(enrolment: Enrolment) -> dict[str, Handler]:
    """The handler of each event type enrolment consumes, over its use cases."""

    async def support_started(event: DecodedEvent) -> None:
        assert isinstance(event.payload, SupportStartedV1)
        try:
            await lifecycle.support_started(enrolment, event.payload.participant_id, event.payload.started_on)
        except NotFound as error:
            raise RejectedEvent(str(error)) from error
        except InvalidTransition:
            return  # withdrawn or erased meanwhile: the fact stays in scheduling's and reporting's views

    async def support_completed(event: DecodedEvent) -> None:
        assert isinstance(event.payload, SupportCompletedV1)
        payload = event.payload
        try:
            await lifecycle.support_completed(
                enrolment, payload.participant_id, payload.completed_on, payload.activity_id, payload.form
            )
        except NotFound as error:
            raise RejectedEvent(str(error)) from error
        except InvalidTransition:
            return

    return {SupportStartedV1.event_type: support_started, SupportCompletedV1.event_type: support_completed}

"""Wiring of the enrolment service: store, outbox relay, HTTP API, on one runtime."""

from __future__ import annotations

from fastapi import FastAPI

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_shared.messaging.outbox import OutboxRelay
from aktywni_shared.service import ServiceRuntime, create_app
from enrolment import api
from enrolment.crypto import FieldCipher
from enrolment.settings import EnrolmentSettings
from enrolment.store import ParticipantStore

NAME = "enrolment"


def build(settings: EnrolmentSettings) -> FastAPI:
    runtime = ServiceRuntime(NAME, settings)
    store = ParticipantStore(runtime.db, FieldCipher(settings.pii_key.get_secret_value()))
    relay = OutboxRelay(runtime.broker, [store.collection], poll_seconds=settings.outbox_poll_seconds)
    runtime.startup_hooks.append(store.create_indexes)
    runtime.background.append(relay.run)
    runtime.broker.publisher(
        ENROLMENT_PARTICIPANTS.name,
        schema=Envelope,
        title="enrolment.participants:publish",
        description="ParticipantEnrolled and the other facts of a participant's path, keyed by participant_id.",
    )
    return create_app(
        runtime,
        description="Organisations, projects and participants (personal data, encrypted at rest).",
        routers=[api.router(store, relay)],
    )

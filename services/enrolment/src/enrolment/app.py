"""Wiring of the enrolment service: stores, use cases, outbox relay and HTTP API on one runtime."""

from __future__ import annotations

from fastapi import FastAPI

from aktywni_shared.clock import Clock, SystemClock
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, ENROLMENT_PROJECTS, SCHEDULING_ATTENDANCE
from aktywni_shared.http_errors import install_error_handlers
from aktywni_shared.messaging.consumer import EventConsumer
from aktywni_shared.messaging.outbox import Outbox, OutboxRelay
from aktywni_shared.service import ServiceRuntime, create_app
from enrolment.api import audit, declarations, exports, imports, lifecycle, participants, projects
from enrolment.events.handlers import handlers
from enrolment.settings import NAME, EnrolmentSettings
from enrolment.store.audit import AuditLog
from enrolment.store.completions import SupportCompletions
from enrolment.store.crypto import Keyring
from enrolment.store.declarations import DeclarationStore
from enrolment.store.imports import ImportSummaries
from enrolment.store.participants import ParticipantStore
from enrolment.store.projects import ProjectStore
from enrolment.use_cases import Enrolment


def keyring(settings: EnrolmentSettings) -> Keyring:
    return Keyring.from_config(
        settings.pii_key.get_secret_value(),
        settings.pii_key_id,
        settings.pii_previous_keys.get_secret_value(),
        settings.lookup_key.get_secret_value(),
    )


def build_use_cases(runtime: ServiceRuntime, settings: EnrolmentSettings, clock: Clock | None = None) -> Enrolment:
    """The use cases over the service's stores, with the service's one clock (the system's unless given).

    The relay subscribes to the outbox, which wakes it after every write that holds events.
    """
    outbox = Outbox(runtime.db)
    project_store = ProjectStore(runtime.db, outbox)
    participant_store = ParticipantStore(runtime.db, keyring(settings), outbox)
    declaration_store = DeclarationStore(runtime.db, outbox)
    audit = AuditLog(runtime.db)
    imports_log = ImportSummaries(runtime.db)
    relay = OutboxRelay(
        runtime.broker,
        outbox,
        [project_store.collection, participant_store.collection, declaration_store.collection],
        poll_seconds=settings.outbox_poll_seconds,
    )
    for store in (project_store, participant_store, declaration_store, audit, imports_log):
        runtime.startup_hooks.append(store.create_indexes)
    runtime.background.append(relay.run)
    # the service's one clock: every "today" of its use cases is Warsaw's day by it
    return Enrolment(
        project_store,
        participant_store,
        declaration_store,
        SupportCompletions(runtime.db),
        audit,
        clock or SystemClock(),
        imports_log,
    )


def build(settings: EnrolmentSettings) -> FastAPI:
    runtime = ServiceRuntime(NAME, settings)
    enrolment = build_use_cases(runtime, settings)
    for topic, description in (
        (ENROLMENT_PROJECTS, "ProjectRegistered, PartnerJoined, DeclarationRecorded; keyed by project_id."),
        (
            ENROLMENT_PARTICIPANTS,
            "CandidateRegistered/Qualified, ParticipantEnrolled/Updated/Activated/Completed/Withdrawn/Erased; "
            "keyed by participant_id.",
        ),
    ):
        runtime.broker.publisher(topic.name, schema=Envelope, title=f"{topic.name}:publish", description=description)
    consumer = EventConsumer(NAME, runtime.broker, handlers(enrolment))
    consumer.subscribe(
        [SCHEDULING_ATTENDANCE], group_id=settings.consumer_group(NAME), instance_id=settings.consumer_instance()
    )
    app = create_app(
        runtime,
        description="Organisations, projects and participants (personal data, encrypted at rest).",
        routers=[r.router for r in (projects, participants, lifecycle, declarations, imports, exports, audit)],
    )
    app.state.enrolment = enrolment
    app.state.authenticate = runtime.authenticate
    install_error_handlers(app)
    return app

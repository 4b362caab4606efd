"""Wiring of the scheduling service: stores, use cases, event consumer, outbox relay, offer sweep, HTTP API."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from aktywni_shared.clock import SYSTEM_CLOCK
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.topics import (
    ENROLMENT_PARTICIPANTS,
    ENROLMENT_PROJECTS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
)
from aktywni_shared.http_errors import install_error_handlers
from aktywni_shared.messaging.consumer import EventConsumer
from aktywni_shared.messaging.outbox import Outbox, OutboxRelay
from aktywni_shared.service import ServiceRuntime, create_app
from scheduling.api import bookings as booking_api
from scheduling.api import calendars as calendar_api
from scheduling.api import participants, reference, sessions
from scheduling.events.handlers import handlers
from scheduling.settings import NAME, SchedulingSettings
from scheduling.store.attendance import AttendanceBatch
from scheduling.store.progress import OfferStore, ProgressStore
from scheduling.store.projects import ParticipantStore, ProjectStore
from scheduling.store.reference import StaffStore, VenueStore
from scheduling.store.sessions import ActivityStore, SessionStore
from scheduling.store.subscriptions import SubscriptionStore
from scheduling.store.timelines import TimelineStore
from scheduling.use_cases.attendance import Attendance
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.calendars import Calendars
from scheduling.use_cases.context import Stores
from scheduling.use_cases.participants import Participants
from scheduling.use_cases.planning import Planning
from scheduling.use_cases.service import UseCases

log = logging.getLogger(__name__)


def build_stores(runtime: ServiceRuntime, settings: SchedulingSettings) -> Stores:
    db = runtime.db
    outbox = Outbox(db)
    clock = SYSTEM_CLOCK  # the service's one clock
    participants = ParticipantStore(db, outbox)
    progress = ProgressStore(db, outbox)
    activities = ActivityStore(db, outbox)
    sessions = SessionStore(db, outbox)
    staff = StaffStore(db)
    stores = Stores(
        projects=ProjectStore(db),
        participants=participants,
        venues=VenueStore(db),
        staff=staff,
        activities=activities,
        sessions=sessions,
        timelines=TimelineStore(db, clock),
        progress=progress,
        offers=OfferStore(db),
        attendance=AttendanceBatch(progress, participants),
        clock=clock,
    )
    # Woken by the outbox after every write that put events in it.
    relay = OutboxRelay(
        runtime.broker,
        outbox,
        [activities.collection, sessions.collection, progress.collection, participants.collection],
        poll_seconds=settings.outbox_poll_seconds,
    )
    for store in (participants, staff, activities, sessions, progress):
        runtime.startup_hooks.append(store.create_indexes)
    runtime.background.append(relay.run)
    return stores


def build_use_cases(runtime: ServiceRuntime, settings: SchedulingSettings) -> UseCases:
    stores = build_stores(runtime, settings)
    bookings = Bookings(stores)

    async def sweep_offers() -> None:
        while True:
            try:
                await bookings.expire_offers()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("offer sweep failed; retrying", exc_info=True)
            await asyncio.sleep(settings.offer_sweep_seconds)

    runtime.background.append(sweep_offers)
    subscriptions = SubscriptionStore(runtime.db)
    runtime.startup_hooks.append(subscriptions.create_indexes)
    calendars = Calendars(stores, subscriptions=subscriptions)
    return UseCases(stores, Planning(stores), bookings, Attendance(stores), calendars, Participants(stores))


def build(settings: SchedulingSettings) -> FastAPI:
    runtime = ServiceRuntime(NAME, settings)
    use = build_use_cases(runtime, settings)
    consumer = EventConsumer(NAME, runtime.broker, handlers(use.stores, use.bookings))
    consumer.subscribe(
        [ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS],
        group_id=settings.consumer_group(NAME),
        instance_id=settings.consumer_instance(),
    )
    for topic, description in (
        (SCHEDULING_SESSIONS, "ActivityPlanned (keyed by activity_id); sessions and bookings (keyed by session_id)."),
        (SCHEDULING_ATTENDANCE, "AttendanceRecorded, SupportStarted, SupportCompleted; keyed by participant_id."),
    ):
        runtime.broker.publisher(topic.name, schema=Envelope, title=f"{topic.name}:publish", description=description)
    app = create_app(
        runtime,
        description="Venues, staff, activities, sessions, bookings with waitlists, attendance and calendars.",
        routers=[reference.router, sessions.router, booking_api.router, calendar_api.router, participants.router],
    )
    app.state.authenticate = runtime.authenticate
    app.state.scheduling = use
    install_error_handlers(app)
    return app

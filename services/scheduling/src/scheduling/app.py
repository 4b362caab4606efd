"""Wiring of the scheduling service: participants view fed by events, HTTP API, on one runtime."""

from __future__ import annotations

from fastapi import FastAPI

from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, ENROLMENT_PROJECTS
from aktywni_shared.messaging.consumer import EventConsumer
from aktywni_shared.service import ServiceRuntime, create_app
from scheduling import api
from scheduling.handlers import handlers
from scheduling.settings import SchedulingSettings
from scheduling.store import SchedulingStore

NAME = "scheduling"


def build(settings: SchedulingSettings) -> FastAPI:
    runtime = ServiceRuntime(NAME, settings)
    store = SchedulingStore(runtime.db)
    runtime.startup_hooks.append(store.create_indexes)
    consumer = EventConsumer(NAME, runtime.broker, handlers(store))
    consumer.subscribe([ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS], group_id=settings.consumer_group(NAME))
    return create_app(
        runtime,
        description="Venues, staff, activities, sessions, bookings and attendance.",
        routers=[api.router(store, runtime.authenticate)],
    )

"""Wiring of the reporting service: projections fed by events, HTTP API, on one runtime."""

from __future__ import annotations

from fastapi import FastAPI

from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, ENROLMENT_PROJECTS
from aktywni_shared.messaging.consumer import EventConsumer
from aktywni_shared.service import ServiceRuntime, create_app
from reporting import api
from reporting.handlers import handlers
from reporting.settings import ReportingSettings
from reporting.store import ReportingStore

NAME = "reporting"


def build(settings: ReportingSettings) -> FastAPI:
    runtime = ServiceRuntime(NAME, settings)
    store = ReportingStore(runtime.db)
    runtime.startup_hooks.append(store.create_indexes)
    consumer = EventConsumer(NAME, runtime.broker, handlers(store))
    consumer.subscribe([ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS], group_id=settings.consumer_group(NAME))
    return create_app(
        runtime,
        description="Indicators, projections and reports; pseudonymous facts only.",
        routers=[api.router(store, runtime.authenticate)],
    )

"""Wiring of the reporting service: the projection fed by events, reports, dashboard, exports, announcements."""

from __future__ import annotations

from fastapi import FastAPI

from aktywni_shared.clock import SystemClock
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.topics import REPORTING_INDICATORS
from aktywni_shared.http_errors import install_error_handlers
from aktywni_shared.messaging.outbox import Outbox, OutboxRelay
from aktywni_shared.service import ServiceRuntime, create_app
from reporting.api import dashboard, definitions, exports, reports
from reporting.events.consumer import SOURCE_TOPICS, BatchConsumer
from reporting.events.projection import Projector
from reporting.settings import NAME, ReportingSettings
from reporting.store.announcements import AnnouncementStore
from reporting.store.definitions import DefinitionStore
from reporting.store.view import View
from reporting.use_cases.live import Announcer, Changes
from reporting.use_cases.reports import Reports

__all__ = ["NAME", "SOURCE_TOPICS", "build"]


def build(settings: ReportingSettings) -> FastAPI:
    runtime = ServiceRuntime(NAME, settings)
    view = View(runtime.db)
    clock = SystemClock()  # the service's one clock
    use_cases = Reports(view, DefinitionStore(runtime.db, clock), clock)
    outbox = Outbox(runtime.db)
    announcements = AnnouncementStore(runtime.db, outbox)
    relay = OutboxRelay(runtime.broker, outbox, [announcements.collection], poll_seconds=settings.outbox_poll_seconds)
    announcer = Announcer(use_cases, announcements)
    changes = Changes()

    def changed(project_ids: set[str]) -> None:
        changes.notify(project_ids)
        announcer.mark(project_ids)

    async def applied(project_ids: set[str]) -> None:
        changed(project_ids)

    consumer = BatchConsumer(NAME, runtime.broker, Projector(view), on_applied=applied)
    consumer.subscribe(
        SOURCE_TOPICS,
        group_id=settings.consumer_group(NAME),
        max_records=settings.batch_size,
        instance_id=settings.consumer_instance(),
    )
    runtime.broker.publisher(
        REPORTING_INDICATORS.name,
        schema=Envelope,
        title=f"{REPORTING_INDICATORS.name}:publish",
        description="IndicatorProgressed, TargetReached, TargetAtRisk; keyed by project_id.",
    )
    if settings.seed_demo:
        runtime.startup_hooks.append(use_cases.seed_demo)
    runtime.background.extend([relay.run, announcer.run])
    app = create_app(
        runtime,
        description="Indicators and targets, exact idempotent projections, live dashboards, exports; "
        "pseudonymous facts only.",
        routers=[reports.router, definitions.router, exports.router, dashboard.router],
    )
    # What the routers' providers (reporting.api.deps) hand to each request.
    app.state.authenticate = runtime.authenticate
    app.state.reports = use_cases
    app.state.changes = changes
    app.state.changed = changed
    install_error_handlers(app, conflicts=False)  # reporting refuses nothing with a 409
    return app

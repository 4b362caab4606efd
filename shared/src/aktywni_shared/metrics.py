"""Prometheus metrics of a service, served at ``/metrics`` (the Prometheus text format).

One :class:`ServiceMetrics` per service runtime, each with a registry of its own, so that several
apps built in one process (the tests build many) never register the same time series twice. The
parts of a service find their runtime's metrics through its Kafka broker (:func:`of`), so that the
consumers and the outbox relay need no extra argument.

What is measured, and with which labels (never a participant id, a name, a PESEL or any value a
person typed: routes are templates, topics and collections are the system's own names):

- HTTP: requests by route template, method and status; their duration by route template and method;
- Kafka consumers: FastStream's middleware (``faststream_*``: messages received and processed,
  processing time, exceptions, publishes), and ours: events applied, redeliveries and dead letters
  by source topic, and the consumer group's lag per topic and partition, in records and in seconds;
- the outbox: documents holding unpublished events, the age of the oldest, events published;
- the database: the duration of each command by command name and collection, failures likewise.

Gauges that need a look at Kafka or the database (lag, outbox) are refreshed when ``/metrics`` is
scraped (at most once a second, bounded in time): what is not scraped is not sampled.

``/metrics`` asks for no token (Prometheus scrapes it without one) and tells nothing personal, but
it names routes, topics and collections and shows load: it is for the cluster's network (the
ServiceMonitor scrapes the pods), never to be routed from outside (no ingress path to it).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from pymongo import monitoring
from pymongo.asynchronous.collection import AsyncCollection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

#: How long a scrape waits for the gauges' refresh before it answers with the previous values.
REFRESH_TIMEOUT_SECONDS = 3.0
#: A scrape within this time of the previous refresh reuses its values.
REFRESH_MIN_INTERVAL_SECONDS = 1.0
#: Route label of a request no route matched (its raw path may hold anything).
UNMATCHED = "unmatched"
#: A collection label is kept only if it looks like one of the system's collection names.
_COLLECTION = re.compile(r"[a-z_][a-z0-9_.:]{0,63}")
#: Commands in flight kept for their collection name; more (never expected) are not labelled.
_IN_FLIGHT_LIMIT = 10_000


class ServiceMetrics:
    """The metrics of one service process, in a registry of its own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        r = self.registry
        self.http_requests = Counter(
            "aktywni_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
        )
        self.http_duration = Histogram(
            "aktywni_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"], registry=r
        )
        self.applied = Counter(
            "aktywni_consumer_applied_events", "Events a consumer applied (or had no use for)", ["topic"], registry=r
        )
        self.redeliveries = Counter(
            "aktywni_consumer_redeliveries",
            "Records whose handling failed for a passing reason and that will be delivered again",
            ["topic"],
            registry=r,
        )
        self.dead_letters = Counter(
            "aktywni_consumer_dead_letters",
            "Records sent to the service's dead-letter topic, by the topic they came from",
            ["topic"],
            registry=r,
        )
        self.lag_records = Gauge(
            "aktywni_consumer_lag_records",
            "Records on a partition the consumer group has not read yet (end offset - position)",
            ["topic", "partition"],
            registry=r,
        )
        self.lag_seconds = Gauge(
            "aktywni_consumer_lag_seconds",
            "How far behind a partition's consumer is in time: 0 when caught up, else the age of the newest "
            "record it has consumed there (or, if none yet, the time since it was first seen behind)",
            ["topic", "partition"],
            registry=r,
        )
        self.outbox_pending = Gauge(
            "aktywni_outbox_pending_documents",
            "Documents holding events not yet published (one or more events each)",
            registry=r,
        )
        self.outbox_oldest = Gauge(
            "aktywni_outbox_oldest_pending_age_seconds",
            "Age of the oldest document with unpublished events (0 when the outbox is empty)",
            registry=r,
        )
        self.outbox_published = Counter(
            "aktywni_outbox_published_events", "Events the outbox relay published", ["topic"], registry=r
        )
        self.db_duration = Histogram(
            "aktywni_db_command_duration_seconds",
            "Duration of database commands",
            ["command", "collection"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=r,
        )
        self.db_failures = Counter(
            "aktywni_db_command_failures", "Database commands that failed", ["command", "collection"], registry=r
        )
        self.refresh_failures = Counter(
            "aktywni_metrics_refresh_failures",
            "Scrapes whose lag or outbox gauges could not be refreshed (their values are the previous ones)",
            registry=r,
        )
        self.database = CommandMetrics(self)
        self._brokers: list[Any] = []
        self._markers: list[AsyncCollection[Any]] = []
        self._consumed_at: dict[tuple[str, int], float] = {}
        self._behind_since: dict[tuple[str, int], float] = {}
        self._refreshed = 0.0
        self._refreshing: asyncio.Task[None] | None = None

    # -- wiring -------------------------------------------------------------------------------------

    def kafka_middleware(self, app_name: str) -> KafkaPrometheusMiddleware:
        """FastStream's Prometheus middleware on this registry (``faststream_*`` metrics)."""
        return KafkaPrometheusMiddleware(registry=self.registry, app_name=app_name)

    def watch_consumers(self, broker: Any) -> None:
        """Sample the lag of ``broker``'s subscribers at each scrape."""
        if broker not in self._brokers:
            self._brokers.append(broker)

    def watch_outbox(self, markers: AsyncCollection[Any]) -> None:
        """Sample the outbox whose markers are ``markers`` at each scrape."""
        if all(m is not markers for m in self._markers):
            self._markers.append(markers)

    # -- events of the service ----------------------------------------------------------------------

    def consumed(self, topic: str, partition: int, timestamp_ms: int | None, *, applied: bool = True) -> None:
        """A record was handled for good: applied (or of no use to the service), or else dead-lettered."""
        if applied:
            self.applied.labels(topic).inc()
        if timestamp_ms is not None and timestamp_ms >= 0:
            self._consumed_at[(topic, partition)] = timestamp_ms / 1000

    def redelivery(self, topic: str, count: int = 1) -> None:
        self.redeliveries.labels(topic).inc(count)

    def dead_letter(self, topic: str) -> None:
        self.dead_letters.labels(topic).inc()

    def published(self, topics: Iterable[str]) -> None:
        for topic in topics:
            self.outbox_published.labels(topic).inc()

    # -- scrape -------------------------------------------------------------------------------------

    async def refresh(self) -> None:
        """Refresh the lag and outbox gauges (one refresh at a time; recent values are reused)."""
        if time.monotonic() - self._refreshed < REFRESH_MIN_INTERVAL_SECONDS:
            return
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.create_task(self._refresh())
        try:
            await asyncio.wait_for(asyncio.shield(self._refreshing), timeout=REFRESH_TIMEOUT_SECONDS)
        except Exception:
            self.refresh_failures.inc()
            log.warning("metrics refresh failed; serving the previous values", exc_info=True)

    async def _refresh(self) -> None:
        await self._refresh_lag()
        await self._refresh_outbox()
        self._refreshed = time.monotonic()

    async def _refresh_lag(self) -> None:
        lags: dict[tuple[str, int], int] = {}
        for broker in self._brokers:
            for subscriber in broker.subscribers:
                consumer = getattr(subscriber, "consumer", None)
                if consumer is None or not hasattr(consumer, "end_offsets"):
                    continue
                for topic in consumer.subscription():
                    for counter in (self.applied, self.redeliveries, self.dead_letters):
                        counter.labels(topic)  # every topic's series exists from the start, at 0
                assigned = list(consumer.assignment())
                if not assigned:
                    continue
                ends = await consumer.end_offsets(assigned)
                for tp in assigned:
                    position = await consumer.position(tp)
                    lags[(tp.topic, tp.partition)] = max(0, int(ends[tp]) - int(position))
        now = time.time()
        self.lag_records.clear()
        self.lag_seconds.clear()
        for (topic, partition), lag in lags.items():
            key = (topic, partition)
            if lag == 0:
                self._behind_since.pop(key, None)
                seconds = 0.0
            else:
                since = self._behind_since.setdefault(key, now)
                seconds = now - self._consumed_at.get(key, since)
            self.lag_records.labels(topic, str(partition)).set(lag)
            self.lag_seconds.labels(topic, str(partition)).set(max(0.0, seconds))

    async def _refresh_outbox(self) -> None:
        if not self._markers:
            return
        pending = 0
        oldest: datetime | None = None
        for markers in self._markers:
            count = await markers.count_documents({})
            pending += count
            if count == 0:
                continue
            first = await markers.find({"since": {"$exists": True}}, {"since": 1}).sort("since", 1).limit(1).to_list()
            if first and isinstance(first[0].get("since"), datetime):
                since: datetime = first[0]["since"]
                since = since if since.tzinfo else since.replace(tzinfo=UTC)
                oldest = since if oldest is None else min(oldest, since)
        self.outbox_pending.set(pending)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        self.outbox_oldest.set(max(0.0, age))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class CommandMetrics(monitoring.CommandListener):
    """Database command durations by command name and collection (a PyMongo command listener)."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.metrics = metrics
        self._collections: dict[tuple[int, Any], str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if len(self._collections) < _IN_FLIGHT_LIMIT:
            self._collections[(event.request_id, event.connection_id)] = _collection(event.command_name, event.command)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        collection = self._collections.pop((event.request_id, event.connection_id), "")
        self.metrics.db_duration.labels(event.command_name, collection).observe(event.duration_micros / 1e6)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        collection = self._collections.pop((event.request_id, event.connection_id), "")
        self.metrics.db_duration.labels(event.command_name, collection).observe(event.duration_micros / 1e6)
        self.metrics.db_failures.labels(event.command_name, collection).inc()


def _collection(command_name: str, command: Any) -> str:
    """The collection a command works on (``find: "participants"``, ``getMore``'s ``collection``), or ''."""
    value = command.get("collection") if command_name == "getMore" else command.get(command_name)
    return value if isinstance(value, str) and _COLLECTION.fullmatch(value) else ""


class HttpMetrics:
    """ASGI middleware: each HTTP request counted by method, route template and status, and timed.

    The route is the template the request matched (``/projects/{project_id}/participants``), never
    the raw path, which may hold a participant's id; a request no route matched is ``unmatched``.
    """

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            method = str(scope["method"])
            self.metrics.http_requests.labels(method, route, str(status)).inc()
            self.metrics.http_duration.labels(method, route).observe(time.perf_counter() - started)


def install(app: FastAPI, metrics: ServiceMetrics) -> None:
    """Count ``app``'s HTTP requests and serve ``/metrics`` (left out of the OpenAPI document)."""

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        await metrics.refresh()
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(HttpMetrics, metrics=metrics)


_BY_BROKER: weakref.WeakKeyDictionary[Any, ServiceMetrics] = weakref.WeakKeyDictionary()


def of(broker: Any) -> ServiceMetrics:
    """The metrics of the runtime that owns ``broker`` (a registry of its own for a broker no runtime owns)."""
    try:
        found = _BY_BROKER.get(broker)
        if found is None:
            found = _BY_BROKER[broker] = ServiceMetrics()
    except TypeError:  # a stand-in broker that cannot be weakly referenced or hashed (tests)
        return ServiceMetrics()
    return found

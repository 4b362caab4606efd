"""OpenTelemetry traces: one trace from an HTTP request through the outbox and Kafka to every consumer.

Off unless an OTLP endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT`` or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, the standard variables; ``OTEL_SERVICE_NAME`` names the
service, else its own name): then no provider, no instrumentation and no header is added, and every
helper here costs one check. On, the process exports over OTLP/HTTP in batches, and:

- HTTP requests are spans named by the route template (``POST /projects/{project_id}/participants``);
- an event written with a state change keeps the W3C ``traceparent`` of the span it was written in
  (:func:`outbox_context`, stored in the outbox entry); the relay publishes it in a producer span,
  child of that context, and puts the producer span's ``traceparent`` into the record's headers;
- a consumer continues the trace from the record's headers (:func:`consuming`; reporting's batches
  with :func:`consuming_batch`, one span per record in that record's trace); a record that carries
  no trace (history written before traces were on, a replay) makes no span;
- database commands inside a request or an event are spans (never their bodies or filters); those of
  the background loops outside any trace (the relay's polling) are not sampled at all;
- the web application's HTTPX calls to the services carry the context.

No span leaves the process with a personal value: every attribute not on :data:`SAFE_ATTRIBUTES` is
dropped at the end of the span (raw paths and full URLs, which hold participant ids, query strings,
client addresses, headers), exception messages and status descriptions are dropped too (a database
error may quote a key), only the exception's type stays.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import Getter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

#: The trace context of an outbox entry (and a record header): W3C Trace Context, nothing else (no baggage).
TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
#: The tracer of this package's own spans (relay, consumers).
SCOPE = "aktywni"
#: Requests that make no trace (regular expressions searched in the URL): the probes' and the
#: scrapers' polls, and the web application's static files.
UNTRACED_URLS = r"/health$,/ready$,/metrics$,/static/,/vendor/"

#: Span attributes that may leave the process; anything else is dropped at the end of the span.
SAFE_ATTRIBUTES = frozenset(
    {
        # HTTP, server and client (the route template, never the path or the URL)
        "http.method",
        "http.request.method",
        "http.route",
        "http.status_code",
        "http.response.status_code",
        "http.scheme",
        "url.scheme",
        "http.flavor",
        "network.protocol.version",
        "server.address",
        "server.port",
        "net.host.port",
        "net.peer.name",
        "net.peer.port",
        "error.type",
        # database (the command's name, never its body or filter)
        "db.system",
        "db.system.name",
        "db.name",
        "db.namespace",
        "db.operation",
        "db.operation.name",
        "db.mongodb.collection",
        "db.collection.name",
        # messaging (this module's spans: no record key, it may be a participant id)
        "messaging.system",
        "messaging.operation.type",
        "messaging.operation.name",
        "messaging.destination.name",
        "messaging.destination.partition.id",
        "messaging.kafka.offset",
        "messaging.message.id",
        "messaging.consumer.group.name",
        "messaging.batch.message_count",
        "aktywni.service",
        "aktywni.event.type",
        # an exception event: its type only
        "exception.type",
        "exception.escaped",
    }
)


class TracingSettings(BaseSettings):
    """The standard OpenTelemetry variables this module reads (the exporter reads its other ones itself:
    ``OTEL_EXPORTER_OTLP_HEADERS``, ``..._TIMEOUT``, ``..._CERTIFICATE``)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    endpoint: str = Field("", validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    traces_endpoint: str = Field("", validation_alias="OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    service_name: str = Field("", validation_alias="OTEL_SERVICE_NAME")
    disabled: bool = Field(False, validation_alias="OTEL_SDK_DISABLED")
    #: The share of new traces kept (``OTEL_TRACES_SAMPLER_ARG``, 1.0: all); a continued trace follows its parent.
    ratio: float = Field(1.0, ge=0.0, le=1.0, validation_alias="OTEL_TRACES_SAMPLER_ARG")

    @property
    def enabled(self) -> bool:
        return not self.disabled and bool(self.endpoint or self.traces_endpoint)


class _NoUntracedClientCalls(Sampler):
    """A root span of a client call (a database command of a background loop) is not sampled: it would
    make a trace of one span every poll. Other root spans follow ``root``."""

    def __init__(self, root: Sampler) -> None:
        self.root = root

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: trace.TraceState | None = None,
    ) -> SamplingResult:
        if kind is SpanKind.CLIENT:
            return SamplingResult(Decision.DROP)
        return self.root.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"NoUntracedClientCalls{{{self.root.get_description()}}}"


def sampler(ratio: float = 1.0) -> Sampler:
    """Parent-based: a continued trace follows its caller's decision; new ones are kept at ``ratio``."""
    return ParentBased(root=_NoUntracedClientCalls(ALWAYS_ON if ratio >= 1.0 else TraceIdRatioBased(ratio)))


def _safe(attributes: Attributes) -> dict[str, Any]:
    return {k: v for k, v in (attributes or {}).items() if k in SAFE_ATTRIBUTES}


class Scrubbing(SpanProcessor):
    """Passes each ended span on to ``inner`` with only :data:`SAFE_ATTRIBUTES`, events reduced to
    their names and safe attributes, and no status description."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner

    def on_start(self, span: Any, parent_context: Context | None = None) -> None:
        self.inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        status = span.status
        self.inner.on_end(
            ReadableSpan(
                name=span.name,
                context=span.context,
                parent=span.parent,
                resource=span.resource,
                attributes=_safe(span.attributes),
                events=[Event(e.name, _safe(e.attributes), e.timestamp) for e in span.events],
                links=[Link(link.context, _safe(link.attributes)) for link in span.links],
                kind=span.kind,
                status=Status(status.status_code),
                start_time=span.start_time,
                end_time=span.end_time,
                instrumentation_scope=span.instrumentation_scope,
            )
        )

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


@dataclass
class _State:
    provider: TracerProvider | None = None
    instrumented_libraries: bool = False
    tracer: trace.Tracer = field(default_factory=trace.NoOpTracer)


_state = _State()


def enabled() -> bool:
    return _state.provider is not None


def provider(service: str, processor: SpanProcessor, ratio: float = 1.0) -> TracerProvider:
    """A tracer provider for ``service`` whose spans go to ``processor`` scrubbed."""
    tracer_provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}), sampler=sampler(ratio))
    tracer_provider.add_span_processor(Scrubbing(processor))
    return tracer_provider


def install(tracer_provider: TracerProvider) -> None:
    """Make ``tracer_provider`` the process's (the first one installed stays OpenTelemetry's global one)
    and instrument the libraries once: PyMongo (clients connected from now on) and HTTPX."""
    _state.provider = tracer_provider
    _state.tracer = tracer_provider.get_tracer(SCOPE)
    if trace.get_tracer_provider() is not tracer_provider and not isinstance(
        trace.get_tracer_provider(), TracerProvider
    ):
        trace.set_tracer_provider(tracer_provider)
    if not _state.instrumented_libraries:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor  # noqa: PLC0415 - only when on
        from opentelemetry.instrumentation.pymongo import PymongoInstrumentor  # noqa: PLC0415

        PymongoInstrumentor().instrument(tracer_provider=_ProviderProxy(), capture_statement=False)
        HTTPXClientInstrumentor().instrument(tracer_provider=_ProviderProxy())
        _state.instrumented_libraries = True


def uninstall() -> None:
    """Back to no tracing (tests): the instrumented libraries' spans go nowhere."""
    _state.provider = None
    _state.tracer = trace.NoOpTracer()


class _ProviderProxy(trace.TracerProvider):
    """The libraries' tracers follow whichever provider is installed (none: no spans)."""

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes = None,
    ) -> trace.Tracer:
        return _ProxyTracer(instrumenting_module_name, instrumenting_library_version, schema_url)


class _ProxyTracer(trace.Tracer):
    def __init__(self, name: str, version: str | None, schema_url: str | None) -> None:
        self.name, self.version, self.schema_url = name, version, schema_url

    _for: TracerProvider | None = None
    _tracer: trace.Tracer = trace.NoOpTracer()

    def _current(self) -> trace.Tracer:
        if _state.provider is not self._for:  # installed or uninstalled since the last span
            self._for = _state.provider
            self._tracer = (
                trace.NoOpTracer()
                if _state.provider is None
                else _state.provider.get_tracer(self.name, self.version, self.schema_url)
            )
        return self._tracer

    def start_span(self, *args: Any, **kwargs: Any) -> trace.Span:
        return self._current().start_span(*args, **kwargs)

    def start_as_current_span(self, *args: Any, **kwargs: Any) -> Any:
        return self._current().start_as_current_span(*args, **kwargs)


def configure(service: str, settings: TracingSettings | None = None) -> bool:
    """Turn tracing on for this process if an OTLP endpoint is set (or a provider is installed already:
    a test's); True if traces are recorded. Call before connecting to the database."""
    if _state.provider is not None:
        return True
    settings = settings or TracingSettings()
    if not settings.enabled:
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: PLC0415 - only when on

    exporter: SpanExporter = OTLPSpanExporter()  # the endpoint and its options from the OTEL_* variables
    install(provider(settings.service_name or service, BatchSpanProcessor(exporter), settings.ratio))
    log.info("traces exported over OTLP", extra={"otel_service": settings.service_name or service})
    return True


def instrument_app(app: FastAPI) -> None:
    """Spans for the app's requests, named by route template (nothing when tracing is off)."""
    if _state.provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor  # noqa: PLC0415 - only when on

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=_state.provider, excluded_urls=UNTRACED_URLS, exclude_spans=["receive", "send"]
    )


# --- the trace context through the outbox and Kafka ---------------------------------------------

_W3C = TraceContextTextMapPropagator()


def outbox_context() -> dict[str, str]:
    """The current span's W3C trace context, to keep with an outbox entry (empty without a span)."""
    if _state.provider is None or not trace.get_current_span().get_span_context().is_valid:
        return {}
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    return carrier


class _Headers(Getter[Sequence[tuple[str, bytes]]]):
    """A Kafka record's headers (aiokafka's ``(name, bytes)`` pairs) as a carrier."""

    def get(self, carrier: Sequence[tuple[str, bytes]], key: str) -> list[str] | None:
        values = [value.decode("latin-1") for name, value in carrier or () if name == key and value is not None]
        return values or None

    def keys(self, carrier: Sequence[tuple[str, bytes]]) -> list[str]:
        return [name for name, _ in carrier or ()]


_HEADERS = _Headers()


def record_context(headers: Sequence[tuple[str, bytes]] | None) -> Context:
    """The trace context a Kafka record carries in its headers (an empty context if none)."""
    return _W3C.extract(list(headers or ()), context=Context(), getter=_HEADERS)


def stored_context(entry: Mapping[str, Any]) -> Context:
    """The trace context kept with an outbox entry (an empty context if none)."""
    carrier = {k: str(entry[k]) for k in (TRACEPARENT, TRACESTATE) if entry.get(k)}
    return _W3C.extract(carrier, context=Context())


@contextlib.contextmanager
def publishing(entry: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """A producer span for publishing one outbox entry, child of the context stored with it; yields the
    headers that carry the span's context to the consumers (none when tracing is off)."""
    if _state.provider is None:
        yield {}
        return
    topic = str(entry.get("topic", ""))
    with _state.tracer.start_as_current_span(
        f"publish {topic}",
        context=stored_context(entry),
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "send",
            "messaging.destination.name": topic,
            "messaging.message.id": str(entry.get("event_id", "")),
            "aktywni.event.type": str(entry.get("type", "")),
        },
    ):
        headers: dict[str, str] = {}
        _W3C.inject(headers)
        yield headers


def _consumer_attributes(record: Any, service: str) -> dict[str, Any]:
    headers = dict(record.headers or ())
    attributes: dict[str, Any] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": record.topic,
        "messaging.destination.partition.id": str(record.partition),
        "messaging.kafka.offset": record.offset,
        "aktywni.service": service,
    }
    for header, attribute in (("event_id", "messaging.message.id"), ("type", "aktywni.event.type")):
        value = headers.get(header)
        if isinstance(value, bytes):
            attributes[attribute] = value.decode("utf-8", "replace")
    return attributes


@contextlib.contextmanager
def consuming(record: Any, service: str) -> Iterator[None]:
    """A consumer span for ``service``'s handling of one Kafka record, continuing the record's trace;
    the handler's database commands and the events it writes belong to it. A record without a trace
    context (written before traces were on, or replayed history) gets none, like in a batch."""
    parent = record_context(record.headers) if _state.provider is not None else None
    if parent is None or not trace.get_current_span(parent).get_span_context().is_valid:
        yield
        return
    with _state.tracer.start_as_current_span(
        f"process {record.topic}",
        context=parent,
        kind=SpanKind.CONSUMER,
        attributes=_consumer_attributes(record, service),
    ):
        yield


class BatchTrace:
    """The spans of one batch: one consumer span per record that carries a trace, in that trace."""

    def __init__(self, spans: list[trace.Span]) -> None:
        self.spans = spans

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """A child span named ``name`` under every record's span, for a step done once for the batch
        (the view's write, the dashboards' update)."""
        if not self.spans:
            yield
            return
        started = time.time_ns()
        try:
            yield
        finally:
            ended = time.time_ns()
            for parent in self.spans:
                child = _state.tracer.start_span(
                    name, context=trace.set_span_in_context(parent), kind=SpanKind.INTERNAL, start_time=started
                )
                child.end(end_time=ended)


@contextlib.contextmanager
def consuming_batch(records: Sequence[Any], service: str) -> Iterator[BatchTrace]:
    """Spans for ``service``'s handling of a batch of records (see :class:`BatchTrace`); records without
    a trace context get none, so a catch-up of untraced records costs nothing."""
    if _state.provider is None:
        yield BatchTrace([])
        return
    spans: list[trace.Span] = []
    for record in records:
        parent = record_context(record.headers)
        if not trace.get_current_span(parent).get_span_context().is_valid:
            continue
        attributes = _consumer_attributes(record, service)
        attributes["messaging.batch.message_count"] = len(records)
        spans.append(
            _state.tracer.start_span(
                f"process {record.topic}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
            )
        )
    batch = BatchTrace(spans)
    try:
        yield batch
    except BaseException as error:
        for span in spans:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR))
        raise
    finally:
        for span in spans:
            span.end()


__all__ = [
    "SAFE_ATTRIBUTES",
    "TRACEPARENT",
    "BatchTrace",
    "Scrubbing",
    "TracingSettings",
    "configure",
    "consuming",
    "consuming_batch",
    "enabled",
    "install",
    "instrument_app",
    "outbox_context",
    "provider",
    "publishing",
    "record_context",
    "stored_context",
    "uninstall",
]

"""Traces: the W3C context through outbox entries and Kafka record headers, the scrubbing of what a
span may carry, the trace id in log lines, and nothing of it when traces are off."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import uuid
from dataclasses import dataclass, field

import httpx
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from aktywni_shared import tracing
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ParticipantEnrolledV1
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, dead_letter
from aktywni_shared.messaging.consumer import publish_dead_letter
from aktywni_shared.messaging.outbox import outbox_entry
from aktywni_shared.structured_logging import JsonFormatter
from tests.support.tracing import captured_spans, leaks
from web.app import build as build_web
from web.settings import WebSettings

PARTICIPANT = "0192f0c4-5d1e-4a3b-9c2d-5e6f7a8b9c0d"


@dataclass
class Record:
    """What the consumers read of an aiokafka record."""

    topic: str
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    partition: int = 0
    offset: int = 7
    value: bytes = b"{}"
    key: bytes | None = None
    timestamp: int = 0


def _entry() -> dict[str, str]:
    payload = ParticipantEnrolledV1.model_validate(
        {
            "participant_id": PARTICIPANT,
            "category": "client_at_risk",
            "sex": "K",
            "birth_year": 1980,
            "enrolled_on": "2026-01-01",
        }
    )
    envelope = Envelope.wrap(payload, producer="enrolment", organisation_id="mops-wroclaw", project_id="WMA-2026")
    return outbox_entry(ENROLMENT_PARTICIPANTS, PARTICIPANT, envelope)


def _parts(traceparent: str) -> tuple[str, str, bool]:
    """Trace id, parent span id, sampled: a W3C ``traceparent``."""
    version, trace_id, span_id, flags = traceparent.split("-")
    assert version == "00"
    return trace_id, span_id, bool(int(flags, 16) & 1)


def _ids(span: trace.Span) -> tuple[int, int]:
    context = span.get_span_context()
    return context.trace_id, context.span_id


def test_the_context_goes_from_the_outbox_entry_through_the_record_headers_to_the_consumer() -> None:
    with captured_spans() as exported:
        tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
        with tracer.start_as_current_span("POST /projects/{project_id}/participants") as request:
            entry = _entry()
        trace_id, request_span = _ids(request)
        assert _parts(entry[tracing.TRACEPARENT]) == (f"{trace_id:032x}", f"{request_span:016x}", True)

        with tracing.publishing(entry) as headers:  # the relay, later, outside the request
            published = trace.get_current_span()
        assert _ids(published)[0] == trace_id
        assert set(headers) == {tracing.TRACEPARENT}
        assert _parts(headers[tracing.TRACEPARENT]) == (f"{trace_id:032x}", f"{_ids(published)[1]:016x}", True)

        record = Record(
            ENROLMENT_PARTICIPANTS.name,
            [("event_id", entry["event_id"].encode()), ("type", b"ParticipantEnrolled")]
            + [(k, v.encode()) for k, v in headers.items()],
        )
        with tracing.consuming(record, "reporting"):
            consumed = trace.get_current_span()
        assert _ids(consumed)[0] == trace_id

    spans = {s.name: s for s in exported.get_finished_spans()}
    producer, consumer = spans["publish enrolment.participants"], spans["process enrolment.participants"]
    assert producer.kind is SpanKind.PRODUCER
    assert producer.parent is not None
    assert producer.parent.span_id == request_span
    assert consumer.kind is SpanKind.CONSUMER
    assert consumer.parent is not None
    assert consumer.parent.span_id == producer.context.span_id
    assert consumer.attributes is not None
    assert consumer.attributes["aktywni.service"] == "reporting"
    assert consumer.attributes["aktywni.event.type"] == "ParticipantEnrolled"
    assert consumer.attributes["messaging.message.id"] == entry["event_id"]
    assert leaks(spans.values(), [PARTICIPANT]) == []  # the record key is never an attribute


def test_a_record_without_a_context_starts_a_trace_and_an_entry_without_a_span_keeps_none() -> None:
    assert not trace.get_current_span(tracing.record_context(None)).get_span_context().is_valid
    assert not trace.get_current_span(tracing.record_context([("type", b"X")])).get_span_context().is_valid
    with captured_spans() as exported:
        entry = _entry()  # written outside any span (a background loop)
        assert tracing.TRACEPARENT not in entry
        with tracing.publishing(entry) as headers:
            pass
        assert tracing.TRACEPARENT in headers
        with tracing.consuming(Record(ENROLMENT_PARTICIPANTS.name), "scheduling"):  # history: no trace
            assert not trace.get_current_span().get_span_context().is_valid
    (root,) = exported.get_finished_spans()
    assert root.parent is None


def test_traces_off_cost_nothing_and_add_nothing() -> None:
    assert not tracing.enabled()
    assert tracing.configure("enrolment", tracing.TracingSettings()) is False  # no endpoint: off
    entry = _entry()
    assert set(entry) == {"event_id", "topic", "key", "type", "value"}
    with tracing.publishing(entry) as headers:
        assert not trace.get_current_span().get_span_context().is_valid
    assert headers == {}
    with tracing.consuming(Record("t", [(tracing.TRACEPARENT, b"00-" + b"1" * 32 + b"-" + b"2" * 16 + b"-01")]), "s"):
        assert not trace.get_current_span().get_span_context().is_valid
    app = FastAPI()
    tracing.instrument_app(app)
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)


def test_the_settings_are_the_standard_variables() -> None:
    settings = tracing.TracingSettings.model_validate(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SERVICE_NAME": "enrolment-eu"}
    )
    assert settings.enabled
    assert settings.service_name == "enrolment-eu"
    assert tracing.TracingSettings.model_validate({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c/v1"}).enabled
    assert not tracing.TracingSettings.model_validate(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}
    ).enabled


def test_a_batch_has_one_span_per_traced_record_in_its_trace_with_the_steps_below() -> None:
    with captured_spans() as exported:
        tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
        carriers = []
        for _ in range(2):
            with tracer.start_as_current_span("request"):
                carriers.append(tracing.outbox_context())
        records = [Record("enrolment.participants", [(k, v.encode()) for k, v in c.items()]) for c in carriers]
        records.append(Record("enrolment.projects"))  # an untraced record gets no span
        with tracing.consuming_batch(records, "reporting") as batch:
            with batch.step("reporting view write"):
                pass
            with batch.step("dashboard update"):
                pass
    spans = exported.get_finished_spans()
    requests = [s for s in spans if s.name == "request"]
    consumers = [s for s in spans if s.name == "process enrolment.participants"]
    assert len(consumers) == 2
    assert not [s for s in spans if s.name == "process enrolment.projects"]
    assert {c.context.trace_id for c in consumers} == {r.context.trace_id for r in requests}
    for consumer in consumers:
        steps = {s.name for s in spans if s.parent is not None and s.parent.span_id == consumer.context.span_id}
        assert steps == {"reporting view write", "dashboard update"}
        assert consumer.attributes is not None
        assert consumer.attributes["messaging.batch.message_count"] == 3


def test_spans_leave_with_safe_attributes_only() -> None:
    with captured_spans() as exported:
        tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
        with tracer.start_as_current_span(
            "GET /projects/{project_id}/participants/{participant_id}",
            attributes={
                "http.route": "/projects/{project_id}/participants/{participant_id}",
                "http.target": f"/projects/P-1/participants/{PARTICIPANT}",
                "url.path": f"/projects/P-1/participants/{PARTICIPANT}",
                "http.url": f"http://enrolment/projects/P-1/participants/{PARTICIPANT}?pesel=90010112345",
                "url.query": "pesel=90010112345",
                "client.address": "203.0.113.9",
                "db.statement": "find {'pesel_lookup': 'abc'}",
                "http.request.header.authorization": "Bearer secret",
                "http.response.status_code": 409,
            },
        ) as span:
            span.record_exception(ValueError(f"duplicate key {PARTICIPANT}"))
            span.set_status(Status(StatusCode.ERROR, f"E11000 dup key {{ _id: {PARTICIPANT} }}"))
    (exported_span,) = exported.get_finished_spans()
    assert dict(exported_span.attributes or {}) == {
        "http.route": "/projects/{project_id}/participants/{participant_id}",
        "http.response.status_code": 409,
    }
    assert exported_span.status.status_code is StatusCode.ERROR
    assert not exported_span.status.description
    (event,) = exported_span.events
    assert event.name == "exception"
    assert (event.attributes or {})["exception.type"] == "ValueError"
    assert "exception.message" not in (event.attributes or {})
    assert "exception.stacktrace" not in (event.attributes or {})
    assert leaks([exported_span], [PARTICIPANT, "90010112345", "203.0.113.9", "secret"]) == []


def test_a_root_client_call_is_not_sampled_but_one_inside_a_trace_is() -> None:
    with captured_spans() as exported:
        tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
        with tracer.start_as_current_span("aktywni_enrolment.find", kind=SpanKind.CLIENT):  # the relay's poll
            pass
        with (
            tracer.start_as_current_span("process t", kind=SpanKind.CONSUMER),
            tracer.start_as_current_span("aktywni_enrolment.update", kind=SpanKind.CLIENT),
        ):
            pass
    assert sorted(s.name for s in exported.get_finished_spans()) == ["aktywni_enrolment.update", "process t"]


async def test_a_request_span_is_named_by_its_route_and_holds_no_id_of_the_path() -> None:
    with captured_spans() as exported:
        app = FastAPI()

        @app.get("/projects/{project_id}/participants/{participant_id}")
        async def participant(project_id: str, participant_id: str) -> dict[str, str]:
            return {"trace": format(trace.get_current_span().get_span_context().trace_id, "032x")}

        @app.get("/health")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

        tracing.instrument_app(app)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://enrolment") as client:
            response = await client.get(f"/projects/P-1/participants/{PARTICIPANT}", params={"q": "90010112345"})
            assert (await client.get("/health")).status_code == 200  # a probe's poll: no trace
    (span,) = exported.get_finished_spans()
    assert span.name == "GET /projects/{project_id}/participants/{participant_id}"
    assert span.kind is SpanKind.SERVER
    assert response.json() == {"trace": format(span.context.trace_id, "032x")}
    assert (span.attributes or {}).get("http.route") == "/projects/{project_id}/participants/{participant_id}"
    assert leaks([span], [PARTICIPANT, "90010112345", "P-1"]) == []


def test_a_log_line_inside_a_span_carries_its_trace_and_span_ids() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("enrolment"))
    logger = logging.getLogger(f"test.tracing.{uuid.uuid4().hex}")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.info("outside")
    with captured_spans():
        tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
        with tracer.start_as_current_span("request") as span:
            logger.info("inside")
    outside, inside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert "trace_id" not in outside
    assert "span_id" not in outside
    assert inside["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert inside["span_id"] == format(span.get_span_context().span_id, "016x")


async def test_the_web_application_s_calls_to_the_services_carry_the_page_s_trace() -> None:
    received: list[dict[str, str]] = []

    async def service(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")[1:]
        received.append({k.lower(): v for k, _, v in (line.partition(": ") for line in head if line)})
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(service, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with captured_spans("web") as exported:
            app = build_web(WebSettings(session_secret="x" * 40, enrolment_url=f"http://127.0.0.1:{port}"))  # type: ignore[call-arg]
            assert getattr(app, "_is_instrumented_by_opentelemetry", False), "the web's requests are spans"
            tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
            with tracer.start_as_current_span("GET /participants/{participant_id}") as page:
                assert await app.state.services.enrolment.call("GET", f"/participants/{PARTICIPANT}", "t0ken") == {}
            await app.state.services.enrolment.close()
    finally:
        server.close()
        await server.wait_closed()
    (headers,) = received
    call = next(s for s in exported.get_finished_spans() if s.kind is SpanKind.CLIENT)
    assert _parts(headers[tracing.TRACEPARENT]) == (
        f"{_ids(page)[0]:032x}",
        f"{call.context.span_id:016x}",
        True,
    ), "the service continues the page's trace below the web's client span"
    assert call.parent is not None
    assert call.parent.span_id == _ids(page)[1]
    assert leaks([call], [PARTICIPANT, "t0ken"]) == []


async def test_a_dead_letter_carries_the_trace_of_the_consumer_that_refused_it() -> None:
    published: list[dict[str, str]] = []

    class Broker:
        async def publish(self, value: bytes, topic: str, *, key: bytes | None, headers: dict[str, str]) -> None:
            published.append(headers)

    record = Record(ENROLMENT_PARTICIPANTS.name, value=b"{not json")
    await publish_dead_letter(Broker(), "reporting", dead_letter("reporting"), record, "not JSON")  # type: ignore[arg-type]
    with captured_spans():
        tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
        with tracer.start_as_current_span("request"):
            headers = [(k, v.encode()) for k, v in tracing.outbox_context().items()]
        with tracing.consuming(Record(ENROLMENT_PARTICIPANTS.name, headers), "reporting"):
            consumer = trace.get_current_span()
            await publish_dead_letter(Broker(), "reporting", dead_letter("reporting"), record, "not JSON")  # type: ignore[arg-type]
    untraced, traced = published
    assert tracing.TRACEPARENT not in untraced
    assert _parts(traced[tracing.TRACEPARENT]) == (f"{_ids(consumer)[0]:032x}", f"{_ids(consumer)[1]:016x}", True)

"""One enrolment's trace, on the real Kafka and database: the HTTP request to enrolment, the outbox
relay's publish, and the consumers of scheduling and reporting (down to reporting's view write and
dashboard update) share one trace id, parent to child; no span holds the participant's id or data.

The three services are built in this process with their own build functions (each with a database
and consumer group of its own), with the SDK's in-memory exporter behind the services' scrubbing.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from aktywni_shared import mongo
from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_stack import demo_data
from aktywni_stack.selection import Infrastructure
from enrolment.app import build as build_enrolment
from enrolment.settings import EnrolmentSettings
from reporting.app import build as build_reporting
from reporting.settings import ReportingSettings
from scheduling.app import build as build_scheduling
from scheduling.settings import SchedulingSettings
from tests.support.pii_scan import needles
from tests.support.tracing import captured_spans, leaks

SECRET = "tracing-test-secret-0123456789abcdef"
PUBLISH = f"publish {ENROLMENT_PARTICIPANTS.name}"
PROCESS = f"process {ENROLMENT_PARTICIPANTS.name}"


def _common(infra: Infrastructure, name: str) -> dict[str, Any]:
    return {
        "kafka_bootstrap_servers": infra.kafka_bootstrap_servers,
        "mongodb_uri": infra.mongodb_uri,
        "oidc_issuer": "",
        "jwt_secret": SECRET,
        "database": name,
        "group_id": name,
        "outbox_poll_seconds": 0.2,
    }


@contextlib.asynccontextmanager
async def _running(app: FastAPI, base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, timeout=30) as client,
    ):
        yield client


def _auth(organisation_id: str, role: Role) -> dict[str, str]:
    principal = Principal(user=f"{role.value}@{organisation_id}", organisation_id=organisation_id, role=role)
    return {"Authorization": f"Bearer {Tokens(SECRET).issue(principal)}"}


async def _eventually(check: Callable[[], Any], timeout: float = 90.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        await asyncio.sleep(0.3)
    return result


def _in_trace(exporter: InMemorySpanExporter, trace_id: int) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.context is not None and s.context.trace_id == trace_id]


def _tree(spans: list[ReadableSpan], root: ReadableSpan, depth: int = 0) -> str:
    """The trace as an indented list of span names (for a failing test's output)."""
    assert root.context is not None
    children = [s for s in spans if s.parent is not None and s.parent.span_id == root.context.span_id]
    service = _attribute(root, "aktywni.service")
    lines = ["  " * depth + root.name + (f" [{service}]" if service else "")]
    lines += [_tree(spans, child, depth + 1) for child in sorted(children, key=lambda s: s.start_time or 0)]
    return "\n".join(lines)


def _attribute(span: ReadableSpan, name: str) -> Any:
    return (span.attributes or {}).get(name)


async def test_one_enrolment_is_one_trace_across_enrolment_kafka_scheduling_and_reporting(
    infra: Infrastructure,
) -> None:
    run = uuid.uuid4().hex[:8]
    databases = [f"trace_{service}_{run}" for service in ("enrolment", "scheduling", "reporting")]
    try:
        await _trace_one_enrolment(infra, run, databases)
    finally:
        client = mongo.connect(infra.mongodb_uri)
        for database in databases:
            await client.drop_database(database)
        await client.close()


async def _trace_one_enrolment(infra: Infrastructure, run: str, databases: list[str]) -> None:
    pii_key = base64.urlsafe_b64encode(uuid.uuid4().bytes * 2).decode()
    project = demo_data.ta_project(f"TRACE-{run}")
    person = demo_data.person_with_disability()
    with captured_spans("aktywni") as exporter:
        enrolment = build_enrolment(EnrolmentSettings(**_common(infra, databases[0]), pii_key=pii_key))
        scheduling = build_scheduling(SchedulingSettings(**_common(infra, databases[1])))
        reporting = build_reporting(ReportingSettings(**_common(infra, databases[2])))
        async with (
            _running(enrolment, "http://enrolment") as enrolment_http,
            _running(scheduling, "http://scheduling"),
            _running(reporting, "http://reporting"),
        ):
            admin = _auth(demo_data.MOPS, Role.ADMINISTRATOR)
            for organisation in demo_data.ORGANISATIONS:
                created = await enrolment_http.post("/organisations", json=organisation, headers=admin)
                assert created.status_code in (201, 409), created.text
            leader = _auth(demo_data.EUDAJMONIA, Role.COORDINATOR)
            registered = await enrolment_http.post("/projects", json=project, headers=leader)
            assert registered.status_code == 201, registered.text
            enrolled = await enrolment_http.post(
                f"/projects/{project['project_id']}/participants", json=person, headers=leader
            )
            assert enrolled.status_code == 201, enrolled.text
            participant_id = enrolled.json()["participant_id"]

            (request,) = await _eventually(
                lambda: [
                    s
                    for s in exporter.get_finished_spans()
                    if s.kind is SpanKind.SERVER and s.name == "POST /projects/{project_id}/participants"
                ]
            )
            assert request.context is not None
            trace_id = request.context.trace_id

            def reached_everyone() -> list[ReadableSpan] | None:
                spans = _in_trace(exporter, trace_id)
                consumers = {_attribute(s, "aktywni.service") for s in spans if s.name == PROCESS}
                steps = {s.name for s in spans}
                done = {"scheduling", "reporting"} <= consumers and {
                    "reporting view write",
                    "dashboard update",
                } <= steps
                return spans if done else None

            spans = await _eventually(reached_everyone)
        assert spans, f"the trace reached: {sorted({s.name for s in _in_trace(exporter, trace_id)})}"
        everything = exporter.get_finished_spans()

    by_id = {s.context.span_id: s for s in spans if s.context is not None}

    def parent(span: ReadableSpan) -> ReadableSpan:
        assert span.parent is not None, f"{span.name} has a parent"
        return by_id[span.parent.span_id]

    print(_tree(spans, request))  # shown when the test fails
    assert _attribute(request, "http.route") == "/projects/{project_id}/participants"
    assert request.parent is None, "the request starts the trace"
    publishes = [s for s in spans if s.name == PUBLISH]
    assert len(publishes) == 1, "the relay published the enrolment's event in the request's trace"
    (publish,) = publishes
    assert publish.kind is SpanKind.PRODUCER
    assert parent(publish) is request, "the relay's span continues the context stored with the outbox entry"
    assert _attribute(publish, "aktywni.event.type") == "ParticipantEnrolled"
    database_calls = [s for s in spans if s.kind is SpanKind.CLIENT and _attribute(s, "db.system") == "mongodb"]
    assert any(parent(s) is request for s in database_calls), "the request's database commands are in its trace"
    for service in ("scheduling", "reporting"):
        consumer = next(s for s in spans if s.name == PROCESS and _attribute(s, "aktywni.service") == service)
        assert consumer.kind is SpanKind.CONSUMER
        assert parent(consumer) is publish, f"{service} continues the trace from the record's headers"
        assert _attribute(consumer, "messaging.message.id") == _attribute(publish, "messaging.message.id")
    reporting_consumer = next(s for s in spans if s.name == PROCESS and _attribute(s, "aktywni.service") == "reporting")
    for step in ("reporting view write", "dashboard update"):
        assert any(s.name == step and parent(s) is reporting_consumer for s in spans), step

    # Nothing personal in any span of the run: not the participant's id (it is in the request's path
    # and the record's key), not the PESEL, name or street of the body.
    secrets = [participant_id, *needles([{**person, "street": person["residence"]["street"]}])]
    assert len(secrets) >= 4
    assert leaks(everything, secrets) == []
    for span in everything:
        for attribute in ("url.path", "http.target", "http.url", "url.full", "url.query", "db.statement"):
            assert attribute not in (span.attributes or {}), f"{span.name} keeps {attribute}"

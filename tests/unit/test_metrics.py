"""Metrics: HTTP requests by route template (never the raw path), consumers' counters through
FastStream's test broker, database commands by name and collection, and one registry per app."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import httpx
from aiokafka import TopicPartition
from fastapi import FastAPI
from faststream.kafka import KafkaBroker, TestKafkaBroker
from prometheus_client.parser import text_string_to_metric_families
from pymongo import monitoring

from aktywni_shared import metrics
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ParticipantEnrolledV1
from aktywni_shared.contracts.registry import DecodedEvent, encode
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_shared.messaging.consumer import EventConsumer, RejectedEvent
from web.app import build as build_web
from web.settings import WebSettings

PARTICIPANT = "0192f0c4-5d1e-4a3b-9c2d-5e6f7a8b9c0d"


def _samples(metrics_: metrics.ServiceMetrics, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    found: dict[tuple[tuple[str, str], ...], float] = {}
    for family in text_string_to_metric_families(metrics_.exposition().decode()):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def _app(metrics_: metrics.ServiceMetrics) -> FastAPI:
    app = FastAPI()

    @app.get("/participants/{participant_id}")
    async def participant(participant_id: str) -> dict[str, str]:
        return {"participant_id": participant_id}

    metrics.install(app, metrics_)
    return app


async def test_requests_are_counted_by_route_template_method_and_status_never_by_raw_path() -> None:
    measured = metrics.ServiceMetrics()
    transport = httpx.ASGITransport(app=_app(measured))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get(f"/participants/{PARTICIPANT}")).status_code == 200
        assert (await client.get(f"/participants/{PARTICIPANT}")).status_code == 200
        assert (await client.get(f"/nowhere/{PARTICIPANT}")).status_code == 404
        scrape = await client.get("/metrics")

    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    requests = _samples(measured, "aktywni_http_requests_total")
    assert requests[(("method", "GET"), ("route", "/participants/{participant_id}"), ("status", "200"))] == 2
    assert requests[(("method", "GET"), ("route", "unmatched"), ("status", "404"))] == 1
    durations = _samples(measured, "aktywni_http_request_duration_seconds_count")
    assert durations[(("method", "GET"), ("route", "/participants/{participant_id}"))] == 2
    assert PARTICIPANT not in scrape.text
    assert "/metrics" not in _app(metrics.ServiceMetrics()).openapi()["paths"]


def test_two_apps_in_one_process_each_have_their_own_registry() -> None:
    settings = WebSettings(session_secret="x" * 40)
    first, second = build_web(settings), build_web(settings)  # no duplicated time series
    assert first is not second
    broker = KafkaBroker()
    assert metrics.of(broker) is metrics.of(broker)
    assert metrics.of(broker) is not metrics.of(KafkaBroker())


def _enrolled() -> bytes:
    payload = ParticipantEnrolledV1.model_validate(
        {
            "participant_id": PARTICIPANT,
            "category": "client_at_risk",
            "sex": "K",
            "birth_year": 1980,
            "enrolled_on": "2026-01-01",
        }
    )
    return encode(Envelope.wrap(payload, producer="enrolment", organisation_id="mops-wroclaw", project_id="W-2026"))


async def test_a_consumer_counts_applied_events_dead_letters_and_faststream_its_messages() -> None:
    broker = KafkaBroker()
    measured = metrics.of(broker)
    broker.add_middleware(measured.kafka_middleware("scheduling"))
    verdicts = iter(["apply", "reject"])

    async def handler(_: DecodedEvent) -> None:
        if next(verdicts) == "reject":
            raise RejectedEvent("not for us")

    consumer = EventConsumer("scheduling", broker, {"ParticipantEnrolled": handler})
    consumer.subscribe([ENROLMENT_PARTICIPANTS], group_id="scheduling")
    async with TestKafkaBroker(broker):
        for value in (_enrolled(), _enrolled(), b"not json"):
            await broker.publish(value, ENROLMENT_PARTICIPANTS.name, key=uuid.uuid4().bytes)

    topic = (("topic", ENROLMENT_PARTICIPANTS.name),)
    assert _samples(measured, "aktywni_consumer_applied_events_total")[topic] == 1
    assert _samples(measured, "aktywni_consumer_dead_letters_total")[topic] == 2
    received = _samples(measured, "faststream_received_processed_messages_total")
    assert sum(v for k, v in received.items() if ("handler", ENROLMENT_PARTICIPANTS.name) in k) == 3
    assert PARTICIPANT not in measured.exposition().decode()


def _command(name: str, body: dict[str, Any], request_id: int) -> tuple[Any, Any]:
    started = monitoring.CommandStartedEvent(body, "aktywni", request_id, ("db", 27017), request_id, None)
    took = timedelta(microseconds=1500)
    succeeded = monitoring.CommandSucceededEvent(took, {"ok": 1}, name, request_id, ("db", 27017), request_id, None)
    return started, succeeded


def test_database_commands_are_timed_by_command_and_collection_only() -> None:
    measured = metrics.ServiceMetrics()
    listener = measured.database
    commands: list[tuple[str, dict[str, Any]]] = [
        ("find", {"find": "participants", "filter": {"_id": PARTICIPANT}}),
        ("getMore", {"getMore": 123, "collection": "participants"}),
        ("ping", {"ping": 1}),
        ("find", {"find": f"odd-{PARTICIPANT}"}),
    ]
    for n, (name, body) in enumerate(commands):
        started, succeeded = _command(name, body, n)
        listener.started(started)
        listener.succeeded(succeeded)

    counts = _samples(measured, "aktywni_db_command_duration_seconds_count")
    assert counts[(("collection", "participants"), ("command", "find"))] == 1
    assert counts[(("collection", "participants"), ("command", "getMore"))] == 1
    assert counts[(("collection", ""), ("command", "ping"))] == 1
    assert counts[(("collection", ""), ("command", "find"))] == 1, "a name unlike a collection's is not kept"
    assert PARTICIPANT not in measured.exposition().decode()


class FakeConsumer:
    """What the lag sampler reads of aiokafka's consumer."""

    def __init__(self, ends: dict[TopicPartition, int], positions: dict[TopicPartition, int]) -> None:
        self.ends, self.positions = ends, positions

    def subscription(self) -> set[str]:
        return {tp.topic for tp in self.ends}

    def assignment(self) -> set[TopicPartition]:
        return set(self.ends)

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.ends[tp] for tp in partitions}

    async def position(self, tp: TopicPartition) -> int:
        return self.positions[tp]


async def test_lag_per_partition_in_records_and_seconds_is_sampled_at_scrape() -> None:
    topic = ENROLMENT_PARTICIPANTS.name
    behind, caught_up = TopicPartition(topic, 0), TopicPartition(topic, 1)
    consumer = FakeConsumer({behind: 10, caught_up: 4}, {behind: 7, caught_up: 4})
    broker = SimpleNamespace(subscribers=[SimpleNamespace(consumer=consumer)])
    measured = metrics.ServiceMetrics()
    measured.watch_consumers(broker)
    measured.consumed(topic, 0, int((time.time() - 30) * 1000))  # the newest record it got through: 30 s old

    await measured.refresh()

    lag = _samples(measured, "aktywni_consumer_lag_records")
    assert lag == {(("partition", "0"), ("topic", topic)): 3, (("partition", "1"), ("topic", topic)): 0}
    seconds = _samples(measured, "aktywni_consumer_lag_seconds")
    assert 29 <= seconds[(("partition", "0"), ("topic", topic))] < 60
    assert seconds[(("partition", "1"), ("topic", topic))] == 0
    assert _samples(measured, "aktywni_consumer_dead_letters_total") == {(("topic", topic),): 0}, "there from the start"

    consumer.positions[behind] = 10  # caught up: the lag goes back to 0, in seconds too
    measured._refreshed = 0.0
    await measured.refresh()
    assert set(_samples(measured, "aktywni_consumer_lag_records").values()) == {0}
    assert set(_samples(measured, "aktywni_consumer_lag_seconds").values()) == {0}

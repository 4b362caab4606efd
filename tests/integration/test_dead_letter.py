"""A consumer on the real broker: good events are applied, bad records go to its dead-letter topic."""

from __future__ import annotations

import asyncio
import json
import time

from faststream.kafka import KafkaBroker

from aktywni_shared.contracts import Envelope, ParticipantEnrolledV1, encode
from aktywni_shared.contracts.registry import DecodedEvent
from aktywni_shared.contracts.topics import Topic, dead_letter
from aktywni_shared.messaging.consumer import EventConsumer, RejectedEvent
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_stack.selection import Infrastructure
from tests.integration.conftest import unique
from tests.support.kafka import read_topic


def _enrolled(n: int) -> Envelope:
    payload = ParticipantEnrolledV1.model_validate(
        {
            "participant_id": f"00000000-0000-4000-8000-{n:012d}",
            "category": "staff_trainee",
            "sex": "M",
            "birth_year": 1975,
            "enrolled_on": "2026-02-01",
        }
    )
    return Envelope.wrap(payload, producer="test", organisation_id="mops-wroclaw", project_id="TA-2012")


async def test_poison_records_are_dead_lettered_with_reasons_and_consumption_goes_on(
    infra: Infrastructure, broker: KafkaBroker
) -> None:
    service = unique("svc")
    topic = Topic(unique("test.events"), 2, "participant_id")
    await ensure_topics(infra.kafka_bootstrap_servers, [topic, dead_letter(service)])
    applied: list[str] = []

    async def on_enrolled(event: DecodedEvent) -> None:
        if event.envelope.payload["birth_year"] == 1975 and str(event.envelope.event_id) == rejected_id:
            raise RejectedEvent("participant belongs to no known project")
        applied.append(str(event.envelope.event_id))

    consumer = EventConsumer(service, broker, {"ParticipantEnrolled": on_enrolled})
    consumer.subscribe([topic], group_id=service)
    good = [_enrolled(i) for i in range(3)]
    rejected = _enrolled(99)
    rejected_id = str(rejected.event_id)
    unknown = good[0].model_copy(update={"type": "SomethingElse", "event_id": _enrolled(7).event_id})
    wrong_payload = json.loads(encode(good[1]))
    wrong_payload["payload"]["sex"] = "X"
    poison = [
        b"\x00\x01 not json",
        json.dumps({"type": "ParticipantEnrolled"}).encode(),
        encode(unknown),
        json.dumps(wrong_payload).encode(),
        encode(rejected),
    ]
    await broker.start()
    try:
        for value in [poison[0], encode(good[0]), poison[1], poison[2], encode(good[1]), poison[3], poison[4]]:
            await broker.publish(value, topic.name, key=b"k")
        await broker.publish(encode(good[2]), topic.name, key=b"k")
        deadline = time.monotonic() + 30
        while len(applied) < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        await broker.stop()

    assert applied == [str(e.event_id) for e in good], "good events after poison ones are still applied, in order"
    dead = await read_topic(infra.kafka_bootstrap_servers, dead_letter(service).name, at_least=5)
    reasons = [dict(dead_record.headers)["dlq_reason"].decode() for dead_record in dead]
    assert len(dead) == 5
    assert reasons[0].startswith("not JSON")
    assert "envelope" in reasons[1]
    assert "event_id" in reasons[1]
    assert "unknown event type 'SomethingElse'" in reasons[2]
    assert "payload.sex" in reasons[3]
    assert "no known project" in reasons[4]
    assert [d.value for d in dead] == poison, "the original bytes are kept for inspection and replay"

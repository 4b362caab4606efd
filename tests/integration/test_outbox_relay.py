"""The outbox relay against the real broker and database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared import metrics, mongo
from aktywni_shared.contracts import Envelope, ParticipantEnrolledV1
from aktywni_shared.contracts.topics import Topic
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_shared.messaging.outbox import LEADER, LEADER_ID, OUTBOX, Outbox, OutboxRelay, outbox_entry
from aktywni_stack.selection import Infrastructure
from tests.integration.conftest import unique
from tests.support.kafka import read_topic


def _event(n: int) -> Envelope:
    payload = ParticipantEnrolledV1.model_validate(
        {
            "participant_id": f"00000000-0000-4000-8000-{n:012d}",
            "category": "client_at_risk",
            "sex": "K",
            "birth_year": 1980,
            "enrolled_on": "2026-01-01",
        }
    )
    return Envelope.wrap(payload, producer="test", organisation_id="mops-wroclaw", project_id="WMA-2026")


async def _store_aggregates(db: AsyncDatabase[mongo.Document], topic: Topic, docs: int, per_doc: int) -> list[str]:
    """Aggregates written as a command does: marked in the outbox around a single-document insert."""
    ids: list[str] = []
    outbox = Outbox(db)
    for d in range(docs):
        envelopes = [_event(d * per_doc + i) for i in range(per_doc)]
        ids.extend(str(e.event_id) for e in envelopes)
        document = {"_id": f"agg-{d}", OUTBOX: [outbox_entry(topic, f"agg-{d}", e) for e in envelopes]}
        await outbox.write(db.aggregates, f"agg-{d}", lambda document=document: db.aggregates.insert_one(document))
    return ids


async def test_relay_publishes_every_pending_event_once_in_order_and_empties_the_outbox(
    infra: Infrastructure, db: AsyncDatabase[mongo.Document], broker: KafkaBroker
) -> None:
    topic = Topic(unique("test.outbox"), 3, "aggregate")
    await ensure_topics(infra.kafka_bootstrap_servers, [topic])
    expected = await _store_aggregates(db, topic, docs=20, per_doc=5)
    measured = metrics.of(broker)
    await broker.start()
    try:
        relay = OutboxRelay(broker, Outbox(db), [db.aggregates])
        await measured.refresh()
        pending = measured.registry.get_sample_value("aktywni_outbox_pending_documents")
        oldest = measured.registry.get_sample_value("aktywni_outbox_oldest_pending_age_seconds")
        sent = await relay.relay_once()
    finally:
        await broker.stop()

    assert sent == 100
    assert pending == 20, "the metrics saw the 20 documents holding events"
    assert oldest is not None
    assert 0 < oldest < 60, "and how old the oldest was"
    measured._refreshed = 0.0
    await measured.refresh()
    assert measured.registry.get_sample_value("aktywni_outbox_pending_documents") == 0
    assert measured.registry.get_sample_value("aktywni_outbox_oldest_pending_age_seconds") == 0
    published = measured.registry.get_sample_value("aktywni_outbox_published_events_total", {"topic": topic.name})
    assert published == 100
    assert await db.aggregates.count_documents({f"{OUTBOX}.0": {"$exists": True}}) == 0
    assert await Outbox(db).markers.count_documents({}) == 0, "every marker is gone once its events are out"
    records = await read_topic(infra.kafka_bootstrap_servers, topic.name, at_least=100)
    published = [json.loads(r.value)["event_id"] for r in records]
    assert sorted(published) == sorted(expected), "every event exactly once"
    for d in range(20):
        key = f"agg-{d}".encode()
        mine = [json.loads(r.value)["event_id"] for r in records if r.key == key]
        assert mine == expected[d * 5 : d * 5 + 5], "one aggregate's events keep their order"


async def test_two_relays_racing_over_the_same_outbox_publish_each_event_once_and_one_leads(
    infra: Infrastructure, db: AsyncDatabase[mongo.Document], infra_broker_pair: tuple[KafkaBroker, KafkaBroker]
) -> None:
    topic = Topic(unique("test.outbox-race"), 3, "aggregate")
    await ensure_topics(infra.kafka_bootstrap_servers, [topic])
    expected = await _store_aggregates(db, topic, docs=40, per_doc=2)
    first, second = infra_broker_pair
    relays = [OutboxRelay(first, Outbox(db), [db.aggregates]), OutboxRelay(second, Outbox(db), [db.aggregates])]
    sent = await asyncio.gather(*(r.relay_once() for r in relays))

    assert sorted(sent) == [0, 80], "one relay leads, the other stands by"
    records = await read_topic(infra.kafka_bootstrap_servers, topic.name, at_least=80)
    assert sorted(json.loads(r.value)["event_id"] for r in records) == sorted(expected)


async def test_events_left_by_a_crashed_relay_are_published_after_its_lease_expires(
    infra: Infrastructure, db: AsyncDatabase[mongo.Document], broker: KafkaBroker
) -> None:
    topic = Topic(unique("test.outbox-lease"), 1, "aggregate")
    await ensure_topics(infra.kafka_bootstrap_servers, [topic])
    expected = await _store_aggregates(db, topic, docs=1, per_doc=3)
    # A relay took the lease (for half a second) and died before publishing anything.
    await db[LEADER].insert_one(
        {"_id": LEADER_ID, "holder": "crashed", "until": datetime.now(UTC) + timedelta(seconds=0.5)}
    )
    await broker.start()
    try:
        survivor = OutboxRelay(broker, Outbox(db), [db.aggregates])
        assert await survivor.relay_once() == 0, "a live lease is respected"
        assert (await db[LEADER].find_one({"_id": LEADER_ID}) or {})["holder"] == "crashed"
        await asyncio.sleep(0.6)
        assert await survivor.relay_once() == 3
    finally:
        await broker.stop()
    records = await read_topic(infra.kafka_bootstrap_servers, topic.name, at_least=3)
    assert [json.loads(r.value)["event_id"] for r in records] == expected


async def test_a_sweep_restores_the_marker_of_events_a_crash_left_unmarked(
    infra: Infrastructure, db: AsyncDatabase[mongo.Document], broker: KafkaBroker
) -> None:
    topic = Topic(unique("test.outbox-sweep"), 1, "aggregate")
    await ensure_topics(infra.kafka_bootstrap_servers, [topic])
    envelope = _event(1)
    # A command that crashed between its write and its marker: the event sits in the document only.
    await db.aggregates.insert_one({"_id": "agg-0", OUTBOX: [outbox_entry(topic, "agg-0", envelope)]})
    await broker.start()
    try:
        relay = OutboxRelay(broker, Outbox(db), [db.aggregates])
        assert await relay.relay_once() == 0, "unmarked: invisible to the normal pass"
        assert await relay.sweep() == 1
        assert await relay.relay_once() == 1
    finally:
        await broker.stop()
    records = await read_topic(infra.kafka_bootstrap_servers, topic.name, at_least=1)
    assert [json.loads(r.value)["event_id"] for r in records] == [str(envelope.event_id)]


async def test_a_batch_of_hundreds_of_documents_is_published_in_one_pass(
    infra: Infrastructure, db: AsyncDatabase[mongo.Document], broker: KafkaBroker
) -> None:
    """More than a hundred documents at once once made FerretDB's connection pool run dry."""
    topic = Topic(unique("test.outbox-large"), 3, "aggregate")
    await ensure_topics(infra.kafka_bootstrap_servers, [topic])
    expected = await _store_aggregates(db, topic, docs=250, per_doc=1)
    await broker.start()
    try:
        relay = OutboxRelay(broker, Outbox(db), [db.aggregates], batch_size=250)
        sent = await asyncio.wait_for(relay.relay_once(), timeout=60)
    finally:
        await broker.stop()

    assert sent == 250
    assert await db.aggregates.count_documents({f"{OUTBOX}.0": {"$exists": True}}) == 0
    records = await read_topic(infra.kafka_bootstrap_servers, topic.name, at_least=250)
    assert sorted(json.loads(r.value)["event_id"] for r in records) == sorted(expected)


async def test_events_written_while_a_batch_is_relayed_are_not_stranded(
    infra: Infrastructure, db: AsyncDatabase[mongo.Document], broker: KafkaBroker
) -> None:
    """A command adding events to a document between the relay's read and its marker drop."""
    topic = Topic(unique("test.outbox-late"), 1, "aggregate")
    await ensure_topics(infra.kafka_bootstrap_servers, [topic])
    expected = await _store_aggregates(db, topic, docs=1, per_doc=1)
    late = _event(999)
    await broker.start()
    try:
        relay = OutboxRelay(broker, Outbox(db), [db.aggregates])
        publish = relay._publish

        async def publish_then_a_command_writes(entries: list[mongo.Document]) -> int:
            sent = await publish(entries)
            # The command pushes its event and bumps the marker before the relay acknowledges.
            await db.aggregates.update_one({"_id": "agg-0"}, {"$push": {OUTBOX: outbox_entry(topic, "agg-0", late)}})
            return sent

        relay._publish = publish_then_a_command_writes  # type: ignore[method-assign]
        assert await relay.relay_once() == 1
        relay._publish = publish  # type: ignore[method-assign]
        assert await Outbox(db).markers.count_documents({}) == 1, "the document was marked again"
        assert await relay.relay_once() == 1
    finally:
        await broker.stop()
    records = await read_topic(infra.kafka_bootstrap_servers, topic.name, at_least=2)
    assert [json.loads(r.value)["event_id"] for r in records] == [*expected, str(late.event_id)]


async def test_markers_of_concurrent_writes_share_commands_and_each_says_since_when(
    db: AsyncDatabase[mongo.Document],
) -> None:
    outbox = Outbox(db)
    await db.aggregates.insert_many([{"_id": f"agg-{d}"} for d in range(20)])

    before = datetime.now(UTC) - timedelta(seconds=1)
    matched = await asyncio.gather(
        *(outbox.update(db.aggregates, f"agg-{d}", {"$set": {"n": d}}, [_event(d)]) for d in range(20)),
        outbox.insert(db.aggregates, {"_id": "agg-new"}, [_event(99)]),
    )

    assert matched[:20] == [True] * 20
    markers = await outbox.markers.find({"collection": "aggregates"}).to_list()
    assert {m["doc_id"] for m in markers} == {*(f"agg-{d}" for d in range(20)), "agg-new"}
    assert all(m["since"].replace(tzinfo=UTC) >= before for m in markers), "the outbox's oldest-age metric reads it"
    assert outbox._group.commands < 21, "concurrent writes' markers went together"

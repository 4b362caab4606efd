"""1 000 poison records among good events: every one dead-lettered with its reason, no consumer stops.

The poison goes to every topic a service consumes (enrolment: scheduling.attendance; scheduling:
enrolment.projects and enrolment.participants; reporting: all four), of five kinds: not JSON, JSON
that is no envelope, an envelope whose payload breaks its contract, an unknown event type, and a
record over the system's event limit (``MAX_EVENT_BYTES``) but under the broker's (one just over
ours, one as big as the broker takes). Good events go
between them: enrolments over HTTP and support facts on scheduling's topic. Each poison record is
keyed by a marker of this run, and a dead-lettered record keeps its key, so the dead letters of
this test are told from any other's. A dead letter keeps the record's bytes, only the head of one
over the event limit (the whole of it may be more than a producer sends).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from aktywni_shared.auth import Role
from aktywni_shared.contracts import Envelope, encode
from aktywni_shared.contracts.events import SupportStartedV1
from aktywni_shared.contracts.registry import MAX_EVENT_BYTES
from aktywni_shared.contracts.topics import (
    ENROLMENT_PARTICIPANTS,
    ENROLMENT_PROJECTS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
    Topic,
    dead_letter,
)
from aktywni_shared.messaging.consumer import DEAD_LETTER_HEAD_BYTES
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.support.scheduling import enrol, known_to_scheduling, people

POISON = 1000
ROUNDS = 5
#: Which consumer (service, also its consumer group) reads which topic.
CONSUMERS: dict[str, tuple[Topic, ...]] = {
    "enrolment": (SCHEDULING_ATTENDANCE,),
    "scheduling": (ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS),
    "reporting": (ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE),
}
TOPICS = (ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE)
#: A real event type of each topic, for envelopes whose payload breaks that type's contract.
TYPE_OF = {
    ENROLMENT_PROJECTS.name: ("ProjectRegistered", 1),
    ENROLMENT_PARTICIPANTS.name: ("ParticipantEnrolled", 2),
    SCHEDULING_SESSIONS.name: ("SessionScheduled", 1),
    SCHEDULING_ATTENDANCE.name: ("SupportStarted", 1),
}
#: Oversized records: just over our limit, and as big as the broker takes (the embedded stack's
#: 2 MiB, more than the 1 MiB a Kafka client sends by default), less this much for the batch's overhead.
BATCH_OVERHEAD = 4096
KINDS = ("not_json", "not_envelope", "wrong_payload", "unknown_type")


@dataclass(frozen=True)
class Poison:
    key: bytes
    topic: str
    kind: str
    value: bytes


def _envelope(project_id: str, marker: str, event_type: str, version: int) -> dict[str, object]:
    """An envelope that is valid as an envelope, with a payload that is not the type's."""
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "version": version,
        "occurred_at": "2012-06-01T08:00:00+00:00",
        "producer": "test",
        "correlation_id": str(uuid.uuid4()),
        "organisation_id": demo_data.EUDAJMONIA,
        "project_id": project_id,
        "payload": {"marker": marker, "participant_id": "not-a-uuid"},
    }


async def _oversized(bootstrap: str) -> tuple[int, int]:
    """Two sizes over our event limit that every consumed topic takes (its ``max.message.bytes``)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t.name, configs={"max.message.bytes": None}) for t in TOPICS]
        )
    finally:
        await admin.close()
    limits = [int(value) for answer in described for *_, entries in answer.resources for _, value, *_ in entries]
    assert len(limits) == len(TOPICS), f"max.message.bytes of the topics not found: {described}"
    largest = min(limits) - BATCH_OVERHEAD
    assert largest > MAX_EVENT_BYTES + 100, f"the broker takes no record over our {MAX_EVENT_BYTES}-byte limit"
    return MAX_EVENT_BYTES + 100, largest


def _poison(run: str, project_id: str, oversized: tuple[int, int]) -> list[Poison]:
    """1 000 records: 992 of four kinds over the four topics, and 8 oversized (two sizes, each topic)."""
    made: list[Poison] = []
    for n in range(POISON - len(TOPICS) * len(oversized)):
        topic, kind = TOPICS[n % len(TOPICS)].name, KINDS[n % len(KINDS)]
        marker = f"poison-{run}-{n:04d}"
        if kind == "not_json":
            value = b"\xff\xfe{not json " + marker.encode()
        elif kind == "not_envelope":
            value = json.dumps({"marker": marker, "type": "ParticipantEnrolled", "payload": []}).encode()
        elif kind == "wrong_payload":
            value = json.dumps(_envelope(project_id, marker, *TYPE_OF[topic])).encode()
        else:
            value = json.dumps(_envelope(project_id, marker, f"Poisoned{n}Happened", 1)).encode()
        made.append(Poison(marker.encode(), topic, kind, value))
    for n, (topic, size) in enumerate((t.name, s) for t in TOPICS for s in oversized):
        marker = f"poison-{run}-big{n}"
        head = json.dumps(_envelope(project_id, marker, *TYPE_OF[topic]))[:-1] + ', "padding": "'
        made.append(Poison(marker.encode(), topic, "oversized", (head + "x" * (size - len(head) - 2) + '"}').encode()))
    # Spread the kinds and topics over the whole run (the big ones not all at the end).
    return sorted(made, key=lambda p: uuid.uuid5(uuid.NAMESPACE_OID, p.key.decode()).hex)


def _reason_fits(poison: Poison, reason: str) -> bool:
    expected: dict[str, Callable[[str], bool]] = {
        "not_json": lambda r: r.startswith("not JSON"),
        "not_envelope": lambda r: r.startswith("envelope:"),
        "wrong_payload": lambda r: r.startswith("{} v{}:".format(*TYPE_OF[poison.topic])),
        "unknown_type": lambda r: r.startswith("unknown event type"),
        "oversized": lambda r: f"record of {len(poison.value)} bytes exceeds" in r,
    }
    return expected[poison.kind](reason)


def _support_started(participant_id: str, project_id: str) -> Envelope:
    payload = SupportStartedV1(
        participant_id=uuid.UUID(participant_id),
        activity_id=uuid.UUID(int=7),
        form="training",
        category="person_with_disability",
        sex="M",
        birth_year=1975,
        disability_degree="light",
        started_on=date(2012, 6, 12),
    )
    return Envelope.wrap(payload, producer="scheduling", organisation_id=demo_data.EUDAJMONIA, project_id=project_id)


async def _support(producer: AIOKafkaProducer, project_id: str, participant_ids: list[str]) -> None:
    """Scheduling's fact that support started, for each participant (good events enrolment applies)."""
    for pid in participant_ids:
        await producer.send_and_wait(
            SCHEDULING_ATTENDANCE.name, encode(_support_started(pid, project_id)), key=pid.encode()
        )


async def _send_poison(producer: AIOKafkaProducer, batch: list[Poison]) -> dict[TopicPartition, int]:
    """Publish ``batch``; the highest offset it reached in each partition."""
    sent = await asyncio.gather(*[await producer.send(p.topic, p.value, key=p.key) for p in batch])
    last: dict[TopicPartition, int] = {}
    for meta in sent:
        tp = TopicPartition(meta.topic, meta.partition)
        last[tp] = max(last.get(tp, -1), meta.offset)
    return last


async def _dead_letters(bootstrap: str, topic: str, run: str, expected: int) -> list[ConsumerRecord[bytes, bytes]]:
    """This run's records of a dead-letter topic, once ``expected`` are there (or after 90 s), and 1 s more."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    prefix = f"poison-{run}-".encode()
    await consumer.start()
    try:
        mine: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + 90
        settle: float | None = None
        while time.monotonic() < (settle or deadline):
            for records in (await consumer.getmany(timeout_ms=300)).values():
                mine += [r for r in records if (r.key or b"").startswith(prefix)]
            if settle is None and len(mine) >= expected:
                settle = time.monotonic() + 1.0
        return mine
    finally:
        await consumer.stop()


def _source(record: ConsumerRecord[bytes, bytes]) -> tuple[str, str, str]:
    """Where a dead letter came from: source topic, partition and offset."""
    headers = {name: value.decode() for name, value in record.headers}
    return headers["source_topic"], headers["source_partition"], headers["source_offset"]


async def _committed(bootstrap: str, group: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp: meta.offset for tp, meta in offsets.items()}


async def _behind(bootstrap: str, group: str, last: dict[TopicPartition, int]) -> dict[str, tuple[int, int]]:
    """The partitions where ``group`` has not committed past ``last`` within 30 s (committed, last)."""
    deadline = time.monotonic() + 30
    while True:
        committed = await _committed(bootstrap, group)
        behind = {str(tp): (committed.get(tp, -1), o) for tp, o in last.items() if committed.get(tp, -1) <= o}
        if not behind or time.monotonic() > deadline:
            return behind
        await asyncio.sleep(0.5)


def _status(system: RunningSystem, participant_id: str) -> str:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        return str(leader.get(f"/participants/{participant_id}").json()["status"])


async def test_a_thousand_poison_records_are_all_dead_lettered_with_their_reason_and_stop_no_consumer(
    system: RunningSystem, project_id: str
) -> None:
    bootstrap = system.infra.kafka_bootstrap_servers
    # On a stack shared with other test runs, their services join the same consumer groups, and a
    # rebalance delivers a record again (at least once): there a poison record may be dead-lettered
    # twice, from the same source offset. On the tests' own stack, exactly once.
    own_stack = system.infra.source != "environment"
    run = uuid.uuid4().hex[:12]
    poison = _poison(run, project_id, await _oversized(bootstrap))
    bodies = people("on", ROUNDS * 2 + 1, seed=int(run[:4], 16) % 90 + 10)
    chunk = POISON // ROUNDS
    enrolled: list[str] = []
    last_poison: dict[TopicPartition, int] = {}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=4 * 1024 * 1024, linger_ms=5)
    await producer.start()
    try:
        for round_ in range(ROUNDS):
            # Good events between poison: two enrolments (enrolment.projects had the project's own),
            # and support for the round before's people on scheduling's attendance topic.
            for tp, offset in (await _send_poison(producer, poison[round_ * chunk : (round_ + 1) * chunk])).items():
                last_poison[tp] = max(last_poison.get(tp, -1), offset)
            await _support(producer, project_id, enrolled[-2:])
            enrolled += enrol(system, project_id, bodies[round_ * 2 : round_ * 2 + 2])
        # After the last poison, good events each consumer must still apply.
        enrolled += enrol(system, project_id, bodies[-1:])
        await _support(producer, project_id, enrolled[-3:])
    finally:
        await producer.stop()

    # Every good event applied, by every consumer, also those sent after the last poison.
    assert known_to_scheduling(system, project_id, enrolled), "scheduling did not learn every enrolment"
    assert eventually(lambda: participant_count(system, project_id) == len(enrolled), timeout=60), (
        f"reporting counts {participant_count(system, project_id)} of {len(enrolled)} enrolled"
    )
    assert eventually(lambda: all(_status(system, pid) == "active" for pid in enrolled), timeout=60), Counter(
        _status(system, pid) for pid in enrolled
    )

    # Every poison record in the dead-letter topic of every consumer of its topic, once, with its reason.
    by_key = {p.key: p for p in poison}
    for service, topics in CONSUMERS.items():
        wanted = {p.key for p in poison if p.topic in {t.name for t in topics}}
        letters = await _dead_letters(bootstrap, dead_letter(service).name, run, len(wanted))
        keys = Counter(r.key for r in letters)
        assert set(keys) == wanted, f"{service}: {len(wanted - set(keys))} of {len(wanted)} poison records lost"
        sources = Counter(_source(r) for r in letters)
        assert len(sources) == len(wanted), f"{service}: {len(sources)} source records for {len(wanted)} poison"
        if own_stack:
            twice = [source for source, n in sources.items() if n > 1]
            assert len(letters) == len(wanted), f"{service}: dead-lettered twice: {twice[:5]}"
        for letter in letters:
            assert letter.key is not None
            sent = by_key[letter.key]
            headers = {name: value.decode() for name, value in letter.headers}
            assert headers["dlq_consumer"] == service
            assert headers["source_topic"] == sent.topic
            assert _reason_fits(sent, headers["dlq_reason"]), (sent.kind, headers["dlq_reason"])
            if sent.kind == "oversized":  # only its head, and how long it was
                assert headers["dlq_truncated_from"] == str(len(sent.value))
                assert letter.value == sent.value[:DEAD_LETTER_HEAD_BYTES]
            else:
                assert letter.value == sent.value, f"{service}: {sent.kind} {letter.key!r} not kept as sent"

    # No consumer is stuck on a partition: each group commits past the last poison record there.
    for service, topics in CONSUMERS.items():
        names = {t.name for t in topics}
        behind = await _behind(bootstrap, service, {tp: o for tp, o in last_poison.items() if tp.topic in names})
        assert behind == {}, f"{service} has not committed past the poison in (committed, last poison) {behind}"

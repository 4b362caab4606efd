"""Reading what really landed in a Kafka topic, for assertions."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


def envelope_of(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any] | None:
    """The record's envelope as JSON, or None if it is no event at all.

    Topics of the shared test broker also hold the poison records of the dead-letter tests (not JSON,
    no envelope, oversized): a test that reads a whole topic looks at the events only.
    """
    try:
        value = json.loads(record.value or b"")
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("payload"), dict) or "project_id" not in value:
        return None
    return value


def events_of(records: Iterable[ConsumerRecord[bytes, bytes]], project_id: str) -> list[dict[str, Any]]:
    """The envelopes of ``project_id`` among ``records``, in their order."""
    return [e for r in records if (e := envelope_of(r)) is not None and e["project_id"] == project_id]


async def _at(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    """Whether the consumer's position has reached ``ends`` on every partition."""
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return False
    return True


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int, timeout: float = 30.0, settle_ms: int = 500
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of ``topic`` from the beginning up to its end, once at least ``at_least`` are there.

    It reads on until every partition's end offset (taken once ``at_least`` records are in), however
    long the topic (the dead-letter tests leave large records on the session's topics), and then for
    ``settle_ms`` more so that duplicates would be seen. At ``timeout`` it returns what it has.
    """
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-reader-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + timeout

        async def read(timeout_ms: int = 200) -> None:
            for part in (await consumer.getmany(timeout_ms=timeout_ms)).values():
                records.extend(part)

        while time.monotonic() < deadline and (len(records) < at_least or not consumer.assignment()):
            await read()
        if consumer.assignment():
            ends = await consumer.end_offsets(list(consumer.assignment()))
            while time.monotonic() < deadline and not await _at(consumer, ends):
                await read()
        await read(settle_ms)
        return records
    finally:
        await consumer.stop()

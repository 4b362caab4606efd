"""Kafka at the end of a fault run: read whole topics, re-publish a range of them (duplicate delivery),
wait until a consumer group has caught up."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.value or b"{}"))


async def _partitions(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    found = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    missing = sorted(set(topics) - {tp.topic for tp in found})
    if missing:
        raise LookupError(f"no such topics: {missing}")
    return sorted(found)


async def read_topics(bootstrap: str, topics: list[str], *, timeout: float = 120.0) -> list[Record]:
    """Every record of ``topics`` from offset 0 to the end offsets taken when called."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    records: list[Record] = []
    try:
        partitions = await _partitions(bootstrap, topics)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        left = {tp for tp in partitions if ends[tp] > 0}
        deadline = time.monotonic() + timeout
        while left:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the end of {sorted(map(str, left))} not reached in {timeout} s")
            for tp, batch in (await consumer.getmany(*left, timeout_ms=500, max_records=5000)).items():
                records += [
                    Record(tp.topic, tp.partition, r.offset, r.key, r.value, tuple(r.headers))
                    for r in batch
                    if r.offset < ends[tp]
                ]
            left = {tp for tp in left if await consumer.position(tp) < ends[tp]}
    finally:
        await consumer.stop()
    return records


async def republish(bootstrap: str, records: list[Record]) -> int:
    """Send ``records`` again to their topic and partition, with their key, value and headers."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        sent = [
            await producer.send(r.topic, r.value, key=r.key, partition=r.partition, headers=list(r.headers))
            for r in records
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    return len(records)


def first_half(records: list[Record]) -> list[Record]:
    """A range of offsets of every partition: its first half, as a redelivery after a lost commit would."""
    ends: dict[tuple[str, int], int] = {}
    for r in records:
        ends[(r.topic, r.partition)] = max(ends.get((r.topic, r.partition), 0), r.offset + 1)
    return [r for r in records if r.offset < ends[(r.topic, r.partition)] // 2]


async def wait_caught_up(bootstrap: str, group: str, topics: list[str], *, timeout: float = 180.0) -> float:
    """Seconds until ``group`` has committed the end offset of every partition of ``topics``."""
    started = time.monotonic()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await consumer.start()
    await admin.start()
    try:
        partitions = await _partitions(bootstrap, topics)
        ends = await consumer.end_offsets(partitions)
        while True:
            committed = await admin.list_consumer_group_offsets(group)
            behind = [tp for tp in partitions if ends[tp] > (committed[tp].offset if tp in committed else 0)]
            if not behind:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"consumer group {group} still behind on {sorted(map(str, behind))[:5]}")
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
        await consumer.stop()

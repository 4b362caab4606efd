"""Reading what really landed in a Kafka topic, for assertions."""

from __future__ import annotations

import time
import uuid

from aiokafka import AIOKafkaConsumer, ConsumerRecord


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int, timeout: float = 20.0, settle_ms: int = 500
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of ``topic`` from the beginning, once at least ``at_least`` are there (or timeout).

    After the expected count it keeps reading for ``settle_ms`` so that duplicates would be seen.
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
        while time.monotonic() < deadline and len(records) < at_least:
            for part in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(part)
        for part in (await consumer.getmany(timeout_ms=settle_ms)).values():
            records.extend(part)
        return records
    finally:
        await consumer.stop()

"""Replay: rebuild the reporting view from the topics, from the beginning, while the service runs.

1. A fresh generation of the view (``view<N+1>_*``) is filled from offset 0 up to the end offsets
   taken at the start (T0), with the same projection code the live consumer uses.
2. The fresh generation becomes the active one; running instances read the active generation on
   every batch and every report, so from now on they write into and read from it.
3. The replay reads on from T0 to the end offsets taken *after* the switch (T1): events that the
   running consumers applied to the old generation before they saw the switch are applied to the new
   one too. Applying an event twice changes nothing (the projection is idempotent), so nothing is
   counted twice and nothing is lost.
4. The old generation is dropped after a short grace period (a batch in flight may still write to it).

Definitions, manual entries and announcements are reporting's own data, not part of the view: a
replay leaves them alone (and announces nothing when the numbers come out the same).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from aktywni_shared.contracts.registry import ContractViolation, DecodedEvent, decode
from aktywni_shared.contracts.topics import Topic
from aktywni_shared.messaging.security import NO_SECURITY, KafkaClientSecurity
from reporting.events.projection import Projector
from reporting.store.view import Generation, View

log = logging.getLogger(__name__)

BATCH = 1000
GRACE_SECONDS = 5.0

Progress = Callable[[int, int], None]


@dataclass
class ReplayResult:
    generation: int
    previous_generation: int
    events: int
    skipped: int  # records that are not valid events (they sit in the dead-letter topic already)
    seconds: float


async def _fill(
    consumer: AIOKafkaConsumer,
    until: dict[TopicPartition, int],
    begin: dict[TopicPartition, int],
    projector: Projector,
    generation: Generation,
    progress: Progress,
    done: list[int],
) -> None:
    """Apply every record up to the ``until`` offsets; ``done`` = [events, skipped] so far."""
    total = sum(end - begin[tp] for tp, end in until.items())
    while True:
        remaining = [tp for tp, end in until.items() if await consumer.position(tp) < end]
        if not remaining:
            return
        batches = await consumer.getmany(*remaining, timeout_ms=500, max_records=BATCH)
        events: list[DecodedEvent] = []
        for tp, records in batches.items():
            for record in records:
                if record.offset >= until[tp]:
                    continue
                try:
                    events.append(decode(record.value))
                except ContractViolation:
                    done[1] += 1
        await projector.apply(events, generation)
        done[0] += len(events)
        progress(min(done[0] + done[1], total), total)


async def replay(
    db_view: View,
    bootstrap_servers: str,
    topics: list[Topic],
    progress: Progress,
    grace: float = GRACE_SECONDS,
    security: KafkaClientSecurity = NO_SECURITY,
) -> ReplayResult:
    loop = asyncio.get_running_loop()
    started = loop.time()
    previous = await db_view.active_number()
    number = max(await db_view.generations()) + 1
    generation = db_view.generation(number)
    await generation.drop()  # leftovers of an interrupted replay
    projector = Projector(db_view)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None, **security.aiokafka()
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(t.name, p) for t in topics for p in range(t.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        begin = await consumer.beginning_offsets(partitions)
        done = [0, 0]
        first = await consumer.end_offsets(partitions)
        await _fill(consumer, first, begin, projector, generation, progress, done)
        await db_view.activate(number)
        second = await consumer.end_offsets(partitions)
        await _fill(consumer, second, begin, projector, generation, progress, done)
    finally:
        await consumer.stop()
    await asyncio.sleep(grace)
    if previous != number:
        await db_view.generation(previous).drop()
    return ReplayResult(number, previous, done[0], done[1], round(loop.time() - started, 2))

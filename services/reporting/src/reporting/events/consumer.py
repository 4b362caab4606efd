"""Reporting's event consumer: batches of records, decoded, projected, committed after the effect.

A record that is not a valid event (not JSON, an unknown type or a newer version than this service
knows, a broken contract) goes to ``deadletter.reporting`` with the reason, the source topic,
partition and offset in its headers, like every consumer of the system; the batch goes on. If the
projection fails (the database is down) the whole batch is delivered again after a pause: applying
it twice changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from aktywni_shared import metrics, tracing
from aktywni_shared.contracts.registry import ContractViolation, DecodedEvent, decode
from aktywni_shared.contracts.topics import (
    ENROLMENT_PARTICIPANTS,
    ENROLMENT_PROJECTS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
    Topic,
    dead_letter,
)
from aktywni_shared.messaging.consumer import publish_dead_letter
from aktywni_shared.tracing import BatchTrace
from reporting.events.projection import Projector

log = logging.getLogger(__name__)

RETRY_PAUSE_SECONDS = 1.0
#: Bytes fetched ahead per partition (aiokafka's default is 1 MiB): with 21 source partitions the
#: default held about 21 MiB of records ahead during a catch-up; a quarter of it still fetches more
#: records per round trip than a batch takes (the broker sends at least one record batch regardless).
FETCH_BYTES_PER_PARTITION = 256 * 1024
#: The topics the view is built from (a replay reads the same ones).
SOURCE_TOPICS: list[Topic] = [ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE]


async def _undecoded(_: StreamMessage[tuple[ConsumerRecord[bytes, bytes], ...]]) -> None:
    """FastStream's own decoder would parse every record's JSON into a body nobody reads (6% of the
    consumer's time in a profile of a catch-up): the handler decodes the raw records itself."""
    return None


class BatchConsumer:
    def __init__(
        self,
        service: str,
        broker: KafkaBroker,
        projector: Projector,
        on_applied: Callable[[set[str]], Awaitable[None]] | None = None,
    ) -> None:
        self.service = service
        self.broker = broker
        self.projector = projector
        self.on_applied = on_applied
        self.dead_letter_topic = dead_letter(service)
        self.applied = 0
        self.dead_lettered = 0
        self.metrics = metrics.of(broker)

    def subscribe(
        self, topics: list[Topic], group_id: str, max_records: int = 500, instance_id: str | None = None
    ) -> None:
        @self.broker.subscriber(
            *(t.name for t in topics),
            group_id=group_id,
            group_instance_id=instance_id,
            batch=True,
            max_records=max_records,
            batch_timeout_ms=100,
            max_partition_fetch_bytes=FETCH_BYTES_PER_PARTITION,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_undecoded,
            title=f"{self.service}:events",
            description=f"Every event {self.service} counts indicators from (in batches); records it cannot accept "
            f"go to {self.dead_letter_topic.name}.",
        )
        async def consume(message: KafkaMessage) -> None:
            raw = message.raw_message  # a tuple of records from aiokafka (a list from FastStream's test broker)
            records = list(raw) if isinstance(raw, tuple | list) else [raw]
            with tracing.consuming_batch(records, self.service) as batch:  # a span in each record's trace
                await self.handle(records, batch)

    async def handle(self, records: list[ConsumerRecord[bytes, bytes]], batch: BatchTrace | None = None) -> None:
        batch = batch or BatchTrace([])
        events: list[DecodedEvent] = []
        rejected: list[tuple[ConsumerRecord[bytes, bytes], str]] = []
        for record in records:
            try:
                events.append(decode(record.value))
            except ContractViolation as violation:
                rejected.append((record, violation.reason))
        try:
            with batch.step("reporting view write"):
                touched = await self.projector.apply(events)
        except Exception:
            for record in records:
                self.metrics.redelivery(record.topic)
            log.warning("projection failed; the batch will be delivered again", exc_info=True)
            await asyncio.sleep(RETRY_PAUSE_SECONDS)
            raise
        # Dead letters go out after the batch's effect, so that a batch delivered again sends none twice.
        for record, reason in rejected:
            await self.send_to_dead_letter(record, reason)
        self.applied += len(events)
        refused = {id(record) for record, _ in rejected}
        for record in records:
            if id(record) not in refused:  # the dead letters are counted as they are sent
                self.metrics.consumed(record.topic, record.partition, record.timestamp)
        if self.on_applied is not None and touched:
            with batch.step("dashboard update"):
                await self.on_applied(touched)

    async def send_to_dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str) -> None:
        await publish_dead_letter(self.broker, self.service, self.dead_letter_topic, record, reason)
        self.dead_lettered += 1

"""Event consumption for a service: decode, route by type, dead-letter what cannot be accepted.

Offsets are committed after the handler succeeded (at-least-once); a handler that fails for a
passing reason (database down) makes the record be delivered again after a pause. A record that
is not a valid event, or that a handler rejects for good, goes to the service's dead-letter topic
with the reason in its headers, and consumption goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from aktywni_shared import metrics, tracing
from aktywni_shared.contracts.registry import MAX_EVENT_BYTES, ContractViolation, DecodedEvent, decode
from aktywni_shared.contracts.topics import Topic, dead_letter

log = logging.getLogger(__name__)

Handler = Callable[[DecodedEvent], Awaitable[None]]

RETRY_PAUSE_SECONDS = 1.0
#: How much of a record over the event limit its dead letter keeps: the whole of it could exceed what
#: the producer or the broker takes, and a record that cannot be dead-lettered would stop the consumer.
DEAD_LETTER_HEAD_BYTES = 65_536


class RejectedEvent(Exception):
    """Raised by a handler for an event it will never be able to apply (sent to the dead-letter topic)."""


class EventConsumer:
    def __init__(self, service: str, broker: KafkaBroker, handlers: Mapping[str, Handler]) -> None:
        self.service = service
        self.broker = broker
        self.handlers = dict(handlers)
        self.dead_letter_topic = dead_letter(service)
        self.applied = 0
        self.dead_lettered = 0
        self.metrics = metrics.of(broker)

    def subscribe(self, topics: list[Topic], group_id: str, instance_id: str | None = None) -> None:
        """Register one subscriber for ``topics`` in consumer group ``group_id`` (as ``instance_id``, if static)."""

        @self.broker.subscriber(
            *(t.name for t in topics),
            group_id=group_id,
            group_instance_id=instance_id,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{self.service}:events",
            description=f"Every event {self.service} learns from; records it cannot accept go to "
            f"{self.dead_letter_topic.name}.",
        )
        async def consume(message: KafkaMessage) -> None:
            with tracing.consuming(message.raw_message, self.service):  # continues the record's trace
                await self.handle(message.raw_message)

    async def handle(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            event = decode(record.value)
        except ContractViolation as violation:
            await self.send_to_dead_letter(record, violation.reason)
            return
        handler = self.handlers.get(event.envelope.type)
        if handler is None:
            self.metrics.consumed(record.topic, record.partition, record.timestamp)
            return  # a valid event this service has no use for
        try:
            await handler(event)
        except RejectedEvent as rejection:
            await self.send_to_dead_letter(record, f"{event.envelope.type}: {rejection}")
            return
        except Exception:
            self.metrics.redelivery(record.topic)
            log.warning(
                "handler failed; the record will be delivered again",
                extra={"topic": record.topic, "partition": record.partition, "offset": record.offset},
                exc_info=True,
            )
            await asyncio.sleep(RETRY_PAUSE_SECONDS)
            raise
        self.applied += 1
        self.metrics.consumed(record.topic, record.partition, record.timestamp)

    async def send_to_dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str) -> None:
        await publish_dead_letter(self.broker, self.service, self.dead_letter_topic, record, reason)
        self.dead_lettered += 1


async def publish_dead_letter(
    broker: KafkaBroker, service: str, topic: Topic, record: ConsumerRecord[bytes, bytes], reason: str
) -> None:
    """Send ``record``'s original bytes to ``topic`` with the reason and where it came from in its headers.

    A record over the event limit keeps only its first ``DEAD_LETTER_HEAD_BYTES`` bytes, and the
    ``dlq_truncated_from`` header says how long it was.
    """
    value = record.value or b""
    headers = {
        "dlq_reason": reason[:1000],
        "dlq_consumer": service,
        "source_topic": record.topic,
        "source_partition": str(record.partition),
        "source_offset": str(record.offset),
        **tracing.outbox_context(),  # the trace of the consumer that refused it, when traces are on
    }
    if len(value) > MAX_EVENT_BYTES:
        headers["dlq_truncated_from"] = str(len(value))
        value = value[:DEAD_LETTER_HEAD_BYTES]
    await broker.publish(value, topic.name, key=record.key, headers=headers)
    metrics.of(broker).dead_letter(record.topic)
    metrics.of(broker).consumed(record.topic, record.partition, getattr(record, "timestamp", None), applied=False)
    log.warning("record sent to the dead-letter topic", extra={**headers, "dlq_topic": topic.name})

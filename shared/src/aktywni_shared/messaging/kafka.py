"""The Kafka broker of a service, and creation of the topics it needs."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from aktywni_shared.contracts.topics import Topic

log = logging.getLogger(__name__)


def make_broker(bootstrap_servers: str, client_id: str) -> KafkaBroker:
    """An idempotent producer (acks=all): a retried send never writes a record twice."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        request_timeout_ms=10_000,
        linger_ms=2,
        logger=logging.getLogger(f"{client_id}.kafka"),
    )


async def ensure_topics(bootstrap_servers: str, topics: Iterable[Topic]) -> None:
    """Create the topics that do not exist yet, with their partition counts (replication 1 here)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if not missing:
            return
        try:
            await admin.create_topics(
                [NewTopic(t.name, num_partitions=t.partitions, replication_factor=1) for t in missing]
            )
        except TopicAlreadyExistsError:
            log.info("topics created concurrently by another instance")
    finally:
        await admin.close()

"""The Kafka broker of a service, and creation of the topics it needs."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, TopicAuthorizationFailedError, for_code
from faststream.kafka import KafkaBroker

from aktywni_shared.contracts.topics import Topic
from aktywni_shared.messaging.security import NO_SECURITY, KafkaClientSecurity

log = logging.getLogger(__name__)


def make_broker(bootstrap_servers: str, client_id: str, security: KafkaClientSecurity = NO_SECURITY) -> KafkaBroker:
    """An idempotent producer (acks=all): a retried send never writes a record twice."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        request_timeout_ms=10_000,
        linger_ms=2,
        security=security.faststream(),
        logger=logging.getLogger(f"{client_id}.kafka"),
    )


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[Topic], security: KafkaClientSecurity = NO_SECURITY
) -> None:
    """Create the topics that do not exist yet, with their partition counts (replication 1 here).

    With ACLs a service sees only the topics it may use and may create only its own: the others
    are the deployment's to create (docs/security.md), so a refusal for them is logged, not raised.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000, **security.aiokafka())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if not missing:
            return
        response = await admin.create_topics(
            [NewTopic(t.name, num_partitions=t.partitions, replication_factor=1) for t in missing]
        )
        _check_created(response.topic_errors)
    finally:
        await admin.close()


def _check_created(topic_errors: Iterable[tuple[Any, ...]]) -> None:
    """Raise the first real error of a CreateTopics answer; 'exists' and 'not authorised' are not."""
    refused: list[str] = []
    for entry in topic_errors:
        name, code = str(entry[0]), int(entry[1])
        if code == 0:
            continue
        error = for_code(code)
        if error is TopicAlreadyExistsError:
            log.info("topic created concurrently by another instance", extra={"topic": name})
        elif error is TopicAuthorizationFailedError:
            refused.append(name)
        else:
            raise error(f"creating topic {name} failed")
    if refused:
        log.info("topics not ours to create; the deployment creates them", extra={"topics": refused})

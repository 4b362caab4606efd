"""SASL/SCRAM over TLS with the ACL plan, on a real broker of its own: each service only its own topics.

The broker (embedded Kafka, secured as in production) gets the services' SCRAM users when its
storage is formatted, then every topic and ACL of ``aktywni_shared.contracts.access``. The clients
are ours: the FastStream broker and the aiokafka clients built from a service's settings.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    NoError,
    TopicAuthorizationFailedError,
    for_code,
)
from faststream.kafka import KafkaBroker

from aktywni_shared.contracts.topics import (
    ALL,
    ENROLMENT_PARTICIPANTS,
    REPORTING_INDICATORS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
    dead_letter,
)
from aktywni_shared.messaging.kafka import ensure_topics, make_broker
from aktywni_shared.messaging.security import KafkaClientSecurity
from aktywni_shared.settings import ServiceSettings
from tests.support.secure_kafka import SecureKafka, start_secure_kafka

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureKafka]:
    kafka = start_secure_kafka(tmp_path_factory.mktemp("secure-kafka"))
    try:
        yield kafka
    finally:
        kafka.stop()


def settings_of(secure: SecureKafka, service: str, password: str | None = None) -> ServiceSettings:
    """A service's settings as its environment would give them in production."""
    return ServiceSettings.model_validate(
        {
            "KAFKA_BOOTSTRAP_SERVERS": secure.client_bootstrap,
            "AKTYWNI_JWT_SECRET": "s" * 48,
            "AKTYWNI_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "AKTYWNI_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "AKTYWNI_KAFKA_USERNAME": service,
            "AKTYWNI_KAFKA_PASSWORD": secure.passwords[service] if password is None else password,
            "AKTYWNI_KAFKA_CA_FILE": str(secure.ca),
        }
    )


def consumer(secure: SecureKafka, security: KafkaClientSecurity, group: str | None) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        bootstrap_servers=secure.client_bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        request_timeout_ms=10_000,
        **security.aiokafka(),
    )


async def started(broker: KafkaBroker) -> KafkaBroker:
    await asyncio.wait_for(broker.start(), 20)
    return broker


async def test_enrolment_writes_its_topics_and_reads_what_it_subscribes_to(secure: SecureKafka) -> None:
    enrolment = settings_of(secure, "enrolment").kafka_security()
    scheduling = settings_of(secure, "scheduling").kafka_security()
    marker = uuid.uuid4().hex
    # Its start-up topic check passes: its own topics exist, the others are not its to create.
    await ensure_topics(secure.client_bootstrap, [*ALL, dead_letter("enrolment")], enrolment)
    # Scheduling publishes attendance; enrolment consumes it in a group of its own prefix.
    received: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    enrolment_broker = make_broker(secure.client_bootstrap, "enrolment", enrolment)

    @enrolment_broker.subscriber(
        SCHEDULING_ATTENDANCE.name, group_id=f"enrolment-{marker}", auto_offset_reset="earliest"
    )
    async def attendance(body: bytes) -> None:
        if marker.encode() in body and not received.done():
            received.set_result(body)

    scheduling_broker = await started(make_broker(secure.client_bootstrap, "scheduling", scheduling))
    await started(enrolment_broker)
    try:
        await scheduling_broker.publish(f"attendance {marker}".encode(), SCHEDULING_ATTENDANCE.name, key=b"p1")
        assert await asyncio.wait_for(received, 30) == f"attendance {marker}".encode()
        # Enrolment publishes to its own topics (events and dead letters) ...
        await enrolment_broker.publish(f"enrolled {marker}".encode(), ENROLMENT_PARTICIPANTS.name, key=b"p1")
        await enrolment_broker.publish(f"rejected {marker}".encode(), dead_letter("enrolment").name, key=b"p1")
    finally:
        await enrolment_broker.stop()
        await scheduling_broker.stop()
    # ... and scheduling, which subscribes to it, reads the event back (through aiokafka's own client).
    reader = consumer(secure, scheduling, None)
    await reader.start()
    try:
        partitions = [TopicPartition(ENROLMENT_PARTICIPANTS.name, p) for p in range(ENROLMENT_PARTICIPANTS.partitions)]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        values: list[bytes] = []
        async with asyncio.timeout(30):
            while f"enrolled {marker}".encode() not in values:
                batches = await reader.getmany(timeout_ms=500)
                values += [r.value for records in batches.values() for r in records if r.value is not None]
    finally:
        await reader.stop()


async def test_enrolment_may_not_write_a_scheduling_topic(secure: SecureKafka) -> None:
    broker = await started(make_broker(secure.client_bootstrap, "enrolment", secure.security("enrolment")))
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await asyncio.wait_for(broker.publish(b"forged session", SCHEDULING_SESSIONS.name), 20)
    finally:
        await broker.stop()


async def test_enrolment_may_not_read_a_topic_outside_its_plan(
    secure: SecureKafka, caplog: pytest.LogCaptureFixture
) -> None:
    enrolment = secure.security("enrolment")
    admin = AIOKafkaAdminClient(
        bootstrap_servers=secure.client_bootstrap, request_timeout_ms=10_000, **enrolment.aiokafka()
    )
    await admin.start()
    try:
        answers = await admin.describe_topics([SCHEDULING_ATTENDANCE.name, REPORTING_INDICATORS.name])
    finally:
        await admin.close()
    # A consumer in its own group, subscribed to the topic anyway, is refused it (aiokafka logs, not raises).
    reader = consumer(secure, enrolment, f"enrolment-{uuid.uuid4().hex}")
    await reader.start()
    try:
        reader.subscribe([REPORTING_INDICATORS.name])
        with caplog.at_level(logging.ERROR, logger="aiokafka"):
            records = await reader.getmany(timeout_ms=2000)
    finally:
        await reader.stop()

    errors = {t["topic"]: for_code(t["error_code"]) for t in answers}
    assert errors[SCHEDULING_ATTENDANCE.name] is NoError  # what it subscribes to
    assert errors[REPORTING_INDICATORS.name] is TopicAuthorizationFailedError  # not in its plan
    assert records == {}
    assert f"Topic {REPORTING_INDICATORS.name} is not authorized for this client" in caplog.text


async def test_enrolment_may_not_join_another_services_consumer_group(secure: SecureKafka) -> None:
    reader = consumer(secure, secure.security("enrolment"), "scheduling")
    await reader.start()
    try:
        reader.subscribe([SCHEDULING_ATTENDANCE.name])
        with pytest.raises(GroupAuthorizationFailedError):
            await asyncio.wait_for(reader.getone(), 20)
    finally:
        await reader.stop()


async def test_a_wrong_password_does_not_authenticate(secure: SecureKafka, caplog: pytest.LogCaptureFixture) -> None:
    security = settings_of(secure, "enrolment", password="not-the-password").kafka_security()
    admin = AIOKafkaAdminClient(
        bootstrap_servers=secure.client_bootstrap, request_timeout_ms=5000, **security.aiokafka()
    )

    with caplog.at_level(logging.ERROR, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(admin.start(), 20)
    await admin.close()

    assert any("SaslAuthenticationFailed" in r.getMessage() for r in caplog.records), caplog.text


async def test_a_plaintext_client_cannot_connect(secure: SecureKafka, caplog: pytest.LogCaptureFixture) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=secure.client_bootstrap, request_timeout_ms=3000)

    with caplog.at_level(logging.ERROR, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(admin.start(), 20)
    await admin.close()

    # The TLS listener drops the plaintext bytes before any authentication takes place.
    assert any("closed" in r.getMessage() for r in caplog.records), caplog.text
    assert not any("Sasl" in r.getMessage() for r in caplog.records), caplog.text

"""An embedded Kafka broker secured as in production, and the ACL plan applied to it.

Listeners as in deploy/compose/production.yml: ``CLIENT`` (SASL_SSL, SCRAM-SHA-512) for the
services, ``BROKER`` and ``CONTROLLER`` (TLS with client certificates) for the broker itself and
the operators' ``admin``. The services' SCRAM users are created when the storage is formatted.
"""

from __future__ import annotations

import asyncio
import secrets
import ssl
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code
from aiokafka.protocol.admin import CreateAclsRequest

from aktywni_shared.contracts.access import ADMIN_PRINCIPAL, PLAN, Acl, all_acls, deployment_topics
from aktywni_shared.messaging.security import KafkaClientSecurity
from aktywni_stack.kafka import EmbeddedKafka
from aktywni_stack.ports import free_port
from aktywni_stack.readiness import kafka_ready
from tests.support.certificates import CertificateAuthority, Identity

BROKER_PRINCIPAL = "kafka-broker"
MECHANISM = "SCRAM-SHA-512"

# Kafka's protocol codes (org.apache.kafka.common.acl / resource).
RESOURCE_TYPES = {"TOPIC": 2, "GROUP": 3}
PATTERN_TYPES = {"LITERAL": 3, "PREFIXED": 4}
OPERATIONS = {"READ": 3, "WRITE": 4, "CREATE": 5, "DESCRIBE": 8}
ALLOW = 3

T = TypeVar("T")


def broker_properties(
    client_port: int, broker_port: int, controller_port: int, broker: Identity, ca: Path
) -> dict[str, str]:
    listeners = (
        f"CLIENT://127.0.0.1:{client_port},BROKER://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}"
    )
    return {
        "listeners": listeners,
        "advertised.listeners": listeners,
        "listener.security.protocol.map": "CLIENT:SASL_SSL,BROKER:SSL,CONTROLLER:SSL",
        "inter.broker.listener.name": "BROKER",
        "controller.listener.names": "CONTROLLER",
        "sasl.enabled.mechanisms": MECHANISM,
        "listener.name.client.scram-sha-512.sasl.jaas.config": (
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        ),
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(broker.pem),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(ca),
        "ssl.client.auth": "required",
        "listener.name.client.ssl.client.auth": "none",
        "ssl.principal.mapping.rules": "RULE:^CN=([a-zA-Z0-9._-]+)$/$1/,DEFAULT",
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": f"User:{ADMIN_PRINCIPAL};User:{BROKER_PRINCIPAL}",
    }


@dataclass
class SecureKafka:
    kafka: EmbeddedKafka
    client_bootstrap: str  # SASL_SSL, for the services
    admin_bootstrap: str  # TLS with the admin's certificate
    ca: Path
    admin: Identity
    passwords: dict[str, str]

    def security(self, user: str, password: str | None = None) -> KafkaClientSecurity:
        """What a service with these credentials would build from its settings."""
        return KafkaClientSecurity.checked(
            "SASL_SSL", MECHANISM, user, self.passwords[user] if password is None else password, str(self.ca)
        )

    def admin_ssl(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.ca))
        context.load_cert_chain(str(self.admin.certificate), str(self.admin.key))
        return context

    def admin_client(self) -> AIOKafkaAdminClient:
        return AIOKafkaAdminClient(
            bootstrap_servers=self.admin_bootstrap,
            security_protocol="SSL",
            ssl_context=self.admin_ssl(),
            request_timeout_ms=5000,
        )

    def stop(self) -> None:
        self.kafka.stop()


def start_secure_kafka(state_dir: Path) -> SecureKafka:
    """Certificates, SCRAM users for every service of the plan, the broker, then topics and ACLs."""
    ca = CertificateAuthority(state_dir)
    broker = ca.issue(BROKER_PRINCIPAL, hosts=("localhost",), ips=("127.0.0.1",))
    admin = ca.issue(ADMIN_PRINCIPAL)
    client_port, broker_port, controller_port = free_port(), free_port(), free_port()
    passwords = {service: secrets.token_urlsafe(18) for service in PLAN}
    scram = [
        arg for user, pw in passwords.items() for arg in ("--add-scram", f"{MECHANISM}=[name={user},password={pw}]")
    ]
    secure = SecureKafka(
        kafka=EmbeddedKafka(
            state_dir,
            client_port,
            controller_port,
            overrides=broker_properties(client_port, broker_port, controller_port, broker, ca.pem),
            format_args=scram,
        ),
        client_bootstrap=f"127.0.0.1:{client_port}",
        admin_bootstrap=f"127.0.0.1:{broker_port}",
        ca=ca.pem,
        admin=admin,
        passwords=passwords,
    )
    secure.kafka.ready = lambda: _admin_ready(secure)
    try:
        secure.kafka.start(bound_to_parent=True, timeout=120.0)
        _run(_apply_plan(secure))
        for service in PLAN:
            _run(_until_acls_apply(secure, service))
    except BaseException:
        secure.stop()
        raise
    return secure


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a thread with its own event loop: callable from sync and from async code alike."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _admin_ready(secure: SecureKafka) -> bool:
    return kafka_ready(secure.admin_bootstrap, admin=secure.admin_client)


async def _apply_plan(secure: SecureKafka) -> None:
    """What the deployment's init job does: every topic of the plan, then every ACL of the plan."""
    admin = secure.admin_client()
    await admin.start()
    try:
        created = await admin.create_topics(
            [NewTopic(t.name, num_partitions=t.partitions, replication_factor=1) for t in deployment_topics()]
        )
        for topic, code, *_ in created.topic_errors:
            if code:
                raise for_code(code)(f"creating {topic}")
        response = await admin._send_request(CreateAcls(all_acls()))
        for acl, (code, message) in zip(all_acls(), response.creation_responses, strict=True):
            if code:
                raise for_code(code)(f"{acl}: {message}")
    finally:
        await admin.close()


async def _until_acls_apply(secure: SecureKafka, service: str, timeout: float = 30.0) -> None:
    """Wait until the broker's authoriser lets ``service`` see its topics (ACLs reach it asynchronously)."""
    names = [t.name for t in PLAN[service].writes]
    admin = AIOKafkaAdminClient(
        bootstrap_servers=secure.client_bootstrap, request_timeout_ms=5000, **secure.security(service).aiokafka()
    )
    await admin.start()
    try:
        async with asyncio.timeout(timeout):
            while any(t["error_code"] for t in await admin.describe_topics(names)):
                await asyncio.sleep(0.2)
    finally:
        await admin.close()


class CreateAcls(CreateAclsRequest):  # type: ignore[misc]  # aiokafka has no type hints
    """One CreateAcls request (v1, the oldest Kafka 4 accepts) for many ALLOW rules, from any host."""

    def __init__(self, acls: list[Acl]) -> None:
        self.creations = [
            (
                RESOURCE_TYPES[acl.resource_type],
                acl.resource_name,
                PATTERN_TYPES[acl.pattern_type],
                f"User:{acl.principal}",
                "*",
                OPERATIONS[acl.operation],
                ALLOW,
            )
            for acl in acls
        ]

    def build(self, request_struct_class: type[Any]) -> Any:
        if request_struct_class.API_VERSION < 1:
            raise ValueError("CreateAcls v1 or later is needed for prefixed patterns")
        return request_struct_class(self.creations)

"""Which Kafka and database to use, decided in one place for the demo and the tests.

1. ``KAFKA_BOOTSTRAP_SERVERS`` and ``MONGODB_URI`` from the environment, if both are set;
2. otherwise testcontainers (official Kafka and MongoDB images), if a Docker engine answers;
3. otherwise the embedded stack (Kafka jars and FerretDB built locally).

If the chosen one cannot start, the error says why: nothing falls back silently to "no tests".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aktywni_stack.embedded import EmbeddedStack, StackPorts

KAFKA_IMAGE = "apache/kafka:4.1.1"
MONGODB_IMAGE = "mongo:8.0"


@dataclass
class Infrastructure:
    kafka_bootstrap_servers: str
    mongodb_uri: str
    source: str
    stop: Callable[[], None] = field(repr=False)
    embedded: EmbeddedStack | None = field(default=None, repr=False)
    start_seconds: dict[str, float] = field(default_factory=dict)


def docker_answers() -> bool:
    if os.environ.get("AKTYWNI_NO_DOCKER"):
        return False
    try:
        import docker  # noqa: PLC0415 - optional: only asked when no URLs are given

        client = docker.from_env(timeout=3)
        client.ping()
    except Exception:  # noqa: BLE001 - no engine, no socket, no permission: all mean "no Docker"
        return False
    return True


def _from_testcontainers() -> Infrastructure:
    from testcontainers.kafka import KafkaContainer  # noqa: PLC0415
    from testcontainers.mongodb import MongoDbContainer  # noqa: PLC0415

    kafka = KafkaContainer(KAFKA_IMAGE).with_kraft()
    mongo = MongoDbContainer(MONGODB_IMAGE)
    kafka.start()
    try:
        mongo.start()
    except BaseException:
        kafka.stop()
        raise

    def stop() -> None:
        kafka.stop()
        mongo.stop()

    return Infrastructure(
        kafka_bootstrap_servers=kafka.get_bootstrap_server(),
        mongodb_uri=mongo.get_connection_url(),
        source="testcontainers",
        stop=stop,
    )


def select(state_dir: Path, *, ports: StackPorts | None = None, bound_to_parent: bool = False) -> Infrastructure:
    """Start (or point at) a Kafka broker and a MongoDB-protocol database, per the rules above."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    uri = os.environ.get("MONGODB_URI")
    if bootstrap and uri:
        return Infrastructure(bootstrap, uri, "environment", stop=lambda: None)
    if bool(bootstrap) != bool(uri):
        raise RuntimeError("set both KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI, or neither")
    if docker_answers():
        return _from_testcontainers()
    stack = EmbeddedStack(state_dir, ports)
    timings = stack.start(bound_to_parent=bound_to_parent)
    return Infrastructure(
        stack.kafka_bootstrap_servers,
        stack.mongodb_uri,
        "embedded",
        stop=stack.stop,
        embedded=stack,
        start_seconds=timings,
    )

"""Fixtures for integration tests: a started broker and a fresh database on the session's stack (the
session's Keycloak, ``keycloak``, comes from tests/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared import mongo
from aktywni_shared.messaging.kafka import make_broker
from aktywni_stack.selection import Infrastructure


@pytest.fixture
async def db(infra: Infrastructure) -> AsyncIterator[AsyncDatabase[mongo.Document]]:
    client = mongo.connect(infra.mongodb_uri)
    name = f"test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


@pytest.fixture
def broker(infra: Infrastructure) -> KafkaBroker:
    """Not started: tests register subscribers first, then start it."""
    return make_broker(infra.kafka_bootstrap_servers, client_id=f"test-{uuid.uuid4().hex[:6]}")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def infra_broker_pair(infra: Infrastructure) -> AsyncIterator[tuple[KafkaBroker, KafkaBroker]]:
    """Two started brokers, as two instances of one service would have."""
    first = make_broker(infra.kafka_bootstrap_servers, client_id="test-a")
    second = make_broker(infra.kafka_bootstrap_servers, client_id="test-b")
    await first.start()
    await second.start()
    try:
        yield first, second
    finally:
        await first.stop()
        await second.stop()

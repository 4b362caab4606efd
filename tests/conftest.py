"""Session-wide infrastructure for the tests: one Kafka broker and one database, started once.

Which ones: ``KAFKA_BOOTSTRAP_SERVERS`` + ``MONGODB_URI`` if set, else testcontainers if Docker
answers, else the embedded stack on free ports in a temporary directory. If none can start, the
tests that need them fail with the reason; they are never skipped. The identity provider (one
embedded Keycloak, ``keycloak``) starts on first use, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aktywni_stack.embedded import StackPorts
from aktywni_stack.selection import Infrastructure, select
from tests.support.keycloak import keycloak  # noqa: F401 - the session's identity provider, a fixture

LAYERS = ("unit", "integration", "e2e", "deploy", "fault")


#: The session's shared parts: with pytest-xdist (``make test PYTEST_WORKERS="-n 2 --dist loadgroup"``)
#: every test that uses one runs in the same worker, so they start once; the tests that bring a stack
#: of their own (the demo, the fault suite) and those that need none run beside them in the other.
SHARED_PARTS = frozenset({"infra", "keycloak", "system"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in, so `-m unit` and friends select whole layers."""
    for item in items:
        for layer in LAYERS:
            if f"/tests/{layer}/" in str(item.path):
                item.add_marker(getattr(pytest.mark, layer))
        if SHARED_PARTS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("shared-stack"))


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    state_dir: Path = tmp_path_factory.mktemp("stack")
    infrastructure = select(state_dir, ports=StackPorts.free(), bound_to_parent=True)
    print(f"\n[infra] {infrastructure.source}: {infrastructure} started in {infrastructure.start_seconds}")
    try:
        yield infrastructure
    finally:
        infrastructure.stop()

"""The three services as real processes on the session's Kafka and database."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from aktywni_stack.ports import free_port
from aktywni_stack.selection import Infrastructure
from aktywni_stack.services import SERVICES, ServiceProcess, start_all


@dataclass
class RunningSystem:
    infra: Infrastructure
    services: dict[str, ServiceProcess]

    def url(self, service: str) -> str:
        return self.services[service].url


@pytest.fixture(scope="session")
def system(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    state_dir: Path = tmp_path_factory.mktemp("services")
    services = {name: ServiceProcess(name, state_dir, free_port()) for name in SERVICES}
    try:
        start_all(list(services.values()), infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
        yield RunningSystem(infra, services)
    finally:
        for service in services.values():
            service.stop()


@pytest.fixture
def project_id() -> str:
    """A project of its own for each test, so tests never see each other's participants."""
    return f"TEST-{uuid.uuid4().hex[:10]}"


def eventually(check: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.2) -> Any:
    """The first truthy result of ``check`` within ``timeout`` seconds, else the last one."""
    deadline = time.monotonic() + timeout
    result = check()
    while not result and time.monotonic() < deadline:
        time.sleep(interval)
        result = check()
    return result


def participant_body(organisation_id: str = "mops-wroclaw", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": organisation_id,
        "category": "client_at_risk",
        "first_name": "Zofia",
        "last_name": "Kowalczyk-Testowa",
        "birth_date": "1984-07-19",
        "sex": "K",
        "labour_market_status": "long_term_unemployed",
        "phone": "+48 600 100 200",
        "address": "ul. Strzegomska 6, 53-611 Wrocław",
        "consent": {"given": True, "given_on": "2026-11-02", "scope": ["processing_for_project"]},
    }
    body.update(changes)
    return body


def participant_count(system: RunningSystem, project_id: str) -> int:
    response = httpx.get(f"{system.url('reporting')}/projects/{project_id}/participants/count", timeout=5)
    response.raise_for_status()
    return int(response.json()["participants"])

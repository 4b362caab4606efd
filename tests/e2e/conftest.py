"""The three services as real processes on the session's Kafka and database, and callers with tokens."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from aktywni_shared.auth import Principal, Role
from aktywni_stack import assets, demo_data
from aktywni_stack.ports import free_port
from aktywni_stack.provider_tokens import ProviderTokens
from aktywni_stack.selection import Infrastructure
from aktywni_stack.services import DEMO_ENV, SERVICES, WEB, ServiceProcess, start_all, web_process
from tests.support.keycloak import Provider


@dataclass
class RunningSystem:
    infra: Infrastructure
    services: dict[str, ServiceProcess]
    #: The provider's tokens for any principal (real sign-ins at the session's Keycloak).
    tokens: ProviderTokens
    provider: Provider

    def url(self, service: str) -> str:
        return self.services[service].url

    def token(self, organisation_id: str, role: Role, user: str | None = None) -> str:
        return self.tokens.issue(
            Principal(user=user or f"{role.value}@{organisation_id}", organisation_id=organisation_id, role=role)
        )

    def client(self, service: str, organisation_id: str, role: Role) -> httpx.Client:
        """An HTTP client of ``service`` acting as a user of ``organisation_id`` in ``role``."""
        return httpx.Client(
            base_url=self.url(service),
            headers={"Authorization": f"Bearer {self.token(organisation_id, role)}"},
            timeout=15,
        )


@pytest.fixture(scope="session")
def system(
    infra: Infrastructure, keycloak: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningSystem]:
    state_dir: Path = tmp_path_factory.mktemp("services")
    # As the demo runs them: docs examples and the demo's seeding use the demo's projects' indicators;
    # every service accepts only the session's identity provider's tokens.
    # No leeway: the tests' expired tokens are the provider's, expired a second ago (same clock).
    identity = {"AKTYWNI_OIDC_ISSUER": keycloak.issuer, "AKTYWNI_OIDC_LEEWAY_SECONDS": "0"}
    services = {
        name: ServiceProcess(name, state_dir, free_port(), {**DEMO_ENV.get(name, {}), **identity}) for name in SERVICES
    }
    tokens = ProviderTokens(keycloak.server.url)
    try:
        start_all(list(services.values()), infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
        # the staff web application over the three (its tests sign in through the test-only seam)
        services[WEB] = web_process(state_dir, free_port(), dict(services), assets.web_assets(), test_sign_in=True)
        start_all([services[WEB]], infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
        running = RunningSystem(infra, services, tokens, keycloak)
        with running.client("enrolment", demo_data.MOPS, Role.ADMINISTRATOR) as admin:
            for organisation in [*demo_data.ORGANISATIONS, OTHER_ORGANISATION]:
                response = admin.post("/organisations", json=organisation)
                assert response.status_code in (201, 409), response.text
        yield running
    finally:
        for service in services.values():
            service.stop()
        tokens.close()


#: An organisation that takes part in no test project: it must never see anything of them.
OTHER_ORGANISATION = {"organisation_id": "stowarzyszenie-obce", "name": "Stowarzyszenie Obce", "kind": "ngo"}


@pytest.fixture
def project_id(system: RunningSystem) -> str:
    """A project of its own for each test ("Trener Aktywności"-shaped), led by Fundacja EUDAJMONIA."""
    project = demo_data.ta_project(f"TEST-{uuid.uuid4().hex[:10]}")
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post("/projects", json=project)
    assert response.status_code == 201, response.text
    return str(project["project_id"])


def eventually(check: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.2) -> Any:
    """The first truthy result of ``check`` within ``timeout`` seconds, else the last one."""
    deadline = time.monotonic() + timeout
    result = check()
    while not result and time.monotonic() < deadline:
        time.sleep(interval)
        result = check()
    return result


def participant_count(system: RunningSystem, project_id: str) -> int:
    with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:
        response = auditor.get(f"/projects/{project_id}/participants/count")
    if response.status_code == 404:
        return 0  # reporting has not learned of the project yet
    response.raise_for_status()
    return int(response.json()["participants"])

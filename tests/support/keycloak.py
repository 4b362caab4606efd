"""The test session's identity provider: one embedded Keycloak (realm "aktywni"), and tokens from it.

Tokens come through real OAuth 2.0 flows: the password grant of the test-only client
``aktywni-test`` for a person of the realm, the client-credentials grant of ``aktywni-integration``
for the partner system's service account. If Keycloak cannot start, the fixture fails with the
reason (never a skip).

Use in a conftest: ``from tests.support.keycloak import keycloak  # noqa: F401`` (the fixture), then
``keycloak.password_token("trener-nowak")`` or ``keycloak.client_credentials_token()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import httpx
import pytest

from aktywni_stack import keycloak as kc
from aktywni_stack.keycloak import EmbeddedKeycloak
from aktywni_stack.ports import free_port


@dataclass(frozen=True)
class Provider:
    """A running Keycloak: its endpoints, and tokens through its flows."""

    server: EmbeddedKeycloak
    start_seconds: float

    @property
    def issuer(self) -> str:
        return self.server.issuer

    @property
    def jwks_uri(self) -> str:
        return self.server.jwks_uri

    @property
    def audience(self) -> str:
        return kc.AUDIENCE

    def _token(self, form: dict[str, str]) -> dict[str, Any]:
        answer = httpx.post(self.server.token_endpoint, data=form, timeout=30.0)
        assert answer.status_code == 200, f"token endpoint answered {answer.status_code}: {answer.text}"
        return cast(dict[str, Any], answer.json())

    def password_token(self, username: str, password: str = kc.DEMO_PASSWORD) -> str:
        """An access token of a person of the realm (password grant; the test client alone allows it)."""
        form = {"grant_type": "password", "client_id": kc.TEST_CLIENT, "username": username, "password": password}
        return str(self._token({**form, "scope": "openid"})["access_token"])

    def client_credentials_token(
        self, client_id: str = kc.INTEGRATION_CLIENT, secret: str = kc.INTEGRATION_SECRET
    ) -> str:
        """An access token of a confidential client's service account (client-credentials grant)."""
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        return str(self._token(form)["access_token"])

    def admin_token(self) -> str:
        """A master-realm administrator's token, for the admin REST API (disable a user, rotate keys)."""
        answer = httpx.post(
            f"{self.server.url}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": kc.ADMIN_USER,
                "password": kc.ADMIN_PASSWORD,
            },
            timeout=30.0,
        )
        assert answer.status_code == 200, f"admin token: HTTP {answer.status_code}: {answer.text}"
        return str(answer.json()["access_token"])


@pytest.fixture(scope="session")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """One Keycloak for the whole session, on a free port, in a temporary state directory."""
    server = EmbeddedKeycloak(tmp_path_factory.mktemp("keycloak"), free_port())
    try:
        seconds = server.start(bound_to_parent=True)
    except BaseException:
        server.stop()
        raise
    print(f"\n[keycloak] {server.issuer} ready in {seconds:.1f} s")
    try:
        yield Provider(server, seconds)
    finally:
        server.stop()

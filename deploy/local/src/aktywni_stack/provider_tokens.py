"""Access tokens from the embedded identity provider for any principal the tests or the demo name.

Tests and the demo's seeding speak of callers as principals (a user, their organisation, their role). This helper makes
each one a person of the Keycloak realm the first time it is named: the organisation's group
(attribute ``org``) with a sub-group per role (attribute ``role``), as the demo realm has them,
and a user of that name in that sub-group; then it signs them in through the real password grant
of the test-only client and caches the token until shortly before it expires. The services see
nothing but the provider's tokens, verified with its published keys.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import httpx

from aktywni_shared.identity import Principal
from aktywni_shared.oidc import unverified_expiry
from aktywni_stack import keycloak as kc

#: A token is taken again this many seconds before it expires (requests in flight keep working).
RENEW_MARGIN_SECONDS = 60.0
#: Test persons' passwords are hashed with few iterations: the realm's default costs ~0.3 s a sign-in.
TEST_PASSWORD_POLICY = "hashIterations(1)"  # noqa: S105 - a policy, not a password
#: The password of the persons it makes: the demo realm's published one, so examples sign in as them.
PASSWORD = kc.DEMO_PASSWORD
#: A copy of the test client whose tokens live one second: for tests of refused expired tokens.
EXPIRING_CLIENT = "aktywni-test-expiring"


class ProviderTokens:
    """``issue(principal)``: a token the provider signed for that principal (the test API of Tokens)."""

    def __init__(
        self, base_url: str, realm: str = kc.REALM, *, password: str = PASSWORD, fast_hashing: bool = True
    ) -> None:
        self.base = base_url.rstrip("/")
        self.realm = realm
        self.http = httpx.Client(timeout=30.0)
        self._lock = threading.RLock()
        self._admin: tuple[str, float] | None = None
        self._tokens: dict[Principal, tuple[str, float]] = {}
        self._groups: dict[tuple[str, str], str] = {}
        self._members: dict[str, tuple[str, str]] = {}
        #: The password of the persons it signs in (the demo keeps its published one for its users).
        self.password = password
        if fast_hashing:  # a test realm only: the demo's keeps its policy
            self._admin_call("PUT", "", json={"passwordPolicy": TEST_PASSWORD_POLICY})

    @property
    def issuer(self) -> str:
        return f"{self.base}/realms/{self.realm}"

    # --- the admin REST API ------------------------------------------------------------------------
    def admin_token(self) -> str:
        with self._lock:
            if self._admin is None or self._admin[1] - RENEW_MARGIN_SECONDS < time.time():
                answer = self.http.post(
                    f"{self.base}/realms/master/protocol/openid-connect/token",
                    data={
                        "grant_type": "password",
                        "client_id": "admin-cli",
                        "username": kc.ADMIN_USER,
                        "password": kc.ADMIN_PASSWORD,
                    },
                )
                answer.raise_for_status()
                token = str(answer.json()["access_token"])
                self._admin = (token, unverified_expiry(token))
            return self._admin[0]

    def _admin_call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{self.base}/admin/realms/{self.realm}{path}"
        answer = self.http.request(method, url, headers={"Authorization": f"Bearer {self.admin_token()}"}, **kwargs)
        if answer.status_code >= 400 and answer.status_code != 409:
            raise AssertionError(f"Keycloak admin {method} {path}: HTTP {answer.status_code}: {answer.text[:300]}")
        return answer

    def _group(self, organisation: str, role: str) -> str:
        """The id of ``/<organisation>/<role>``, created (with its attributes) when missing."""
        key = (organisation, role)
        if key in self._groups:
            return self._groups[key]
        found = self._admin_call("GET", "/groups", params={"search": organisation, "exact": "true"}).json()
        parent = next((g for g in found if g["name"] == organisation), None)
        if parent is None:
            self._admin_call("POST", "/groups", json={"name": organisation, "attributes": {"org": [organisation]}})
            found = self._admin_call("GET", "/groups", params={"search": organisation, "exact": "true"}).json()
            parent = next(g for g in found if g["name"] == organisation)
        children = self._admin_call("GET", f"/groups/{parent['id']}/children", params={"max": 100}).json()
        child = next((g for g in children if g["name"] == role), None)
        if child is None:
            body = {"name": role, "attributes": {"role": [role]}}
            self._admin_call("POST", f"/groups/{parent['id']}/children", json=body)
            children = self._admin_call("GET", f"/groups/{parent['id']}/children", params={"max": 100}).json()
            child = next(g for g in children if g["name"] == role)
        self._groups[key] = str(child["id"])
        return self._groups[key]

    def _person(self, principal: Principal) -> None:
        self._member(principal.user, principal.organisation_id, principal.role.value)

    def _member(self, username: str, organisation: str, role: str) -> None:
        """Make ``username`` a person of the realm in exactly the group ``/<organisation>/<role>``."""
        wanted = (organisation, role)
        if self._members.get(username) == wanted:
            return
        group = self._group(organisation, role)
        found = self._admin_call("GET", "/users", params={"username": username, "exact": "true"}).json()
        ours = not found  # a person of the demo realm takes the principal's group and the test password
        if not found:
            body = {
                "username": username,
                "enabled": True,
                "email": f"{uuid.uuid4().hex[:12]}@test.aktywni.example",
                "emailVerified": True,
                "firstName": "Test",
                "lastName": "Osoba",
                "credentials": [{"type": "password", "value": self.password, "temporary": False}],
            }
            self._admin_call("POST", "/users", json=body)
            found = self._admin_call("GET", "/users", params={"username": username, "exact": "true"}).json()
        user = found[0]
        for held in self._admin_call("GET", f"/users/{user['id']}/groups").json():
            if held["id"] != group:
                self._admin_call("DELETE", f"/users/{user['id']}/groups/{held['id']}")
        self._admin_call("PUT", f"/users/{user['id']}/groups/{group}")
        if not ours and username not in self._members:
            reset = {"type": "password", "value": self.password, "temporary": False}
            self._admin_call("PUT", f"/users/{user['id']}/reset-password", json=reset)
        self._members[username] = wanted

    # --- tokens --------------------------------------------------------------------------------------
    def _expiring_client(self) -> None:
        """Create (once) a copy of the test client whose access tokens live one second."""
        found = self._admin_call("GET", "/clients", params={"clientId": EXPIRING_CLIENT}).json()
        if found:
            return
        model = self._admin_call("GET", "/clients", params={"clientId": kc.TEST_CLIENT}).json()[0]
        copy = {k: v for k, v in model.items() if k not in ("id", "clientId")}
        copy["clientId"] = EXPIRING_CLIENT
        copy["attributes"] = {**model.get("attributes", {}), "access.token.lifespan": "1"}
        copy["protocolMappers"] = [{k: v for k, v in m.items() if k != "id"} for m in model.get("protocolMappers", [])]
        self._admin_call("POST", "/clients", json=copy)

    def _sign_in(self, principal: Principal | str, client_id: str) -> str:
        username = principal if isinstance(principal, str) else principal.user
        form = {
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": self.password,
            "scope": "openid",
        }
        answer = self.http.post(f"{self.issuer}/protocol/openid-connect/token", data=form)
        assert answer.status_code == 200, f"sign-in of {username}: HTTP {answer.status_code}: {answer.text}"
        return str(answer.json()["access_token"])

    def issue(self, principal: Principal, ttl_seconds: int | None = None) -> str:
        """A provider-signed access token for ``principal``; the realm decides its lifetime (300 s).

        ``ttl_seconds`` of 0 or less asks for a token that has already expired: signed by the provider
        with a one-second lifetime, returned once that second is over (verify it with no leeway).
        """
        if ttl_seconds is not None and ttl_seconds <= 0:
            with self._lock:
                self._person(principal)
                self._expiring_client()
                token = self._sign_in(principal, EXPIRING_CLIENT)
            time.sleep(max(0.0, unverified_expiry(token) - time.time()) + 1.1)
            return token
        with self._lock:
            cached = self._tokens.get(principal)
            if cached is not None and cached[1] - RENEW_MARGIN_SECONDS > time.time():
                return cached[0]
            self._person(principal)
            token = self._sign_in(principal, kc.TEST_CLIENT)
            self._tokens[principal] = (token, unverified_expiry(token))
            return token

    def issue_as(self, username: str, organisation: str, role: str) -> str:
        """A provider-signed token whose claims name any organisation and role, even ones the system
        does not know (a test of refused claims); never cached."""
        with self._lock:
            self._member(username, organisation, role)
            return self._sign_in(username, kc.TEST_CLIENT)

    def forget(self, principal: Principal) -> None:
        """Drop a cached token (a test that disables the person wants a fresh sign-in next)."""
        with self._lock:
            self._tokens.pop(principal, None)
            self._members.pop(principal.user, None)

    def close(self) -> None:
        self.http.close()

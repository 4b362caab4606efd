"""The services' verification of the provider's access tokens, on a key set served over local HTTP.

The keys are generated here and published by a small HTTP server, so the verifier fetches, caches
and refetches a real JWKS; the provider itself is exercised in tests/integration.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from aktywni_shared.identity import Principal, Role
from aktywni_shared.oidc import ClaimMapping, InvalidToken, OidcVerifier

AUDIENCE = "aktywni"


class Provider:
    """Signs tokens with its current key and publishes the set it is told to."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        self.fetches = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/realms/aktywni"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.endswith("/.well-known/openid-configuration"):
                    body: dict[str, Any] = {"issuer": provider.issuer, "jwks_uri": provider.issuer + "/certs"}
                else:
                    provider.fetches += 1
                    body = {"keys": [provider.jwk(kid) for kid in provider.published]}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        return Handler

    def add_key(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published.append(kid)

    def jwk(self, kid: str) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return jwk | {"kid": kid, "use": "sig", "alg": "RS256"}

    def token(self, kid: str = "k1", **changes: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": "0b9d2c1e",
            "preferred_username": "anna.nowak",
            "org": "fundacja-eudajmonia",
            "role": "coordinator",
            "iat": now,
            "exp": now + 300,
        } | changes
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def provider() -> Iterator[Provider]:
    provider = Provider()
    provider.add_key("k1")
    yield provider
    provider.server.shutdown()


def test_a_token_of_the_provider_names_the_user_their_organisation_and_role(provider: Provider) -> None:
    verifier = OidcVerifier(provider.issuer, AUDIENCE)
    assert verifier.verify(provider.token()) == Principal(
        user="anna.nowak", organisation_id="fundacja-eudajmonia", role=Role.COORDINATOR
    )


def test_keys_are_cached_across_requests(provider: Provider) -> None:
    verifier = OidcVerifier(provider.issuer, AUDIENCE)
    for _ in range(20):
        verifier.verify(provider.token())
    assert provider.fetches == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "http://127.0.0.1:9/realms/other"}, "issuer"),
        ({"aud": "another-application"}, "(?i)audience"),
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"iat": None}, "iat"),
        ({"org": None}, "org"),
        ({"role": "superuser"}, "role"),
    ],
)
def test_a_token_with_a_wrong_claim_is_refused_saying_why(
    provider: Provider, changes: dict[str, Any], reason: str
) -> None:
    verifier = OidcVerifier(provider.issuer, AUDIENCE)
    with pytest.raises(InvalidToken, match=reason):
        verifier.verify(provider.token(**changes))


def test_the_leeway_tolerates_a_clock_a_little_behind(provider: Provider) -> None:
    verifier = OidcVerifier(provider.issuer, AUDIENCE, leeway_seconds=30)
    assert verifier.verify(provider.token(exp=int(time.time()) - 10)).role is Role.COORDINATOR


def test_a_forged_token_and_a_symmetric_one_are_refused(provider: Provider) -> None:
    verifier = OidcVerifier(provider.issuer, AUDIENCE)
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(provider.token(), options={"verify_signature": False}) | {"role": "administrator"}
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": "k1"})
    with pytest.raises(InvalidToken, match="invalid token"):
        verifier.verify(forged)
    symmetric = jwt.encode(claims, "a-secret-of-at-least-thirty-two-bytes!!", algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(InvalidToken):
        verifier.verify(symmetric)


def test_a_rotated_key_is_picked_up_and_a_retired_one_refused_without_a_restart(provider: Provider) -> None:
    verifier = OidcVerifier(provider.issuer, AUDIENCE, key_cache_seconds=1, refetch_cooldown_seconds=0)
    old = provider.token("k1")
    assert verifier.verify(old).user == "anna.nowak"

    provider.add_key("k2")  # the realm's new key: the cache does not know it yet
    assert verifier.verify(provider.token("k2")).user == "anna.nowak"

    provider.published = ["k2"]  # the old key retired from the set: refused once the cached set lapses
    time.sleep(1.2)
    with pytest.raises(InvalidToken, match="k1"):
        verifier.verify(old)
    assert verifier.verify(provider.token("k2")).user == "anna.nowak"


def test_another_provider_s_claims_are_mapped_by_configuration(provider: Provider) -> None:
    mapping = ClaimMapping(user="email", organisation="extension_org", role="realm_access.roles")
    verifier = OidcVerifier(provider.issuer, AUDIENCE, mapping=mapping)
    token = provider.token(
        org=None,
        role=None,
        email="jan@mops.wroclaw.pl",
        extension_org=["mops-wroclaw"],
        realm_access={"roles": ["offline_access", "auditor"]},
    )
    assert verifier.verify(token) == Principal(
        user="jan@mops.wroclaw.pl", organisation_id="mops-wroclaw", role=Role.AUDITOR
    )

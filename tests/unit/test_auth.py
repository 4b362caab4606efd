"""Bearer tokens: issuing, verifying and rejecting them, and the FastAPI dependency that answers 401.

No ``from __future__ import annotations`` here: FastAPI reads the route's ``Annotated`` parameter at
definition time, and the dependency is a local value.
"""

import base64
import json
import time
from typing import Annotated, Any

import jwt
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from aktywni_shared.auth import ALGORITHM, ISSUER, InvalidToken, Principal, Role, Tokens, authentication, require_role
from aktywni_shared.errors import Forbidden

SECRET = "s3cret-for-unit-tests-only-0123456789"
ANNA = Principal(user="anna", organisation_id="fundacja-eudajmonia", role=Role.PARTNER_STAFF)


@pytest.fixture
def tokens() -> Tokens:
    return Tokens(SECRET)


@pytest.fixture
def client(tokens: Tokens) -> TestClient:
    app = FastAPI()

    @app.get("/me")
    async def me(principal: Annotated[Principal, Depends(authentication(tokens))]) -> dict[str, str]:
        return principal.model_dump(mode="json")

    return TestClient(app)


def signed(claims: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def valid_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "anna",
        "org": "fundacja-eudajmonia",
        "role": "partner_staff",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- issue and verify -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_verify_returns_the_principal_that_was_issued(tokens: Tokens, role: Role) -> None:
    principal = Principal(user="jan.nowak", organisation_id="mops-wroclaw", role=role)

    assert tokens.verify(tokens.issue(principal)) == principal


def test_another_instance_with_the_same_secret_verifies_the_token() -> None:
    assert Tokens(SECRET).verify(Tokens(SECRET).issue(ANNA)) == ANNA


def test_issued_token_carries_issuer_subject_organisation_role_and_lifetime(tokens: Tokens) -> None:
    before = int(time.time())

    claims = jwt.decode(tokens.issue(ANNA, ttl_seconds=60), SECRET, algorithms=[ALGORITHM], issuer=ISSUER)

    assert (claims["iss"], claims["sub"], claims["org"], claims["role"]) == (
        ISSUER,
        "anna",
        "fundacja-eudajmonia",
        "partner_staff",
    )
    assert claims["exp"] - claims["iat"] == 60
    assert claims["iat"] >= before


def test_expired_token_is_rejected_as_expired(tokens: Tokens) -> None:
    token = tokens.issue(ANNA, ttl_seconds=-5)

    with pytest.raises(InvalidToken, match=r"^token expired$"):
        tokens.verify(token)


def test_token_signed_with_another_secret_is_rejected(tokens: Tokens) -> None:
    token = Tokens("another-secret-that-is-long-enough-too").issue(ANNA)

    with pytest.raises(InvalidToken, match="invalid token"):
        tokens.verify(token)


def test_token_with_a_tampered_payload_is_rejected(tokens: Tokens) -> None:
    header, payload, signature = tokens.issue(ANNA).split(".")
    claims = json.loads(unb64(payload))
    claims["role"] = "administrator"
    tampered = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"

    with pytest.raises(InvalidToken, match="invalid token"):
        tokens.verify(tampered)


def test_unsigned_token_is_rejected(tokens: Tokens) -> None:
    unsigned = jwt.encode(valid_claims(), key=None, algorithm="none")

    with pytest.raises(InvalidToken, match="invalid token"):
        tokens.verify(unsigned)


@pytest.mark.parametrize("text", ["", "not-a-jwt", "a.b.c"])
def test_garbage_is_rejected(tokens: Tokens, text: str) -> None:
    with pytest.raises(InvalidToken, match="invalid token"):
        tokens.verify(text)


@pytest.mark.parametrize("claim", ["org", "role"])
def test_token_without_organisation_or_role_is_rejected(tokens: Tokens, claim: str) -> None:
    claims = valid_claims()
    del claims[claim]

    with pytest.raises(InvalidToken, match="org/role are missing or invalid"):
        tokens.verify(signed(claims))


@pytest.mark.parametrize(("claim", "value"), [("org", "Not An Org"), ("role", "superuser")])
def test_token_with_a_malformed_organisation_or_role_is_rejected(tokens: Tokens, claim: str, value: str) -> None:
    with pytest.raises(InvalidToken, match="org/role are missing or invalid"):
        tokens.verify(signed(valid_claims(**{claim: value})))


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss"])
def test_token_without_a_required_claim_is_rejected(tokens: Tokens, claim: str) -> None:
    claims = valid_claims()
    del claims[claim]

    with pytest.raises(InvalidToken, match="invalid token"):
        tokens.verify(signed(claims))


def test_token_of_another_issuer_is_rejected(tokens: Tokens) -> None:
    with pytest.raises(InvalidToken, match="invalid token"):
        tokens.verify(signed(valid_claims(iss="someone-else")))


@pytest.mark.parametrize("secret", ["", "short", "x" * 31, "ż" * 15])
def test_secret_shorter_than_32_bytes_is_rejected(secret: str) -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        Tokens(secret)


@pytest.mark.parametrize("secret", ["x" * 32, "ż" * 16])
def test_secret_of_32_bytes_is_accepted(secret: str) -> None:
    assert Tokens(secret).verify(Tokens(secret).issue(ANNA)) == ANNA


# --- the FastAPI dependency -------------------------------------------------------------------------


def test_request_without_a_bearer_token_is_answered_401_with_a_challenge(client: TestClient) -> None:
    response = client.get("/me")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "missing bearer token"}


def test_request_with_another_scheme_is_answered_as_without_a_token(client: TestClient, tokens: Tokens) -> None:
    response = client.get("/me", headers={"Authorization": f"Basic {tokens.issue(ANNA)}"})

    assert response.status_code == 401
    assert response.json() == {"detail": "missing bearer token"}


def test_request_with_a_bad_token_is_answered_401(client: TestClient) -> None:
    response = client.get("/me", headers={"Authorization": "Bearer not-a-jwt"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["detail"].startswith("invalid token")


def test_request_with_an_expired_token_is_answered_401_naming_the_expiry(client: TestClient, tokens: Tokens) -> None:
    response = client.get("/me", headers={"Authorization": f"Bearer {tokens.issue(ANNA, ttl_seconds=-5)}"})

    assert response.status_code == 401
    assert response.json() == {"detail": "token expired"}


def test_request_with_a_good_token_reaches_the_route_with_the_principal(client: TestClient, tokens: Tokens) -> None:
    response = client.get("/me", headers={"Authorization": f"Bearer {tokens.issue(ANNA)}"})

    assert response.status_code == 200
    assert response.json() == {"user": "anna", "organisation_id": "fundacja-eudajmonia", "role": "partner_staff"}


# --- roles ------------------------------------------------------------------------------------------


def test_require_role_lets_an_allowed_role_through() -> None:
    require_role(ANNA, Role.COORDINATOR, Role.PARTNER_STAFF)  # no exception

    with pytest.raises(Forbidden):
        require_role(ANNA, Role.COORDINATOR)


def test_require_role_answers_403_naming_the_role() -> None:
    with pytest.raises(Forbidden) as caught:
        require_role(ANNA, Role.ADMINISTRATOR, Role.AUDITOR)

    assert caught.value.status == 403
    assert caught.value.body() == {"detail": "role partner_staff may not do this"}

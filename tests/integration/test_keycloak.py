"""The embedded Keycloak issues access tokens that a service can verify with the issuer's keys alone.

Tokens come through real flows (password grant on the test client, client credentials on the
integration client); the signature is checked against the realm's JWKS, with issuer, audience and
lifetime, and the claims a service maps to a Principal ("org", "role", the login) are there.
"""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from jwt import PyJWKClient

from aktywni_shared.identity import Role
from aktywni_stack import keycloak as kc
from tests.support.keycloak import Provider


def _verified(provider: Provider, token: str) -> dict[str, Any]:
    signing_key = PyJWKClient(provider.jwks_uri).get_signing_key_from_jwt(token)
    claims: dict[str, Any] = jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        issuer=provider.issuer,
        audience=provider.audience,
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        leeway=5,
    )
    return claims


def test_the_realm_publishes_its_discovery_document_and_keys(keycloak: Provider) -> None:
    discovery = httpx.get(f"{keycloak.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == keycloak.issuer
    assert discovery["jwks_uri"] == keycloak.jwks_uri
    assert "urn:ietf:params:oauth:grant-type:device_code" in discovery["grant_types_supported"]
    assert "S256" in discovery["code_challenge_methods_supported"]
    keys = httpx.get(keycloak.jwks_uri, timeout=10).json()["keys"]
    assert any(key["alg"] == "RS256" and key["use"] == "sig" for key in keys), keys


@pytest.mark.parametrize("user", kc.DEMO_USERS, ids=lambda user: user.username)
def test_a_person_signs_in_and_the_token_carries_organisation_and_role(keycloak: Provider, user: kc.DemoUser) -> None:
    claims = _verified(keycloak, keycloak.password_token(user.username))
    assert claims["org"] == user.organisation_id
    assert claims["role"] == user.role
    assert Role(claims["role"]) is Role(user.role)
    assert claims["preferred_username"] == user.username
    assert claims["azp"] == kc.TEST_CLIENT
    assert claims["exp"] - claims["iat"] == 300, "access tokens live 5 minutes"


def test_an_integration_signs_in_with_client_credentials_as_partner_staff_of_its_organisation(
    keycloak: Provider,
) -> None:
    claims = _verified(keycloak, keycloak.client_credentials_token())
    assert claims["org"] == kc.INTEGRATION_ORGANISATION
    assert claims["role"] == Role.PARTNER_STAFF.value
    assert claims["azp"] == kc.INTEGRATION_CLIENT
    assert claims["preferred_username"] == f"service-account-{kc.INTEGRATION_CLIENT}"


def test_a_wrong_password_or_secret_gets_no_token(keycloak: Provider) -> None:
    endpoint = keycloak.server.token_endpoint
    person = httpx.post(
        endpoint,
        data={"grant_type": "password", "client_id": kc.TEST_CLIENT, "username": "trener-nowak", "password": "nie"},
        timeout=30,
    )
    assert person.status_code == 400, person.text
    assert person.json()["error"] == "invalid_grant"
    system = httpx.post(
        endpoint,
        data={"grant_type": "client_credentials", "client_id": kc.INTEGRATION_CLIENT, "client_secret": "nie"},
        timeout=30,
    )
    assert system.status_code == 401, system.text
    assert system.json()["error"] == "unauthorized_client"


def test_the_web_and_cli_clients_refuse_the_password_grant_the_cli_starts_a_device_flow(keycloak: Provider) -> None:
    for client_id in ("aktywni-web", "aktywni-cli"):
        answer = httpx.post(
            keycloak.server.token_endpoint,
            data={"grant_type": "password", "client_id": client_id, "username": "trener-nowak", "password": "x"},
            timeout=30,
        )
        assert answer.status_code in (400, 401), answer.text
        assert answer.json()["error"] == "unauthorized_client", answer.text
    device = httpx.post(keycloak.server.device_authorization_endpoint, data={"client_id": "aktywni-cli"}, timeout=30)
    assert device.status_code == 200, device.text
    body = device.json()
    assert body["verification_uri"].startswith(keycloak.issuer)
    assert body["user_code"]
    assert body["device_code"]


def test_a_token_checked_against_another_audience_or_issuer_is_refused(keycloak: Provider) -> None:
    token = keycloak.password_token("koordynator-eudajmonia")
    key = PyJWKClient(keycloak.jwks_uri).get_signing_key_from_jwt(token).key
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, key, algorithms=["RS256"], issuer=keycloak.issuer, audience="someone-else")
    with pytest.raises(jwt.InvalidIssuerError):
        jwt.decode(token, key, algorithms=["RS256"], issuer=f"{keycloak.issuer}-other", audience=keycloak.audience)

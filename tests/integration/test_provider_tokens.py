"""Tokens for any principal come from the real provider, and the services' verifier accepts only them."""

from __future__ import annotations

import uuid

import pytest

from aktywni_shared.identity import Principal, Role
from aktywni_shared.oidc import InvalidToken, OidcVerifier
from aktywni_stack.provider_tokens import ProviderTokens
from tests.support.keycloak import Provider

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tokens(keycloak: Provider) -> ProviderTokens:
    return ProviderTokens(keycloak.server.url)


def test_a_principal_named_by_a_test_signs_in_and_the_token_says_who_they_are(
    tokens: ProviderTokens, keycloak: Provider
) -> None:
    organisation = f"org-{uuid.uuid4().hex[:8]}"
    anna = Principal(user=f"anna-{uuid.uuid4().hex[:6]}", organisation_id=organisation, role=Role.PARTNER_STAFF)
    verifier = OidcVerifier(keycloak.issuer, keycloak.audience)
    token = tokens.issue(anna)
    assert verifier.verify(token) == anna
    assert tokens.issue(anna) == token, "cached until shortly before it expires"

    # The same person moved to another role of another organisation: a new token says so.
    moved = Principal(user=anna.user, organisation_id="mops-wroclaw", role=Role.AUDITOR)
    assert verifier.verify(tokens.issue(moved)) == moved


def test_a_disabled_person_gets_no_new_token_and_the_last_one_lapses_within_five_minutes(
    tokens: ProviderTokens, keycloak: Provider
) -> None:
    jan = Principal(user=f"jan-{uuid.uuid4().hex[:6]}", organisation_id="mops-wroclaw", role=Role.COORDINATOR)
    verifier = OidcVerifier(keycloak.issuer, keycloak.audience)
    claims = verifier.claims(tokens.issue(jan))
    assert claims["exp"] - claims["iat"] <= 300

    users = tokens._admin_call("GET", "/users", params={"username": jan.user, "exact": "true"}).json()
    tokens._admin_call("PUT", f"/users/{users[0]['id']}", json={"enabled": False})
    tokens.forget(jan)
    with pytest.raises(AssertionError, match=r"sign-in of .*: HTTP 400"):
        tokens.issue(jan)


def test_an_expired_token_of_the_provider_is_refused(tokens: ProviderTokens, keycloak: Provider) -> None:
    eva = Principal(user=f"eva-{uuid.uuid4().hex[:6]}", organisation_id="mops-wroclaw", role=Role.AUDITOR)
    expired = tokens.issue(eva, ttl_seconds=-10)
    with pytest.raises(InvalidToken, match="expired"):
        OidcVerifier(keycloak.issuer, keycloak.audience, leeway_seconds=0).verify(expired)
    assert OidcVerifier(keycloak.issuer, keycloak.audience).verify(tokens.issue(eva)) == eva


def test_a_token_of_another_realm_is_refused(keycloak: Provider) -> None:
    verifier = OidcVerifier(keycloak.issuer, keycloak.audience)
    master = keycloak.admin_token()  # signed by the same server, another realm's key and issuer
    with pytest.raises(InvalidToken):
        verifier.verify(master)

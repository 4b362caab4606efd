"""The web application's OpenID Connect client against a stand-in provider: PKCE S256, state, refresh, sign-out."""

from __future__ import annotations

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from web.store import oidc
from web.store.sessions import Session, Sessions

pytestmark = pytest.mark.unit
ISSUER = "http://idp.test/realms/aktywni"


def _access(role: str, ttl: int) -> str:
    claims = {"sub": "u-1", "preferred_username": "koordynator", "org": "fundacja-eudajmonia", "role": role}
    return jwt.encode({**claims, "exp": int(time.time()) + ttl}, "k" * 32, algorithm="HS256")


class StandIn:
    """Discovery, and a token endpoint that checks the PKCE verifier against the challenge it was shown."""

    def __init__(self) -> None:
        self.challenge = ""
        self.grants: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
                    "token_endpoint": f"{ISSUER}/protocol/openid-connect/token",
                    "end_session_endpoint": f"{ISSUER}/protocol/openid-connect/logout",
                },
            )
        form = parse_qs(request.content.decode())
        self.grants.append(form)
        if form["grant_type"] == ["authorization_code"]:
            digest = hashlib.sha256(form["code_verifier"][0].encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != self.challenge or form["code"] != ["c0de"]:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(
                200,
                json={
                    "access_token": _access("coordinator", -1),  # already expired: the next request refreshes
                    "refresh_token": "r1",
                    "id_token": "id-1",
                    "token_type": "Bearer",
                    "expires_in": -1,
                },
            )
        if form["refresh_token"] == ["r1"]:
            return httpx.Response(200, json={"access_token": _access("coordinator", 300), "token_type": "Bearer"})
        return httpx.Response(400, json={"error": "invalid_grant"})


async def test_sign_in_with_pkce_then_refresh_then_sign_out_at_the_provider() -> None:
    stand_in = StandIn()
    provider = oidc.Provider(
        ISSUER, "aktywni-web", "http://web.test/auth/callback", transport=httpx.MockTransport(stand_in)
    )
    session = Session("s1")
    url = urlsplit(await provider.sign_in_url(session, "/projects"))
    query = parse_qs(url.query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == ["aktywni-web"]
    assert "nonce" in query
    stand_in.challenge = query["code_challenge"][0]
    state = query["state"][0]
    assert list(session.pending) == [state]

    assert await provider.finish(session, state, "c0de") == "/projects"
    assert session.pending == {}
    assert (session.user, session.organisation_id, session.role) == (
        "koordynator",
        "fundacja-eudajmonia",
        "coordinator",
    )
    assert oidc.needs_refresh(session)
    assert await provider.refresh(session)
    assert not oidc.needs_refresh(session)
    assert session.refresh_token == "r1"  # kept when the provider sends no new one
    assert stand_in.grants[-1]["grant_type"] == ["refresh_token"]

    session.refresh_token = "revoked"
    assert not await provider.refresh(session)  # then the pages send the person to sign in again

    logout = urlsplit(await provider.sign_out_url("id-1", "http://web.test/signed-out") or "")
    assert parse_qs(logout.query) == {
        "post_logout_redirect_uri": ["http://web.test/signed-out"],
        "client_id": ["aktywni-web"],
        "id_token_hint": ["id-1"],
    }
    assert provider.origin == "http://idp.test"


async def test_a_callback_with_an_unknown_state_is_refused() -> None:
    provider = oidc.Provider(
        ISSUER, "aktywni-web", "http://web.test/auth/callback", transport=httpx.MockTransport(StandIn())
    )
    session = Session("s1")
    await provider.sign_in_url(session, "/")
    with pytest.raises(KeyError):
        await provider.finish(session, "forged-state", "c0de")


def test_a_session_cookie_is_a_signed_id_and_a_forged_one_finds_nothing() -> None:
    sessions = Sessions("x" * 40, idle_seconds=60)
    session = sessions.new()
    cookie = sessions.cookie_value(session)
    assert sessions.find(cookie) is session
    assert sessions.find(cookie[:-1] + ("0" if cookie[-1] != "0" else "1")) is None
    assert sessions.find(f"{session.session_id}") is None
    assert Sessions("y" * 40).find(cookie) is None
    sessions.end(session)
    assert sessions.find(cookie) is None


async def test_a_refused_code_exchange_shows_the_sign_in_again() -> None:
    from web.app import build
    from web.settings import WebSettings

    app = build(WebSettings(session_secret="x" * 40, oidc_issuer=ISSUER, insecure_cookies=True))  # type: ignore[call-arg]
    stand_in = StandIn()
    app.state.services.provider.transport = httpx.MockTransport(stand_in)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test") as client:
        page = await client.get("/sign-in")
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        to_provider = await client.post("/sign-in", data={"csrf_token": csrf, "next": "//evil.test"})
        assert to_provider.status_code == 303
        query = parse_qs(urlsplit(to_provider.headers["location"]).query)
        assert "idp.test" in to_provider.headers["location"]
        assert "form-action 'self' http://idp.test" in to_provider.headers["content-security-policy"]
        stand_in.challenge = "not-the-challenge"
        answer = await client.get("/auth/callback", params={"state": query["state"][0], "code": "c0de"})
        assert answer.status_code == 400
        assert "Logowanie nie powiodło się" in answer.text
        forged = await client.get("/auth/callback", params={"state": "forged", "code": "c0de"})
        assert forged.status_code == 400

"""OpenID Connect sign-in: authorization code with PKCE (S256) against the provider, with Authlib's client.

The provider's endpoints come from its discovery document. Tokens go from the provider's token
endpoint straight into the server-side session; they are never put in an address or a log.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client

from web.store.sessions import Session

#: Refresh the access token this many seconds before it expires.
REFRESH_MARGIN = 30


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    end_session: str | None


def claims_of(access_token: str) -> dict[str, Any]:
    """The access token's claims, to show who is signed in and pick the start page.

    Not a security decision: every service verifies the token's signature and decides access itself.
    """
    claims: dict[str, Any] = jwt.decode(access_token, options={"verify_signature": False})
    return claims


def remember(session: Session, token: dict[str, Any]) -> None:
    session.access_token = str(token["access_token"])
    session.refresh_token = str(token.get("refresh_token") or session.refresh_token)
    session.id_token = str(token.get("id_token") or session.id_token)
    claims = claims_of(session.access_token)
    session.expires_at = float(token.get("expires_at") or claims.get("exp") or time.time() + 300)
    session.user = str(claims.get("preferred_username") or claims.get("sub", ""))
    session.organisation_id = str(claims.get("org", ""))
    session.role = str(claims.get("role", ""))


class Provider:
    def __init__(
        self, issuer: str, client_id: str, redirect_uri: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.transport = transport  # tests: a stand-in provider
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self._endpoints: Endpoints | None = None

    @property
    def origin(self) -> str:
        scheme, _, rest = self.issuer.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    async def endpoints(self) -> Endpoints:
        if self._endpoints is None:
            async with httpx.AsyncClient(timeout=10, transport=self.transport) as http:
                response = await http.get(f"{self.issuer}/.well-known/openid-configuration")
                response.raise_for_status()
                document = response.json()
            self._endpoints = Endpoints(
                document["authorization_endpoint"], document["token_endpoint"], document.get("end_session_endpoint")
            )
        return self._endpoints

    def _client(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            self.client_id,
            redirect_uri=self.redirect_uri,
            scope="openid",
            code_challenge_method="S256",
            timeout=15,
            transport=self.transport,
        )

    async def sign_in_url(self, session: Session, next_path: str) -> str:
        verifier = secrets.token_urlsafe(48)
        nonce = secrets.token_urlsafe(16)
        async with self._client() as client:
            url, state = client.create_authorization_url(
                (await self.endpoints()).authorization, code_verifier=verifier, nonce=nonce
            )
        session.pending = {str(state): (verifier, nonce, next_path)}
        return str(url)

    async def finish(self, session: Session, state: str, code: str) -> str:
        """Exchange the code for tokens (the state must be the one this session started); where to go next."""
        verifier, _nonce, next_path = session.pending.pop(state)
        async with self._client() as client:
            token = await client.fetch_token(
                (await self.endpoints()).token, grant_type="authorization_code", code=code, code_verifier=verifier
            )
        remember(session, dict(token))
        return next_path

    async def refresh(self, session: Session) -> bool:
        if not session.refresh_token:
            return False
        async with self._client() as client:
            try:
                token = await client.refresh_token((await self.endpoints()).token, refresh_token=session.refresh_token)
            except Exception:  # noqa: BLE001 - an expired or revoked refresh token: sign in again
                return False
        remember(session, dict(token))
        return True

    async def sign_out_url(self, id_token: str, after: str) -> str | None:
        end = (await self.endpoints()).end_session
        if not end:
            return None
        query = {"post_logout_redirect_uri": after, "client_id": self.client_id}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{end}?{urlencode(query)}"


def needs_refresh(session: Session) -> bool:
    return session.signed_in and session.expires_at - REFRESH_MARGIN < time.time()

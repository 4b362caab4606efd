"""Who is calling: bearer tokens (JWT) naming a user, their organisation and their role.

In production every service verifies the identity provider's OpenID Connect access tokens
(:class:`aktywni_shared.oidc.OidcVerifier`, ``AKTYWNI_OIDC_ISSUER``): no service holds a key that
can mint one. :class:`Tokens` (HS256 with a shared secret, ``AKTYWNI_JWT_SECRET``) remains for unit
tests and for a service started without an issuer on a developer's machine. Who a caller is
(``Principal``, ``Role``) lives in the pure :mod:`aktywni_shared.identity` and is re-exported here;
authorisation is each service's ``domain/access.py``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Protocol

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from aktywni_shared.identity import Principal, Role, require_role
from aktywni_shared.oidc import InvalidToken

ALGORITHM = "HS256"
ISSUER = "aktywni"
MIN_SECRET_BYTES = 32


class TokenIssuer(Protocol):
    """Gives a caller's token (tests and the local demo: the provider's sign-in, or HS256 :class:`Tokens`)."""

    def issue(self, principal: Principal, ttl_seconds: int = ...) -> str: ...


class TokenVerifier(Protocol):
    """Turns a bearer token into the caller, or raises :class:`InvalidToken` saying why."""

    def verify(self, token: str) -> Principal: ...


class Tokens:
    def __init__(self, secret: str) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret

    def issue(self, principal: Principal, ttl_seconds: int = 8 * 3600) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": principal.user,
            "org": principal.organisation_id,
            "role": principal.role.value,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("token expired") from error
        except jwt.PyJWTError as error:
            raise InvalidToken(f"invalid token: {error}") from error
        try:
            return Principal(user=claims["sub"], organisation_id=claims.get("org", ""), role=claims.get("role", ""))
        except ValidationError as error:
            raise InvalidToken("token claims org/role are missing or invalid") from error


bearer = HTTPBearer(auto_error=False, description="An access token from the identity provider (OpenID Connect)")


Authenticate = Callable[[HTTPAuthorizationCredentials | None], Awaitable[Principal]]


def authentication(tokens: TokenVerifier) -> Authenticate:
    """A FastAPI dependency that yields the caller's :class:`Principal`, or answers 401."""

    async def current_principal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        if credentials is None:
            raise HTTPException(401, detail="missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        try:
            return tokens.verify(credentials.credentials)
        except InvalidToken as error:
            raise HTTPException(
                401, detail=str(error), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            ) from error

    return current_principal


async def caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """A router's dependency: the signed-in caller, by the authentication the app put on its state."""
    authenticate: Authenticate = request.app.state.authenticate
    return await authenticate(credentials)


__all__ = [
    "Authenticate",
    "InvalidToken",
    "Principal",
    "Role",
    "TokenIssuer",
    "TokenVerifier",
    "Tokens",
    "authentication",
    "bearer",
    "caller",
    "require_role",
]

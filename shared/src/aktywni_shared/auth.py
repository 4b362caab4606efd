"""Who is calling: bearer tokens (JWT) naming a user, their organisation and their role.

Every service verifies tokens with the same key (``AKTYWNI_JWT_SECRET``, HS256); tokens are issued
by the `aktywni-token` command (for the demo and for operators) or by an identity provider that
signs with the same key. Who a caller is (``Principal``, ``Role``) lives in the pure
:mod:`aktywni_shared.identity` and is re-exported here; authorisation is each service's
``domain/access.py``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from aktywni_shared.identity import Principal, Role, require_role

ALGORITHM = "HS256"
ISSUER = "aktywni"
MIN_SECRET_BYTES = 32


class InvalidToken(Exception):
    pass


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


_bearer = HTTPBearer(auto_error=False, description="A token from `aktywni-token` or the identity provider")


Authenticate = Callable[[HTTPAuthorizationCredentials | None], Awaitable[Principal]]


def authentication(tokens: Tokens) -> Authenticate:
    """A FastAPI dependency that yields the caller's :class:`Principal`, or answers 401."""

    async def current_principal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
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


__all__ = ["Authenticate", "InvalidToken", "Principal", "Role", "Tokens", "authentication", "require_role"]

"""OpenID Connect access tokens: verified with the issuer's published keys, mapped to a Principal.

The services hold no key that can mint a token. They verify the signature with the provider's
JSON Web Key Set (found through ``<issuer>/.well-known/openid-configuration``, cached; a token
signed with a key the cache does not know makes one fresh fetch, so a rotated realm key is picked
up without a restart, and a key removed from the set is refused), then the issuer, the audience and
the lifetimes (with a small leeway for clocks). Which claims carry the user, the organisation and
the role is :class:`ClaimMapping`'s business, configurable so that another provider (Entra ID, a
city's SSO) needs no code change: a claim may be a dotted path (``realm_access.roles``) and hold a
string or a list.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jwt
from pydantic import ValidationError

from aktywni_shared.identity import Principal, Role

#: Asymmetric algorithms only: a symmetric (HS*) token would need the key that also mints them.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
DEFAULT_LEEWAY_SECONDS = 30
DISCOVERY_TIMEOUT_SECONDS = 10.0


class InvalidToken(Exception):
    """The token is not one the service accepts; the message says why (never the token)."""


@dataclass(frozen=True)
class ClaimMapping:
    """Which claims name the user, their organisation and their role (dotted paths allowed)."""

    user: str = "preferred_username"
    organisation: str = "org"
    role: str = "role"

    def principal(self, claims: dict[str, Any]) -> Principal:
        user = _first(_claim(claims, self.user)) or claims.get("sub")
        organisation = _first(_claim(claims, self.organisation))
        roles = [str(r) for r in _values(_claim(claims, self.role))]
        role = next((r for r in roles if r in Role.__members__.values()), None)
        if organisation is None or role is None:
            raise InvalidToken(f"token claims {self.organisation}/{self.role} are missing or invalid")
        try:
            return Principal(user=str(user), organisation_id=str(organisation), role=Role(role))
        except ValidationError as error:
            raise InvalidToken(f"token claims {self.organisation}/{self.role} are missing or invalid") from error


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _first(value: Any) -> str | None:
    values = _values(value)
    return str(values[0]) if values else None


def discover_jwks_uri(issuer: str, timeout: float = DISCOVERY_TIMEOUT_SECONDS) -> str:
    """The issuer's ``jwks_uri`` from its discovery document (checked to name the same issuer)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - the configured issuer
        document = json.loads(answer.read())
    if document.get("issuer") != issuer:
        raise InvalidToken(f"the discovery document names issuer {document.get('issuer')!r}, not {issuer!r}")
    return str(document["jwks_uri"])


class OidcVerifier:
    """Verifies the provider's access tokens (RS/PS/ES signatures, issuer, audience, lifetimes)."""

    def __init__(
        self,
        issuer: str,
        audience: str | Sequence[str],
        *,
        jwks_uri: str | None = None,
        mapping: ClaimMapping | None = None,
        leeway_seconds: int = DEFAULT_LEEWAY_SECONDS,
        key_cache_seconds: float = 300.0,
        refetch_cooldown_seconds: float = 1.0,
    ) -> None:
        self.issuer = issuer
        self.audience = [audience] if isinstance(audience, str) else list(audience)
        self.mapping = mapping or ClaimMapping()
        self.leeway = leeway_seconds
        self._jwks_uri = jwks_uri
        self._key_cache_seconds = key_cache_seconds
        #: An unknown key id refetches the set at most this often (a flood of made-up ids is cheap).
        self._cooldown = refetch_cooldown_seconds
        self._client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()

    def _keys(self) -> jwt.PyJWKClient:
        with self._lock:
            if self._client is None:
                uri = self._jwks_uri or discover_jwks_uri(self.issuer)
                # The set is cached for its lifespan and fetched again when a token names an unknown
                # key id. No per-key cache: it would keep a key retired from the set valid for ever.
                self._client = jwt.PyJWKClient(
                    uri,
                    cache_keys=False,
                    lifespan=self._key_cache_seconds,
                    timeout=10,
                    cooldown_duration=self._cooldown,
                )
            return self._client

    def claims(self, token: str) -> dict[str, Any]:
        try:
            key = self._keys().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=list(ALGORITHMS),
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("token expired") from error
        except jwt.PyJWKClientConnectionError as error:
            raise InvalidToken("the identity provider's keys could not be fetched") from error
        except (jwt.PyJWTError, OSError) as error:
            raise InvalidToken(f"invalid token: {error}") from error
        return claims

    def verify(self, token: str) -> Principal:
        return self.mapping.principal(self.claims(token))


def unverified_expiry(token: str) -> float:
    """When a token says it expires (seconds since the epoch), without checking it: for caches only."""
    try:
        return float(jwt.decode(token, options={"verify_signature": False}).get("exp", 0))
    except jwt.PyJWTError:
        return time.time()

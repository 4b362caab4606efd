"""Signing a command-line tool in at the identity provider (OpenID Connect), without a browser of its own.

Two grants, both found through the issuer's discovery document
(``<issuer>/.well-known/openid-configuration``, checked to name the same issuer):

- the **device authorization grant** (RFC 8628) for a person at a terminal: the tool asks for a
  device code, prints the verification address and the user code to stderr, and polls the token
  endpoint while the person signs in with any browser. The polling keeps the provider's interval
  (5 seconds when it names none), waits 5 seconds longer after every ``slow_down`` and for good,
  keeps going on ``authorization_pending``, and stops on ``access_denied``, ``expired_token``, any
  other error, or when the device code's lifetime has passed;
- the **client credentials grant** for a service account: a confidential client's id and secret
  (the secret from a file or the environment, never from the command line).

Either way the result is a :class:`SignedIn` session, an ``httpx.Auth``: it sends the access token
as a bearer token and renews it shortly before it expires (with the refresh token of a device
sign-in, or by asking again with the client's credentials), so a long run outlives a 5-minute
access token. No token is decoded or verified here: that is the services' business.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx

#: RFC 8628 section 3.5: the interval when the provider names none, and what ``slow_down`` adds.
DEFAULT_INTERVAL_SECONDS = 5.0
SLOW_DOWN_SECONDS = 5.0
#: An access token is renewed when fewer seconds than this are left of its lifetime.
RENEW_MARGIN_SECONDS = 30.0
HTTP_TIMEOUT_SECONDS = 30.0
SECRET_ENVIRONMENT_VARIABLE = "AKTYWNI_CLIENT_SECRET"  # noqa: S105 - a variable name, not a secret
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class SignInError(Exception):
    """Signing in failed; the message says why (never a secret or a token)."""


@dataclass(frozen=True)
class Endpoints:
    """The provider's endpoints a command-line tool needs, from its discovery document."""

    issuer: str
    token_endpoint: str
    device_authorization_endpoint: str | None = None


@dataclass(frozen=True)
class DeviceAuthorization:
    """The device authorization endpoint's answer (RFC 8628 section 3.2)."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float


def discover(issuer: str, http: httpx.Client) -> Endpoints:
    """The issuer's token and device authorization endpoints (the document must name the same issuer)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    answer = http.get(url)
    if answer.status_code != 200:
        raise SignInError(f"the issuer's discovery document {url} answered HTTP {answer.status_code}")
    document = answer.json()
    if document.get("issuer") != issuer:
        raise SignInError(f"the discovery document names issuer {document.get('issuer')!r}, not {issuer!r}")
    device = document.get("device_authorization_endpoint")
    return Endpoints(issuer, str(document["token_endpoint"]), str(device) if device else None)


def _error_of(answer: httpx.Response) -> tuple[str, str]:
    try:
        body = answer.json()
    except ValueError:
        return "", f"HTTP {answer.status_code}"
    if not isinstance(body, dict):
        return "", f"HTTP {answer.status_code}"
    error = str(body.get("error", ""))
    described = body.get("error_description")
    return error, f"{error}: {described}" if described else error or f"HTTP {answer.status_code}"


def _tokens(answer: httpx.Response, what: str) -> dict[str, Any]:
    if answer.status_code != 200:
        raise SignInError(f"{what} refused: {_error_of(answer)[1]}")
    tokens: dict[str, Any] = answer.json()
    if not tokens.get("access_token"):
        raise SignInError(f"{what}: the token endpoint answered no access token")
    return tokens


def start_device_authorization(
    http: httpx.Client, endpoints: Endpoints, client_id: str, scope: str = "openid"
) -> DeviceAuthorization:
    """Ask for a device code and a user code (RFC 8628 section 3.1)."""
    if endpoints.device_authorization_endpoint is None:
        raise SignInError(f"the issuer {endpoints.issuer} offers no device authorization endpoint")
    answer = http.post(endpoints.device_authorization_endpoint, data={"client_id": client_id, "scope": scope})
    if answer.status_code != 200:
        raise SignInError(f"the device authorization of client {client_id!r} was refused: {_error_of(answer)[1]}")
    body = answer.json()
    return DeviceAuthorization(
        device_code=str(body["device_code"]),
        user_code=str(body["user_code"]),
        verification_uri=str(body["verification_uri"]),
        verification_uri_complete=body.get("verification_uri_complete"),
        expires_in=float(body["expires_in"]),
        interval=float(body.get("interval") or DEFAULT_INTERVAL_SECONDS),
    )


def poll_device_token(
    http: httpx.Client,
    endpoints: Endpoints,
    client_id: str,
    authorization: DeviceAuthorization,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll the token endpoint until the person has signed in (RFC 8628 section 3.4 and 3.5)."""
    deadline = clock() + authorization.expires_in
    interval = authorization.interval
    form = {"grant_type": DEVICE_CODE_GRANT, "device_code": authorization.device_code, "client_id": client_id}
    while True:
        sleep(interval)
        if clock() >= deadline:
            raise SignInError("the sign-in was not completed in time (the device code expired); run the command again")
        try:
            answer = http.post(endpoints.token_endpoint, data=form)
        except httpx.TimeoutException:
            interval *= 2  # section 3.5: back off after a timeout
            continue
        if answer.status_code == 200:
            return _tokens(answer, "the device sign-in")
        error, described = _error_of(answer)
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += SLOW_DOWN_SECONDS
            continue
        if error == "access_denied":
            raise SignInError("the sign-in was denied at the identity provider")
        if error == "expired_token":
            raise SignInError("the sign-in was not completed in time (the device code expired); run the command again")
        raise SignInError(f"the device sign-in failed: {described}")


def read_client_secret(secret_file: Path | None, environ: dict[str, str] | None = None) -> str:
    """The client secret: the first line of ``secret_file``, else ``AKTYWNI_CLIENT_SECRET``."""
    if secret_file is not None:
        try:
            secret = secret_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SignInError(f"the client secret file cannot be read: {error.strerror} ({secret_file})") from error
        if not secret:
            raise SignInError(f"the client secret file {secret_file} is empty")
        return secret
    secret = (os.environ if environ is None else environ).get(SECRET_ENVIRONMENT_VARIABLE, "").strip()
    if not secret:
        raise SignInError(f"a client secret is needed: --client-secret-file FILE or {SECRET_ENVIRONMENT_VARIABLE}")
    return secret


class SignedIn(httpx.Auth):
    """A signed-in session: sends the current access token, renewing it before it expires."""

    def __init__(
        self,
        tokens: dict[str, Any],
        renew: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._renew = renew
        self._clock = clock
        self._lock = threading.Lock()
        self._set(tokens)

    def _set(self, tokens: dict[str, Any]) -> None:
        self._tokens = tokens
        self._expires_at = self._clock() + float(tokens.get("expires_in") or 300)

    @property
    def access_token(self) -> str:
        with self._lock:
            if self._clock() >= self._expires_at - RENEW_MARGIN_SECONDS:
                self._set(self._renew(self._tokens))
            return str(self._tokens["access_token"])

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        yield request


def device_sign_in(
    issuer: str,
    client_id: str,
    *,
    http: httpx.Client | None = None,
    out: TextIO | None = None,
    scope: str = "openid",
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> SignedIn:
    """A person signs in with the device authorization grant; the instructions go to ``out`` (stderr)."""
    client = http or httpx.Client(timeout=HTTP_TIMEOUT_SECONDS)
    out = out or sys.stderr
    endpoints = discover(issuer, client)
    authorization = start_device_authorization(client, endpoints, client_id, scope)
    out.write(f"To sign in, open {authorization.verification_uri} and enter the code {authorization.user_code}\n")
    if authorization.verification_uri_complete:
        out.write(f"(or open {authorization.verification_uri_complete})\n")
    out.write(f"Waiting for the sign-in (the code is valid for {authorization.expires_in:.0f} s)...\n")
    out.flush()
    tokens = poll_device_token(client, endpoints, client_id, authorization, sleep=sleep, clock=clock)
    out.write("Signed in.\n")
    out.flush()

    def refresh(current: dict[str, Any]) -> dict[str, Any]:
        if not current.get("refresh_token"):
            raise SignInError("the access token expired and the provider gave no refresh token; sign in again")
        form = {"grant_type": "refresh_token", "refresh_token": current["refresh_token"], "client_id": client_id}
        renewed = _tokens(client.post(endpoints.token_endpoint, data=form), "renewing the sign-in")
        return {"refresh_token": current["refresh_token"], **renewed}

    return SignedIn(tokens, refresh, clock=clock)


def client_credentials_sign_in(
    issuer: str,
    client_id: str,
    client_secret: str,
    *,
    http: httpx.Client | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SignedIn:
    """A service account signs in with the client credentials grant (the secret in the form body)."""
    client = http or httpx.Client(timeout=HTTP_TIMEOUT_SECONDS)
    endpoints = discover(issuer, client)

    def fetch(_: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = client.post(
            endpoints.token_endpoint,
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
        )
        return _tokens(answer, f"the sign-in of client {client_id!r}")

    return SignedIn(fetch(), fetch, clock=clock)

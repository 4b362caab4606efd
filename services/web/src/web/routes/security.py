"""Every answer's security headers (CSP without inline scripts) and the session cookie."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from starlette.responses import Response

from web.store.sessions import Sessions

COOKIE = "aktywni_session"


def content_security_policy(provider_origin: str | None) -> str:
    form_action = "'self'" + (f" {provider_origin}" if provider_origin else "")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"frame-src 'self'; frame-ancestors 'none'; form-action {form_action}; base-uri 'none'; object-src 'none'"
    )


def session_middleware(
    sessions: Sessions, *, secure: bool, csp: str
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        session = sessions.find(request.cookies.get(COOKIE))
        fresh = session is None
        if session is None:
            session = sessions.new()
        request.state.session = session
        response = await call_next(request)
        if fresh:
            response.set_cookie(
                COOKIE, sessions.cookie_value(session), httponly=True, samesite="lax", secure=secure, path="/"
            )
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return middleware

"""Running a service's HTTP app with uvicorn, the same way for every service, and its access log."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aktywni_shared.settings import ServiceSettings

access_log = logging.getLogger("aktywni.access")

CORRELATION_HEADER = "x-correlation-id"
#: A caller's correlation id is kept only when it looks like one (no log injection, no personal data).
_CORRELATION_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    # uvicorn's own access log prints raw paths (with ids and query values): AccessLog replaces it.
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False, use_colors=False)


def _correlation_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == CORRELATION_HEADER.encode():
            candidate = bytes(value).decode("latin-1")
            if _CORRELATION_ID.fullmatch(candidate):
                return candidate
    return str(uuid.uuid4())


class AccessLog:
    """One JSON line per HTTP request: method, route template, status, duration, correlation id.

    The route is the template (``/projects/{project_id}/participants``), never the raw path, and
    the query string is never logged: both may carry identifiers of people. The correlation id is
    the caller's ``X-Correlation-Id`` if it sent a plausible one, else a new one; either way it
    is returned in the answer's ``X-Correlation-Id`` header.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        correlation_id = _correlation_id(scope)
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [
                    *message.get("headers", []),
                    (CORRELATION_HEADER.encode(), correlation_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route: Any = scope.get("route")
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": getattr(route, "path", None),  # None: no route matched (404)
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "correlation_id": correlation_id,
                },
            )

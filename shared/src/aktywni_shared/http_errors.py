"""Every service's refusals (:mod:`aktywni_shared.errors`) as HTTP answers, installed by one call."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from aktywni_shared.error_responses import document_errors
from aktywni_shared.errors import ServiceError


async def _answer(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    return JSONResponse(error.body(), status_code=error.status)


def install_error_handlers(app: FastAPI, *, conflicts: bool = True) -> None:
    """Answer every :class:`ServiceError` (and subclass) with its status and body; document the 4xx."""
    app.add_exception_handler(ServiceError, _answer)
    document_errors(app, conflicts=conflicts)

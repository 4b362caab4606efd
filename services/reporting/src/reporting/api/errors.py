"""Use-case errors as HTTP answers: 404 for what the caller may not know of, 403, 422 naming the field."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from aktywni_shared.error_responses import document_errors
from reporting.domain.access import Forbidden, NotFound
from reporting.reports import UnknownIndicator, WrongIndicator


def install(app: FastAPI) -> None:
    async def not_found(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    async def forbidden(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=403)

    async def wrong_indicator(_: Request, error: Exception) -> JSONResponse:
        detail = [{"loc": ["path", "code"], "msg": str(error), "type": "indicator"}]
        return JSONResponse({"detail": detail}, status_code=422)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(UnknownIndicator, not_found)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(WrongIndicator, wrong_indicator)
    document_errors(app, conflicts=False)

"""The use cases' errors as HTTP answers: 4xx naming the field and the reason (and for conflicts, each one)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from aktywni_shared.error_responses import document_errors
from scheduling.domain.errors import ConcurrentChange, Conflicts, DomainError, Forbidden, NotFound


def _loc(field: str | None) -> list[str]:
    return ["body", *field.split(".")] if field else ["body"]


def install(app: FastAPI) -> None:
    async def not_found(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, NotFound)
        loc = ["path", error.field] if error.field else ["path"]
        return JSONResponse({"detail": [{"loc": loc, "msg": str(error), "type": "not_found"}]}, status_code=404)

    async def forbidden(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=403)

    async def conflicts(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Conflicts)
        detail = [{"loc": _loc(c.field), "msg": c.message, "type": f"conflict.{c.code}"} for c in error.conflicts]
        return JSONResponse({"detail": detail}, status_code=409)

    async def concurrent(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": [{"loc": ["body"], "msg": str(error), "type": "conflict.busy"}]}, 409)

    async def domain_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DomainError)
        return JSONResponse({"detail": [{"loc": _loc(error.field), "msg": str(error), "type": "domain"}]}, 422)

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(Conflicts, conflicts)
    app.add_exception_handler(ConcurrentChange, concurrent)
    app.add_exception_handler(DomainError, domain_error)
    document_errors(app)

"""The use cases' errors as HTTP answers: 4xx naming the field and the reason."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from aktywni_shared.error_responses import document_errors
from aktywni_shared.errors import ServiceError
from enrolment.domain.participants import DomainError
from enrolment.store.participants import ConcurrentChange
from enrolment.use_cases import Conflict, Forbidden, Ineligible, NotFound


def install(app: FastAPI) -> None:
    async def not_found(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    async def forbidden(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=403)

    async def conflict(_: Request, error: Exception) -> JSONResponse:
        body: dict[str, object] = {"detail": str(error)}
        if isinstance(error, Conflict) and error.existing_participant_id:
            body["existing_participant_id"] = error.existing_participant_id
        return JSONResponse(body, status_code=409)

    async def ineligible(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Ineligible)
        detail = [
            {"loc": ["body", *f.field.split(".")], "msg": f.message, "type": f"eligibility.{f.rule}"}
            for f in error.failures
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    async def domain_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DomainError)
        loc = ["body", error.field] if error.field else ["body"]
        return JSONResponse({"detail": [{"loc": loc, "msg": str(error), "type": "domain"}]}, status_code=422)

    async def service_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ServiceError)
        return JSONResponse(error.body(), status_code=error.status)

    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(Conflict, conflict)
    app.add_exception_handler(ConcurrentChange, conflict)
    app.add_exception_handler(Ineligible, ineligible)
    app.add_exception_handler(DomainError, domain_error)
    document_errors(app)

"""Institutional declarations of a project."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from enrolment.domain.declarations import RecordDeclaration
from enrolment.use_cases import Enrolment

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]


def router(enrolment: Enrolment, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["declarations"])

    @api.post("/projects/{project_id}/declarations", status_code=201, summary="Record an institution's declaration")
    async def record(
        project_id: ProjectId, command: RecordDeclaration, caller: Principal = Depends(authenticated)
    ) -> dict[str, Any]:
        return await enrolment.record_declaration(caller, project_id, command)

    @api.get("/projects/{project_id}/declarations", summary="The project's declarations")
    async def declarations(project_id: ProjectId, caller: Principal = Depends(authenticated)) -> list[dict[str, Any]]:
        return await enrolment.project_declarations(caller, project_id)

    return api

"""Institutional declarations of a project."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from enrolment.api.deps import Caller, ProjectId, UseCases
from enrolment.domain.declarations import RecordDeclaration
from enrolment.use_cases import declarations as declaration_cases

router = APIRouter(tags=["declarations"])


@router.post("/projects/{project_id}/declarations", status_code=201, summary="Record an institution's declaration")
async def record(
    project_id: ProjectId, command: RecordDeclaration, enrolment: UseCases, caller: Caller
) -> dict[str, Any]:
    return await declaration_cases.record_declaration(enrolment, caller, project_id, command)


@router.get("/projects/{project_id}/declarations", summary="The project's declarations")
async def declarations(project_id: ProjectId, enrolment: UseCases, caller: Caller) -> list[dict[str, Any]]:
    return await declaration_cases.project_declarations(enrolment, caller, project_id)

"""Indicator definitions and targets of a project, templates, and manual entries (e.g. the model)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from reporting.api.deps import Caller, IndicatorCode, OnChange, ProjectId, UseCases
from reporting.domain.indicators import IndicatorSet, ManualEntry, ProjectDefinitions
from reporting.domain.templates import TEMPLATES


def definitions_out(definitions: ProjectDefinitions) -> dict[str, Any]:
    return {
        "project_id": definitions.project_id,
        "revision": definitions.rev,
        "indicators": [d.model_dump(mode="json") for d in definitions.indicators],
        "entries": definitions.entries,
    }


class TemplateChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: str = Field(min_length=1, max_length=100, description=f"one of: {', '.join(sorted(TEMPLATES))}")


router = APIRouter(tags=["indicators"])


@router.get("/indicator-templates", summary="The seed projects' indicator sets, to apply to a project")
async def templates(caller: Caller) -> dict[str, Any]:
    del caller
    return TEMPLATES


@router.get("/projects/{project_id}/indicators", summary="The project's indicator definitions and manual entries")
async def indicators(project_id: ProjectId, reports: UseCases, caller: Caller) -> dict[str, Any]:
    return definitions_out(await reports.indicators(caller, project_id))


@router.put(
    "/projects/{project_id}/indicators",
    summary="Replace the project's indicators (the leading organisation's coordinator)",
    responses={403: {"description": "not the leader's coordinator"}, 422: {"description": "names the field"}},
)
async def define(
    project_id: ProjectId, body: IndicatorSet, reports: UseCases, caller: Caller, changed: OnChange
) -> dict[str, Any]:
    result = definitions_out(await reports.define(caller, project_id, body))
    changed({project_id})
    return result


@router.post(
    "/projects/{project_id}/indicators/template",
    summary="Give the project a template's indicators (the leading organisation's coordinator)",
)
async def apply_template(
    project_id: ProjectId, body: TemplateChoice, reports: UseCases, caller: Caller, changed: OnChange
) -> dict[str, Any]:
    result = definitions_out(await reports.apply_template(caller, project_id, body.template))
    changed({project_id})
    return result


@router.post(
    "/projects/{project_id}/indicators/{code}/entries",
    status_code=201,
    summary="Count items by hand (e.g. the model delivered); the same entry_id twice counts once",
    responses={200: {"description": "recorded before (same entry_id)"}},
)
async def add_entry(
    project_id: ProjectId,
    code: IndicatorCode,
    entry: ManualEntry,
    response: Response,
    reports: UseCases,
    caller: Caller,
    changed: OnChange,
) -> dict[str, Any]:
    created = await reports.add_entry(caller, project_id, code, entry)
    if not created:
        response.status_code = 200
    changed({project_id})
    return {"project_id": project_id, "indicator": code, "created": created, **entry.model_dump(mode="json")}

"""Reports: indicator values against targets with breakdowns and forecast (no personal data)."""

from __future__ import annotations

from fastapi import APIRouter

from reporting.api.deps import Caller, OrganisationFilter, ProjectId, UseCases
from reporting.domain.report import ProjectReport
from reporting.use_cases.reports import ProjectParticipants

router = APIRouter(tags=["reports"])


@router.get(
    "/projects/{project_id}/report",
    summary="Every indicator: value, target, plan, forecast, split by sex, organisation, month and more",
    responses={403: {"description": "another organisation's data"}, 404: {"description": "unknown project"}},
)
async def report(
    project_id: ProjectId, reports: UseCases, caller: Caller, organisation: OrganisationFilter = None
) -> ProjectReport:
    return await reports.report(caller, project_id, organisation)


@router.get(
    "/projects/{project_id}/participants/count",
    summary="How many participants the project has (anonymous; a partner counts its own organisation's)",
    responses={404: {"description": "unknown project, or one the caller's organisation takes no part in"}},
)
async def participant_count(project_id: ProjectId, reports: UseCases, caller: Caller) -> ProjectParticipants:
    return await reports.participant_count(caller, project_id)

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
    description="Each breakdown is also crossed with sex (`breakdowns_by_sex`). An indicator split by"
    " `labour_market_status` also gets `labour_market_group`: the funder's groups `unemployed` (registered,"
    " unregistered and long-term), `of_whom_long_term_unemployed`, `inactive`, `employed`. Items are"
    " forecast by their plan; months after today have `elapsed: false`.",
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

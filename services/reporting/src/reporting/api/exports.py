"""Exports: indicators per month × organisation × sex (XLSX, CSV); the participant list (leader only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from reporting.api.deps import Caller, OrganisationFilter, ProjectId, UseCases
from reporting.use_cases import exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "another organisation's data, or not the leader's coordinator"}
}

router = APIRouter(tags=["exports"])


def _file(content: bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get(
    "/projects/{project_id}/exports/indicators.xlsx",
    summary="Indicators: summary, month × organisation × sex, one sheet per breakdown",
    responses={200: {"content": {XLSX: {}}}, **REFUSED},
    response_class=Response,
)
async def indicators_xlsx(
    project_id: ProjectId, reports: UseCases, caller: Caller, organisation: OrganisationFilter = None
) -> Response:
    report = await reports.report(caller, project_id, organisation)
    return _file(exports.xlsx(report), XLSX, f"wskazniki-{project_id}.xlsx")


@router.get(
    "/projects/{project_id}/exports/indicators.csv",
    summary="Every indicator per month × organisation × sex (CSV, `;`, UTF-8 with BOM)",
    responses={200: {"content": {"text/csv": {}}}, **REFUSED},
    response_class=Response,
)
async def indicators_csv(
    project_id: ProjectId, reports: UseCases, caller: Caller, organisation: OrganisationFilter = None
) -> Response:
    report = await reports.report(caller, project_id, organisation)
    return _file(exports.monthly_csv(report), CSV, f"wskazniki-{project_id}.csv")


@router.get(
    "/projects/{project_id}/exports/breakdowns.csv",
    summary="Every indicator split by each breakdown (sex, age, disability, labour-market status and its"
    " groups, education, place of residence, organisation, month), each value also by sex (CSV, `;`, UTF-8 with BOM)",
    responses={200: {"content": {"text/csv": {}}}, **REFUSED},
    response_class=Response,
)
async def breakdowns_csv(
    project_id: ProjectId, reports: UseCases, caller: Caller, organisation: OrganisationFilter = None
) -> Response:
    report = await reports.report(caller, project_id, organisation)
    return _file(exports.breakdowns_csv(report), CSV, f"podzialy-{project_id}.csv")


@router.get(
    "/projects/{project_id}/exports/participants.csv",
    summary="Pseudonymous participants with ESF attributes (the leading organisation's coordinator)",
    responses={200: {"content": {"text/csv": {}}}, **REFUSED},
    response_class=Response,
)
async def participants_csv(project_id: ProjectId, reports: UseCases, caller: Caller) -> Response:
    rows = await reports.participant_list(caller, project_id)
    names = (await reports.project(project_id)).organisation_names
    return _file(exports.participants_csv(rows, names), CSV, f"uczestnicy-{project_id}.csv")


@router.get(
    "/projects/{project_id}/exports/participants.xlsx",
    summary="The same participant list as XLSX (the leading organisation's coordinator)",
    responses={200: {"content": {XLSX: {}}}, **REFUSED},
    response_class=Response,
)
async def participants_xlsx(project_id: ProjectId, reports: UseCases, caller: Caller) -> Response:
    rows = await reports.participant_list(caller, project_id)
    names = (await reports.project(project_id)).organisation_names
    return _file(exports.participants_xlsx(rows, names), XLSX, f"uczestnicy-{project_id}.xlsx")

"""The reports page (indicators, the exports), and the exports passed on to the browser."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.domain.errors import field_errors
from web.routes.deps import Api, Caller, page
from web.use_cases import reports as cases
from web.use_cases.ports import Refused
from web.use_cases.projects import project_page

router = APIRouter(include_in_schema=False)


@router.get("/projects/{project_id}/reports", response_class=HTMLResponse)
async def reports(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    try:
        found = await project_page(api.enrolment, api.reporting, caller.access_token, project_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    return page(request, "reports.html", {"page": found, "exports": cases.EXPORTS})


@router.get("/projects/{project_id}/exports/{name}")
async def export(request: Request, project_id: str, name: str, caller: Caller, api: Api) -> Response:
    if name not in cases.BY_NAME:
        return page(request, "refused.html", {"errors": []}, 404)
    try:
        file = await cases.download(api.enrolment, api.reporting, caller.access_token, project_id, name)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )

"""The audit log page ("Dziennik dostępu"): filters sent by a POST form, so no login or id is in an address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.domain import audit as labels
from web.routes.deps import Api, Caller, Form, page, text_fields
from web.use_cases import audit as cases

router = APIRouter(include_in_schema=False)


async def _show(request: Request, project_id: str, found: cases.AuditPage) -> Response:
    if found.status in (403, 404):
        return page(request, "refused.html", {"errors": found.errors}, found.status)
    context = {
        "project_id": project_id,
        "found": found,
        "values": found.values,
        "errors": found.errors,
        "actions": labels.ACTIONS,
        "filter_labels": labels.FILTER_LABELS,
    }
    return page(request, "audit.html", context, found.status)


@router.get("/projects/{project_id}/audit", response_class=HTMLResponse)
async def audit_page(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    return await _show(request, project_id, await cases.audit_page(api.enrolment, caller.access_token, project_id, {}))


@router.post("/projects/{project_id}/audit", response_class=HTMLResponse)
async def filtered(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    found = await cases.audit_page(api.enrolment, caller.access_token, project_id, text_fields(form))
    return await _show(request, project_id, found)

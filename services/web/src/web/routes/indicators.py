"""A project's indicators page: apply a template, change the targets; and adding a partner to the project."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.domain.errors import FieldError, field_errors
from web.routes.deps import Api, Caller, Form, page, text_fields
from web.use_cases import indicators as cases
from web.use_cases.ports import Refused

router = APIRouter(include_in_schema=False)


async def _page(request: Request, api: Api, token: str, project_id: str, errors: list[FieldError]) -> Response:
    found = await cases.indicators_page(api.reporting, token, project_id)
    context = {"project_id": project_id, "page": found, "errors": errors or found.errors}
    return page(request, "indicators.html", context, 422 if errors else 200)


@router.get("/projects/{project_id}/indicators", response_class=HTMLResponse)
async def indicators(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    return await _page(request, api, caller.access_token, project_id, [])


@router.post("/projects/{project_id}/indicators/template", response_class=HTMLResponse)
async def apply_template(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    template = text_fields(form).get("template", "")
    outcome = await cases.apply_template(api.reporting, caller.access_token, project_id, template)
    if outcome.ok:
        return RedirectResponse(f"/projects/{project_id}/indicators", status_code=303)
    return await _page(request, api, caller.access_token, project_id, outcome.errors)


@router.post("/projects/{project_id}/indicators", response_class=HTMLResponse)
async def set_targets(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    outcome = await cases.set_targets(api.reporting, caller.access_token, project_id, text_fields(form))
    if outcome.ok:
        return RedirectResponse(f"/projects/{project_id}/indicators", status_code=303)
    return await _page(request, api, caller.access_token, project_id, outcome.errors)


@router.post("/projects/{project_id}/partners", response_class=HTMLResponse)
async def add_partner(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    values = text_fields(form)
    body = {"organisation_id": values.get("organisation_id", ""), "role": values.get("role", "partner")}
    try:
        await api.enrolment.add_partner(caller.access_token, project_id, body)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    return RedirectResponse(f"/projects/{project_id}", status_code=303)

"""Projects: the list, creating one, one project's page (period, partners, indicators, declarations)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.domain.errors import field_errors
from web.routes.deps import Api, Caller, Form, page, text_fields
from web.use_cases import projects as cases
from web.use_cases.ports import Refused

router = APIRouter(include_in_schema=False)


@router.get("/projects", response_class=HTMLResponse)
async def project_list(request: Request, caller: Caller, api: Api) -> Response:
    return page(request, "projects.html", {"projects": await api.enrolment.projects(caller.access_token)})


@router.get("/projects/new", response_class=HTMLResponse)
async def new_project(request: Request, caller: Caller, api: Api) -> Response:
    organisations = await api.enrolment.organisations(caller.access_token)
    return page(request, "project_form.html", {"values": {}, "errors": [], "organisations": organisations})


@router.post("/projects/new", response_class=HTMLResponse)
async def create_project(request: Request, caller: Caller, api: Api, form: Form) -> Response:
    values = text_fields(form)
    groups = [str(v) for v in form.getlist("target_groups")]
    outcome = await cases.create(api.enrolment, caller.access_token, cases.project_body(values, groups))
    if outcome.ok and outcome.record is not None:
        return RedirectResponse(f"/projects/{outcome.record['project_id']}", status_code=303)
    organisations = await api.enrolment.organisations(caller.access_token)
    context = {"values": values, "groups": groups, "errors": outcome.errors, "organisations": organisations}
    return page(request, "project_form.html", context, 422)


@router.get("/projects/{project_id}", response_class=HTMLResponse)
async def project(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    try:
        found = await cases.project_page(api.enrolment, api.reporting, caller.access_token, project_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    return page(request, "project.html", {"page": found, "values": {}, "errors": []})


@router.get("/projects/{project_id}/edit", response_class=HTMLResponse)
async def edit_form(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    try:
        found = await api.enrolment.project(caller.access_token, project_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    return page(request, "project_edit.html", {"project": found, "settings": found, "errors": []})


@router.post("/projects/{project_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    """Save the title, period, target groups, eligibility and required consents; refusals shown in Polish."""
    try:
        found = await api.enrolment.project(caller.access_token, project_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    fields = [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name not in ("csrf_token", "revision")
    ]
    body = cases.settings_body(fields, found)
    revision = form.get("revision")
    outcome = await cases.change_settings(
        api.enrolment, caller.access_token, project_id, body, revision if isinstance(revision, str) else None
    )
    if outcome.ok:
        return RedirectResponse(f"/projects/{project_id}#dane", status_code=303)
    if outcome.status == 412:
        # Somebody saved a change since this form was opened: show the project as it is now (with its
        # revision), so that the edit is made again on what is there instead of overwriting it unseen.
        return page(request, "project_edit.html", {"project": found, "settings": found, "errors": outcome.errors}, 409)
    context = {"project": found, "settings": {**found, **body}, "errors": outcome.errors}
    return page(request, "project_edit.html", context, 422)


@router.post("/projects/{project_id}/declarations", response_class=HTMLResponse)
async def declare(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    values = text_fields(form)
    outcome = await cases.declare(api.enrolment, caller.access_token, project_id, values)
    if outcome.ok:
        return RedirectResponse(f"/projects/{project_id}#deklaracje", status_code=303)
    found = await cases.project_page(api.enrolment, api.reporting, caller.access_token, project_id)
    return page(request, "project.html", {"page": found, "values": values, "errors": outcome.errors}, 422)

"""Activities ("Formy wsparcia"): a project's forms of support with whom they are for, their hours,
seats and what completes them; a coordinator plans one from the form (scheduling checks and decides)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.domain import planning, roles
from web.domain import sessions as rules
from web.domain.errors import FieldError
from web.routes.deps import Api, Caller, Form, page, text_fields
from web.store.sessions import Session
from web.use_cases import planning as cases
from web.use_cases.ports import Refused

router = APIRouter(include_in_schema=False)


async def _page(
    request: Request,
    project_id: str,
    caller: Session,
    api: Api,
    values: dict[str, str],
    chosen: dict[str, list[str]],
    errors: list[FieldError],
    status: int = 200,
) -> Response:
    try:
        found = await api.scheduling.activities(caller.access_token, project_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": rules.refusal(refused.status, refused.body)}, refused.status)
    context = {
        "project_id": project_id,
        "activities": found,
        "values": values,
        "chosen": chosen,
        "errors": errors,
        "plans": caller.role in roles.PLANNERS,
        "forms": planning,
        "rules": rules,
    }
    return page(request, "activities.html", context, status)


@router.get("/projects/{project_id}/activities", response_class=HTMLResponse)
async def activities(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    return await _page(request, project_id, caller, api, {"completion_rule": ""}, {}, [])


@router.post("/projects/{project_id}/activities", response_class=HTMLResponse)
async def plan(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    values = {k: v for k, v in text_fields(form).items() if k != "csrf_token"}
    chosen = {"target_categories": [str(v) for v in form.getlist("target_categories")]}
    outcome = await cases.plan_activity(api.scheduling, caller.access_token, project_id, values, chosen)
    if outcome.record is not None:
        return RedirectResponse(f"/projects/{project_id}/activities?dodano=1", status_code=303)
    return await _page(request, project_id, caller, api, values, chosen, outcome.errors, outcome.status)

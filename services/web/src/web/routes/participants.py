"""Participants: the search (a POST form: no name or PESEL in an address), the enrolment form, the card."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web import documents
from web.domain import pesel
from web.domain.errors import FieldError, field_errors
from web.domain.forms import kept_values
from web.routes.deps import Api, Caller, Form, page, text_fields, today
from web.use_cases import participants as cases
from web.use_cases.history import history_of
from web.use_cases.ports import Refused

router = APIRouter(include_in_schema=False)


@router.get("/projects/{project_id}/participants", response_class=HTMLResponse)
async def search_page(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    outcome = await cases.search(api.enrolment, caller.access_token, project_id, {})
    context = {"project_id": project_id, "values": {}, "found": outcome.record, "errors": outcome.errors}
    return page(request, "participants.html", context)


@router.post("/projects/{project_id}/participants", response_class=HTMLResponse)
async def search(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    values = text_fields(form)
    outcome = await cases.search(api.enrolment, caller.access_token, project_id, values)
    context = {
        "project_id": project_id,
        "values": kept_values(values),
        "found": outcome.record,
        "errors": outcome.errors,
    }
    return page(request, "participants.html", context, 200 if outcome.ok else 422)


@router.get("/projects/{project_id}/enrolment", response_class=HTMLResponse)
async def enrolment_form(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    values = {"organisation_id": caller.organisation_id, "enrolled_on": today(request).isoformat()}
    return page(request, "enrolment.html", {"project_id": project_id, "values": values, "errors": [], "hint": None})


@router.post("/projects/{project_id}/enrolment", response_class=HTMLResponse)
async def enrol(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    values = text_fields(form)
    candidate = values.get("as") == "candidate"
    outcome = await cases.enrol(api.enrolment, caller.access_token, project_id, values, candidate=candidate)
    if outcome.ok and outcome.record is not None:
        return RedirectResponse(f"/participants/{outcome.record['participant_id']}", status_code=303)
    hint = None
    if values.get("pesel"):
        try:
            hint = pesel.read(values["pesel"].strip())
        except pesel.InvalidPesel:
            hint = None
    context = {"project_id": project_id, "values": kept_values(values), "errors": outcome.errors, "hint": hint}
    return page(request, "enrolment.html", context, 422)


@router.get("/participants/{participant_id}", response_class=HTMLResponse)
async def card(request: Request, participant_id: str, caller: Caller, api: Api) -> Response:
    try:
        found = await api.enrolment.participant(caller.access_token, participant_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    context = {
        "participant": found,
        "actions": cases.card_actions(found, caller.role),
        "errors": [],
        "today": today(request),
        "support": await history_of(api.scheduling, caller.access_token, found),
    }
    return page(request, "participant.html", context)


@router.get("/participants/{participant_id}/history.pdf")
async def history_pdf(request: Request, participant_id: str, caller: Caller, api: Api) -> Response:
    """The participant's support history as a PDF (made for this download, kept nowhere)."""
    try:
        found = await api.enrolment.participant(caller.access_token, participant_id)
        project = await api.enrolment.project(caller.access_token, str(found["project_id"]))
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    history = await history_of(api.scheduling, caller.access_token, found)
    if history is None:
        errors = [FieldError(None, "Historia wsparcia jest niedostępna dla Twojej roli.")]
        return page(request, "refused.html", {"errors": errors}, 403)
    personal = found.get("personal") or {}
    person = f"{personal.get('first_name', '')} {personal.get('last_name', '')}".strip() or "dane osobowe usunięte"
    content = documents.support_history_pdf(
        project=f"{project.get('title', '')} ({found['project_id']})".strip(),
        funding=str(project.get("funding_programme") or ""),
        person=person,
        history=history,
        printed_on=today(request).isoformat(),
    )
    headers = {"Content-Disposition": 'attachment; filename="historia-wsparcia.pdf"', "Cache-Control": "no-store"}
    return Response(content, media_type="application/pdf", headers=headers)


@router.post("/participants/{participant_id}/{action}", response_class=HTMLResponse)
async def act(request: Request, participant_id: str, action: str, caller: Caller, api: Api, form: Form) -> Response:
    outcome = await cases.act(
        api.enrolment, caller.access_token, participant_id, action, text_fields(form), today(request)
    )
    if outcome.ok:
        return RedirectResponse(f"/participants/{participant_id}", status_code=303)
    try:
        found = await api.enrolment.participant(caller.access_token, participant_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": field_errors(refused.status, refused.body)}, refused.status)
    context = {
        "participant": found,
        "actions": cases.card_actions(found, caller.role),
        "errors": outcome.errors,
        "failed_action": action,
        "today": today(request),
        "support": await history_of(api.scheduling, caller.access_token, found),
    }
    return page(request, "participant.html", context, 422)

"""Sessions ("Zajęcia"): a project's day or week (narrowed to a venue, a staff member or an activity),
a session's bookings, booking and cancelling, moving or calling off the session (every conflict
scheduling names, in Polish, nothing saved), the attendance sheet (one POST for the whole session)
and the printable attendance list.

Participant ids travel in POSTed forms only (never in an address); scheduling and enrolment decide,
with the signed-in person's token, what they may see and do.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web import documents
from web.domain import planning as forms
from web.domain import roles
from web.domain import sessions as rules
from web.routes.deps import Api, Caller, Form, page, text_fields, today
from web.store.sessions import Session
from web.use_cases import planning as plans
from web.use_cases import sessions as cases

router = APIRouter(include_in_schema=False)


def _context(caller: Session, found: cases.SessionPage, **more: object) -> dict[str, object]:
    session = found.session or {}
    return {
        "s": session,
        "found": found,
        "rules": rules,
        "errors": found.errors,
        "books": caller.role in roles.BOOKERS,
        "is_trainer": caller.role == roles.TRAINER,
        "can_record": caller.role in roles.RECORDERS,
        **more,
    }


async def _listing(
    request: Request, project_id: str, caller: Session, api: Api, status: int = 200, **more: object
) -> Response:
    day = rules.parse_day(request.query_params.get("day"), today(request))
    period = rules.Period.of(day, week=request.query_params.get("view") != "day")
    found, errors = await cases.listing(api.scheduling, caller.access_token, project_id, period)
    chosen = forms.filters(request.query_params)
    narrowed = None if errors else await plans.week_filters(api.scheduling, caller.access_token, project_id, found)
    planning = (
        await cases.planning_choices(api.scheduling, caller.access_token, project_id)
        if (caller.role in roles.PLANNERS and not errors)
        else None
    )
    context = {
        "project_id": project_id,
        "period": period,
        "days": rules.by_day(forms.matching(found, chosen), period),
        "chosen": chosen,
        "narrowed": narrowed,
        "forms": forms,
        "rules": rules,
        "errors": errors,
        "today": today(request),
        "planning": planning,
        "values": {},
        **more,
    }
    return page(request, "sessions.html", context, status if not errors else 404)


@router.get("/projects/{project_id}/sessions", response_class=HTMLResponse)
async def listing(request: Request, project_id: str, caller: Caller, api: Api) -> Response:
    return await _listing(request, project_id, caller, api)


@router.post("/projects/{project_id}/sessions", response_class=HTMLResponse)
async def schedule(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    values = text_fields(form)
    created, errors = await cases.schedule(api.scheduling, caller.access_token, values)
    if created is None:
        kept = {k: v for k, v in values.items() if k != "csrf_token"}
        return await _listing(request, project_id, caller, api, 409, action_errors=errors, values=kept)
    return RedirectResponse(f"/sessions/{created['session_id']}", status_code=303)


async def _session(
    request: Request, caller: Session, api: Api, session_id: str, status: int = 200, **more: object
) -> Response:
    found = await cases.session_page(
        api.scheduling, api.enrolment, caller.access_token, session_id, with_bookable=caller.role in roles.BOOKERS
    )
    if found.session is None:
        return page(request, "refused.html", {"errors": found.errors}, 404)
    session = found.session
    if caller.role in roles.PLANNERS and session.get("status") == "scheduled":
        choices = await cases.planning_choices(api.scheduling, caller.access_token, str(session["project_id"]))
        more = {"moves": choices, "moving": forms.placement_values(session), "plan_errors": [], **more}
    return page(request, "session.html", _context(caller, found, forms=forms, **more), status)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
async def session(request: Request, session_id: str, caller: Caller, api: Api) -> Response:
    return await _session(request, caller, api, session_id)


@router.post("/sessions/{session_id}/bookings", response_class=HTMLResponse)
async def book(request: Request, session_id: str, caller: Caller, api: Api, form: Form) -> Response:
    participant_id = text_fields(form).get("participant_id", "").strip()
    booked, errors = await cases.book(api.scheduling, caller.access_token, session_id, participant_id)
    if booked is None:
        return await _session(request, caller, api, session_id, 409, action_errors=errors)
    return await _session(request, caller, api, session_id, booked_state=booked.get("state"))


@router.post("/sessions/{session_id}/cancellation", response_class=HTMLResponse)
async def cancel(request: Request, session_id: str, caller: Caller, api: Api, form: Form) -> Response:
    participant_id = text_fields(form).get("participant_id", "").strip()
    errors = await cases.cancel(api.scheduling, caller.access_token, session_id, participant_id)
    if errors:
        return await _session(request, caller, api, session_id, 409, action_errors=errors)
    return RedirectResponse(f"/sessions/{session_id}?anulowano=1", status_code=303)


@router.post("/sessions/{session_id}/offer-confirmation", response_class=HTMLResponse)
async def confirm(request: Request, session_id: str, caller: Caller, api: Api, form: Form) -> Response:
    participant_id = text_fields(form).get("participant_id", "").strip()
    errors = await cases.confirm(api.scheduling, caller.access_token, session_id, participant_id)
    if errors:
        return await _session(request, caller, api, session_id, 409, action_errors=errors)
    return RedirectResponse(f"/sessions/{session_id}?potwierdzono=1", status_code=303)


@router.post("/sessions/{session_id}/reschedule", response_class=HTMLResponse)
async def reschedule(request: Request, session_id: str, caller: Caller, api: Api, form: Form) -> Response:
    values = {k: v for k, v in text_fields(form).items() if k != "csrf_token"}
    outcome = await plans.reschedule(api.scheduling, caller.access_token, session_id, values)
    if outcome.errors:
        errors = outcome.errors
        return await _session(request, caller, api, session_id, outcome.status, moving=values, plan_errors=errors)
    return RedirectResponse(f"/sessions/{session_id}?przeniesiono=1", status_code=303)


@router.post("/sessions/{session_id}/call-off", response_class=HTMLResponse)
async def call_off(request: Request, session_id: str, caller: Caller, api: Api, form: Form) -> Response:
    reason = text_fields(form).get("reason", "")
    outcome = await plans.cancel_session(api.scheduling, caller.access_token, session_id, reason)
    if outcome.errors:
        kept = {"reason": reason}
        errors = outcome.errors
        return await _session(request, caller, api, session_id, outcome.status, cancel_errors=errors, cancelling=kept)
    return RedirectResponse(f"/sessions/{session_id}?odwolano=1", status_code=303)


async def _sheet(
    request: Request, caller: Session, api: Api, session_id: str, status: int = 200, **more: object
) -> Response:
    found = await cases.session_page(api.scheduling, api.enrolment, caller.access_token, session_id)
    if found.session is None:
        return page(request, "refused.html", {"errors": found.errors}, 404)
    marks = {str(b["participant_id"]): b.get("attendance") for b in found.lists.confirmed} if found.lists else {}
    return page(request, "attendance.html", _context(caller, found, marks=marks, **more), status)


@router.get("/sessions/{session_id}/attendance", response_class=HTMLResponse)
async def sheet(request: Request, session_id: str, caller: Caller, api: Api) -> Response:
    return await _sheet(request, caller, api, session_id)


@router.post("/sessions/{session_id}/attendance", response_class=HTMLResponse)
async def record(request: Request, session_id: str, caller: Caller, api: Api, form: Form) -> Response:
    found = await cases.session_page(api.scheduling, api.enrolment, caller.access_token, session_id)
    if found.session is None or found.lists is None:
        return page(request, "refused.html", {"errors": found.errors}, 404)
    confirmed = [str(b["participant_id"]) for b in found.lists.confirmed]
    outcome = await cases.record(api.scheduling, caller.access_token, session_id, text_fields(form), confirmed)
    if outcome.errors:
        return await _sheet(request, caller, api, session_id, 422, action_errors=outcome.errors)
    return await _sheet(request, caller, api, session_id, recorded=outcome.recorded, unmarked=outcome.unmarked)


@router.get("/sessions/{session_id}/list", response_class=HTMLResponse)
async def printable(request: Request, session_id: str, caller: Caller, api: Api) -> Response:
    found = await cases.session_page(api.scheduling, api.enrolment, caller.access_token, session_id)
    if found.session is None:
        return page(request, "refused.html", {"errors": found.errors}, 404)
    return page(request, "attendance_list.html", _context(caller, found, printed_on=today(request)))


@router.get("/sessions/{session_id}/list.pdf")
async def printable_pdf(request: Request, session_id: str, caller: Caller, api: Api) -> Response:
    found = await cases.session_page(api.scheduling, api.enrolment, caller.access_token, session_id)
    if found.session is None or found.lists is None:
        return page(request, "refused.html", {"errors": found.errors}, 404)
    s, project = found.session, found.project or {}
    sheet = documents.AttendanceList(
        project=f"{project.get('title', '')} ({s['project_id']})".strip(),
        funding=str(project.get("funding_programme") or ""),
        session=f"{s['title']} ({rules.FORM.get(s['form'], s['form'])})",
        when=rules.when(s),
        hours=rules.hours(s),
        venue=rules.place(s, found.venue),
        trainer=", ".join(s.get("staff_ids") or []) or "nie wyznaczono",
        names=[found.people[str(b["participant_id"])].handle for b in found.lists.seated],
        printed_on=today(request).isoformat(),
    )
    filename = f"lista-obecnosci-{rules.local(s['starts_at']).date().isoformat()}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response(documents.attendance_list_pdf(sheet), media_type="application/pdf", headers=headers)

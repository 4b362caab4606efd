"""Staff ("Prowadzący"): trainers and specialists of the organisation, with what they lead and when they
are available; a coordinator registers one from the form (scheduling checks and decides)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.domain import planning, roles
from web.domain import sessions as rules
from web.domain import venues as places
from web.routes.deps import Api, Caller, Form, page, text_fields
from web.use_cases import planning as cases
from web.use_cases.ports import Refused

router = APIRouter(include_in_schema=False)

#: What a new staff member's form shows at first: available on weekdays from 8:00 to 16:00.
NEW_MEMBER = {
    f"availability.{day}.{edge}": hour
    for day in ("mon", "tue", "wed", "thu", "fri")
    for edge, hour in (("opens", "08:00"), ("closes", "16:00"))
}
LISTS = ("roles", "competences")


def _context(values: dict[str, str], chosen: dict[str, list[str]], errors: list[object]) -> dict[str, object]:
    return {"values": values, "chosen": chosen, "errors": errors, "forms": planning, "rules": rules, "places": places}


@router.get("/staff", response_class=HTMLResponse)
async def staff(request: Request, caller: Caller, api: Api) -> Response:
    try:
        found = await api.scheduling.staff(caller.access_token)
    except Refused as refused:
        return page(request, "refused.html", {"errors": rules.refusal(refused.status, refused.body)}, refused.status)
    keeps = caller.role in roles.KEEPERS
    context = {"staff": found, "errors": [], "forms": planning, "rules": rules, "places": places, "keeps": keeps}
    return page(request, "staff.html", context)


@router.get("/staff/new", response_class=HTMLResponse)
async def new_member(request: Request, caller: Caller) -> Response:
    return page(request, "staff_form.html", _context(NEW_MEMBER, {}, []))


@router.post("/staff/new", response_class=HTMLResponse)
async def add_member(request: Request, caller: Caller, api: Api, form: Form) -> Response:
    values = {k: v for k, v in text_fields(form).items() if k != "csrf_token"}
    chosen = {name: [str(v) for v in form.getlist(name)] for name in LISTS}
    outcome = await cases.add_staff(api.scheduling, caller.access_token, values, chosen)
    if outcome.record is not None:
        return RedirectResponse("/staff?dodano=1", status_code=303)
    return page(request, "staff_form.html", _context(values, chosen, list(outcome.errors)), outcome.status)

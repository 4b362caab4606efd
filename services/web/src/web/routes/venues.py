"""Venues (rooms, accessibility, opening hours; a coordinator registers one) and calendar subscription links.

A subscription's secret address is shown once, in the page answering its creation (never in an
address of this application, never stored here); a link is revoked with a POSTed form.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.domain import planning, roles
from web.domain import sessions as rules
from web.domain import venues as places
from web.routes.deps import Api, Caller, Form, page, text_fields, today
from web.store.sessions import Session
from web.use_cases import planning as cases
from web.use_cases.ports import Refused

router = APIRouter(include_in_schema=False)


@router.get("/venues", response_class=HTMLResponse)
async def venues(request: Request, caller: Caller, api: Api) -> Response:
    try:
        found = await api.scheduling.venues(caller.access_token)
    except Refused as refused:
        return page(request, "refused.html", {"errors": rules.refusal(refused.status, refused.body)}, refused.status)
    return page(request, "venues.html", {"venues": found, "places": places, "errors": [], "keeps": _keeps(caller)})


def _keeps(caller: Session) -> bool:
    """Whether the caller registers venues and staff (scheduling checks again)."""
    return caller.role in roles.KEEPERS


#: What a new venue's form shows at first: open on weekdays 8:00 to 15:30, closed on public holidays.
NEW_VENUE = {
    **{
        f"opening_hours.{day}.{edge}": hour
        for day in ("mon", "tue", "wed", "thu", "fri")
        for edge, hour in (("opens", "08:00"), ("closes", "15:30"))
    },
    "closed_on_public_holidays": "on",
    "step_free_entrance": "on",
    **{f"rooms.{n}.step_free": "on" for n in range(planning.ROOM_ROWS)},
}


@router.get("/venues/new", response_class=HTMLResponse)
async def new_venue(request: Request, caller: Caller) -> Response:
    return page(request, "venue_form.html", {"values": NEW_VENUE, "errors": [], "forms": planning, "places": places})


@router.post("/venues/new", response_class=HTMLResponse)
async def add_venue(request: Request, caller: Caller, api: Api, form: Form) -> Response:
    values = text_fields(form)
    outcome = await cases.add_venue(api.scheduling, caller.access_token, values)
    if outcome.record is not None:
        return RedirectResponse(f"/venues/{outcome.record['venue_id']}?dodano=1", status_code=303)
    kept = {k: v for k, v in values.items() if k != "csrf_token"}
    context = {"values": kept, "errors": outcome.errors, "forms": planning, "places": places}
    return page(request, "venue_form.html", context, outcome.status)


@router.get("/venues/{venue_id}", response_class=HTMLResponse)
async def venue(request: Request, venue_id: str, caller: Caller, api: Api) -> Response:
    try:
        found = await api.scheduling.venue(caller.access_token, venue_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": rules.refusal(refused.status, refused.body)}, refused.status)
    return page(request, "venue.html", {"venue": found, "places": places, "errors": []})


@router.get("/calendar/week", response_class=HTMLResponse)
async def week(request: Request, caller: Caller, api: Api) -> Response:
    """The week of every project's sessions at a venue or led by a staff member (``?venue=``, ``?staff=``)."""
    day = rules.parse_day(request.query_params.get("day"), today(request))
    period = rules.Period.of(day, week=True)
    chosen = {k: v for k, v in planning.filters(request.query_params).items() if k in {"venue", "staff"}}
    token = caller.access_token
    found, errors = await cases.organisation_week(api.scheduling, api.enrolment, token, period, chosen)
    if errors:
        return page(request, "refused.html", {"errors": errors}, 404)
    narrowed = await cases.week_filters(api.scheduling, token, None, found)
    context = {
        "period": period,
        "days": rules.by_day(found, period),
        "chosen": chosen,
        "narrowed": narrowed,
        "rules": rules,
        "forms": planning,
        "today": today(request),
        "errors": [],
    }
    return page(request, "week.html", context)


async def _calendar(request: Request, caller: Session, api: Api, status: int = 200, **more: object) -> Response:
    token = caller.access_token
    links, feeds, unavailable = [], [], []
    try:
        links = await api.scheduling.subscriptions(token)
    except Refused:
        unavailable.append("linki")
    try:
        feeds += [("venue", v["venue_id"], f"placówka: {v['name']}") for v in await api.scheduling.venues(token)]
    except Refused:
        unavailable.append("placówki")
    try:
        feeds += [("staff", m["staff_id"], f"prowadzący: {m['staff_id']}") for m in await api.scheduling.staff(token)]
    except Refused:
        unavailable.append("prowadzący")
    context = {"links": links, "feeds": feeds, "unavailable": unavailable, "places": places, "errors": [], **more}
    return page(request, "calendar.html", context, status)


@router.get("/calendar", response_class=HTMLResponse)
async def calendar(request: Request, caller: Caller, api: Api) -> Response:
    return await _calendar(request, caller, api)


@router.post("/calendar/subscriptions", response_class=HTMLResponse)
async def subscribe(request: Request, caller: Caller, api: Api, form: Form) -> Response:
    kind, _, feed_id = text_fields(form).get("feed", "").partition(":")
    if not feed_id:
        return await _calendar(request, caller, api, 422, action_errors=["Wybierz kalendarz do subskrypcji."])
    try:
        created = await api.scheduling.subscribe(caller.access_token, kind, feed_id)
    except Refused as refused:
        messages = [e.message for e in rules.refusal(refused.status, refused.body)]
        return await _calendar(request, caller, api, refused.status, action_errors=messages)
    return await _calendar(request, caller, api, 201, created=created)


@router.post("/calendar/revocation", response_class=HTMLResponse)
async def revoke(request: Request, caller: Caller, api: Api, form: Form) -> Response:
    try:
        await api.scheduling.revoke(caller.access_token, text_fields(form).get("subscription_id", ""))
    except Refused as refused:
        messages = [e.message for e in rules.refusal(refused.status, refused.body)]
        return await _calendar(request, caller, api, refused.status, action_errors=messages)
    return RedirectResponse("/calendar?uniewazniono=1", status_code=303)

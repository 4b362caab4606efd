"""Venues (rooms, accessibility, opening hours) and calendar subscription links.

A subscription's secret address is shown once, in the page answering its creation (never in an
address of this application, never stored here); a link is revoked with a POSTed form.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.domain import sessions as rules
from web.domain import venues as places
from web.routes.deps import Api, Caller, Form, page, text_fields
from web.store.sessions import Session
from web.use_cases.ports import Refused

router = APIRouter(include_in_schema=False)


@router.get("/venues", response_class=HTMLResponse)
async def venues(request: Request, caller: Caller, api: Api) -> Response:
    try:
        found = await api.scheduling.venues(caller.access_token)
    except Refused as refused:
        return page(request, "refused.html", {"errors": rules.refusal(refused.status, refused.body)}, refused.status)
    return page(request, "venues.html", {"venues": found, "places": places, "errors": []})


@router.get("/venues/{venue_id}", response_class=HTMLResponse)
async def venue(request: Request, venue_id: str, caller: Caller, api: Api) -> Response:
    try:
        found = await api.scheduling.venue(caller.access_token, venue_id)
    except Refused as refused:
        return page(request, "refused.html", {"errors": rules.refusal(refused.status, refused.body)}, refused.status)
    return page(request, "venue.html", {"venue": found, "places": places, "errors": []})


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

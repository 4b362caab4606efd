"""The start page: what needs doing for the signed-in person's role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.domain import roles
from web.routes.deps import Api, Caller, page, today
from web.use_cases.sessions import todays
from web.use_cases.start import start_page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def start(request: Request, caller: Caller, api: Api) -> Response:
    found = await start_page(api.enrolment, api.reporting, caller.access_token, caller.role, today(request))
    sessions_today = (
        await todays(api.scheduling, caller.access_token, found.projects, today(request))
        if caller.role in roles.SESSION_ROLES
        else None
    )
    return page(request, "start.html", {"start": found, "sessions_today": sessions_today})

"""iCalendar feeds (text/calendar): a participant's, a staff member's, a venue's."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response

from aktywni_shared.auth import Authenticate, Principal
from scheduling.domain.venues import SLUG
from scheduling.use_cases.calendars import Calendars

Slug = Annotated[str, Path(pattern=SLUG)]
ICS = "text/calendar; charset=utf-8"
ICS_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "an iCalendar (RFC 5545) feed"}
}


def router(calendars: Calendars, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["calendars"])

    @api.get("/calendars/participants/{participant_id}.ics", responses=ICS_RESPONSE, summary="A participant's sessions")
    async def participant(participant_id: uuid.UUID, caller: Principal = Depends(authenticated)) -> Response:
        return Response(await calendars.participant(caller, str(participant_id)), media_type=ICS)

    @api.get("/calendars/staff/{staff_id}.ics", responses=ICS_RESPONSE, summary="The sessions a staff member leads")
    async def staff(staff_id: Slug, caller: Principal = Depends(authenticated)) -> Response:
        return Response(await calendars.staff(caller, staff_id), media_type=ICS)

    @api.get("/calendars/venues/{venue_id}.ics", responses=ICS_RESPONSE, summary="The sessions held at a venue")
    async def venue(venue_id: Slug, caller: Principal = Depends(authenticated)) -> Response:
        return Response(await calendars.venue(caller, venue_id), media_type=ICS)

    return api

"""Venues and staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from aktywni_shared.auth import Authenticate, Principal
from scheduling.domain import access
from scheduling.domain.errors import NotFound
from scheduling.domain.staff import StaffIn, StaffMember
from scheduling.domain.venues import SLUG, Venue, VenueIn
from scheduling.use_cases.planning import Planning

Slug = Annotated[str, Path(pattern=SLUG)]


def router(planning: Planning, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["venues and staff"])
    stores = planning.stores

    @api.post("/venues", status_code=201, summary="Register a venue of your organisation (coordinators)")
    async def add_venue(venue: VenueIn, caller: Principal = Depends(authenticated)) -> Venue:
        return await planning.add_venue(caller, venue)

    @api.put("/venues/{venue_id}", summary="Replace a venue's description, hours and exceptions (its organisation)")
    async def replace_venue(venue_id: Slug, venue: VenueIn, caller: Principal = Depends(authenticated)) -> Venue:
        return await planning.replace_venue(caller, venue_id, venue)

    @api.get("/venues", summary="Your organisation's venues, with rooms, accessibility and opening hours")
    async def venues(caller: Principal = Depends(authenticated)) -> list[Venue]:
        return await stores.venues.all(access.venue_scope(caller))

    @api.get("/venues/{venue_id}", summary="One venue of your organisation (ids are per organisation)")
    async def venue(venue_id: Slug, caller: Principal = Depends(authenticated)) -> Venue:
        found = await stores.venues.find(caller.organisation_id, venue_id)
        if found is None:
            raise NotFound(f"venue {venue_id} not found", "venue_id")
        return found[1]

    @api.post("/staff", status_code=201, summary="Register a trainer or specialist of your organisation")
    async def add_staff(member: StaffIn, caller: Principal = Depends(authenticated)) -> StaffMember:
        return await planning.add_staff(caller, member)

    @api.get("/staff", summary="Your organisation's staff (a trainer: their own record)")
    async def staff(caller: Principal = Depends(authenticated)) -> list[StaffMember]:
        return await planning.staff_of(caller)

    return api

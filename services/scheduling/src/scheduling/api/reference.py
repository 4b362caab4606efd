"""Venues and staff."""

from __future__ import annotations

from fastapi import APIRouter

from scheduling.api.deps import Caller, PlanningUse, Slug
from scheduling.domain.staff import StaffIn, StaffMember
from scheduling.domain.venues import Venue, VenueIn

router = APIRouter(tags=["venues and staff"])


@router.post("/venues", status_code=201, summary="Register a venue of your organisation (coordinators)")
async def add_venue(venue: VenueIn, caller: Caller, planning: PlanningUse) -> Venue:
    return await planning.add_venue(caller, venue)


@router.put("/venues/{venue_id}", summary="Replace a venue's description, hours and exceptions (its organisation)")
async def replace_venue(venue_id: Slug, venue: VenueIn, caller: Caller, planning: PlanningUse) -> Venue:
    return await planning.replace_venue(caller, venue_id, venue)


@router.get("/venues", summary="Your organisation's venues, with rooms, accessibility and opening hours")
async def venues(caller: Caller, planning: PlanningUse) -> list[Venue]:
    return await planning.venues(caller)


@router.get("/venues/{venue_id}", summary="One venue of your organisation (ids are per organisation)")
async def venue(venue_id: Slug, caller: Caller, planning: PlanningUse) -> Venue:
    return await planning.venue(caller, venue_id)


@router.post("/staff", status_code=201, summary="Register a trainer or specialist of your organisation")
async def add_staff(member: StaffIn, caller: Caller, planning: PlanningUse) -> StaffMember:
    return await planning.add_staff(caller, member)


@router.get("/staff", summary="Your organisation's staff (a trainer: their own record)")
async def staff(caller: Caller, planning: PlanningUse) -> list[StaffMember]:
    return await planning.staff_of(caller)

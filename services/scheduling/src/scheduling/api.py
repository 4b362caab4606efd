"""Scheduling's HTTP API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path

from aktywni_shared.auth import Authenticate, Principal, Role
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from scheduling.participants import BookableParticipant
from scheduling.store import SchedulingStore


def router(store: SchedulingStore, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["participants"])

    @api.get(
        "/projects/{project_id}/participants",
        summary="Participants who may be booked (pseudonymous): the leader sees all, a partner its own",
    )
    async def bookable_participants(
        project_id: str = Path(pattern=PROJECT_ID_PATTERN), caller: Principal = Depends(authenticated)
    ) -> list[BookableParticipant]:
        if caller.role not in (Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER):
            raise HTTPException(403, detail=f"role {caller.role.value} does not book participants")
        leader = await store.project_leader(project_id)
        only = None if caller.organisation_id == leader else caller.organisation_id
        return await store.project_participants(project_id, only_organisation=only)

    return api

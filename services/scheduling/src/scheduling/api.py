"""Scheduling's HTTP API."""

from __future__ import annotations

from fastapi import APIRouter, Path

from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from scheduling.participants import BookableParticipant
from scheduling.store import SchedulingStore


def router(store: SchedulingStore) -> APIRouter:
    api = APIRouter(tags=["participants"])

    @api.get("/projects/{project_id}/participants", summary="Participants who may be booked (pseudonymous)")
    async def bookable_participants(project_id: str = Path(pattern=PROJECT_ID_PATTERN)) -> list[BookableParticipant]:
        return await store.project_participants(project_id)

    return api

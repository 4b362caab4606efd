"""Reporting's HTTP API (read-only, pseudonymous)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from reporting.store import ProjectParticipants, ReportingStore


def router(store: ReportingStore, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["reports"])

    @api.get("/projects/{project_id}/participants/count", summary="How many participants the project has (anonymous)")
    async def participant_count(
        project_id: str = Path(pattern=PROJECT_ID_PATTERN), caller: Principal = Depends(authenticated)
    ) -> ProjectParticipants:
        del caller  # counts are anonymous: every authenticated role may read them
        return await store.project_participants(project_id)

    return api

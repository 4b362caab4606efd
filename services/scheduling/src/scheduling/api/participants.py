"""Participants who may be booked (pseudonymous): the leader's coordinator sees all, a partner its own,
a trainer the people in their sessions (the use case: :mod:`scheduling.use_cases.participants`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from scheduling.use_cases.participants import Participants

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]


class BookableParticipant(BaseModel):
    participant_id: str
    project_id: str
    organisation_id: str
    category: str | None
    needs_step_free_access: bool
    status: str


def router(participants: Participants, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["participants"])

    @api.get(
        "/projects/{project_id}/participants",
        summary="Participants who may be booked (pseudonymous): the leader sees all, a partner its own, "
        "a trainer the people in their sessions",
        responses={
            403: {"description": "a role that books nobody"},
            404: {"description": "unknown project, or one the caller's organisation takes no part in"},
        },
    )
    async def bookable_participants(
        project_id: ProjectId, caller: Principal = Depends(authenticated)
    ) -> list[BookableParticipant]:
        views = await participants.bookable(caller, project_id)
        return [
            BookableParticipant(
                participant_id=v.participant_id,
                project_id=v.project_id,
                organisation_id=v.organisation_id,
                category=v.category.value if v.category else None,
                needs_step_free_access=v.needs_step_free_access,
                status=v.status.value,
            )
            for v in views
        ]

    return api

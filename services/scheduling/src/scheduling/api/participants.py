"""Participants who may be booked (pseudonymous): the leader's coordinator sees all, a partner its own,
a trainer the people in their sessions (the use case: :mod:`scheduling.use_cases.participants`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from scheduling.api.deps import Caller, ParticipantsUse, ProjectId

router = APIRouter(tags=["participants"])


class BookableParticipant(BaseModel):
    participant_id: str
    project_id: str
    organisation_id: str
    category: str | None
    needs_step_free_access: bool
    status: str


@router.get(
    "/projects/{project_id}/participants",
    summary="Participants who may be booked (pseudonymous): the leader sees all, a partner its own, "
    "a trainer the people in their sessions",
    responses={
        403: {"description": "a role that books nobody"},
        404: {"description": "unknown project, or one the caller's organisation takes no part in"},
    },
)
async def bookable_participants(
    project_id: ProjectId, caller: Caller, participants: ParticipantsUse
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

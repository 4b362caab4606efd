"""Participants who may be booked (pseudonymous): the leader's coordinator sees all, a partner its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel

from aktywni_shared.auth import Authenticate, Principal, Role
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from scheduling.use_cases.context import Stores

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]


class BookableParticipant(BaseModel):
    participant_id: str
    project_id: str
    organisation_id: str
    category: str | None
    needs_step_free_access: bool
    status: str


def router(stores: Stores, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["participants"])

    @api.get(
        "/projects/{project_id}/participants",
        summary="Participants who may be booked (pseudonymous): the leader sees all, a partner its own",
    )
    async def bookable_participants(
        project_id: ProjectId, caller: Principal = Depends(authenticated)
    ) -> list[BookableParticipant]:
        if caller.role not in (Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER):
            raise HTTPException(403, detail=f"role {caller.role.value} does not book participants")
        project = await stores.projects.get(project_id)
        if project is not None and not project.takes_part(caller.organisation_id):
            return []
        leader = None if project is None else project.leader_organisation_id
        only = None if caller.organisation_id == leader and caller.role is Role.COORDINATOR else caller.organisation_id
        views = await stores.participants.of_project(project_id, only)
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

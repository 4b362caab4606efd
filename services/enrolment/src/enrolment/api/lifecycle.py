"""A participant's path: candidate registration, qualification, enrolment of a qualified candidate, completion."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.auth import Authenticate, Principal
from enrolment.api.participants import ParticipantView, ProjectId, ReEnrolment
from enrolment.domain.participants import EnrolParticipant
from enrolment.use_cases import Enrolment


class Qualification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qualified_on: date


class Completion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    completed_on: date


class FailedRuleView(BaseModel):
    rule: str
    field: str
    message: str


class CandidateView(ParticipantView):
    eligibility: list[FailedRuleView] = Field(
        description="every eligibility rule the candidate fails today (empty: may be qualified)"
    )


def router(enrolment: Enrolment, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["participants"])

    @api.post(
        "/projects/{project_id}/candidates",
        status_code=201,
        summary="Register a recruited candidate (data and consent now; qualification and enrolment later)",
        responses={409: {"description": "This person is already registered in the project"}},
    )
    async def register_candidate(
        project_id: ProjectId, command: EnrolParticipant, caller: Principal = Depends(authenticated)
    ) -> CandidateView:
        candidate, failures = await enrolment.register_candidate(caller, project_id, command)
        return CandidateView(
            **ParticipantView.of(candidate).model_dump(),
            eligibility=[FailedRuleView(rule=f.rule, field=f.field, message=f.message) for f in failures],
        )

    @api.post(
        "/participants/{participant_id}/qualification",
        summary="Qualify a candidate (every eligibility rule must pass; failures are named)",
    )
    async def qualify(
        participant_id: uuid.UUID, body: Qualification, caller: Principal = Depends(authenticated)
    ) -> ParticipantView:
        return ParticipantView.of(await enrolment.qualify(caller, participant_id, body.qualified_on))

    @api.post("/participants/{participant_id}/enrolment", summary="Enrol a qualified candidate")
    async def enrol_qualified(
        participant_id: uuid.UUID, body: ReEnrolment, caller: Principal = Depends(authenticated)
    ) -> ParticipantView:
        return ParticipantView.of(await enrolment.enrol_qualified(caller, participant_id, body.enrolled_on))

    @api.post("/participants/{participant_id}/completion", summary="Close a participant's path as completed")
    async def complete(
        participant_id: uuid.UUID, body: Completion, caller: Principal = Depends(authenticated)
    ) -> ParticipantView:
        return ParticipantView.of(await enrolment.complete(caller, participant_id, body.completed_on))

    return api

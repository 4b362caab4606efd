"""A participant's path: candidate registration, qualification, enrolment of a qualified candidate, completion."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from enrolment.api.deps import Caller, ProjectId, UseCases
from enrolment.api.participants import ParticipantView, ReEnrolment
from enrolment.domain.participants import EnrolParticipant
from enrolment.use_cases import lifecycle
from enrolment.use_cases import participants as participant_cases


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


router = APIRouter(tags=["participants"])


@router.post(
    "/projects/{project_id}/candidates",
    status_code=201,
    summary="Register a recruited candidate (data and consent now; qualification and enrolment later)",
    responses={409: {"description": "This person is already registered in the project"}},
)
async def register_candidate(
    project_id: ProjectId, command: EnrolParticipant, enrolment: UseCases, caller: Caller
) -> CandidateView:
    candidate, failures = await participant_cases.register_candidate(enrolment, caller, project_id, command)
    return CandidateView(
        **ParticipantView.of(candidate).model_dump(),
        eligibility=[FailedRuleView(rule=f.rule, field=f.field, message=f.message) for f in failures],
    )


@router.post(
    "/participants/{participant_id}/qualification",
    summary="Qualify a candidate (every eligibility rule must pass; failures are named)",
)
async def qualify(
    participant_id: uuid.UUID, body: Qualification, enrolment: UseCases, caller: Caller
) -> ParticipantView:
    return ParticipantView.of(await lifecycle.qualify(enrolment, caller, participant_id, body.qualified_on))


@router.post("/participants/{participant_id}/enrolment", summary="Enrol a qualified candidate")
async def enrol_qualified(
    participant_id: uuid.UUID, body: ReEnrolment, enrolment: UseCases, caller: Caller
) -> ParticipantView:
    return ParticipantView.of(await lifecycle.enrol_qualified(enrolment, caller, participant_id, body.enrolled_on))


@router.post("/participants/{participant_id}/completion", summary="Close a participant's path as completed")
async def complete(participant_id: uuid.UUID, body: Completion, enrolment: UseCases, caller: Caller) -> ParticipantView:
    return ParticipantView.of(await lifecycle.complete(enrolment, caller, participant_id, body.completed_on))

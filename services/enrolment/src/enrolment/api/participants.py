"""Participants: enrol, find, read, change, withdraw, re-enrol, erase."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, PROJECT_ID_PATTERN
from aktywni_shared.contracts.vocabulary import ParticipantCategory, WithdrawalReason
from enrolment.domain.participants import (
    EnrolParticipant,
    Participant,
    ParticipantDetails,
    Profile,
    SensitiveFlags,
    Status,
    recorded_answers,
)
from enrolment.store.participants import StoredParticipant
from enrolment.use_cases import Enrolment

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
MAX_PAGE_SIZE = 200


class ParticipantView(BaseModel):
    participant_id: uuid.UUID
    project_id: str
    organisation_id: str
    status: Status
    enrolled_on: date
    profile: Profile
    history: list[dict[str, str]]
    support_started_on: date | None = Field(None, description="the day of the first support (from scheduling)")
    sensitive: SensitiveFlags | None = Field(
        None, description="the sensitive answers: yes, no, refused, or not_asked (a question never put)"
    )
    personal: dict[str, Any] | None = Field(None, description="decrypted personal data; absent once erased")

    @classmethod
    def of(cls, participant: Participant, personal: dict[str, Any] | None = None) -> ParticipantView:
        return cls(
            participant_id=participant.participant_id,
            project_id=participant.project_id,
            organisation_id=participant.organisation_id,
            status=participant.status,
            enrolled_on=participant.enrolled_on,
            profile=participant.profile,
            history=participant.history,
            support_started_on=participant.support_started_on,
            sensitive=recorded_answers((personal or {}).get("sensitive")),
            personal=personal,
        )


class ParticipantPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[ParticipantView]


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: date
    reason: WithdrawalReason


class ReEnrolment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enrolled_on: date


def _view(stored: StoredParticipant, personal: dict[str, Any]) -> ParticipantView:
    return ParticipantView.of(stored.participant, personal or None)


def router(enrolment: Enrolment, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["participants"])

    @api.post(
        "/projects/{project_id}/participants",
        status_code=201,
        summary="Enrol a participant",
        responses={409: {"description": "This person is already enrolled in the project"}},
    )
    async def enrol(
        project_id: ProjectId, command: EnrolParticipant, caller: Principal = Depends(authenticated)
    ) -> ParticipantView:
        participant = await enrolment.enrol(caller, project_id, command)
        return ParticipantView.of(participant)

    @api.get("/projects/{project_id}/participants", summary="Find participants (yours, or all for the leader)")
    async def participants(
        project_id: ProjectId,
        organisation_id: Annotated[str | None, Query(pattern=ORG_ID_PATTERN)] = None,
        status: Status | None = None,
        category: ParticipantCategory | None = None,
        pesel: Annotated[str | None, Query(pattern=r"^\d{11}$")] = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
        caller: Principal = Depends(authenticated),
    ) -> ParticipantPage:
        total, rows = await enrolment.participants_page(
            caller,
            project_id,
            organisation_id=organisation_id,
            status=status,
            category=category,
            pesel=pesel,
            page=page,
            page_size=page_size,
        )
        return ParticipantPage(
            total=total, page=page, page_size=page_size, items=[_view(row, personal) for row, personal in rows]
        )

    @api.get("/participants/{participant_id}", summary="One participant with personal data (audited)")
    async def participant(participant_id: uuid.UUID, caller: Principal = Depends(authenticated)) -> ParticipantView:
        return _view(*await enrolment.participant(caller, participant_id))

    @api.patch("/participants/{participant_id}", summary="Change contact, residence or ESF attributes")
    async def update(
        participant_id: uuid.UUID, details: ParticipantDetails, caller: Principal = Depends(authenticated)
    ) -> ParticipantView:
        return ParticipantView.of(await enrolment.update(caller, participant_id, details))

    @api.post("/participants/{participant_id}/withdrawal", summary="Withdraw from the project")
    async def withdraw(
        participant_id: uuid.UUID, withdrawal: Withdrawal, caller: Principal = Depends(authenticated)
    ) -> ParticipantView:
        participant = await enrolment.withdraw(caller, participant_id, withdrawal.withdrawn_on, withdrawal.reason)
        return ParticipantView.of(participant)

    @api.post("/participants/{participant_id}/re-enrolment", summary="Enrol a withdrawn participant again")
    async def re_enrol(
        participant_id: uuid.UUID, body: ReEnrolment, caller: Principal = Depends(authenticated)
    ) -> ParticipantView:
        return ParticipantView.of(await enrolment.re_enrol(caller, participant_id, body.enrolled_on))

    @api.delete(
        "/participants/{participant_id}/personal-data",
        status_code=204,
        summary="Erase the participant's personal data (anonymous facts stay countable)",
    )
    async def erase(participant_id: uuid.UUID, caller: Principal = Depends(authenticated)) -> Response:
        await enrolment.erase(caller, participant_id)
        return Response(status_code=204)

    return api

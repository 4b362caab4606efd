"""Participants: enrol, find, read, change, withdraw, re-enrol, erase."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from aktywni_shared.contracts.vocabulary import ParticipantCategory, WithdrawalReason
from enrolment.api.deps import Caller, ProjectId, UseCases
from enrolment.domain.participants import (
    EnrolParticipant,
    Participant,
    ParticipantDetails,
    Profile,
    SensitiveFlags,
    Status,
    recorded_answers,
)
from enrolment.use_cases import lifecycle
from enrolment.use_cases import participants as cases
from enrolment.use_cases.ports import StoredParticipant

__all__ = ["ParticipantView", "ProjectId", "ReEnrolment", "router"]
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
    consents: list[str] | None = Field(
        None,
        description="the scopes of the consent the person signed (e.g. processing_for_project), with the personal "
        "data only; absent once erased",
    )

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
    view = ParticipantView.of(stored.participant, personal or None)
    if personal:
        view.consents = sorted(stored.consent_scope)
    return view


router = APIRouter(tags=["participants"])


@router.post(
    "/projects/{project_id}/participants",
    status_code=201,
    summary="Enrol a participant",
    responses={409: {"description": "This person is already enrolled in the project"}},
)
async def enrol(
    project_id: ProjectId, command: EnrolParticipant, enrolment: UseCases, caller: Caller
) -> ParticipantView:
    return ParticipantView.of(await cases.enrol(enrolment, caller, project_id, command))


@router.get(
    "/projects/{project_id}/participants",
    summary="Find participants (yours, or all for the leader)",
    description=(
        "Ordered by participant id. The erased stay listed (status `erased`, no personal data): they are "
        "still counted in the indicators."
    ),
)
async def participants(
    project_id: ProjectId,
    enrolment: UseCases,
    caller: Caller,
    organisation_id: Annotated[str | None, Query(pattern=ORG_ID_PATTERN)] = None,
    status: Status | None = None,
    category: ParticipantCategory | None = None,
    pesel: Annotated[str | None, Query(pattern=r"^\d{11}$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> ParticipantPage:
    total, rows = await cases.participants_page(
        enrolment,
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


class ParticipantSearch(BaseModel):
    """What to find participants by; the name and PESEL travel in this body, never in an address."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(
        None, min_length=1, max_length=200, description="words that begin the first or last name (any case, diacritics)"
    )
    pesel: str | None = Field(None, pattern=r"^\d{11}$")
    status: Status | None = None
    category: ParticipantCategory | None = None
    organisation_id: str | None = Field(None, pattern=ORG_ID_PATTERN)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


@router.post(
    "/projects/{project_id}/participants/search",
    summary="Find participants by name, PESEL, status, category, organisation (yours, or all for the leader; audited)",
)
async def search(
    project_id: ProjectId, body: ParticipantSearch, enrolment: UseCases, caller: Caller
) -> ParticipantPage:
    criteria = cases.Search(body.name, body.pesel, body.status, body.category, body.organisation_id)
    total, rows = await cases.search(enrolment, caller, project_id, criteria, page=body.page, page_size=body.page_size)
    return ParticipantPage(
        total=total, page=body.page, page_size=body.page_size, items=[_view(row, personal) for row, personal in rows]
    )


@router.get("/participants/{participant_id}", summary="One participant with personal data (audited)")
async def participant(participant_id: uuid.UUID, enrolment: UseCases, caller: Caller) -> ParticipantView:
    return _view(*await cases.participant(enrolment, caller, participant_id))


@router.patch("/participants/{participant_id}", summary="Change contact, residence or ESF attributes")
async def update(
    participant_id: uuid.UUID, details: ParticipantDetails, enrolment: UseCases, caller: Caller
) -> ParticipantView:
    return ParticipantView.of(await cases.update(enrolment, caller, participant_id, details))


@router.post("/participants/{participant_id}/withdrawal", summary="Withdraw from the project")
async def withdraw(
    participant_id: uuid.UUID, withdrawal: Withdrawal, enrolment: UseCases, caller: Caller
) -> ParticipantView:
    withdrawn = await lifecycle.withdraw(enrolment, caller, participant_id, withdrawal.withdrawn_on, withdrawal.reason)
    return ParticipantView.of(withdrawn)


@router.post("/participants/{participant_id}/re-enrolment", summary="Enrol a withdrawn participant again")
async def re_enrol(
    participant_id: uuid.UUID, body: ReEnrolment, enrolment: UseCases, caller: Caller
) -> ParticipantView:
    return ParticipantView.of(await lifecycle.re_enrol(enrolment, caller, participant_id, body.enrolled_on))


@router.delete(
    "/participants/{participant_id}/personal-data",
    status_code=204,
    summary="Erase the participant's personal data (anonymous facts stay countable)",
)
async def erase(participant_id: uuid.UUID, enrolment: UseCases, caller: Caller) -> Response:
    await cases.erase(enrolment, caller, participant_id)
    return Response(status_code=204)

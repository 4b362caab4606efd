"""The audit log of personal data: who read, changed, exported or erased whose data, when."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from aktywni_shared.clock import WARSAW
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from enrolment.api.deps import Caller, UseCases
from enrolment.domain.audit import AuditAction
from enrolment.use_cases import audit as cases
from enrolment.use_cases.ports import AuditRecord

MAX_PAGE_SIZE = 200


class AuditEntryView(BaseModel):
    at: datetime = Field(description="when, in Warsaw's time (with its offset)")
    user: str = Field(description="the person's login at the identity provider")
    organisation_id: str
    role: str
    action: str = Field(description="what was done: " + ", ".join(a.value for a in AuditAction))
    project_id: str
    participant_ids: list[str] = Field(description="whose data (participant ids only, no personal data)")
    fields: list[str] = Field(description="the names of the personal fields read or changed, never their values")

    @classmethod
    def of(cls, record: AuditRecord) -> AuditEntryView:
        return cls(
            at=record.at.astimezone(WARSAW),
            user=record.user,
            organisation_id=record.organisation_id,
            role=record.role,
            action=record.action,
            project_id=record.project_id,
            participant_ids=list(record.participant_ids),
            fields=list(record.fields),
        )


class AuditPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[AuditEntryView]


router = APIRouter(tags=["audit"])


@router.get(
    "/audit",
    summary="The audit log of a project's personal data (the auditor; the leading organisation's coordinator)",
    description=(
        "Who read, listed, searched, changed, exported or erased whose data, and when, the newest first. "
        "Another role is refused with 403; a caller whose organisation takes no part in the project gets 404."
    ),
    responses={404: {"description": "No such project, or your organisation takes no part in it"}},
)
async def audit(
    enrolment: UseCases,
    caller: Caller,
    project_id: Annotated[str, Query(pattern=PROJECT_ID_PATTERN, description="the project whose log is read")],
    participant_id: Annotated[uuid.UUID | None, Query(description="only entries about this participant")] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200, description="only what this login did")] = None,
    action: AuditAction | None = None,
    day_from: Annotated[
        date | None, Query(alias="from", description="entries from this day on (Warsaw's midnight)")
    ] = None,
    day_to: Annotated[date | None, Query(alias="to", description="entries up to this day, inclusive")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> AuditPage:
    total, records = await cases.audit_page(
        enrolment,
        caller,
        project_id,
        participant_id=participant_id,
        actor=actor,
        action=action,
        day_from=day_from,
        day_to=day_to,
        page=page,
        page_size=page_size,
    )
    return AuditPage(total=total, page=page, page_size=page_size, items=[AuditEntryView.of(r) for r in records])

"""Enrolment's HTTP API."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel

from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN, Envelope
from aktywni_shared.messaging.outbox import OutboxRelay
from enrolment import domain
from enrolment.store import DuplicatePesel, ParticipantStore

SERVICE = "enrolment"


class EnrolmentAccepted(BaseModel):
    participant_id: UUID
    project_id: str
    organisation_id: str
    status: str
    enrolled_on: date
    event_id: UUID


def router(store: ParticipantStore, relay: OutboxRelay) -> APIRouter:
    api = APIRouter(tags=["participants"])

    @api.post(
        "/projects/{project_id}/participants",
        status_code=201,
        summary="Enrol a participant in a project",
        responses={409: {"description": "A participant with this PESEL is already enrolled in the project"}},
    )
    async def enrol_participant(
        command: domain.EnrolParticipant,
        project_id: str = Path(pattern=PROJECT_ID_PATTERN),
    ) -> EnrolmentAccepted:
        try:
            participant = domain.enrol(project_id, command, date.today())
        except ValueError as error:
            raise HTTPException(422, detail=[{"loc": ["body", "birth_date"], "msg": str(error)}]) from error
        envelope = Envelope.wrap(
            participant.enrolled_event(),
            producer=SERVICE,
            organisation_id=participant.organisation_id,
            project_id=project_id,
        )
        try:
            await store.add(participant, envelope)
        except DuplicatePesel as duplicate:
            detail = str(duplicate)
            if duplicate.existing_organisation_id == command.organisation_id:
                detail += f" (by your organisation, {duplicate.existing_organisation_id})"
            raise HTTPException(409, detail=detail) from duplicate
        relay.notify()
        return EnrolmentAccepted(
            participant_id=participant.participant_id,
            project_id=project_id,
            organisation_id=participant.organisation_id,
            status="enrolled",
            enrolled_on=participant.enrolled_on,
            event_id=envelope.event_id,
        )

    return api

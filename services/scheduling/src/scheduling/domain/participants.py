"""Scheduling's view of a participant, built from enrolment's events only (pseudonymous).

Events of one participant arrive in order on their partition, but a replay or a producer's retry
can deliver them late or twice. The lifecycle therefore follows the event time (``occurred_at``):
a status change older than the last one applied is ignored, so a withdrawal that came first is not
undone by a late enrolment, while a re-enrolment (a later ``ParticipantEnrolled``) is honoured.
Erasure is final and drops the attributes the view held.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import (
    ParticipantCompletedV1,
    ParticipantEnrolledV2,
    ParticipantEnrolledV3,
    ParticipantErasedV1,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
)
from aktywni_shared.contracts.vocabulary import DisabilityDegree, ParticipantCategory, Sex


class ParticipantStatus(StrEnum):
    UNKNOWN = "unknown"  # only a late fact is known (e.g. an update before the enrolment)
    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"  # the path is complete: booked into no new session
    ERASED = "erased"


class ParticipantView(BaseModel):
    participant_id: str
    project_id: str
    organisation_id: str
    status: ParticipantStatus = ParticipantStatus.UNKNOWN
    category: ParticipantCategory | None = None
    sex: Sex | None = None
    birth_year: int | None = None
    disability_degree: DisabilityDegree | None = None
    mops_employee: bool | None = None
    needs_step_free_access: bool = False
    lifecycle_at: datetime | None = None  # occurred_at of the status change applied last
    attributes_at: datetime | None = None
    left_on: date | None = None  # withdrawal or erasure date

    @property
    def bookable(self) -> bool:
        return self.status is ParticipantStatus.ENROLLED and self.category is not None


def _newer(than: datetime | None, moment: datetime) -> bool:
    return than is None or moment > than


def blank(envelope: Envelope, participant_id: str) -> ParticipantView:
    return ParticipantView(
        participant_id=participant_id, project_id=envelope.project_id, organisation_id=envelope.organisation_id
    )


def _enrolled(view: ParticipantView, envelope: Envelope, payload: ParticipantEnrolledV2) -> ParticipantView:
    at = envelope.occurred_at
    changes: dict[str, Any] = {}
    if _newer(view.attributes_at, at):
        changes |= {
            "category": payload.category,
            "sex": payload.sex,
            "birth_year": payload.birth_year,
            "disability_degree": payload.disability_degree,
            "mops_employee": payload.mops_employee,
            "needs_step_free_access": payload.needs_step_free_access,
            "organisation_id": envelope.organisation_id,
            "attributes_at": at,
        }
    if _newer(view.lifecycle_at, at):
        changes |= {"status": ParticipantStatus.ENROLLED, "lifecycle_at": at, "left_on": None}
    return view.model_copy(update=changes)


def _updated(view: ParticipantView, envelope: Envelope, payload: ParticipantUpdatedV1) -> ParticipantView:
    if not _newer(view.attributes_at, envelope.occurred_at):
        return view
    changes = {
        "disability_degree": payload.disability_degree,
        "needs_step_free_access": payload.needs_step_free_access,
        "attributes_at": envelope.occurred_at,
    }
    return view.model_copy(update=changes)


def _withdrawn(view: ParticipantView, envelope: Envelope, payload: ParticipantWithdrawnV1) -> ParticipantView:
    if not _newer(view.lifecycle_at, envelope.occurred_at):
        return view
    changes = {
        "status": ParticipantStatus.WITHDRAWN,
        "lifecycle_at": envelope.occurred_at,
        "left_on": payload.withdrawn_on,
    }
    return view.model_copy(update=changes)


def _completed(view: ParticipantView, envelope: Envelope, payload: ParticipantCompletedV1) -> ParticipantView:
    if not _newer(view.lifecycle_at, envelope.occurred_at):
        return view
    return view.model_copy(update={"status": ParticipantStatus.COMPLETED, "lifecycle_at": envelope.occurred_at})


def _erased(view: ParticipantView, envelope: Envelope, payload: ParticipantErasedV1) -> ParticipantView:
    return ParticipantView(
        participant_id=view.participant_id,
        project_id=view.project_id,
        organisation_id=view.organisation_id,
        status=ParticipantStatus.ERASED,
        lifecycle_at=envelope.occurred_at,
        left_on=payload.erased_on,
    )


def apply(view: ParticipantView, envelope: Envelope, payload: Any) -> ParticipantView:
    """The view after one event; the same view when the event changes nothing. Erasure is final."""
    if view.status is ParticipantStatus.ERASED:
        return view
    steps: dict[type, Any] = {
        ParticipantEnrolledV2: _enrolled,
        ParticipantEnrolledV3: _enrolled,  # the newest version: what decoding upcasts every version to
        ParticipantUpdatedV1: _updated,
        ParticipantWithdrawnV1: _withdrawn,
        ParticipantCompletedV1: _completed,
        ParticipantErasedV1: _erased,
    }
    step = steps.get(type(payload))
    return view if step is None else step(view, envelope, payload)

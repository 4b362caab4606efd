"""Payloads of the events, one class per (type, version). Pseudonymous: no name, PESEL or contact."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, EventPayload
from aktywni_shared.contracts.vocabulary import DisabilityDegree, LabourMarketStatus, ParticipantCategory, Sex


class ProjectRegisteredV1(EventPayload):
    """A project was registered with its leading organisation and period."""

    event_type = "ProjectRegistered"
    event_version = 1

    title: str = Field(min_length=1, max_length=300)
    leader_organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _period(self) -> ProjectRegisteredV1:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class ParticipantEnrolledV1(EventPayload):
    """A person was enrolled in a project by an organisation (pseudonymous attributes only)."""

    event_type = "ParticipantEnrolled"
    event_version = 1

    participant_id: UUID
    category: ParticipantCategory
    sex: Sex
    birth_year: int = Field(ge=1900, le=2100)
    disability_degree: DisabilityDegree | None = None
    labour_market_status: LabourMarketStatus | None = None
    linked_participant_id: UUID | None = None
    needs_step_free_access: bool = False
    enrolled_on: date

    @model_validator(mode="after")
    def _category_rules(self) -> ParticipantEnrolledV1:
        if self.category is ParticipantCategory.PERSON_WITH_DISABILITY and self.disability_degree is None:
            raise ValueError("disability_degree is required for a person with a disability")
        if self.category is ParticipantCategory.ENVIRONMENT_PERSON and self.linked_participant_id is None:
            raise ValueError("linked_participant_id is required for an environment person")
        return self


#: Every payload class ever published. Add a new version as a new class; never edit an old one.
ALL_PAYLOADS: tuple[type[EventPayload], ...] = (ProjectRegisteredV1, ParticipantEnrolledV1)

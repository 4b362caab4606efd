"""Payloads of the events, one class per (type, version). Pseudonymous: no name, PESEL or contact."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, EventPayload
from aktywni_shared.contracts.vocabulary import (
    DeclarationKind,
    DisabilityDegree,
    LabourMarketStatus,
    OrganisationKind,
    ParticipantCategory,
    PartnerRole,
    Sex,
    WithdrawalReason,
)


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


class PartnerJoinedV1(EventPayload):
    """An organisation joined a project in a role (the leader joins when the project is registered)."""

    event_type = "PartnerJoined"
    event_version = 1

    partner_organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    role: PartnerRole
    agreement_reference: str | None = Field(None, max_length=200)


class ParticipantWithdrawnV1(EventPayload):
    """A participant left the project before completing it (reason and date as recorded)."""

    event_type = "ParticipantWithdrawn"
    event_version = 1

    participant_id: UUID
    withdrawn_on: date
    reason: WithdrawalReason


class ParticipantUpdatedV1(EventPayload):
    """Non-identifying attributes of a participant changed (a correction or a new status)."""

    event_type = "ParticipantUpdated"
    event_version = 1

    participant_id: UUID
    labour_market_status: LabourMarketStatus | None = None
    disability_degree: DisabilityDegree | None = None
    needs_step_free_access: bool = False


class ParticipantErasedV1(EventPayload):
    """A participant's personal data was erased (right to erasure); anonymous facts stay countable."""

    event_type = "ParticipantErased"
    event_version = 1

    participant_id: UUID
    erased_on: date


class DeclarationRecordedV1(EventPayload):
    """An institution declared it will implement the model, or cooperate with those who do."""

    event_type = "DeclarationRecorded"
    event_version = 1

    declaration_id: UUID
    kind: DeclarationKind
    institution_name: str = Field(min_length=1, max_length=300)
    institution_kind: OrganisationKind
    declared_on: date
    document_reference: str = Field(min_length=1, max_length=200)


#: Every payload class ever published. Add a new version as a new class; never edit an old one.
ALL_PAYLOADS: tuple[type[EventPayload], ...] = (
    ProjectRegisteredV1,
    PartnerJoinedV1,
    ParticipantEnrolledV1,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
    ParticipantErasedV1,
    DeclarationRecordedV1,
)

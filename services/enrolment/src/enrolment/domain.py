"""Enrolment's model: the command to enrol a person, the rules it must meet, the participant it makes.

Plain Python and pydantic only: nothing here knows Kafka, MongoDB or HTTP.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from aktywni_shared.contracts.events import ParticipantEnrolledV1
from aktywni_shared.contracts.vocabulary import DisabilityDegree, LabourMarketStatus, ParticipantCategory, Sex
from enrolment import pesel as pesel_rules

REQUIRED_CONSENT_SCOPE = "processing_for_project"
EARLIEST_BIRTH_YEAR = 1900


class Consent(BaseModel):
    """RODO consent as signed by the participant: when, and what it covers."""

    model_config = ConfigDict(extra="forbid")

    given: bool
    given_on: date
    scope: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _required(self) -> Consent:
        if not self.given:
            raise ValueError("consent to the processing of personal data is required to enrol")
        if REQUIRED_CONSENT_SCOPE not in self.scope:
            raise ValueError(f"consent scope must include {REQUIRED_CONSENT_SCOPE!r}")
        return self


class EnrolParticipant(BaseModel):
    """Command: enrol a person in a project on behalf of an organisation."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    category: ParticipantCategory
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    pesel: str | None = Field(None, description="11 digits; without it, birth_date and sex are required")
    birth_date: date | None = None
    sex: Sex | None = None
    disability_degree: DisabilityDegree | None = None
    labour_market_status: LabourMarketStatus | None = None
    linked_participant_id: uuid.UUID | None = None
    needs_step_free_access: bool = False
    phone: str | None = Field(None, pattern=r"^\+?[0-9 ()-]{6,20}$")
    email: EmailStr | None = None
    address: str | None = Field(None, max_length=300)
    consent: Consent

    @field_validator("pesel")
    @classmethod
    def _pesel_valid(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                pesel_rules.parse(value)
            except pesel_rules.InvalidPesel as error:
                raise ValueError(f"invalid PESEL: {error}") from error
        return value

    @model_validator(mode="after")
    def _identity_and_category(self) -> EnrolParticipant:
        if self.pesel is not None:
            facts = pesel_rules.parse(self.pesel)
            if self.birth_date is not None and self.birth_date != facts.birth_date:
                raise ValueError(f"birth_date {self.birth_date} differs from the PESEL's {facts.birth_date}")
            if self.sex is not None and self.sex is not facts.sex:
                raise ValueError(f"sex {self.sex.value} differs from the PESEL's {facts.sex.value}")
            self.birth_date, self.sex = facts.birth_date, facts.sex
        elif self.birth_date is None or self.sex is None:
            raise ValueError("without a PESEL, birth_date and sex are required")
        if self.birth_date.year < EARLIEST_BIRTH_YEAR:
            raise ValueError(f"birth_date {self.birth_date} is before {EARLIEST_BIRTH_YEAR}: not a living participant")
        if self.category is ParticipantCategory.PERSON_WITH_DISABILITY and self.disability_degree is None:
            raise ValueError("disability_degree is required for a person with a disability")
        if self.category is ParticipantCategory.ENVIRONMENT_PERSON and self.linked_participant_id is None:
            raise ValueError("linked_participant_id is required for an environment person")
        return self


@dataclass(frozen=True)
class Participant:
    participant_id: uuid.UUID
    project_id: str
    organisation_id: str
    command: EnrolParticipant
    enrolled_on: date

    @property
    def birth_date(self) -> date:
        assert self.command.birth_date is not None  # guaranteed by EnrolParticipant
        return self.command.birth_date

    def enrolled_event(self) -> ParticipantEnrolledV1:
        """The pseudonymous fact other services learn: no name, PESEL, contact or exact birth date."""
        c = self.command
        assert c.sex is not None
        return ParticipantEnrolledV1(
            participant_id=self.participant_id,
            category=c.category,
            sex=c.sex,
            birth_year=self.birth_date.year,
            disability_degree=c.disability_degree,
            labour_market_status=c.labour_market_status,
            linked_participant_id=c.linked_participant_id,
            needs_step_free_access=c.needs_step_free_access,
            enrolled_on=self.enrolled_on,
        )


def enrol(project_id: str, command: EnrolParticipant, today: date) -> Participant:
    if command.birth_date is not None and command.birth_date > today:
        raise ValueError("birth_date is in the future")
    return Participant(
        participant_id=uuid.uuid4(),
        project_id=project_id,
        organisation_id=command.organisation_id,
        command=command,
        enrolled_on=today,
    )

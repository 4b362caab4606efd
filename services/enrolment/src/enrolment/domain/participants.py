"""Participants: the command to enrol a person, the data it carries, and the participant's lifecycle.

Lifecycle: candidate → qualified → enrolled → active (first support, learned from scheduling) →
completed, or withdrawn (reason, date) → enrolled again (re-enrolment), and erased (personal data
removed) from any state. A direct enrolment goes from nothing to enrolled in one step (the rules are
checked at that moment). Every transition emits an event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from aktywni_shared.contracts.events import (
    AgeBandAtStart,
    CandidateQualifiedV1,
    CandidateRegisteredV1,
    ParticipantActivatedV2,
    ParticipantCompletedV1,
    ParticipantEnrolledV3,
    ParticipantErasedV1,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
)
from aktywni_shared.contracts.vocabulary import (
    DisabilityDegree,
    LabourMarketStatus,
    ParticipantCategory,
    Sex,
    WithdrawalReason,
)
from enrolment.domain import pesel as pesel_rules
from enrolment.domain.errors import DomainError, InvalidTransition
from enrolment.domain.esf import Answer, Citizenship, Degurba, Education

REQUIRED_CONSENT_SCOPE = "processing_for_project"
EARLIEST_BIRTH_YEAR = 1900


def age_in_full_years(birth_date: date, on: date) -> int:
    """Age in full years on ``on``: the birthday of that year counts only once it has come."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_band_at(birth_date: date, on: date) -> AgeBandAtStart:
    """The funder's age band on ``on`` (24 years and 11 months is under 25)."""
    age = age_in_full_years(birth_date, on)
    if age < 25:
        return "<25"
    return "25-54" if age <= 54 else "55+"


class Status(StrEnum):
    """candidate → qualified → enrolled → active → completed | withdrawn; erased from any of them."""

    CANDIDATE = "candidate"  # kandydat: zrekrutowany, jeszcze nie zakwalifikowany
    QUALIFIED = "qualified"  # zakwalifikowany, jeszcze nie przystąpił do projektu
    ENROLLED = "enrolled"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


class Consent(BaseModel):
    """RODO consent as signed by the participant: when, and what it covers."""

    model_config = ConfigDict(extra="forbid")

    given: bool
    given_on: date
    scope: list[str] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _required(self) -> Consent:
        if not self.given:
            raise ValueError("consent to the processing of personal data is required to enrol")
        if REQUIRED_CONSENT_SCOPE not in self.scope:
            raise ValueError(f"consent scope must include {REQUIRED_CONSENT_SCOPE!r}")
        return self


class Residence(BaseModel):
    """Place of residence as the ESF record wants it (TERYT commune code, DEGURBA class)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    country: str = Field("PL", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    voivodeship: str | None = Field(None, max_length=60)
    county: str | None = Field(None, max_length=60)
    commune: str | None = Field(None, max_length=80)
    teryt: str | None = Field(None, pattern=r"^\d{7}$", description="TERYT code of the commune (7 digits)")
    locality: str | None = Field(None, max_length=80)
    postal_code: str | None = Field(None, pattern=r"^\d{2}-\d{3}$")
    street: str | None = Field(None, max_length=200, description="street, building and flat (personal data)")
    degurba: Degurba | None = None

    @model_validator(mode="after")
    def _polish_address(self) -> Residence:
        if self.country == "PL":
            missing = [n for n in ("voivodeship", "county", "commune", "degurba") if getattr(self, n) is None]
            if missing:
                raise ValueError(f"a residence in Poland needs {', '.join(missing)}")
        return self


class SensitiveFlags(BaseModel):
    """The ESF record's sensitive questions: yes, no, 'refused' (odmowa podania informacji) or not asked.

    A question left out was not asked; only an explicit ``refused`` is a refusal.
    """

    model_config = ConfigDict(extra="forbid")

    disability: Answer = Answer.NOT_ASKED
    foreign_origin_or_minority: Answer = Answer.NOT_ASKED
    homelessness: Answer = Answer.NOT_ASKED
    other_disadvantage: Answer = Answer.NOT_ASKED


def recorded_answers(stored: str | None) -> SensitiveFlags | None:
    """The sensitive answers as stored (JSON); a question without an answer (older records) was not asked.

    ``None`` when nothing is stored (erased personal data).
    """
    if not stored:
        return None
    return SensitiveFlags.model_validate_json(stored)


class ParticipantDetails(BaseModel):
    """What may be changed after enrolment: contact, residence and the ESF attributes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    education: Education | None = None
    labour_market_status: LabourMarketStatus | None = None
    disability_degree: DisabilityDegree | None = None
    needs_step_free_access: bool | None = None
    residence: Residence | None = None
    sensitive: SensitiveFlags | None = None
    phone: str | None = Field(None, pattern=r"^\+?[0-9 ()-]{6,20}$")
    email: EmailStr | None = None
    address: str | None = Field(None, max_length=300)


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
    citizenship: Citizenship = Citizenship.POLISH
    education: Education | None = None
    disability_degree: DisabilityDegree | None = None
    labour_market_status: LabourMarketStatus | None = None
    social_assistance_client: bool = Field(False, description="a client of a social-assistance centre (OPS/MOPS)")
    mops_employee: bool = Field(False, description="for staff trainees: employed by the social-assistance centre")
    linked_participant_id: uuid.UUID | None = None
    needs_step_free_access: bool = False
    residence: Residence | None = None
    sensitive: SensitiveFlags = Field(default_factory=SensitiveFlags)
    phone: str | None = Field(None, pattern=r"^\+?[0-9 ()-]{6,20}$")
    email: EmailStr | None = None
    address: str | None = Field(None, max_length=300, description="free-form address (personal data)")
    enrolled_on: date | None = Field(None, description="date of entry into the project; today if not given")
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


class Profile(BaseModel):
    """A participant's non-identifying attributes: stored in clear, sent (in part) in events."""

    model_config = ConfigDict(extra="forbid")

    category: ParticipantCategory
    sex: Sex
    birth_year: int
    citizenship: Citizenship
    education: Education | None = None
    labour_market_status: LabourMarketStatus | None = None
    disability_degree: DisabilityDegree | None = None
    social_assistance_client: bool = False
    mops_employee: bool = False
    linked_participant_id: uuid.UUID | None = None
    needs_step_free_access: bool = False
    country: str = "PL"
    voivodeship: str | None = None
    county: str | None = None
    commune: str | None = None
    teryt: str | None = None
    degurba: Degurba | None = None

    @classmethod
    def of(cls, command: EnrolParticipant) -> Profile:
        assert command.birth_date is not None
        assert command.sex is not None
        residence = (
            command.residence.model_dump(exclude={"locality", "postal_code", "street"}) if command.residence else {}
        )
        return cls(
            category=command.category,
            sex=command.sex,
            birth_year=command.birth_date.year,
            citizenship=command.citizenship,
            education=command.education,
            labour_market_status=command.labour_market_status,
            disability_degree=command.disability_degree,
            social_assistance_client=command.social_assistance_client,
            mops_employee=command.mops_employee,
            linked_participant_id=command.linked_participant_id,
            needs_step_free_access=command.needs_step_free_access,
            **residence,
        )


@dataclass
class Participant:
    """A participant of one project: lifecycle and non-identifying profile (personal data is the store's)."""

    participant_id: uuid.UUID
    project_id: str
    organisation_id: str
    profile: Profile
    enrolled_on: date
    status: Status = Status.ENROLLED
    history: list[dict[str, str]] = field(default_factory=list)

    def enrolled_event(self) -> ParticipantEnrolledV3:
        """The pseudonymous fact other services learn: no name, PESEL, contact or exact birth date.

        Education and the place of residence only as the funder's coarse classes (ISCED group, DEGURBA).
        """
        p = self.profile
        return ParticipantEnrolledV3(
            participant_id=self.participant_id,
            category=p.category,
            sex=p.sex,
            birth_year=p.birth_year,
            disability_degree=p.disability_degree,
            labour_market_status=p.labour_market_status,
            linked_participant_id=p.linked_participant_id,
            needs_step_free_access=p.needs_step_free_access,
            enrolled_on=self.enrolled_on,
            mops_employee=p.mops_employee if p.category is ParticipantCategory.STAFF_TRAINEE else None,
            education=p.education.value if p.education else None,
            degurba=p.degurba.value if p.degurba else None,
        )

    def registered_event(self) -> CandidateRegisteredV1:
        return CandidateRegisteredV1(
            participant_id=self.participant_id, category=self.profile.category, registered_on=self.enrolled_on
        )

    def _since(self, status: Status) -> date:
        """The day of the latest transition into ``status`` (or the enrolment date when none is recorded)."""
        for entry in reversed(self.history):
            if entry["status"] == status.value:
                return date.fromisoformat(entry["on"])
        return self.enrolled_on

    @property
    def support_started_on(self) -> date | None:
        """The day of the participant's first support in the project (scheduling's SupportStarted), if any."""
        for entry in self.history:
            if entry["status"] == Status.ACTIVE.value:
                return date.fromisoformat(entry["on"])
        return None

    def qualify(self, on: date) -> CandidateQualifiedV1:
        """The candidate met the rules (the caller evaluated them): they may now be enrolled."""
        if self.status is not Status.CANDIDATE:
            raise InvalidTransition(
                f"only a candidate can be qualified, not a participant who is {self.status.value}", "status"
            )
        if on < self._since(Status.CANDIDATE):
            raise DomainError(f"qualified_on {on} is before the candidate was registered", "qualified_on")
        self.status = Status.QUALIFIED
        self.history.append({"status": Status.QUALIFIED.value, "on": on.isoformat()})
        return CandidateQualifiedV1(participant_id=self.participant_id, qualified_on=on)

    def enrol_qualified(self, on: date) -> ParticipantEnrolledV3:
        """A qualified candidate enters the project on ``on`` (the day their participation starts)."""
        if self.status is not Status.QUALIFIED:
            raise InvalidTransition(
                f"only a qualified candidate can be enrolled, not one who is {self.status.value}", "status"
            )
        if on < self._since(Status.QUALIFIED):
            raise DomainError(f"enrolled_on {on} is before the qualification", "enrolled_on")
        self.status = Status.ENROLLED
        self.enrolled_on = on
        self.history.append({"status": Status.ENROLLED.value, "on": on.isoformat()})
        return self.enrolled_event()

    def activate(self, on: date, birth_date: date | None = None) -> ParticipantActivatedV2 | None:
        """First support started (scheduling says so); ``None`` when already active or beyond (a redelivery).

        The event carries the age band on ``on`` from the birth date (only the band leaves enrolment).
        """
        if self.status in (Status.ACTIVE, Status.COMPLETED):
            return None
        if self.status is not Status.ENROLLED:
            raise InvalidTransition(f"a participant who is {self.status.value} cannot start support", "status")
        self.status = Status.ACTIVE
        self.history.append({"status": Status.ACTIVE.value, "on": on.isoformat()})
        band = age_band_at(birth_date, on) if birth_date is not None else None
        return ParticipantActivatedV2(
            participant_id=self.participant_id, support_started_on=on, age_band_at_support_start=band
        )

    def complete(self, on: date, activity_id: uuid.UUID | None = None) -> ParticipantCompletedV1 | None:
        """The participant's path ended with its support completed; ``None`` when completed already."""
        if self.status is Status.COMPLETED:
            return None
        if self.status not in (Status.ENROLLED, Status.ACTIVE):
            raise InvalidTransition(f"a participant who is {self.status.value} cannot complete the project", "status")
        if on < self.enrolled_on:
            raise DomainError(f"completed_on {on} is before the enrolment on {self.enrolled_on}", "completed_on")
        self.status = Status.COMPLETED
        self.history.append({"status": Status.COMPLETED.value, "on": on.isoformat()})
        return ParticipantCompletedV1(participant_id=self.participant_id, completed_on=on, activity_id=activity_id)

    def withdraw(self, on: date, reason: WithdrawalReason) -> ParticipantWithdrawnV1:
        if self.status not in (Status.CANDIDATE, Status.QUALIFIED, Status.ENROLLED, Status.ACTIVE):
            raise InvalidTransition(f"a participant who is {self.status.value} cannot withdraw", "status")
        if on < self.enrolled_on:
            raise DomainError(f"withdrawn_on {on} is before the enrolment on {self.enrolled_on}", "withdrawn_on")
        self.status = Status.WITHDRAWN
        self.history.append({"status": Status.WITHDRAWN.value, "on": on.isoformat(), "reason": reason.value})
        return ParticipantWithdrawnV1(participant_id=self.participant_id, withdrawn_on=on, reason=reason)

    def re_enrol(self, on: date) -> ParticipantEnrolledV3:
        if self.status is not Status.WITHDRAWN:
            raise InvalidTransition(
                f"only a withdrawn participant can be re-enrolled, not {self.status.value}", "status"
            )
        if not any(entry["status"] == Status.ENROLLED.value for entry in self.history):
            raise InvalidTransition("a candidate withdrawn before enrolment cannot be re-enrolled", "status")
        withdrawn_on = date.fromisoformat(self.history[-1]["on"]) if self.history else self.enrolled_on
        if on < withdrawn_on:
            raise DomainError(f"enrolled_on {on} is before the withdrawal on {withdrawn_on}", "enrolled_on")
        self.status = Status.ENROLLED
        self.enrolled_on = on
        self.history.append({"status": Status.ENROLLED.value, "on": on.isoformat()})
        return self.enrolled_event()

    def update(self, details: ParticipantDetails) -> ParticipantUpdatedV1 | None:
        """Apply changed attributes; the event only when one that other services know changed."""
        if self.status is Status.ERASED:
            raise InvalidTransition("an erased participant cannot be changed", "status")
        changes = details.model_dump(exclude_unset=True, exclude_none=True)
        profile_changes = {k: v for k, v in changes.items() if k in Profile.model_fields}
        if details.residence is not None:
            # A new residence replaces the old one whole: no commune or TERYT code of the old place stays.
            residence = details.residence.model_dump()
            profile_changes |= {k: v for k, v in residence.items() if k in Profile.model_fields}
        # ParticipantUpdated v1 carries the labour-market status, disability and access needs; education
        # and DEGURBA reach other services in ParticipantEnrolled (at enrolment, as the funder counts them)
        updated = {"labour_market_status", "disability_degree", "needs_step_free_access"}
        before = self.enrolled_event().model_dump(include=updated)
        self.profile = Profile.model_validate(self.profile.model_dump() | profile_changes)
        after = self.enrolled_event().model_dump(include=updated)
        if before == after:
            return None
        return ParticipantUpdatedV1(
            participant_id=self.participant_id,
            labour_market_status=self.profile.labour_market_status,
            disability_degree=self.profile.disability_degree,
            needs_step_free_access=self.profile.needs_step_free_access,
        )

    def erase(self, on: date) -> ParticipantErasedV1:
        if self.status is Status.ERASED:
            raise InvalidTransition("the participant's personal data is already erased", "status")
        self.status = Status.ERASED
        self.history.append({"status": Status.ERASED.value, "on": on.isoformat()})
        return ParticipantErasedV1(participant_id=self.participant_id, erased_on=on)


def register_candidate(project_id: str, command: EnrolParticipant, today: date) -> Participant:
    """A recruited person, registered with their data and consent; ``enrolled_on`` is the registration day."""
    candidate = enrol(project_id, command, today)
    candidate.status = Status.CANDIDATE
    candidate.history = [{"status": Status.CANDIDATE.value, "on": candidate.enrolled_on.isoformat()}]
    return candidate


def enrol(project_id: str, command: EnrolParticipant, today: date) -> Participant:
    enrolled_on = command.enrolled_on or today
    if enrolled_on > today:
        raise DomainError(f"enrolled_on {enrolled_on} is in the future", "enrolled_on")
    if command.birth_date is not None and command.birth_date > enrolled_on:
        raise DomainError("birth_date is after the enrolment date", "birth_date")
    return Participant(
        participant_id=uuid.uuid4(),
        project_id=project_id,
        organisation_id=command.organisation_id,
        profile=Profile.of(command),
        enrolled_on=enrolled_on,
        history=[{"status": Status.ENROLLED.value, "on": enrolled_on.isoformat()}],
    )

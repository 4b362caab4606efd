"""Payloads of the events, one class per (type, version). Pseudonymous: no name, PESEL or contact."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, EventPayload
from aktywni_shared.contracts.vocabulary import (
    AttendanceStatus,
    BookingCancellationReason,
    DeclarationKind,
    DisabilityDegree,
    LabourMarketStatus,
    OrganisationKind,
    ParticipantCategory,
    PartnerRole,
    Sex,
    SupportForm,
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

    def upcast(self) -> ProjectRegisteredV2:
        """Version 1 did not carry the leader's name: unknown."""
        return ProjectRegisteredV2(**self.model_dump(), leader_organisation_name=None)


class ProjectRegisteredV2(ProjectRegisteredV1):
    """As version 1, plus the leading organisation's name, so that reports and files show names, not ids.

    ``None`` for version-1 events, where it was not sent (the id is shown instead).
    """

    event_type = "ProjectRegistered"
    event_version = 2

    leader_organisation_name: str | None = Field(None, min_length=1, max_length=300)

    def upcast(self) -> ProjectRegisteredV2:
        return self


class ProjectAmendedV1(EventPayload):
    """A registered project's title or period was changed: the full new values, not only what changed.

    Consumers keep a copy of the title and period from ``ProjectRegistered``; this event replaces it.
    Full values make the event self-sufficient (a consumer needs no earlier amendment to apply it), and
    consumers apply an amendment only if it is newer (by the envelope's ``occurred_at``) than the copy
    they hold, so a late or repeated one changes nothing.
    """

    event_type = "ProjectAmended"
    event_version = 1

    title: str = Field(min_length=1, max_length=300)
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _period(self) -> ProjectAmendedV1:
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

    def upcast(self) -> ParticipantEnrolledV3:
        """Version 1 did not say whether a staff trainee works for the social-assistance centre: unknown."""
        return ParticipantEnrolledV3(**self.model_dump(), mops_employee=None, education=None, degurba=None)


class ParticipantEnrolledV2(ParticipantEnrolledV1):
    """As version 1, plus whether a staff trainee is an employee of the social-assistance centre (MOPS).

    Indicators count MOPS staff trained as activity trainers apart from other trained persons.
    ``None`` for other categories, and for version-1 events, where it was not recorded.
    """

    event_type = "ParticipantEnrolled"
    event_version = 2

    mops_employee: bool | None = None

    def upcast(self) -> ParticipantEnrolledV3:
        """Version 2 did not carry the education level or the degree of urbanisation: unknown."""
        return ParticipantEnrolledV3(**self.model_dump(), education=None, degurba=None)


#: Education level in the funder's coarse ISCED groups (ISCED 0, 1-2, 3-4, 5-8).
EducationLevel = Literal["isced_0", "isced_1_2", "isced_3_4", "isced_5_8"]
#: Degree of urbanisation of the place of residence (DEGURBA): 1 cities, 2 towns and suburbs, 3 rural areas.
DegreeOfUrbanisation = Literal["1", "2", "3"]


class ParticipantEnrolledV3(ParticipantEnrolledV2):
    """As version 2, plus the education level (ISCED group) and the place of residence's DEGURBA class.

    Both are coarse classes (four and three values) the funder splits its indicators by; the commune,
    county and address stay in enrolment. ``None`` when not recorded, and for older versions.
    """

    event_type = "ParticipantEnrolled"
    event_version = 3

    education: EducationLevel | None = None
    degurba: DegreeOfUrbanisation | None = None

    def upcast(self) -> ParticipantEnrolledV3:
        return self


class PartnerJoinedV1(EventPayload):
    """An organisation joined a project in a role (the leader joins when the project is registered)."""

    event_type = "PartnerJoined"
    event_version = 1

    partner_organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    role: PartnerRole
    agreement_reference: str | None = Field(None, max_length=200)

    def upcast(self) -> PartnerJoinedV2:
        """Version 1 did not carry the organisation's name: unknown."""
        return PartnerJoinedV2(**self.model_dump(), partner_organisation_name=None)


class PartnerJoinedV2(PartnerJoinedV1):
    """As version 1, plus the organisation's name; ``None`` for version-1 events, where it was not sent."""

    event_type = "PartnerJoined"
    event_version = 2

    partner_organisation_name: str | None = Field(None, min_length=1, max_length=300)

    def upcast(self) -> PartnerJoinedV2:
        return self


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


class CandidateRegisteredV1(EventPayload):
    """A recruited person was registered as a candidate; not yet a participant, not counted anywhere."""

    event_type = "CandidateRegistered"
    event_version = 1

    participant_id: UUID
    category: ParticipantCategory
    registered_on: date


class CandidateQualifiedV1(EventPayload):
    """A candidate met the project's eligibility rules and may be enrolled."""

    event_type = "CandidateQualified"
    event_version = 1

    participant_id: UUID
    qualified_on: date


class ParticipantActivatedV1(EventPayload):
    """A participant's first support started (learned from scheduling's ``SupportStarted``)."""

    event_type = "ParticipantActivated"
    event_version = 1

    participant_id: UUID
    support_started_on: date

    def upcast(self) -> ParticipantActivatedV2:
        """Version 1 did not carry the age band at the start of support: unknown (the birth year counts)."""
        return ParticipantActivatedV2(**self.model_dump(), age_band_at_support_start=None)


#: Age bands of the funder's reporting, in full years on the day of the first support.
AgeBandAtStart = Literal["<25", "25-54", "55+"]


class ParticipantActivatedV2(ParticipantActivatedV1):
    """As version 1, plus the age band in full years on the day support started (from the birth date).

    Enrolment alone holds the birth date; it computes the band and sends only the band, so that
    reporting counts the exact age at the start of support without learning a birth date.
    ``None`` when enrolment no longer holds the birth date (erased); version-1 events do not carry
    it (counting falls back to the birth year).
    """

    event_type = "ParticipantActivated"
    event_version = 2

    age_band_at_support_start: AgeBandAtStart | None = None

    def upcast(self) -> ParticipantActivatedV2:
        return self


class ParticipantCompletedV1(EventPayload):
    """A participant completed their path in the project (a support form completed, or closed by staff)."""

    event_type = "ParticipantCompleted"
    event_version = 1

    participant_id: UUID
    completed_on: date
    activity_id: UUID | None = None


# --- scheduling ------------------------------------------------------------------------------------


class CompletionRule(BaseModel):
    """When a participant has completed an activity.

    ``attendance_share``: attended (present) hours ≥ ``min_share`` × the activity's planned hours.
    ``any_attendance``: present at one session at least (an individual meeting, a trip).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["attendance_share", "any_attendance"]
    min_share: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _share(self) -> CompletionRule:
        if self.kind == "attendance_share" and self.min_share is None:
            raise ValueError("min_share is required for an attendance_share rule")
        if self.kind == "any_attendance" and self.min_share is not None:
            raise ValueError("min_share applies only to an attendance_share rule")
        return self


class ActivityPlannedV1(EventPayload):
    """An activity (a form of support) of a project was planned, with what completes it."""

    event_type = "ActivityPlanned"
    event_version = 1

    activity_id: UUID
    form: SupportForm
    title: str = Field(min_length=1, max_length=300)
    target_categories: list[ParticipantCategory] = Field(min_length=1)
    planned_hours: float = Field(gt=0, le=10_000)
    capacity: int = Field(gt=0, le=10_000)
    completion_rule: CompletionRule


class SessionScheduledV1(EventPayload):
    """A session of an activity was scheduled (a group session or an individual meeting)."""

    event_type = "SessionScheduled"
    event_version = 1

    session_id: UUID
    activity_id: UUID
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    venue_id: str | None = Field(None, max_length=100)
    room: str | None = Field(None, max_length=100)
    off_site: bool = False
    staff_ids: list[str] = Field(default_factory=list, max_length=20)
    capacity: int = Field(gt=0, le=10_000)

    @model_validator(mode="after")
    def _times(self) -> SessionScheduledV1:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at is not after starts_at")
        return self


class SessionRescheduledV1(EventPayload):
    """A session moved to another time or room; bookings stay."""

    event_type = "SessionRescheduled"
    event_version = 1

    session_id: UUID
    activity_id: UUID
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    venue_id: str | None = Field(None, max_length=100)
    room: str | None = Field(None, max_length=100)

    @model_validator(mode="after")
    def _times(self) -> SessionRescheduledV1:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at is not after starts_at")
        return self


class SessionCancelledV1(EventPayload):
    """A session was cancelled; its bookings are cancelled with it."""

    event_type = "SessionCancelled"
    event_version = 1

    session_id: UUID
    activity_id: UUID
    reason: str = Field(min_length=1, max_length=300)


class BookingConfirmedV1(EventPayload):
    """A participant holds a confirmed seat in a session."""

    event_type = "BookingConfirmed"
    event_version = 1

    booking_id: UUID
    session_id: UUID
    activity_id: UUID
    participant_id: UUID
    from_waitlist: bool = False


class ParticipantWaitlistedV1(EventPayload):
    """A session was full; the participant waits in line (first come, first served)."""

    event_type = "ParticipantWaitlisted"
    event_version = 1

    booking_id: UUID
    session_id: UUID
    activity_id: UUID
    participant_id: UUID


class SeatOfferedV1(EventPayload):
    """A seat freed up and was offered to the first person on the waitlist, to confirm by a deadline."""

    event_type = "SeatOffered"
    event_version = 1

    booking_id: UUID
    session_id: UUID
    activity_id: UUID
    participant_id: UUID
    confirm_by: AwareDatetime


class BookingCancelledV1(EventPayload):
    """A booking (confirmed, offered or waitlisted) was cancelled, and why."""

    event_type = "BookingCancelled"
    event_version = 1

    booking_id: UUID
    session_id: UUID
    activity_id: UUID
    participant_id: UUID
    reason: BookingCancellationReason


class AttendanceRecordedV1(EventPayload):
    """A participant's attendance at a session, as recorded (a correction is a new event of the same kind)."""

    event_type = "AttendanceRecorded"
    event_version = 1

    session_id: UUID
    activity_id: UUID
    participant_id: UUID
    status: AttendanceStatus
    hours: float = Field(ge=0, le=24)
    session_date: date


class _SupportFact(EventPayload):
    """Pseudonymous attributes a support fact carries so that counting needs no other event first."""

    participant_id: UUID
    activity_id: UUID
    form: SupportForm
    category: ParticipantCategory
    sex: Sex
    birth_year: int = Field(ge=1900, le=2100)
    disability_degree: DisabilityDegree | None = None
    mops_employee: bool | None = None


class SupportStartedV1(_SupportFact):
    """A participant's first support in the project started (first attendance); emitted once per project."""

    event_type = "SupportStarted"
    event_version = 1

    started_on: date


class SupportCompletedV1(_SupportFact):
    """A participant met an activity's completion rule; emitted once per participant and activity."""

    event_type = "SupportCompleted"
    event_version = 1

    completed_on: date
    hours_attended: float = Field(ge=0)


# --- reporting -------------------------------------------------------------------------------------

INDICATOR_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,39}$"


class IndicatorProgressedV1(EventPayload):
    """An indicator's value changed (it never goes down except by a corrected definition)."""

    event_type = "IndicatorProgressed"
    event_version = 1

    indicator_code: str = Field(pattern=INDICATOR_CODE_PATTERN)
    indicator_name: str = Field(min_length=1, max_length=300)
    kind: str = Field(pattern=r"^(output|result)$")
    unit: str = Field(pattern=r"^(persons|bodies|items)$")
    value: int = Field(ge=0)
    previous_value: int = Field(ge=0)
    target: int = Field(ge=0)
    by_sex: dict[str, int] = Field(default_factory=dict, description="K/M split; empty unless unit is persons")
    as_of: date


class TargetReachedV1(EventPayload):
    """An indicator reached its target (emitted once per indicator, when the value first meets it)."""

    event_type = "TargetReached"
    event_version = 1

    indicator_code: str = Field(pattern=INDICATOR_CODE_PATTERN)
    value: int = Field(ge=0)
    target: int = Field(ge=0)
    reached_on: date


class TargetAtRiskV1(EventPayload):
    """At the pace so far, the indicator's value expected at the project's end falls short of the target.

    Emitted when the forecast turns short (not again while it stays short).
    """

    event_type = "TargetAtRisk"
    event_version = 1

    indicator_code: str = Field(pattern=INDICATOR_CODE_PATTERN)
    value: int = Field(ge=0)
    target: int = Field(ge=0)
    expected_at_end: int = Field(ge=0)
    project_ends_on: date
    as_of: date


#: Every payload class ever published. Add a new version as a new class; never edit an old one.
ALL_PAYLOADS: tuple[type[EventPayload], ...] = (
    ProjectRegisteredV1,
    ProjectRegisteredV2,
    ProjectAmendedV1,
    PartnerJoinedV1,
    PartnerJoinedV2,
    ParticipantEnrolledV1,
    ParticipantEnrolledV2,
    ParticipantEnrolledV3,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
    ParticipantErasedV1,
    DeclarationRecordedV1,
    CandidateRegisteredV1,
    CandidateQualifiedV1,
    ParticipantActivatedV1,
    ParticipantActivatedV2,
    ParticipantCompletedV1,
    ActivityPlannedV1,
    SessionScheduledV1,
    SessionRescheduledV1,
    SessionCancelledV1,
    BookingConfirmedV1,
    ParticipantWaitlistedV1,
    SeatOfferedV1,
    BookingCancelledV1,
    AttendanceRecordedV1,
    SupportStartedV1,
    SupportCompletedV1,
    IndicatorProgressedV1,
    TargetReachedV1,
    TargetAtRiskV1,
)

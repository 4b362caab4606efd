"""Indicator definitions: what a project counts, when a person (or body, or item) counts, and the target.

A definition is data owned by reporting (the leader's coordinator sets it); the numbers are always
computed from the facts the events gave, so a changed definition applies to everything already
received without replaying anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aktywni_shared import errors
from aktywni_shared.contracts.vocabulary import DeclarationKind, ParticipantCategory, SupportForm

INDICATOR_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,39}$"
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class IndicatorKind(StrEnum):
    OUTPUT = "output"  # wskaźnik produktu: measured when the person enters the first form of support
    RESULT = "result"  # wskaźnik rezultatu: measured when the outcome is reached (up to 4 weeks after)


class Unit(StrEnum):
    PERSONS = "persons"  # osoby
    BODIES = "bodies"  # podmioty (instytucje)
    ITEMS = "items"  # sztuki (np. model, publikacja)


class CountedAt(StrEnum):
    """The moment a subject counts: the event whose first occurrence counts it."""

    SUPPORT_STARTED = "support_started"  # a person whose first support started (SupportStarted)
    SUPPORT_COMPLETED = "support_completed"  # a person who completed an activity/form (SupportCompleted)
    ENROLMENT = "enrolment"  # a person enrolled (and not withdrawn before any support)
    DECLARATION = "declaration"  # an institution that declared (DeclarationRecorded), once per institution
    MANUAL_ENTRY = "manual_entry"  # items recorded by the leader's coordinator (e.g. the model delivered)


class Breakdown(StrEnum):
    SEX = "sex"
    AGE_BAND = "age_band"
    DISABILITY_DEGREE = "disability_degree"
    CATEGORY = "category"
    ORGANISATION = "organisation"
    MONTH = "month"
    LABOUR_MARKET_STATUS = "labour_market_status"
    EDUCATION = "education"
    DEGURBA = "degurba"


PERSON_SOURCES = frozenset({CountedAt.SUPPORT_STARTED, CountedAt.SUPPORT_COMPLETED, CountedAt.ENROLMENT})
PERSON_BREAKDOWNS = frozenset(
    {
        Breakdown.SEX,
        Breakdown.AGE_BAND,
        Breakdown.DISABILITY_DEGREE,
        Breakdown.CATEGORY,
        Breakdown.LABOUR_MARKET_STATUS,
        Breakdown.EDUCATION,
        Breakdown.DEGURBA,
    }
)


class Counting(BaseModel):
    """What counts: the moment (``counted_at``) and filters on the subject's attributes.

    Filters left empty match everything. ``mops_employee``: ``true`` counts only persons recorded as
    employees of the social-assistance centre; ``false`` counts everyone else (including persons for
    whom it was not recorded, e.g. enrolled through the first version of the enrolment event).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    counted_at: CountedAt
    categories: list[ParticipantCategory] = Field(default_factory=list, max_length=10)
    forms: list[SupportForm] = Field(default_factory=list, max_length=10)
    activity_ids: list[UUID] = Field(default_factory=list, max_length=100)
    declaration_kinds: list[DeclarationKind] = Field(default_factory=list, max_length=5)
    mops_employee: bool | None = None

    @model_validator(mode="after")
    def _filters_fit_the_moment(self) -> Counting:
        persons = self.counted_at in PERSON_SOURCES
        if not persons and (self.categories or self.mops_employee is not None):
            raise ValueError("categories and mops_employee filter persons; this indicator does not count persons")
        support = self.counted_at in (CountedAt.SUPPORT_STARTED, CountedAt.SUPPORT_COMPLETED)
        if not support and (self.forms or self.activity_ids):
            raise ValueError("forms and activity_ids apply to support_started or support_completed only")
        if self.counted_at is not CountedAt.DECLARATION and self.declaration_kinds:
            raise ValueError("declaration_kinds apply to counted_at=declaration only")
        return self


MonthKey = Annotated[str, Field(pattern=MONTH_PATTERN.pattern)]


class IndicatorDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=INDICATOR_CODE_PATTERN, description="stable code, e.g. TA-ON-SUPPORTED")
    name: str = Field(min_length=1, max_length=300, description="Polish name as in the application form")
    kind: IndicatorKind
    unit: Unit
    counts: Counting
    target: int = Field(ge=0, le=10_000_000)
    #: Planned new counts per month (``YYYY-MM`` → number); the dashboard shows their running sum.
    monthly_plan: dict[MonthKey, Annotated[int, Field(ge=0, le=10_000_000)]] = Field(default_factory=dict)
    breakdowns: list[Breakdown] = Field(default_factory=lambda: [Breakdown.SEX, Breakdown.ORGANISATION])

    @field_validator("breakdowns")
    @classmethod
    def _unique(cls, value: list[Breakdown]) -> list[Breakdown]:
        if len(set(value)) != len(value):
            raise ValueError("a breakdown is listed twice")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorDefinition:
        persons = self.counts.counted_at in PERSON_SOURCES
        if persons != (self.unit is Unit.PERSONS):
            raise ValueError(f"unit {self.unit.value} does not fit counted_at={self.counts.counted_at.value}")
        if not persons and PERSON_BREAKDOWNS.intersection(self.breakdowns):
            wrong = sorted(b.value for b in PERSON_BREAKDOWNS.intersection(self.breakdowns))
            raise ValueError(f"breakdowns {', '.join(wrong)} describe persons; this indicator counts {self.unit.value}")
        return self

    @property
    def counts_persons(self) -> bool:
        return self.unit is Unit.PERSONS


class IndicatorSet(BaseModel):
    """Every indicator of one project (the body of ``PUT /projects/{id}/indicators``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: list[IndicatorDefinition] = Field(max_length=100)

    @field_validator("indicators")
    @classmethod
    def _codes_unique(cls, value: list[IndicatorDefinition]) -> list[IndicatorDefinition]:
        codes = [d.code for d in value]
        if len(set(codes)) != len(codes):
            raise ValueError("two indicators share a code")
        return value


class ManualEntry(BaseModel):
    """Items of an indicator counted by hand (``counted_at=manual_entry``), e.g. the model delivered.

    ``entry_id`` makes recording idempotent: sending the same entry twice counts it once.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    entry_id: UUID
    quantity: int = Field(ge=1, le=1_000_000)
    on: date
    note: str = Field("", max_length=500)


@dataclass(frozen=True)
class ProjectDefinitions:
    """A project's indicators and manual entries, at revision ``rev`` (0: never defined)."""

    project_id: str
    rev: int = 0
    indicators: list[IndicatorDefinition] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def indicator(self, code: str) -> IndicatorDefinition | None:
        return next((d for d in self.indicators if d.code == code), None)


class UnknownIndicator(errors.NotFound):
    """The project defines no indicator of that code (404, ``{"detail": message}``)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"indicator {code} is not defined for this project")
        self.code = code


class WrongIndicator(errors.DomainError):
    """A manual entry for an indicator that is not counted by manual entries (422 naming the path's code)."""

    kind: ClassVar[str] = "indicator"
    where: ClassVar[str] = "path"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="code")


def require_manual(definition: IndicatorDefinition | None, code: str) -> IndicatorDefinition:
    """The indicator a manual entry is for: defined, and counted in items recorded by hand."""
    if definition is None:
        raise UnknownIndicator(code)
    if definition.unit is not Unit.ITEMS:
        raise WrongIndicator(f"indicator {code} counts {definition.unit.value} from events, not manual entries")
    return definition

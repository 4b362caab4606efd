"""Staff: trainers and specialists of an organisation, what they may lead and when they are available."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from aktywni_shared.contracts.vocabulary import SupportForm
from scheduling.domain.times import Weekday, WeeklyHours, describe, local, within
from scheduling.domain.venues import SLUG


class StaffRole(StrEnum):
    ACTIVITY_TRAINER = "activity_trainer"  # trener aktywności (TA)
    TRAINER = "trainer"  # trener, prowadzący szkolenia
    CAREER_ADVISER = "career_adviser"  # doradca zawodowy
    PSYCHOLOGIST = "psychologist"  # psycholog
    LAWYER = "lawyer"  # prawnik
    SOCIAL_WORKER = "social_worker"  # pracownik socjalny
    RESEARCHER = "researcher"  # badacz (ankiety, grupy fokusowe)


class StaffIn(BaseModel):
    """A staff member; no name or contact (the identity provider knows them by ``user``)."""

    model_config = ConfigDict(extra="forbid")

    staff_id: str = Field(pattern=SLUG)
    user: str = Field(min_length=1, max_length=100, description="the `user` of their bearer token")
    roles: list[StaffRole] = Field(min_length=1, max_length=10)
    competences: list[SupportForm] = Field(min_length=1, max_length=20, description="forms they may lead")
    availability: WeeklyHours = Field(description="weekly hours per weekday; a missing day: not available")


class StaffMember(StaffIn):
    organisation_id: str = Field(pattern=ORG_ID_PATTERN)

    def unavailable_reason(self, start: datetime, end: datetime) -> str | None:
        hours = self.availability.get(Weekday.of(local(start).date()), [])
        if within(hours, start, end):
            return None
        return (
            f"staff {self.staff_id} is available {describe(hours)} on {local(start):%A %Y-%m-%d}; "
            f"{local(start):%H:%M}–{local(end):%H:%M} is outside"
        )

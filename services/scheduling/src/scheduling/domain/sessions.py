"""Sessions: a group session or an individual meeting of an activity, when, where and with whom."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from scheduling.domain.times import Interval, local, utc
from scheduling.domain.venues import SLUG

MAX_SESSION = timedelta(hours=12)


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Placement(BaseModel):
    """When and where: shared by scheduling and rescheduling. Errors name the field at fault."""

    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    off_site: bool = Field(False, description="away from any venue (an educational trip): no room, no hours")
    venue_id: str | None = Field(None, pattern=SLUG, validate_default=True)
    room_id: str | None = Field(None, pattern=SLUG, validate_default=True)

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is None:
            return ends_at
        if ends_at <= starts_at:
            raise ValueError("the session ends before (or when) it starts")
        if ends_at - starts_at > MAX_SESSION:
            raise ValueError(f"a session lasts at most {MAX_SESSION.seconds // 3600} hours")
        if local(starts_at).date() != local(ends_at).date():
            raise ValueError("a session starts and ends on the same day (Europe/Warsaw), not across midnight")
        return ends_at

    @field_validator("venue_id")
    @classmethod
    def _venue(cls, venue_id: str | None, info: ValidationInfo) -> str | None:
        off_site = info.data.get("off_site", False)
        if off_site and venue_id:
            raise ValueError("an off-site session has no venue")
        if not off_site and not venue_id:
            raise ValueError("required unless off_site is true")
        return venue_id

    @field_validator("room_id")
    @classmethod
    def _room(cls, room_id: str | None, info: ValidationInfo) -> str | None:
        off_site = info.data.get("off_site", False)
        if off_site and room_id:
            raise ValueError("an off-site session has no room")
        if not off_site and not room_id:
            raise ValueError("required unless off_site is true")
        return room_id

    @property
    def interval(self) -> Interval:
        return Interval(utc(self.starts_at), utc(self.ends_at))


class ScheduleSession(Placement):
    staff_ids: list[Annotated[str, Field(pattern=SLUG)]] = Field(default_factory=list, max_length=20)
    capacity: int | None = Field(None, gt=0, le=10_000, description="default: the activity's capacity")

    @field_validator("staff_ids")
    @classmethod
    def _staff(cls, staff_ids: list[str]) -> list[str]:
        if len(set(staff_ids)) != len(staff_ids):
            raise ValueError("a staff id repeats")
        return staff_ids


class Reschedule(Placement):
    pass


class CancelSession(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=300)


class ChangeCapacity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: int = Field(gt=0, le=10_000)


class Session(BaseModel):
    """A session as stored (without its bookings)."""

    session_id: uuid.UUID
    activity_id: uuid.UUID
    project_id: str
    organisation_id: str
    form: str
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_id: str | None
    room_id: str | None
    off_site: bool
    staff_ids: list[str]
    capacity: int
    #: the stored venue's key (ids are per organisation); sessions from before keep None: their venue_id is it
    venue_key: str | None = None
    status: SessionStatus = SessionStatus.SCHEDULED
    sequence: int = 0  # iCalendar SEQUENCE: bumped by every reschedule and the cancellation
    free: int = 0

    @property
    def interval(self) -> Interval:
        return Interval(utc(self.starts_at), utc(self.ends_at))

    @property
    def place_key(self) -> str | None:
        """The key of the venue the session is held at (what its room's timeline is named after)."""
        return self.venue_key or self.venue_id

    @property
    def hours(self) -> float:
        return self.interval.hours

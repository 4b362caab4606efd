"""Venues: address, rooms with capacity and accessibility, weekly opening hours and their exceptions."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from scheduling.domain.holidays import holiday_name
from scheduling.domain.times import Hours, Weekday, WeeklyHours, describe, local, within

SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Room(BaseModel):
    model_config = ConfigDict(extra="forbid")

    room_id: str = Field(pattern=SLUG, description="e.g. 316")
    name: str = Field(min_length=1, max_length=200)
    capacity: int = Field(gt=0, le=1000)
    floor: int = Field(0, ge=-3, le=60, description="0 is the ground floor")
    step_free: bool = Field(True, description="no steps inside, from the lift or entrance to the room")


class ClosedOn(BaseModel):
    """A one-off exception on one date: closed (no hours) or open at other hours."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["date"] = "date"
    on: date
    hours: list[Hours] = Field(default_factory=list, max_length=6, description="empty: closed all day")
    note: str | None = Field(None, max_length=200)


class LastDayOfMonth(BaseModel):
    """A rule for the last day of every month (e.g. cash desks 10:00–12:00)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["last_day_of_month"] = "last_day_of_month"
    hours: list[Hours] = Field(default_factory=list, max_length=6, description="empty: closed")
    note: str | None = Field(None, max_length=200)


Exception_ = Annotated[ClosedOn | LastDayOfMonth, Field(discriminator="kind")]


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")

    street: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(pattern=r"^\d{2}-\d{3}$")
    city: str = Field(min_length=1, max_length=100)


class VenueIn(BaseModel):
    """What a coordinator registers about a venue."""

    model_config = ConfigDict(extra="forbid")

    venue_id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=300)
    address: Address
    step_free_entrance: bool = Field(description="the building can be entered without steps")
    lift: bool = Field(description="a lift reaches every floor with rooms")
    rooms: list[Room] = Field(min_length=1, max_length=100)
    opening_hours: WeeklyHours = Field(description="per weekday (mon..sun); a missing day is closed")
    closed_on_public_holidays: bool = True
    exceptions: list[Exception_] = Field(default_factory=list, max_length=400)

    @model_validator(mode="after")
    def _unique_rooms(self) -> VenueIn:
        ids = [r.room_id for r in self.rooms]
        if len(ids) != len(set(ids)):
            raise ValueError("rooms: room_id values repeat")
        return self


class Venue(VenueIn):
    organisation_id: str = Field(pattern=ORG_ID_PATTERN)

    def room(self, room_id: str) -> Room | None:
        return next((r for r in self.rooms if r.room_id == room_id), None)

    def room_accessible(self, room: Room) -> bool:
        """Step-free from the street: entrance, then the floor (ground or by lift), then the room."""
        return self.step_free_entrance and room.step_free and (room.floor == 0 or self.lift)

    def hours_on(self, day: date) -> tuple[list[Hours], str]:
        """The opening hours of one local date and why (weekly, holiday, exception)."""
        for exception in self.exceptions:
            if isinstance(exception, ClosedOn) and exception.on == day:
                return exception.hours, exception.note or f"exception on {day}"
        holiday = holiday_name(day)
        if holiday and self.closed_on_public_holidays:
            return [], f"public holiday ({holiday})"
        if day.day == monthrange(day.year, day.month)[1]:
            for exception in self.exceptions:
                if isinstance(exception, LastDayOfMonth):
                    return exception.hours, exception.note or "last day of the month"
        return self.opening_hours.get(Weekday.of(day), []), f"{Weekday.of(day).value}"

    def closed_reason(self, start: datetime, end: datetime) -> str | None:
        """None if [start, end) lies within the opening hours, else why not."""
        day = local(start).date()
        hours, why = self.hours_on(day)
        if within(hours, start, end):
            return None
        opening = f"is open {describe(hours)}" if hours else "is closed"
        return f"{self.name} {opening} on {day} ({why}); {local(start):%H:%M}–{local(end):%H:%M} is outside"

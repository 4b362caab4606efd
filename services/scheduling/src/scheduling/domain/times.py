"""Time: UTC in storage, Europe/Warsaw on the wall; intervals are half-open, [start, end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

WARSAW = ZoneInfo("Europe/Warsaw")

#: A wall-clock time without a zone ("08:00", answered as "08:00:00"); JSON Schema's "time" needs an offset.
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$", "examples": ["08:00"]}
    ),
]


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: date) -> Weekday:
        return list(cls)[day.weekday()]


@dataclass(frozen=True)
class Interval:
    """[start, end) in UTC."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def utc(moment: datetime) -> datetime:
    """In UTC, to the millisecond (what the database keeps), so stored and computed times compare equal."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def local(moment: datetime) -> datetime:
    return moment.astimezone(WARSAW)


class Hours(BaseModel):
    """Opening (or availability) hours of one day, local time: [opens, closes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    opens: LocalTime
    closes: LocalTime

    @model_validator(mode="after")
    def _order(self) -> Hours:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:  # first: naive and aware don't compare
            raise ValueError("hours are local (Europe/Warsaw) times without a zone")
        if self.closes <= self.opens:
            raise ValueError("closes is not after opens")
        return self

    def covers(self, start: time, end: time) -> bool:
        return self.opens <= start and end <= self.closes

    def label(self) -> str:
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"


DayHours = Annotated[list[Hours], Field(max_length=6)]
WeeklyHours = dict[Weekday, DayHours]


def within(hours: list[Hours], start: datetime, end: datetime) -> bool:
    """Whether local [start, end) lies inside one of ``hours`` of one local day."""
    s, e = local(start), local(end)
    if s.date() != e.date():
        return False
    return any(h.covers(s.time().replace(tzinfo=None), e.time().replace(tzinfo=None)) for h in hours)


def describe(hours: list[Hours]) -> str:
    return ", ".join(h.label() for h in hours) or "closed"

"""Time: UTC in storage, Europe/Warsaw on the wall; intervals are half-open, [start, end)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, model_validator

from aktywni_shared.clock import as_aware, start_of_day

WARSAW = ZoneInfo("Europe/Warsaw")

_DATE = r"\d{4}-\d{2}-\d{2}"
_LOCAL_DATETIME = _DATE + r"[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
_OFFSET = r"(Z|z|[+-]\d{2}:?\d{2})"
_DATE_RE = re.compile(f"^{_DATE}$")
_DATETIME_RE = re.compile(f"^{_LOCAL_DATETIME}{_OFFSET}?$")


def parse_moment(value: object) -> date | datetime:
    """A day ("2026-03-01"), a Warsaw wall-clock time ("2026-03-01T10:00") or an instant with an offset."""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if _DATE_RE.match(text):
                return date.fromisoformat(text)
            if _DATETIME_RE.match(text):
                return datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            pass
    raise ValueError(
        "nieprawidłowa data lub czas: podaj dzień RRRR-MM-DD, czas lokalny RRRR-MM-DDTGG:MM "
        "(Europa/Warszawa) albo czas z przesunięciem względem UTC (np. 2026-03-01T10:00:00+01:00)"
    )


#: A query's moment: a date or a datetime, with or without an offset (without one: Warsaw's wall clock).
Moment = Annotated[
    date | datetime,
    PlainValidator(parse_moment),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
                {"type": "string", "pattern": f"^{_LOCAL_DATETIME}$"},
            ],
            "description": "A day (RRRR-MM-DD), a local Warsaw time without an offset, or a time with an offset",
            "examples": ["2026-03-01", "2026-03-01T08:00", "2026-03-01T08:00:00+01:00"],
        }
    ),
]


def moment_from(value: date | datetime) -> datetime:
    """The first instant a bound means: a day starts at Warsaw's midnight; no offset means Warsaw's clock."""
    return as_aware(value) if isinstance(value, datetime) else start_of_day(value)


def moment_until(value: date | datetime) -> datetime:
    """The instant an upper bound ends at: a day means the whole day, inclusive (up to the next midnight)."""
    return as_aware(value) if isinstance(value, datetime) else start_of_day(value + timedelta(days=1))


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

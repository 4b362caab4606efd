"""One clock for every service: instants in UTC, calendar days and local times in Europe/Warsaw.

The projects run in Poland, so every "today" (a consent given today, a participant's age, a
report's "up to today", a default period) is the day in Warsaw, whatever zone the server runs in.
A date or a datetime without a UTC offset that arrives from a user means Warsaw's wall clock.
Tests pass a fixed clock instead of patching the system's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


class Clock(Protocol):
    """What a use case asks of time: the instant now (UTC) and the day today (in Warsaw)."""

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(WARSAW).date()


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one instant, for tests."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant.astimezone(UTC)

    def today(self) -> date:
        return self.instant.astimezone(WARSAW).date()


SYSTEM_CLOCK: Clock = SystemClock()


def today_in_warsaw() -> date:
    """Today's date in Warsaw, by the system clock."""
    return SYSTEM_CLOCK.today()


def as_aware(moment: datetime) -> datetime:
    """A datetime without an offset is Warsaw's wall clock; one with an offset is kept as given."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.replace(tzinfo=WARSAW)
    return moment


def start_of_day(day: date) -> datetime:
    """The first instant of a Warsaw calendar day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=WARSAW)

"""Forecast: at the pace so far, the value expected at the project's end, and whether the target is met.

The pace is linear over the project's period: value counted so far ÷ days elapsed since the start.
Before the start there is no pace (the forecast is the value so far); after the end the forecast is
the final value. A forecast below the target puts the indicator "at risk".

Items (a model, a publication) are not produced at a pace: one delivered model does not mean three
by the end. Their forecast follows the plan: the value so far plus what the monthly plan still
expects after the current month (without a plan, the value so far).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Forecast:
    as_of: date
    expected_at_end: int
    will_meet_target: bool
    per_month: float  # the pace, in counts per 30 days


def forecast_by_plan(value: int, target: int, monthly_plan: Mapping[str, int], ends_on: date, as_of: date) -> Forecast:
    """The forecast of an item indicator: the value so far plus the plan for the months still ahead."""
    current = as_of.strftime("%Y-%m")
    ahead = 0 if as_of >= ends_on else sum(n for month, n in monthly_plan.items() if month > current)
    expected = value + ahead
    return Forecast(as_of=as_of, expected_at_end=expected, will_meet_target=expected >= target, per_month=0.0)


def forecast(value: int, target: int, starts_on: date, ends_on: date, as_of: date) -> Forecast:
    if as_of <= starts_on:
        expected, pace = value, 0.0
    else:
        day = min(as_of, ends_on)
        elapsed = (day - starts_on).days + 1
        total = (ends_on - starts_on).days + 1
        pace = value / elapsed
        expected = value if as_of >= ends_on else int(value * total / elapsed)
    return Forecast(
        as_of=as_of, expected_at_end=expected, will_meet_target=expected >= target, per_month=round(pace * 30, 2)
    )

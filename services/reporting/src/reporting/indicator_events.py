"""Indicator events on ``reporting.indicators`` (keyed by project_id), for partner systems and dashboards.

To be moved into ``aktywni_shared.contracts.events`` (with golden samples); until then they live here.
Every event is about one indicator of one project (``project_id`` and the leader's
``organisation_id`` are in the envelope); the numbers are anonymous counts.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from aktywni_shared.contracts.envelope import EventPayload

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,39}$"


class IndicatorProgressedV1(EventPayload):
    """An indicator's value changed (it never goes down except by a corrected definition)."""

    event_type = "IndicatorProgressed"
    event_version = 1

    indicator_code: str = Field(pattern=CODE_PATTERN)
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

    indicator_code: str = Field(pattern=CODE_PATTERN)
    value: int = Field(ge=0)
    target: int = Field(ge=0)
    reached_on: date


class TargetAtRiskV1(EventPayload):
    """At the pace so far, the indicator's value expected at the project's end falls short of the target.

    Emitted when the forecast turns short (not again while it stays short).
    """

    event_type = "TargetAtRisk"
    event_version = 1

    indicator_code: str = Field(pattern=CODE_PATTERN)
    value: int = Field(ge=0)
    target: int = Field(ge=0)
    expected_at_end: int = Field(ge=0)
    project_ends_on: date
    as_of: date


INDICATOR_EVENTS: tuple[type[EventPayload], ...] = (IndicatorProgressedV1, TargetReachedV1, TargetAtRiskV1)

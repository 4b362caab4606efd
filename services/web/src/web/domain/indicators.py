"""Which indicators need attention: not reached and, at the current pace, not reaching the target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndicatorAtRisk:
    project_id: str
    project_title: str
    code: str
    name: str
    value: int
    target: int
    expected_at_end: int


def at_risk(report: dict[str, Any]) -> list[IndicatorAtRisk]:
    """The report's indicators whose forecast says the target will be missed."""
    found = []
    for indicator in report.get("indicators", []):
        forecast = indicator.get("forecast") or {}
        if indicator.get("reached") or forecast.get("will_meet_target", True):
            continue
        found.append(
            IndicatorAtRisk(
                project_id=str(report.get("project_id", "")),
                project_title=str(report.get("title", "")),
                code=str(indicator.get("code", "")),
                name=str(indicator.get("name", "")),
                value=int(indicator.get("value", 0)),
                target=int(indicator.get("target", 0)),
                expected_at_end=int(forecast.get("expected_at_end", 0)),
            )
        )
    return found

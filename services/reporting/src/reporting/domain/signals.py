"""Which indicator events a new report calls for, given what was announced before.

State per indicator: the last announced value, whether the target was announced reached, and
whether the indicator was announced at risk. Only changes are announced, so recomputing the same
report (after a replay or a duplicate delivery) announces nothing.
"""

from __future__ import annotations

from typing import Any

from aktywni_shared.contracts.envelope import EventPayload
from aktywni_shared.contracts.events import IndicatorProgressedV1, TargetAtRiskV1, TargetReachedV1
from reporting.domain.report import ProjectReport

State = dict[str, dict[str, Any]]


def signals(report: ProjectReport, announced: State) -> tuple[State, list[EventPayload]]:
    state: State = {}
    events: list[EventPayload] = []
    for indicator in report.indicators:
        before = announced.get(indicator.code, {"value": 0, "reached": False, "at_risk": False})
        now = {
            "value": indicator.value,
            "reached": before["reached"] or indicator.reached,
            "at_risk": not indicator.forecast.will_meet_target and not indicator.reached,
        }
        state[indicator.code] = now
        if indicator.value != before["value"]:
            events.append(
                IndicatorProgressedV1(
                    indicator_code=indicator.code,
                    indicator_name=indicator.name,
                    kind=indicator.kind,
                    unit=indicator.unit,
                    value=indicator.value,
                    previous_value=before["value"],
                    target=indicator.target,
                    by_sex=indicator.by_sex,
                    as_of=report.as_of,
                )
            )
        if now["reached"] and not before["reached"]:
            events.append(
                TargetReachedV1(
                    indicator_code=indicator.code,
                    value=indicator.value,
                    target=indicator.target,
                    reached_on=report.as_of,
                )
            )
        if now["at_risk"] and not before["at_risk"]:
            events.append(
                TargetAtRiskV1(
                    indicator_code=indicator.code,
                    value=indicator.value,
                    target=indicator.target,
                    expected_at_end=indicator.forecast.expected_at_end,
                    project_ends_on=report.ends_on,
                    as_of=report.as_of,
                )
            )
    return state, events

"""Announcements and forecasts on in-memory fakes: each change announced once, targets and risks as they turn."""

from __future__ import annotations

import uuid
from datetime import date

from aktywni_shared.contracts.events import IndicatorProgressedV1, TargetAtRiskV1
from aktywni_shared.identity import Role
from aktywni_stack import demo_data
from reporting.domain.indicators import IndicatorDefinition, ManualEntry
from reporting.domain.report import IndicatorReport
from reporting.domain.templates import template
from tests.support.reporting import Person, decoded, project_events, ta_at_target
from tests.unit.reporting_fakes import Reporting, principal

PROJECT = "TA-LIVE"
LEADER = principal(demo_data.EUDAJMONIA, Role.COORDINATOR)


async def _indicator(reporting: Reporting, code: str) -> IndicatorReport:
    report = await reporting.reports.report(LEADER, PROJECT)
    return next(i for i in report.indicators if i.code == code)


async def test_a_change_is_announced_once_and_a_reached_target_once() -> None:
    reporting = Reporting()
    await reporting.definitions.replace(PROJECT, template("trener-aktywnosci"), "test")
    story = ta_at_target(PROJECT)
    await reporting.projector.apply([decoded(e) for e in story])
    written = await reporting.announcer.announce(PROJECT)
    types = reporting.announcements.types()
    assert written == len(types) > 0
    assert types.count("TargetReached") == 6, "every event-counted target is met"
    assert types.count("TargetAtRisk") == 1, "the model, not delivered and not planned"
    assert all(e.project_id == PROJECT for e in reporting.announcements.outbox)
    assert {e.organisation_id for e in reporting.announcements.outbox} == {demo_data.EUDAJMONIA}

    assert await reporting.announcer.announce(PROJECT) == 0, "the same numbers announce nothing"
    await reporting.projector.apply([decoded(e) for e in story[:20]])  # delivered again
    assert await reporting.announcer.announce(PROJECT) == 0

    more = Person(PROJECT, "person_with_disability", "M")
    await reporting.projector.apply([decoded(more.enrolled("2012-12-01")), decoded(more.started("2012-12-03"))])
    assert await reporting.announcer.announce(PROJECT) == 1
    progressed = reporting.announcements.outbox[-1]
    assert progressed.type == "IndicatorProgressed"
    assert IndicatorProgressedV1.model_validate(progressed.payload).model_dump(
        include={"indicator_code", "previous_value", "value"}
    ) == {"indicator_code": "TA-ON-SUPPORTED", "previous_value": 30, "value": 31}
    assert reporting.announcements.types().count("TargetReached") == 6, "a target is reached once"


async def test_an_unknown_project_announces_nothing() -> None:
    reporting = Reporting()
    assert await reporting.announcer.announce("TA-NOWHERE") == 0
    assert reporting.announcements.outbox == []


async def test_a_short_pace_forecasts_the_target_missed_and_announces_the_risk() -> None:
    reporting = Reporting(today=date(2013, 7, 31))  # halfway through 2012-02-01 .. 2015-01-31
    await reporting.definitions.replace(PROJECT, template("trener-aktywnosci"), "test")
    people = [Person(PROJECT, "person_with_disability", "K") for _ in range(6)]
    events = [*project_events(PROJECT), *(e for p in people for e in (p.enrolled(), p.started("2012-06-20")))]
    await reporting.projector.apply([decoded(e) for e in events])
    on = await _indicator(reporting, "TA-ON-SUPPORTED")
    assert on.value == 6
    assert on.forecast.expected_at_end == 12, "6 in 547 of the project's 1096 days: 12 at that pace"
    assert on.forecast.will_meet_target is False
    await reporting.announcer.announce(PROJECT)
    risks = [
        TargetAtRiskV1.model_validate(e.payload) for e in reporting.announcements.outbox if e.type == "TargetAtRisk"
    ]
    assert {r.indicator_code for r in risks} >= {"TA-ON-SUPPORTED"}
    on_risk = next(r for r in risks if r.indicator_code == "TA-ON-SUPPORTED")
    assert (on_risk.value, on_risk.target, on_risk.expected_at_end) == (6, 30, 12)
    assert await reporting.announcer.announce(PROJECT) == 0, "a risk is announced when it turns, not again"


async def test_items_are_forecast_by_their_plan_not_by_pace() -> None:
    reporting = Reporting(today=date(2013, 3, 15))
    planned = IndicatorDefinition.model_validate(
        {
            "code": "TA-PUBLICATIONS",
            "name": "Publikacje",
            "kind": "output",
            "unit": "items",
            "counts": {"counted_at": "manual_entry"},
            "target": 4,
            "monthly_plan": {"2013-01": 1, "2013-03": 1, "2014-06": 1, "2014-12": 1},
            "breakdowns": ["month"],
        }
    )
    await reporting.definitions.replace(PROJECT, [planned], "test")
    await reporting.projector.apply([decoded(e) for e in project_events(PROJECT)])
    for on in (date(2013, 1, 20), date(2013, 3, 2)):
        entry = ManualEntry(entry_id=uuid.uuid4(), quantity=1, on=on)
        assert await reporting.reports.add_entry(LEADER, PROJECT, "TA-PUBLICATIONS", entry)
    publications = await _indicator(reporting, "TA-PUBLICATIONS")
    assert publications.value == 2
    assert publications.plan_to_date == 2
    assert (publications.forecast.expected_at_end, publications.forecast.will_meet_target) == (4, True)
    await reporting.announcer.announce(PROJECT)
    assert reporting.announcements.types() == ["IndicatorProgressed"], "on plan: no risk, no target reached yet"
    assert reporting.announcements.outbox[0].payload["value"] == 2

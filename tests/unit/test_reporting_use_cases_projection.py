"""The projection on in-memory fakes: events counted once however often they come, a replay the same."""

from __future__ import annotations

import random

import pytest

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.identity import Role
from aktywni_stack import demo_data
from reporting.domain.access import NotFound
from reporting.domain.report import ProjectReport
from reporting.domain.templates import template
from tests.support.reporting import TA_TARGETS, Person, decoded, project_events, ta_at_target
from tests.unit.reporting_fakes import Reporting, principal

PROJECT = "TA-FAKE"
AUDITOR = principal(demo_data.MOPS, Role.AUDITOR)


async def _with_template(reporting: Reporting, project_id: str = PROJECT) -> None:
    await reporting.definitions.replace(project_id, template("trener-aktywnosci"), "test")


async def _project(reporting: Reporting, events: list[Envelope], batch: int = 100) -> set[str]:
    touched: set[str] = set()
    for start in range(0, len(events), batch):
        touched |= await reporting.projector.apply([decoded(e) for e in events[start : start + batch]])
    return touched


def _numbers(report: ProjectReport) -> dict[str, tuple[int, dict[str, int]]]:
    return {i.code: (i.value, i.by_sex) for i in report.indicators}


async def test_the_projected_ta_story_reaches_every_target() -> None:
    reporting = Reporting()
    await _with_template(reporting)
    touched = await _project(reporting, ta_at_target(PROJECT))
    assert touched == {PROJECT}
    numbers = _numbers(await reporting.reports.report(AUDITOR, PROJECT))
    assert {code: numbers[code] for code in TA_TARGETS} == TA_TARGETS
    assert numbers["TA-MODEL"] == (0, {}), "items count only when recorded by hand"


async def test_the_same_event_twice_counts_once() -> None:
    reporting = Reporting()
    await _with_template(reporting)
    anna = Person(PROJECT, "person_with_disability", "K")
    once = [*project_events(PROJECT), anna.enrolled(), anna.started()]
    await _project(reporting, once)
    before = await reporting.reports.report(AUDITOR, PROJECT)
    await _project(reporting, [anna.started(), anna.enrolled()])  # new envelopes of the same facts
    await _project(reporting, once)  # the very same events delivered again
    await _project(reporting, [once[-1], once[-1]], batch=2)  # twice in one batch
    after = await reporting.reports.report(AUDITOR, PROJECT)
    assert _numbers(after) == _numbers(before)
    assert _numbers(after)["TA-ON-SUPPORTED"] == (1, {"K": 1, "M": 0})
    assert (await reporting.reports.participant_count(AUDITOR, PROJECT)).participants == 1


async def test_a_replay_into_a_fresh_generation_gives_the_same_numbers() -> None:
    reporting = Reporting()
    await _with_template(reporting)
    events = ta_at_target(PROJECT)
    await _project(reporting, events, batch=37)
    live = _numbers(await reporting.reports.report(AUDITOR, PROJECT))

    fresh = reporting.view.fresh()
    shuffled = events * 2  # the replay reads everything again, and the running consumer applies some twice
    random.Random(5).shuffle(shuffled)
    for start in range(0, len(shuffled), 250):
        await reporting.projector.apply([decoded(e) for e in shuffled[start : start + 250]], fresh)
    assert (await reporting.view.active()).number == 1, "filled aside; the live generation still answers"
    reporting.view.activate(fresh.number)
    replayed = _numbers(await reporting.reports.report(AUDITOR, PROJECT))
    assert replayed == live
    assert (await reporting.reports.version(PROJECT))[0] == fresh.number


async def test_each_applied_batch_changes_the_projects_version() -> None:
    reporting = Reporting()
    await _project(reporting, project_events(PROJECT))
    first = await reporting.reports.version(PROJECT)
    await _project(reporting, [Person(PROJECT, "environment_person", "M").enrolled()])
    second = await reporting.reports.version(PROJECT)
    assert second[1] == first[1] + 1
    await _with_template(reporting)
    assert (await reporting.reports.version(PROJECT))[2] == second[2] + 1, "a definitions change counts too"


async def test_a_project_is_reported_only_once_its_registration_arrived() -> None:
    reporting = Reporting()
    joined_only = project_events(PROJECT)[1:]  # partners joined, the registration not yet projected
    assert await _project(reporting, joined_only) == {PROJECT}
    with pytest.raises(NotFound):
        await reporting.reports.report(AUDITOR, PROJECT)
    await _project(reporting, project_events(PROJECT)[:1])
    report = await reporting.reports.report(AUDITOR, PROJECT)
    assert report.leader_organisation_id == demo_data.EUDAJMONIA
    assert set(report.organisations) == {demo_data.EUDAJMONIA, demo_data.FRDL, demo_data.MOPS}

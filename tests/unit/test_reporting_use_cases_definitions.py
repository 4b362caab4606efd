"""Indicator definitions, templates and manual entries on in-memory fakes; the refusals as HTTP answers."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aktywni_shared.http_errors import install_error_handlers
from aktywni_shared.identity import Role
from aktywni_stack import demo_data
from reporting.domain.access import Forbidden, NotFound
from reporting.domain.indicators import IndicatorSet, ManualEntry, UnknownIndicator, WrongIndicator
from reporting.domain.report import ProjectReport
from reporting.domain.templates import DEMO_PROJECTS, template
from tests.support.reporting import decoded, project_events
from tests.unit.reporting_fakes import Reporting, principal

PROJECT = "TA-DEFS"
LEADER = principal(demo_data.EUDAJMONIA, Role.COORDINATOR)


async def _reporting() -> Reporting:
    reporting = Reporting()
    await reporting.projector.apply([decoded(e) for e in project_events(PROJECT)])
    return reporting


def _model(entry_id: uuid.UUID | None = None, quantity: int = 1) -> ManualEntry:
    return ManualEntry(entry_id=entry_id or uuid.uuid4(), quantity=quantity, on=date(2014, 12, 15), note="Model TA")


def _value(report: ProjectReport, code: str) -> int:
    return next(i.value for i in report.indicators if i.code == code)


async def test_the_leaders_coordinator_applies_a_template_and_redefines() -> None:
    reporting = await _reporting()
    applied = await reporting.reports.apply_template(LEADER, PROJECT, "trener-aktywnosci")
    assert (applied.rev, len(applied.indicators)) == (1, 7)
    wma = IndicatorSet(indicators=template("wroclaw-miastem-aktywnych"))
    redefined = await reporting.reports.define(LEADER, PROJECT, wma)
    assert (redefined.rev, [d.code for d in redefined.indicators]) == (2, ["WMA-CLIENTS-SUPPORTED"])
    auditor = principal(demo_data.MOPS, Role.AUDITOR)
    assert (await reporting.reports.indicators(auditor, PROJECT)).rev == 2


@pytest.mark.parametrize(
    ("organisation", "role", "refusal"),
    [
        (demo_data.EUDAJMONIA, Role.PARTNER_STAFF, Forbidden),  # the leader, but not its coordinator
        (demo_data.FRDL, Role.COORDINATOR, Forbidden),  # a partner's coordinator
        (demo_data.MOPS, Role.AUDITOR, Forbidden),
        (demo_data.MOPS, Role.ADMINISTRATOR, Forbidden),
        ("stowarzyszenie-obce", Role.COORDINATOR, NotFound),  # outside the project: nothing to know of
    ],
)
async def test_only_the_leaders_coordinator_changes_indicators(
    organisation: str, role: Role, refusal: type[Exception]
) -> None:
    reporting = await _reporting()
    await reporting.reports.apply_template(LEADER, PROJECT, "trener-aktywnosci")
    caller = principal(organisation, role)
    with pytest.raises(refusal):
        await reporting.reports.apply_template(caller, PROJECT, "wroclaw-miastem-aktywnych")
    with pytest.raises(refusal):
        await reporting.reports.add_entry(caller, PROJECT, "TA-MODEL", _model())
    assert (await reporting.definitions.get(PROJECT)).rev == 1, "nothing changed"


async def test_an_unknown_template_is_not_found_and_names_the_templates() -> None:
    reporting = await _reporting()
    with pytest.raises(NotFound, match="there are: trener-aktywnosci, wroclaw-miastem-aktywnych"):
        await reporting.reports.apply_template(LEADER, PROJECT, "no-such-template")


async def test_the_same_entry_twice_counts_once() -> None:
    reporting = await _reporting()
    await reporting.reports.apply_template(LEADER, PROJECT, "trener-aktywnosci")
    entry = _model()
    assert await reporting.reports.add_entry(LEADER, PROJECT, "TA-MODEL", entry) is True
    assert await reporting.reports.add_entry(LEADER, PROJECT, "TA-MODEL", entry) is False
    report = await reporting.reports.report(LEADER, PROJECT)
    assert _value(report, "TA-MODEL") == 1
    assert await reporting.reports.add_entry(LEADER, PROJECT, "TA-MODEL", _model(quantity=2)) is True
    assert _value(await reporting.reports.report(LEADER, PROJECT), "TA-MODEL") == 3, "a new entry_id adds"


async def test_entries_only_for_a_defined_indicator_counted_by_hand() -> None:
    reporting = await _reporting()
    await reporting.reports.apply_template(LEADER, PROJECT, "trener-aktywnosci")
    with pytest.raises(UnknownIndicator, match="indicator TA-NOTHING is not defined"):
        await reporting.reports.add_entry(LEADER, PROJECT, "TA-NOTHING", _model())
    with pytest.raises(WrongIndicator, match="counts persons from events"):
        await reporting.reports.add_entry(LEADER, PROJECT, "TA-ON-SUPPORTED", _model())


async def test_demo_seeding_fills_only_projects_without_indicators() -> None:
    reporting = Reporting()
    await reporting.definitions.replace("WMA-2026", template("trener-aktywnosci"), "a coordinator")
    await reporting.reports.seed_demo()
    await reporting.reports.seed_demo()
    ta, wma = await reporting.definitions.get("TA-2012"), await reporting.definitions.get("WMA-2026")
    assert set(DEMO_PROJECTS) == {"TA-2012", "WMA-2026"}
    assert (ta.rev, len(ta.indicators)) == (1, 7)
    assert (wma.rev, len(wma.indicators)) == (1, 7), "a project's own indicators are never overwritten"


def test_the_refusals_answer_as_before() -> None:
    """404 and 403 as ``{"detail": message}``; a manual entry for a counted indicator 422 naming the path."""
    app = FastAPI()
    install_error_handlers(app, conflicts=False)
    refusals: dict[str, Exception] = {
        "not-found": NotFound("project P not found"),
        "forbidden": Forbidden("only the leading organisation's coordinator records manual entries"),
        "unknown": UnknownIndicator("TA-X"),
        "wrong": WrongIndicator("indicator TA-ON counts persons from events, not manual entries"),
    }

    @app.get("/{name}")
    async def refuse(name: str) -> None:
        raise refusals[name]

    client = TestClient(app)
    answers = {name: client.get(f"/{name}") for name in refusals}
    assert answers["not-found"].status_code == 404
    assert answers["not-found"].json() == {"detail": "project P not found"}
    assert answers["forbidden"].status_code == 403
    assert answers["forbidden"].json() == {
        "detail": "only the leading organisation's coordinator records manual entries"
    }
    assert answers["unknown"].status_code == 404
    assert answers["unknown"].json() == {"detail": "indicator TA-X is not defined for this project"}
    assert answers["wrong"].status_code == 422
    assert answers["wrong"].json() == {
        "detail": [
            {
                "loc": ["path", "code"],
                "msg": "indicator TA-ON counts persons from events, not manual entries",
                "type": "indicator",
            }
        ]
    }

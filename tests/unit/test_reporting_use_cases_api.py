"""Reporting's module-level routers over the use cases on in-memory fakes: status codes and bodies."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aktywni_shared.auth import Tokens, authentication
from aktywni_shared.http_errors import install_error_handlers
from aktywni_shared.identity import Role
from aktywni_stack import demo_data
from reporting.api import dashboard, definitions, exports, reports
from reporting.use_cases.live import Changes
from tests.support.reporting import Person, decoded, project_events
from tests.unit.reporting_fakes import Reporting, principal

PROJECT = "TA-API"
TOKENS = Tokens("unit-test-secret-0123456789abcdef-0123456789")


@pytest.fixture
def wired() -> tuple[TestClient, Reporting, list[set[str]]]:
    reporting = Reporting()
    anna = Person(PROJECT, "person_with_disability", "K")
    events = [*project_events(PROJECT), anna.enrolled(), anna.started()]
    asyncio.run(reporting.projector.apply([decoded(e) for e in events]))
    changed: list[set[str]] = []
    app = FastAPI()
    for router in (reports.router, definitions.router, exports.router, dashboard.router):
        app.include_router(router)
    app.state.authenticate = authentication(TOKENS)
    app.state.reports = reporting.reports
    app.state.changes = Changes()
    app.state.changed = changed.append
    install_error_handlers(app, conflicts=False)
    return TestClient(app), reporting, changed


def _as(organisation: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.issue(principal(organisation, role))}"}


LEADER = _as(demo_data.EUDAJMONIA, Role.COORDINATOR)


def test_a_template_then_the_report_and_each_refusal(wired: tuple[TestClient, Reporting, list[set[str]]]) -> None:
    client, _, changed = wired
    applied = client.post(
        f"/projects/{PROJECT}/indicators/template", json={"template": "trener-aktywnosci"}, headers=LEADER
    )
    assert applied.status_code == 200, applied.text
    assert (applied.json()["revision"], len(applied.json()["indicators"])) == (1, 7)
    assert changed == [{PROJECT}], "streams woken and indicators announced"

    report = client.get(f"/projects/{PROJECT}/report", headers=_as(demo_data.MOPS, Role.AUDITOR))
    assert report.status_code == 200
    on = next(i for i in report.json()["indicators"] if i["code"] == "TA-ON-SUPPORTED")
    assert (on["value"], on["by_sex"]) == (1, {"K": 1, "M": 0})

    partner = _as(demo_data.FRDL, Role.COORDINATOR)
    other = client.get(f"/projects/{PROJECT}/report?organisation={demo_data.EUDAJMONIA}", headers=partner)
    assert other.status_code == 403
    assert other.json() == {
        "detail": f"you see only your organisation's ({demo_data.FRDL}) data, not {demo_data.EUDAJMONIA}'s"
    }
    unknown = client.get("/projects/TA-NOWHERE/report", headers=LEADER)
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"detail": "project TA-NOWHERE is not known to reporting (yet)"},
    )
    assert client.get(f"/projects/{PROJECT}/report").status_code == 401
    listed = client.get(f"/projects/{PROJECT}/exports/participants.csv", headers=_as(demo_data.MOPS, Role.AUDITOR))
    assert listed.status_code == 403


def test_an_entry_twice_is_created_once_and_a_counted_indicator_refuses_one(
    wired: tuple[TestClient, Reporting, list[set[str]]],
) -> None:
    client, _, _ = wired
    client.post(f"/projects/{PROJECT}/indicators/template", json={"template": "trener-aktywnosci"}, headers=LEADER)
    entry = {"entry_id": str(uuid.uuid4()), "quantity": 1, "on": "2014-12-15", "note": "Model TA"}
    url = f"/projects/{PROJECT}/indicators"
    first, again = (client.post(f"{url}/TA-MODEL/entries", json=entry, headers=LEADER) for _ in range(2))
    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (again.status_code, again.json()["created"]) == (200, False)
    wrong = client.post(f"{url}/TA-ON-SUPPORTED/entries", json=entry, headers=LEADER)
    assert wrong.status_code == 422
    assert wrong.json() == {
        "detail": [
            {
                "loc": ["path", "code"],
                "msg": "indicator TA-ON-SUPPORTED counts persons from events, not manual entries",
                "type": "indicator",
            }
        ]
    }
    missing = client.post(f"{url}/TA-NOTHING/entries", json=entry, headers=LEADER)
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "indicator TA-NOTHING is not defined for this project"},
    )
    model = client.get(f"/projects/{PROJECT}/report", headers=LEADER).json()["indicators"][0]
    assert (model["code"], model["value"]) == ("TA-MODEL", 1)


def test_the_leader_exports_files(wired: tuple[TestClient, Reporting, list[set[str]]]) -> None:
    client, _, _ = wired
    client.post(f"/projects/{PROJECT}/indicators/template", json={"template": "trener-aktywnosci"}, headers=LEADER)
    listed = client.get(f"/projects/{PROJECT}/exports/participants.csv", headers=LEADER)
    assert listed.status_code == 200
    assert listed.headers["content-disposition"] == f'attachment; filename="uczestnicy-{PROJECT}.csv"'
    assert len(listed.content.decode("utf-8-sig").strip().splitlines()) == 2, "the header and Anna"
    workbook = client.get(f"/projects/{PROJECT}/exports/indicators.xlsx", headers=LEADER)
    assert workbook.status_code == 200
    assert workbook.content[:2] == b"PK"

"""The web application's audit log page ("Dziennik dostępu") in process, on a fake of enrolment's API."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
import pytest

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.clock import WARSAW, FixedClock
from tests.support.web import FakeEnrolment, FakeReporting, FakeScheduling
from web.app import build
from web.domain import audit
from web.routes.deps import Services
from web.settings import WebSettings
from web.use_cases.audit import audit_page

pytestmark = pytest.mark.unit
SECRET = "y" * 40
PID = "3f2c1d4e-0000-4000-8000-000000000001"


def _entry(n: int, action: str = "read") -> dict[str, object]:
    return {
        "at": f"2026-03-02T{8 + n // 60:02d}:{n % 60:02d}:00+01:00",
        "user": f"osoba{n}",
        "organisation_id": "fundacja-eudajmonia",
        "role": "coordinator",
        "action": action,
        "project_id": "TA-2026",
        "participant_ids": [PID],
        "fields": ["first_name", "pesel"],
    }


def _app(enrolment: FakeEnrolment) -> httpx.AsyncClient:
    app = build(WebSettings(session_secret=SECRET, test_sign_in=True, insecure_cookies=True))  # type: ignore[call-arg]
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=WARSAW))
    app.state.services = Services(enrolment, FakeReporting(), FakeScheduling(), None, clock, "")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def _sign_in(client: httpx.AsyncClient, role: Role) -> None:
    page = await client.get("/sign-in")
    token = Tokens(SECRET).issue(Principal(user="ewa", organisation_id="fundacja-eudajmonia", role=role))
    answer = await client.post("/test/sign-in", data={"csrf_token": _csrf(page.text), "access_token": token})
    assert answer.status_code == 303


def test_the_filters_are_checked_field_by_field_in_polish() -> None:
    chosen, page, errors = audit.filters(
        {"participant_id": "nie-uuid", "action": "teleport", "from": "2026-03-05", "to": "2026-03-01", "page": "x"}
    )
    assert page == 1
    assert {(e.field, e.label) for e in errors} == {
        ("participant_id", "Identyfikator uczestnika"),
        ("action", "Czynność"),
        ("to", "Do dnia (włącznie)"),
    }
    chosen, page, errors = audit.filters({"from": "2026-13-01", "actor": " ewa ", "page": "3"})
    assert (chosen["actor"], page) == ("ewa", 3)
    assert [e.message for e in errors] == ["Podaj datę w formacie RRRR-MM-DD."]


async def test_the_page_asks_enrolment_with_the_callers_token_and_shows_warsaw_time_and_polish_names() -> None:
    enrolment = FakeEnrolment(audit_entries=[_entry(0, "erase")])
    found = await audit_page(enrolment, "tok", "TA-2026", {"action": "erase", "from": "2026-03-01"})
    assert enrolment.calls[-1] == (
        "audit",
        "tok",
        {"project_id": "TA-2026", "action": "erase", "from": "2026-03-01", "page": 1, "page_size": 50},
    )
    (entry,) = found.entries
    assert entry["when"] == "2026-03-02 08:00:00"
    assert entry["action"] == "usunięcie danych osobowych"
    assert entry["fields"] == "Imię, PESEL"


async def test_refused_filters_do_not_reach_enrolment_and_a_refusal_becomes_the_status() -> None:
    enrolment = FakeEnrolment(refuse_audit=(403, {"detail": "forbidden"}))
    refused_filter = await audit_page(enrolment, "tok", "TA-2026", {"to": "jutro"})
    assert refused_filter.status == 422
    assert enrolment.calls == []
    refused = await audit_page(enrolment, "tok", "TA-2026", {})
    assert refused.status == 403


async def test_the_audit_page_pages_by_a_post_form_with_csrf_and_no_filter_in_the_address() -> None:
    enrolment = FakeEnrolment(audit_entries=[_entry(n) for n in range(60)])
    async with _app(enrolment) as client:
        await _sign_in(client, Role.AUDITOR)
        first = await client.get("/projects/TA-2026/audit")
        assert first.status_code == 200
        assert "Dziennik dostępu" in first.text
        assert "Wpisy: 60 (strona 1 z 2)" in first.text
        assert "osoba0" in first.text
        assert 'name="page" value="2"' in first.text
        second = await client.post(
            "/projects/TA-2026/audit", data={"csrf_token": _csrf(first.text), "page": "2", "action": "read"}
        )
        assert second.status_code == 200
        assert "strona 2 z 2" in second.text
        assert "osoba59" in second.text
        assert "osoba0<" not in second.text
        assert enrolment.calls[-1][2]["page"] == 2
        forged = await client.post("/projects/TA-2026/audit", data={"page": "2"})
        assert forged.status_code == 403
        wrong = await client.post(
            "/projects/TA-2026/audit", data={"csrf_token": _csrf(first.text), "from": "2026-03-05", "to": "2026-03-01"}
        )
        assert wrong.status_code == 422
        assert "Data końcowa nie może być wcześniejsza niż początkowa." in wrong.text
        assert 'aria-invalid="true"' in wrong.text


async def test_a_refused_caller_sees_the_refusal_page() -> None:
    enrolment = FakeEnrolment(refuse_audit=(404, {"detail": "project TA-2026 not found"}))
    async with _app(enrolment) as client:
        await _sign_in(client, Role.COORDINATOR)
        answer = await client.get("/projects/TA-2026/audit")
        assert answer.status_code == 404
        assert "Nie można wyświetlić tej strony" in answer.text

"""The web application's pages in process, on fakes of the services: sign-in seam, CSRF, cookies, CSP, forms."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
import pytest

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.clock import WARSAW, FixedClock
from tests.support.web import FakeEnrolment, FakeReporting, FakeScheduling, person
from web.app import build
from web.domain.errors import FIELD_LABELS
from web.routes.deps import Services
from web.settings import WebSettings

pytestmark = pytest.mark.unit
SECRET = "x" * 40


def _app(enrolment: FakeEnrolment, **settings: object) -> httpx.AsyncClient:
    config = WebSettings(session_secret=SECRET, test_sign_in=True, **{"insecure_cookies": True, **settings})  # type: ignore[arg-type]
    app = build(config)
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=WARSAW))
    app.state.services = Services(enrolment, FakeReporting(), FakeScheduling(), None, clock, "")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "every form carries the CSRF token"
    return found.group(1)


async def _signed_in(client: httpx.AsyncClient, role: Role = Role.PARTNER_STAFF) -> str:
    page = await client.get("/sign-in")
    token = Tokens(SECRET).issue(Principal(user="ewa", organisation_id="fundacja-eudajmonia", role=role))
    answer = await client.post("/test/sign-in", data={"csrf_token": _csrf(page.text), "access_token": token})
    assert answer.status_code == 303
    return token


async def test_pages_need_a_sign_in_and_carry_the_security_headers() -> None:
    async with _app(FakeEnrolment(), insecure_cookies=False) as client:
        answer = await client.get("/")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in"
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" in cookie  # outside the local demo
        page = await client.get("/sign-in")
        assert '<html lang="pl">' in page.text
        assert 'href="#tresc"' in page.text


async def test_a_post_without_this_sessions_csrf_token_is_refused() -> None:
    async with _app(FakeEnrolment()) as client:
        await client.get("/sign-in")
        refused = await client.post("/test/sign-in", data={"csrf_token": "forged", "access_token": "a.b.c"})
        assert refused.status_code == 403
        assert "Formularz wygasł" in refused.text


async def test_the_test_seam_is_refused_with_an_identity_provider_and_absent_without_the_setting() -> None:
    with pytest.raises(ValueError, match="tests only"):
        build(WebSettings(session_secret=SECRET, test_sign_in=True, oidc_issuer="http://idp.test/realms/a"))  # type: ignore[call-arg]
    app = build(WebSettings(session_secret=SECRET))  # type: ignore[call-arg]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test") as client:
        assert (await client.post("/test/sign-in", data={})).status_code in (404, 405)


async def test_the_start_page_and_the_card_with_the_callers_token() -> None:
    enrolment = FakeEnrolment()
    enrolment.people = {"p1": person("p1", status="candidate")}
    async with _app(enrolment) as client:
        token = await _signed_in(client)
        start = await client.get("/")
        assert start.status_code == 200
        assert "Kandydaci czekający na kwalifikację" in start.text
        assert all(t == token for _, t, _ in enrolment.calls)
        card = await client.get("/participants/p1")
        assert "Zakwalifikuj" in card.text
        assert "Usunięcie jest nieodwracalne" in card.text
        assert "wykorzystanie wizerunku; przetwarzanie danych osobowych na potrzeby projektu</dd>" in card.text
        erase = await client.post("/participants/p1/erase", data={"csrf_token": _csrf(card.text)})
        assert erase.status_code == 422
        assert 'id="blad-confirm"' in erase.text
        assert 'role="alert"' in erase.text
        done = await client.post("/participants/p1/qualify", data={"csrf_token": _csrf(card.text), "on": "2026-03-02"})
        assert done.status_code == 303
        assert enrolment.people["p1"]["status"] == "qualified"


async def test_a_refused_field_is_shown_next_to_it_and_the_pesel_stays_out_of_the_address() -> None:
    refusal = {
        "detail": [{"loc": ["body", "pesel"], "msg": "Value error, invalid PESEL: checksum", "type": "value_error"}]
    }
    async with _app(FakeEnrolment(refuse_enrolment=(422, refusal))) as client:
        await _signed_in(client)
        form = await client.get("/projects/TA-2026/enrolment")
        answer = await client.post(
            "/projects/TA-2026/enrolment",
            data={"csrf_token": _csrf(form.text), "first_name": "Anna", "pesel": "71030512349"},
        )
        assert answer.status_code == 422
        assert 'aria-describedby="podp-pesel blad-pesel"' in answer.text
        assert 'id="blad-pesel">Niepoprawny PESEL' in answer.text
        assert 'href="#pole-pesel"' in answer.text
        found = await client.post(
            "/projects/TA-2026/participants", data={"csrf_token": _csrf(form.text), "pesel": "71030512348"}
        )
        assert found.status_code == 200
        assert "71030512348" not in str(found.url)


async def test_the_import_wizard_shows_each_refused_row_and_downloads_its_report() -> None:
    enrolment = FakeEnrolment()
    async with _app(enrolment) as client:
        await _signed_in(client, Role.COORDINATOR)
        form = await client.get("/projects/TA-2026/import")
        csrf = _csrf(form.text)
        missing = await client.post("/projects/TA-2026/import", data={"csrf_token": csrf})
        assert missing.status_code == 422
        assert 'id="blad-file"' in missing.text
        preview = await client.post(
            "/projects/TA-2026/import", data={"csrf_token": csrf}, files={"file": ("lista.csv", b"a;b\n")}
        )
        assert preview.status_code == 200
        assert "Podgląd importu" in preview.text
        assert preview.text.count('class="bad" data-row="3"') == 2
        assert "<mark>PESEL</mark>" in preview.text
        carried = re.search(r'name="content" value="([^"]+)"', preview.text)
        assert carried
        assert carried.group(1) == "YTtiCg==", "the page carries the file itself, base64"
        lost = await client.post("/projects/TA-2026/import/confirm", data={"csrf_token": csrf, "filename": "x.csv"})
        assert lost.status_code == 422
        assert 'id="blad-file"' in lost.text
        forged = await client.post("/projects/TA-2026/import/confirm", data={"filename": "x.csv", "content": "YQ=="})
        assert forged.status_code == 403
        big = "A" * (2 * 1024 * 1024)  # above the parser's default 1 MB per field: still taken
        answer = await client.post(
            "/projects/TA-2026/import/confirm", data={"csrf_token": csrf, "filename": "lista.csv", "content": big}
        )
        assert answer.status_code == 200
        answer = await client.post(
            "/projects/TA-2026/import/confirm",
            data={"csrf_token": csrf, "filename": "lista.csv", "content": carried.group(1)},
        )
        assert answer.status_code == 200
        assert answer.text.count('class="bad" data-row="3"') == 2
        assert enrolment.imported[-1] == b"a;b\n"
        assert [c[0] for c in enrolment.calls if c[0].startswith("import")] == ["import_preview", "import", "import"]
        report = re.search(r'name="report" value="([^"]+)"', answer.text)
        assert report
        import html

        csv_file = await client.post(
            "/projects/TA-2026/import/report.csv", data={"csrf_token": csrf, "report": html.unescape(report.group(1))}
        )
        assert csv_file.headers["content-disposition"] == 'attachment; filename="TA-2026-raport-importu.csv"'
        assert "3;Imię;brak imienia" in csv_file.text
        export = await client.get("/projects/TA-2026/exports/sm-efs.csv")
        assert export.headers["content-disposition"] == 'attachment; filename="TA-2026-uczestnicy.csv"'
        assert (await client.get("/projects/TA-2026/exports/secrets.csv")).status_code == 404


async def test_the_leader_edits_the_projects_settings_and_a_refusal_is_shown_next_to_its_fieldset() -> None:
    enrolment = FakeEnrolment()
    async with _app(enrolment) as client:
        await _signed_in(client, Role.COORDINATOR)
        form = await client.get("/projects/TA-2026/edit")
        assert form.status_code == 200
        assert 'name="target_groups" value="person_with_disability" checked' in form.text
        for label in ("Tytuł projektu", "Data rozpoczęcia", "Data zakończenia"):
            assert f'>{label} <span class="req">' in form.text
        assert 'id="pole-starts_on" name="starts_on" type="date" value="2026-01-01"' in form.text
        csrf = _csrf(form.text)
        saved = await client.post(
            "/projects/TA-2026/edit",
            data={
                "csrf_token": csrf,
                "target_groups": ["person_with_disability"],
                "eligibility.person_with_disability.min_age": "21",
                "required_consents": ["image"],
            },
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == "/projects/TA-2026#dane"
        enrolment.refuse_change = (
            422,
            {
                "detail": [
                    {"loc": ["body", "target_groups"], "msg": "List should have at least 1 item", "type": "too_short"}
                ]
            },
        )
        refused = await client.post("/projects/TA-2026/edit", data={"csrf_token": csrf})
        assert refused.status_code == 422
        assert 'id="blad-target_groups"' in refused.text
        enrolment.refuse_change = (
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "ends_on"],
                        "msg": "ends_on 2025-12-31 is before starts_on 2026-01-01",
                        "type": "domain",
                    }
                ]
            },
        )
        period = await client.post(
            "/projects/TA-2026/edit",
            data={"csrf_token": csrf, "title": "Aktywni", "starts_on": "2026-01-01", "ends_on": "2025-12-31"},
        )
        assert period.status_code == 422
        assert (
            '<p class="error" id="blad-ends_on">Data zakończenia nie może być wcześniejsza niż data rozpoczęcia.</p>'
            in period.text
        )
        assert 'aria-describedby="blad-ends_on" aria-invalid="true"' in period.text
        assert 'name="ends_on" type="date" value="2025-12-31"' in period.text, "the typed value stays"
    *_, sent_period = [c[2] for c in enrolment.calls if c[0] == "change_project"]
    assert {k: sent_period[k] for k in ("title", "starts_on", "ends_on")} == {
        "title": "Aktywni",
        "starts_on": "2026-01-01",
        "ends_on": "2025-12-31",
    }
    (body,) = [c[2] for c in enrolment.calls if c[0] == "change_project"][:1]
    assert body == {
        "target_groups": ["person_with_disability"],
        "eligibility": {"person_with_disability": {"min_age": 21}},
        "required_consents": ["processing_for_project", "image"],
    }


async def test_every_form_names_a_field_as_the_summary_of_errors_does() -> None:
    """A refusal's summary names the field by FIELD_LABELS; each form's label of that field begins with it
    (a form may add what it needs, "Płeć (gdy brak PESEL)")."""
    by_id = {name.replace(".", "-"): name for name in FIELD_LABELS}
    label = re.compile(r'<label for="pole-([\w-]+)">([^<]+)')
    async with _app(FakeEnrolment()) as client:
        await _signed_in(client, Role.COORDINATOR)
        compared, differing = 0, []
        for path in ("/projects/new", "/projects/TA-2026/edit", "/projects/TA-2026/enrolment", "/projects/TA-2026"):
            html = (await client.get(path)).text
            for field_id, text in label.findall(html):
                if field_id in by_id:
                    compared += 1
                    if not text.strip().startswith(FIELD_LABELS[by_id[field_id]]):
                        differing.append((path, by_id[field_id], text.strip()))
    assert differing == [], "\n".join(map(str, differing))
    assert compared >= 25, compared


async def test_an_edit_made_on_a_revision_changed_since_shows_the_project_as_it_is_now() -> None:
    enrolment = FakeEnrolment()
    async with _app(enrolment) as client:
        await _signed_in(client, Role.COORDINATOR)
        form = await client.get("/projects/TA-2026/edit")
        assert 'name="revision" value="0"' in form.text
        enrolment.refuse_change = (
            412,
            {"detail": [{"loc": ["header", "If-Match"], "msg": "changed since", "type": "precondition_failed"}]},
        )
        refused = await client.post(
            "/projects/TA-2026/edit", data={"csrf_token": _csrf(form.text), "revision": "0", "title": "Nowy tytuł"}
        )
    assert refused.status_code == 409
    assert "Ktoś inny zapisał zmiany tego projektu" in refused.text
    assert 'role="alert"' in refused.text
    assert 'value="Nowy tytuł"' not in refused.text, "the form shows what is saved now, not the edit made on the old"
    assert enrolment.revisions_sent == ["0"]

"""The staff web application in a real browser (Debian's Chromium driven by Playwright) on the real stack.

Sign-in goes through the web application's test-only seam (``AKTYWNI_WEB_TEST_SIGN_IN``: a session
from an access token the test issues) until the identity provider runs in the test session. Every
page is checked by axe-core (installed from the npm registry into the cache, served by the web
application under ``/vendor/``, so the page's Content-Security-Policy stays on) for 0 violations,
must fit a 390 px phone, and is saved as a screenshot in the test's directory.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from aktywni_shared.auth import Role
from aktywni_shared.clock import WARSAW
from aktywni_stack import browser, demo_data
from tests.e2e.conftest import OTHER_ORGANISATION, RunningSystem
from tests.e2e.test_import import HEADERS, _row
from tests.support.people import person

AXE = "/vendor/axe-core/axe.min.js"


@pytest.fixture(scope="module")
def chrome() -> Iterator[Browser]:
    chromium = browser.ensure_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class Staff:
    """One person at the browser: signs in, and checks each page it reaches."""

    def __init__(self, page: Page, base: str, shots: Path) -> None:
        self.page, self.base, self.shots = page, base, shots
        self.blocked: list[str] = []
        self.token = ""
        page.on("console", lambda m: self.blocked.append(m.text) if "Content Security Policy" in m.text else None)

    def sign_in(self, system: RunningSystem, organisation: str, role: Role) -> None:
        self.page.goto(f"{self.base}/")
        expect(self.page).to_have_url(f"{self.base}/sign-in")
        # by keyboard: the first Tab reaches the skip link, shown with a visible focus outline
        self.page.keyboard.press("Tab")
        focused = self.page.evaluate(
            "() => [document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]"
        )
        assert focused == ["Przejdź do treści", "solid"], focused
        self.check("logowanie")
        self.token = system.token(organisation, role, user=f"{role.value}-testowy")
        self.page.get_by_label("Token dostępu").fill(self.token)
        self.page.get_by_role("button", name="Zaloguj się").click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Dzień dobry")

    def check(self, name: str) -> None:
        """axe-core finds nothing; one h1, a main landmark, Polish; the page fits 390 px; screenshots."""
        page = self.page
        assert page.evaluate("document.documentElement.lang") == "pl"
        assert page.locator("h1").count() == 1, f"{name}: one h1"
        assert page.locator("main").count() == 1
        page.add_script_tag(url=AXE)
        result: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert violations == [], f"{name}: axe-core violations {violations}"
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        size = page.viewport_size
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(self.shots / f"{name}-390.png"), full_page=True)
        assert size is not None
        page.set_viewport_size(size)
        assert width <= 390, f"{name}: {width} px wide on a 390 px phone"
        assert self.blocked == [], f"{name}: the Content-Security-Policy blocked {self.blocked}"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """The test's own directory, or ``AKTYWNI_SCREENSHOTS_DIR`` (how docs/screenshots/ is made)."""
    chosen = os.environ.get("AKTYWNI_SCREENSHOTS_DIR")
    where = Path(chosen).resolve() if chosen else tmp_path
    where.mkdir(parents=True, exist_ok=True)
    print(f"\n[web] screenshots: {where}")
    return where


def _staff(chrome: Browser, system: RunningSystem, shots: Path) -> Staff:
    context = chrome.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
    return Staff(context.new_page(), system.url("web"), shots)


def test_the_coordinator_sets_up_a_project_and_reads_it(
    chrome: Browser, system: RunningSystem, project_id: str, shots: Path
) -> None:
    staff = _staff(chrome, system, shots)
    page = staff.page
    staff.sign_in(system, demo_data.EUDAJMONIA, Role.COORDINATOR)
    expect(page.get_by_role("link", name="Trener Aktywności").first).to_be_visible()
    staff.check("start-koordynator")

    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Projekty").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projekty")
    staff.check("projekty")

    page.get_by_role("link", name="Nowy projekt").click()
    code = f"WEB-{uuid.uuid4().hex[:8].upper()}"
    page.get_by_label("Kod projektu").fill(code)
    page.get_by_label("Program finansowania").fill("Europejski Fundusz Społeczny Plus")
    page.get_by_role("button", name="Utwórz projekt").click()
    # refused: no title, no period, no target group — named in Polish, next to the fields
    expect(page.get_by_role("alert")).to_contain_text("Popraw dane")
    expect(page.locator("#blad-title")).to_be_visible()
    staff.check("projekt-bledy")
    page.get_by_label("Tytuł").fill("Aktywni razem")
    page.get_by_label("Data rozpoczęcia").fill("2026-01-01")
    page.get_by_label("Data zakończenia").fill("2027-06-30")
    page.get_by_label("osoba zagrożona wykluczeniem społecznym").check()
    page.get_by_label("Partner projektu").select_option(demo_data.FRDL)
    page.get_by_role("button", name="Utwórz projekt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktywni razem")
    expect(page.get_by_text(demo_data.FRDL)).to_be_visible()
    staff.check("projekt")
    # the settings: a group unticked with none left is refused next to its fieldset; then saved
    page.get_by_role("link", name="Zmień ustawienia projektu").click()
    expect(page.locator("#okres")).to_contain_text("2026-01-01 – 2027-06-30")
    page.get_by_label("osoba zagrożona wykluczeniem społecznym").uncheck()
    page.get_by_role("button", name="Zapisz ustawienia").click()
    expect(page.locator("#blad-target_groups")).to_be_visible()
    staff.check("projekt-ustawienia-bledy")
    page.get_by_label("osoba zagrożona wykluczeniem społecznym").check()
    # the period: an end before the start is refused next to its field, in Polish
    page.get_by_label("Data zakończenia").fill("2025-12-31")
    page.get_by_role("button", name="Zapisz ustawienia").click()
    expect(page.locator("#blad-ends_on")).to_have_text(
        "Data zakończenia nie może być wcześniejsza niż data rozpoczęcia."
    )
    expect(page.get_by_label("Data zakończenia")).to_have_attribute("aria-describedby", "blad-ends_on")
    staff.check("projekt-okres-bledy")
    page.get_by_label("Tytuł projektu").fill("Aktywni razem (aneks)")
    page.get_by_label("Data zakończenia").fill("2027-12-31")
    page.locator("#pole-client_at_risk-min_age").fill("18")
    page.get_by_label("wykorzystanie wizerunku").check()
    staff.check("projekt-ustawienia")
    page.get_by_role("button", name="Zapisz ustawienia").click()
    expect(page.locator("#wymagane-zgody")).to_have_text(
        "przetwarzanie danych osobowych na potrzeby projektu, wykorzystanie wizerunku"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktywni razem (aneks)")
    expect(page.get_by_text("2026-01-01 – 2027-12-31")).to_be_visible()
    # two people edit at once: the edit made on the form opened before another change landed is refused
    page.get_by_role("link", name="Zmień ustawienia projektu").click()
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as other:
        assert other.patch(f"/projects/{code}", json={"title": "Aktywni razem (drugi aneks)"}).status_code == 200
    page.get_by_label("Tytuł projektu").fill("Aktywni razem (nadpisane)")
    page.get_by_role("button", name="Zapisz ustawienia").click()
    expect(page.get_by_role("alert")).to_contain_text("Ktoś inny zapisał zmiany tego projektu")
    expect(page.get_by_label("Tytuł projektu")).to_have_value("Aktywni razem (drugi aneks)")
    staff.check("projekt-zmiana-w-miedzyczasie")
    page.get_by_role("button", name="Zapisz ustawienia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktywni razem (drugi aneks)")

    page.goto(f"{staff.base}/projects/{project_id}")
    expect(page.get_by_role("heading", name="Wskaźniki")).to_be_visible()
    staff.check("projekt-ta")
    page.get_by_label("Rodzaj deklaracji").select_option("cooperate")
    page.get_by_label("Nazwa instytucji").fill("Spółdzielnia Socjalna Razem")
    page.get_by_role("button", name="Zapisz deklarację").click()
    expect(page.locator("#blad-declared_on")).to_have_text("To pole jest wymagane.")
    staff.check("deklaracja-bledy")
    page.get_by_label("Rodzaj instytucji").select_option("employer")
    page.get_by_label("Data deklaracji").fill("2012-03-01")
    page.get_by_label("Znak dokumentu").fill("DEK/1/2012")
    page.get_by_role("button", name="Zapisz deklarację").click()
    expect(page.get_by_text("Spółdzielnia Socjalna Razem: współpraca przy wdrażaniu")).to_be_visible()

    # indicators from a template (once reporting has learned of the project), then a target changed
    page.get_by_role("link", name="Wskaźniki i cele").click()
    deadline = time.monotonic() + 30
    while True:
        page.get_by_label("Szablon").select_option("trener-aktywnosci")
        page.get_by_role("button", name="Zastosuj szablon").click()
        if page.locator("#bledy").count() == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    target = page.get_by_label("TA-ON-SUPPORTED", exact=False)
    expect(target).to_be_visible()
    target.fill("dużo")
    page.get_by_role("button", name="Zapisz wartości docelowe").click()
    expect(page.locator("#blad-target-TA-ON-SUPPORTED")).to_contain_text("liczba całkowita")
    staff.check("wskazniki-bledy")
    page.get_by_label("TA-ON-SUPPORTED", exact=False).fill("42")
    page.get_by_role("button", name="Zapisz wartości docelowe").click()
    expect(page.get_by_label("TA-ON-SUPPORTED", exact=False)).to_have_value("42")
    staff.check("wskazniki")

    page.get_by_role("button", name="Wyloguj").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wylogowano")
    staff.check("wylogowano")
    page.goto(f"{staff.base}/projects")
    expect(page).to_have_url(f"{staff.base}/sign-in")  # the session is gone


def test_the_recruiter_enrols_by_the_form_and_walks_the_card(
    chrome: Browser, system: RunningSystem, project_id: str, shots: Path
) -> None:
    staff = _staff(chrome, system, shots)
    page = staff.page
    staff.sign_in(system, demo_data.EUDAJMONIA, Role.PARTNER_STAFF)
    page.goto(f"{staff.base}/projects/{project_id}/enrolment")
    staff.check("formularz")

    page.get_by_label("kandydat (kwalifikacja później)").check()
    page.get_by_label("Kategoria uczestnika").select_option("person_with_disability")
    page.get_by_label("Imię").fill("Anna")
    page.get_by_label("Nazwisko").fill("Przykładowa")
    page.get_by_label("PESEL", exact=True).fill("71030512349")  # a wrong check digit
    expect(page.locator("#pesel-odczyt")).to_contain_text("niepoprawny")
    page.get_by_label("Kod pocztowy").fill("50 001")
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_role("alert")).to_contain_text("Popraw dane")
    pesel = page.locator("#pole-pesel")
    expect(pesel).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#blad-pesel")).to_contain_text("Niepoprawny PESEL")
    expect(page.locator("#blad-residence-postal_code")).to_have_text("Niepoprawny format.")
    assert "71030512349" not in page.url
    staff.check("formularz-bledy")

    pesel.fill("71030512348")
    expect(page.locator("#pesel-odczyt")).to_contain_text("urodzenie 1971-03-05, płeć: kobieta")
    page.get_by_label("Kod pocztowy").fill("50-001")
    page.get_by_role("button", name="Zapisz").click()
    # a residence in Poland needs its voivodeship, county, commune and DEGURBA: said in Polish
    expect(page.locator("#blad-residence")).to_contain_text("podaj województwo, powiat, gminę")
    page.get_by_label("Województwo").fill("dolnośląskie")
    page.get_by_label("Powiat").fill("Wrocław")
    page.get_by_label("Gmina").fill("Wrocław")
    page.get_by_label("Stopień urbanizacji (DEGURBA)").select_option("1")
    page.get_by_label("Stopień niepełnosprawności").select_option("light")
    page.get_by_label("Klient ośrodka pomocy społecznej").check()
    page.get_by_label("Data przystąpienia").fill("2012-06-04")
    page.get_by_label("Zgoda na przetwarzanie danych: osoba ją podpisała").check()
    page.get_by_label("Data podpisania zgody").fill("2012-06-01")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_load_state()
    assert page.locator("#bledy").count() == 0, page.locator("#bledy").inner_text()
    expect(page.get_by_role("heading", level=1)).to_have_text("Karta uczestnika: Anna Przykładowa")
    expect(page.locator("#status")).to_have_text("kandydat")
    expect(page.get_by_text("kobieta, 1971")).to_be_visible()
    expect(page.locator("#zgody")).to_have_text("przetwarzanie danych osobowych na potrzeby projektu")
    card = page.url
    staff.check("karta-kandydat")

    for action, status in [("Zakwalifikuj", "zakwalifikowany"), ("Przyjmij do projektu", "uczestnik (przystąpił)")]:
        form = page.locator("form.action", has=page.get_by_role("button", name=action))
        form.get_by_label("Data").fill("2012-06-04")
        form.get_by_role("button", name=action).click()
        expect(page.locator("#status")).to_have_text(status)
    withdrawal = page.locator("form.action", has=page.get_by_role("button", name="Zakończ udział przed czasem"))
    withdrawal.get_by_label("Data").fill("2012-07-01")
    withdrawal.get_by_label("Powód").select_option("health")
    withdrawal.get_by_role("button", name="Zakończ udział przed czasem").click()
    expect(page.locator("#status")).to_have_text("przerwał udział")
    expect(page.get_by_text("stan zdrowia")).to_be_visible()
    staff.check("karta-przerwal")
    again = page.locator("form.action", has=page.get_by_role("button", name="Przyjmij ponownie"))
    again.get_by_label("Data").fill("2012-08-01")
    again.get_by_role("button", name="Przyjmij ponownie").click()
    expect(page.locator("#status")).to_have_text("uczestnik (przystąpił)")

    # the search is a POST: the PESEL is never in an address
    page.goto(f"{staff.base}/projects/{project_id}/participants")
    page.get_by_label("PESEL", exact=True).fill("71030512348")
    page.get_by_role("button", name="Szukaj").click()
    expect(page.get_by_role("link", name="Anna Przykładowa")).to_be_visible()
    assert "71030512348" not in page.url
    staff.check("uczestnicy")

    # another organisation's staff sees nothing of her
    other = _staff(chrome, system, shots)
    other.sign_in(system, OTHER_ORGANISATION["organisation_id"], Role.PARTNER_STAFF)
    other.page.goto(card)
    expect(other.page.get_by_role("heading", level=1)).to_have_text("Nie można wyświetlić tej strony")
    expect(other.page.get_by_text("Przykładowa")).to_have_count(0)

    # erasure asks for a confirmation that says what it means
    page.goto(card)
    page.get_by_role("button", name="Usuń dane osobowe").click()
    expect(page.locator("#blad-confirm")).to_contain_text("Zaznacz")
    expect(page.locator("#status")).to_have_text("uczestnik (przystąpił)")
    page.get_by_label("Rozumiem skutki").check()
    page.get_by_role("button", name="Usuń dane osobowe").click()
    expect(page.locator("#status")).to_have_text("dane usunięte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Karta uczestnika: dane osobowe usunięte")
    staff.check("karta-usuniete")

    # the web application's log names routes only: no PESEL, name or token
    log = system.services["web"].process.log_file.read_text(encoding="utf-8")
    for secret in ("71030512348", "Przykładowa", staff.token[-40:]):
        assert secret not in log


def test_the_coordinator_imports_a_file_with_a_refused_row_and_downloads_the_reports(
    chrome: Browser, system: RunningSystem, project_id: str, shots: Path, tmp_path: Path
) -> None:
    rng = random.Random(15)
    good, bad = person(rng, 1), person(rng, 2)
    on = {
        "Stopień niepełnosprawności": "lekki",
        "Klient pomocy społecznej": "Tak",
        "Osoba z niepełnosprawnościami": "Tak",
    }
    rows = [
        HEADERS,
        _row(good, demo_data.EUDAJMONIA, "Osoba niepełnosprawna (ON)", **on),
        _row(bad, demo_data.EUDAJMONIA, "Osoba niepełnosprawna (ON)", **on, **{"Kod pocztowy": "5361"}),
    ]
    upload = tmp_path / "lista.csv"
    upload.write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8")

    staff = _staff(chrome, system, shots)
    page = staff.page
    staff.sign_in(system, demo_data.EUDAJMONIA, Role.COORDINATOR)
    page.goto(f"{staff.base}/projects/{project_id}")
    page.get_by_role("link", name="Import z pliku").click()
    page.get_by_role("button", name="Sprawdź plik").click()
    expect(page.locator("#blad-file")).to_have_text("Wybierz plik CSV albo XLSX.")
    staff.check("import")
    page.get_by_label("Plik z uczestnikami").set_input_files(str(upload))
    page.get_by_role("button", name="Sprawdź plik").click()
    # the preview: the refused row and its field highlighted, in Polish; nobody enrolled yet
    expect(page.get_by_role("heading", level=1)).to_contain_text("Podgląd importu")
    expect(page.locator("#do-przyjecia")).to_have_text("1")
    expect(page.locator("#odrzucone")).to_have_text("1")
    refused = page.locator('tr.bad[data-row="3"]')
    expect(refused.locator("mark")).to_have_text("Kod pocztowy")
    expect(refused.locator("td").nth(1)).not_to_be_empty()
    staff.check("import-podglad")
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert leader.get(f"/projects/{project_id}/participants").json()["total"] == 0, "a preview enrols nobody"
    page.get_by_role("button", name="Zatwierdź import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raport importu")
    assert page.locator("#bledy").count() == 0, page.locator("#bledy").inner_text()
    expect(page.locator("#przyjeci")).to_have_text("1")
    expect(page.locator("#odrzucone")).to_have_text("1")
    refused = page.locator('tr.bad[data-row="3"]')
    expect(refused.locator("mark")).to_have_text("Kod pocztowy")
    staff.check("import-raport")
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        enrolled = leader.get(f"/projects/{project_id}/participants").json()["items"]
    assert [p["personal"]["last_name"] for p in enrolled] == [good["last_name"]], "confirm enrols the rest"
    with page.expect_download() as report:
        page.get_by_role("button", name="Pobierz raport (CSV)").click()
    text = Path(report.value.path()).read_text(encoding="utf-8-sig")
    assert "3;Kod pocztowy;" in text, text

    # the start page lists a running project's latest import with refused rows ("what needs doing")
    running = demo_data.ta_project(f"WEB-{uuid.uuid4().hex[:8].upper()}")
    today = datetime.now(WARSAW).date()
    running |= {
        "title": "Projekt z importem",
        "starts_on": f"{today.year - 1}-01-01",
        "ends_on": f"{today.year + 1}-12-31",
    }
    day = {
        "Data rozpoczęcia udziału w projekcie": today.isoformat(),
        "Data zgody na przetwarzanie danych": today.isoformat(),
    }
    lines = [HEADERS, _row(person(rng, 3), demo_data.EUDAJMONIA, "Osoba niepełnosprawna (ON)", **on, **day)]
    lines.append(_row(person(rng, 4), demo_data.EUDAJMONIA, "Osoba niepełnosprawna (ON)", **on, **day, PESEL="123"))
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert leader.post("/projects", json=running).status_code == 201
        content = "\n".join(";".join(line) for line in lines).encode()
        files = {"file": ("nabor-marzec.csv", content)}
        imported = leader.post(f"/projects/{running['project_id']}/imports", files=files).json()
    assert (imported["enrolled"], imported["invalid_rows"]) == (1, 1), imported
    page.goto(f"{staff.base}/")
    listed = page.locator("#importy-odrzucone li").filter(
        has=page.locator(f'a[href="/projects/{running["project_id"]}/import"]')
    )
    expect(listed).to_contain_text("nabor-marzec.csv")
    expect(listed).to_contain_text("odrzucone wiersze: 1")
    staff.check("start-importy")

    page.goto(f"{staff.base}/projects/{project_id}/reports")
    expect(page.get_by_role("heading", name="Pliki do pobrania")).to_be_visible()
    staff.check("raporty")
    with page.expect_download() as export:
        page.get_by_role("link", name="Plik uczestników w układzie SM EFS").click()
    assert export.value.suggested_filename == f"{project_id}-uczestnicy.csv"
    assert good["last_name"] in Path(export.value.path()).read_text(encoding="utf-8-sig")
    with page.expect_download() as indicators:
        page.get_by_role("link", name="Wskaźniki (CSV)").click()
    assert indicators.value.suggested_filename.endswith(".csv")

    # the auditor's start page: the indicators at risk of every project it may read
    auditor = _staff(chrome, system, shots)
    auditor.sign_in(system, demo_data.MOPS, Role.AUDITOR)
    expect(auditor.page.get_by_role("heading", name="Wskaźniki zagrożone")).to_be_visible()
    expect(auditor.page.get_by_role("heading", name="Kandydaci czekający na kwalifikację")).to_have_count(0)
    auditor.check("start-audytor")

"""Sessions in the staff web application, in a real browser on the real stack: the coordinator books
people (a full session sends the next to the waitlist, a cancellation offers them the seat, a refusal
is said in Polish), the trainer ticks attendance on a 390 px phone from their start page, and the
printable attendance list names the people with a signature column. axe-core on every page."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pypdf
from playwright.sync_api import Browser, expect

from aktywni_shared.auth import Role
from aktywni_shared.clock import today_in_warsaw
from aktywni_stack import demo_data
from aktywni_stack.demo_scheduling import at
from tests.e2e.conftest import RunningSystem
from tests.e2e.test_web_pages import Staff, _staff, chrome, shots  # noqa: F401  (fixtures)
from tests.support.scheduling import coordinator, enrol, known_to_scheduling, people, project_known

ALL_DAY = {d: [{"opens": "00:00", "closes": "23:59"}] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
TRAINER_USER = f"{Role.TRAINER.value}-testowy"  # the user the browser's sign-in names


def _project(system: RunningSystem) -> str:
    """A Trener Aktywności project running until next year, so that a session today is inside it."""
    project = demo_data.ta_project(f"TEST-{uuid.uuid4().hex[:10]}")
    project["ends_on"] = (today_in_warsaw() + timedelta(days=365)).isoformat()
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post("/projects", json=project)
    assert response.status_code == 201, response.text
    return str(project["project_id"])


def _plan(client: httpx.Client, project_id: str, day: date) -> tuple[str, str, dict[str, Any]]:
    """A venue open every day (holidays too) with a step-free and an upstairs room, the trainer, a workshop
    and its session of two seats today from midnight (so it has started: attendance may be recorded)."""
    venue = {
        "venue_id": f"web-{uuid.uuid4().hex[:8]}",
        "name": "Centrum Aktywności Lokalnej",
        "address": {"street": "ul. Testowa 1", "postal_code": "50-001", "city": "Wrocław"},
        "step_free_entrance": True,
        "lift": False,
        "closed_on_public_holidays": False,
        "rooms": [
            {"room_id": "duza", "name": "Duża sala", "capacity": 30, "floor": 0},
            {"room_id": "gora", "name": "Sala na piętrze", "capacity": 10, "floor": 2},
        ],
        "opening_hours": ALL_DAY,
    }
    assert client.post("/venues", json=venue).status_code == 201
    staff_id = f"trener-web-{uuid.uuid4().hex[:6]}"
    member = {
        "staff_id": staff_id,
        "user": TRAINER_USER,
        "roles": ["trainer"],
        "competences": ["workshop"],
        "availability": ALL_DAY,
    }
    assert client.post("/staff", json=member).status_code == 201
    activity = {
        "form": "workshop",
        "title": "Warsztaty aktywizacyjne",
        "target_categories": ["person_with_disability"],
        "planned_hours": 1,
        "capacity": 30,
        "offer_window_hours": 24,  # a freed seat is offered, to be confirmed
    }
    answer = client.post(f"/projects/{project_id}/activities", json=activity)
    assert answer.status_code == 201, answer.text
    body = {
        **at(day, "00:00", 1),
        "venue_id": venue["venue_id"],
        "room_id": "duza",
        "capacity": 2,
        "staff_ids": [staff_id],
    }
    answer = client.post(f"/activities/{answer.json()['activity_id']}/sessions", json=body)
    assert answer.status_code == 201, answer.text
    upstairs = client.post(
        f"/activities/{answer.json()['activity_id']}/sessions",
        json={
            **at(day, "02:00", 1),
            "venue_id": venue["venue_id"],
            "room_id": "gora",
            "capacity": 5,
            "staff_ids": [staff_id],
        },
    )
    assert upstairs.status_code == 201, upstairs.text
    return str(answer.json()["session_id"]), str(upstairs.json()["session_id"]), venue


def _name(body: dict[str, Any]) -> str:
    return f"{body['first_name']} {body['last_name']}"


def test_the_coordinator_books_and_the_trainer_ticks_attendance_on_a_phone(
    chrome: Browser,  # noqa: F811
    system: RunningSystem,
    shots: Path,  # noqa: F811
) -> None:
    project_id = _project(system)
    bodies = people("on", 3, seed=161)
    wheelchair = people("on", 1, seed=162, needs_step_free_access=True)
    ids = enrol(system, project_id, [*bodies, *wheelchair])
    assert project_known(system, project_id)
    assert known_to_scheduling(system, project_id, ids)
    today = today_in_warsaw()
    with coordinator(system) as client:
        session_id, upstairs_id, venue = _plan(client, project_id, today)
    first, second, third = (_name(b) for b in bodies)

    staff = _staff(chrome, system, shots)
    page = staff.page
    staff.sign_in(system, demo_data.EUDAJMONIA, Role.COORDINATOR)
    expect(page.get_by_role("heading", name="Dzisiejsze zajęcia")).to_be_visible()
    page.goto(f"{staff.base}/projects/{project_id}")
    page.get_by_role("link", name="Zajęcia", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Zajęcia projektu {project_id}")
    staff.check("zajecia-tydzien")
    page.get_by_role("link", name="00:00–01:00 Warsztaty aktywizacyjne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warsztaty aktywizacyjne")
    expect(page.get_by_text("Centrum Aktywności Lokalnej, ul. Testowa 1, Wrocław; sala: Duża sala")).to_be_visible()
    staff.check("zajecia-puste")

    for who in (first, second, third):
        page.get_by_label("Uczestnik").select_option(label=who)
        page.get_by_role("button", name="Zapisz na zajęcia").click()
        assert page.locator("#bledy").count() == 0, page.locator("#bledy").inner_text()
    # two seats: the third waits, named, in order
    expect(page.get_by_role("status")).to_have_text("Zapisano: lista rezerwowa.")
    expect(page.locator("#lista-potwierdzonych tbody tr")).to_have_count(2)
    expect(page.locator("#lista-rezerwowa tbody th")).to_have_text([third])
    staff.check("zajecia-lista-rezerwowa")

    # cancelling a seat offers it to the first on the waitlist
    page.locator("#lista-potwierdzonych tr", has_text=first).get_by_role("button", name="Anuluj rezerwację").click()
    expect(page.get_by_role("status")).to_contain_text("Rezerwację anulowano")
    expect(page.locator("#lista-propozycji tbody th")).to_have_text([third])
    expect(page.get_by_role("heading", name="Lista rezerwowa (0)")).to_be_visible()
    assert ids[0] not in page.url
    staff.check("zajecia-propozycja")
    page.locator("#lista-propozycji tr", has_text=third).get_by_role("button", name="Potwierdź miejsce").click()
    expect(page.get_by_role("status")).to_have_text("Miejsce z listy rezerwowej potwierdzone.")
    expect(page.locator("#lista-potwierdzonych tbody th")).to_have_text([second, third])

    # the wheelchair user is refused for the room upstairs, in Polish
    page.goto(f"{staff.base}/sessions/{upstairs_id}")
    page.get_by_label("Uczestnik").select_option(label=_name(wheelchair[0]))
    page.get_by_role("button", name="Zapisz na zajęcia").click()
    expect(page.get_by_role("alert")).to_contain_text("Sala nie ma dostępu bez schodów")
    staff.check("zajecia-odmowa")

    # the printable attendance list: project, date and hours, venue, trainer, names, a signature column
    page.goto(f"{staff.base}/sessions/{session_id}")
    page.get_by_role("link", name="Lista obecności do druku").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lista obecności")
    expect(page.locator("#termin")).to_contain_text(f"{today.isoformat()}, 00:00–01:00")
    table = page.locator("#lista-obecnosci")
    expect(table.locator("tbody th")).to_have_text([second, third])
    expect(table.locator("thead")).to_contain_text("Podpis")
    expect(page.get_by_text(venue["name"])).to_be_visible()
    staff.check("lista-obecnosci")
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz listę obecności (PDF)").click()
    assert download.value.suggested_filename == f"lista-obecnosci-{today.isoformat()}.pdf"
    reader = pypdf.PdfReader(download.value.path())
    text = " ".join(p.extract_text() or "" for p in reader.pages)
    for expected in ("Lista obecności", project_id, f"{today.isoformat()}, 00:00–01:00 (1.0 godz.)", second, third):
        assert expected in text, (expected, text)
    assert first not in text  # cancelled
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(table).to_be_visible()
    page.screenshot(path=str(shots / "lista-obecnosci-wydruk.png"), full_page=True)
    page.emulate_media(media="screen")

    # the trainer, on a phone: today's sessions on the start page, the sheet, one save
    trainer = Staff(
        chrome.new_context(viewport={"width": 390, "height": 844}, locale="pl-PL", has_touch=True).new_page(),
        system.url("web"),
        shots,
    )
    phone = trainer.page
    trainer.sign_in(system, demo_data.EUDAJMONIA, Role.TRAINER)
    today_list = phone.locator("section", has=phone.get_by_role("heading", name="Dzisiejsze zajęcia"))
    expect(today_list).to_contain_text("Warsztaty aktywizacyjne")
    trainer.check("start-trener")
    today_list.get_by_role("link", name="Sprawdź obecność").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Obecność: Warsztaty aktywizacyjne")
    sheet = phone.locator("form.sheet")
    expect(sheet.locator("fieldset")).to_have_count(2)  # the confirmed seats, in booking order
    trainer.check("obecnosc")
    choices = sheet.locator("label.choice")
    for n in range(choices.count()):
        box = choices.nth(n).bounding_box()
        assert box is not None
        assert box["height"] >= 44, box
        assert box["width"] >= 44, box
    people_on_sheet = sheet.locator("fieldset")
    people_on_sheet.nth(0).get_by_label("obecny", exact=True).tap()
    people_on_sheet.nth(1).get_by_label("nieobecność usprawiedliwiona").tap()
    sheet.get_by_role("button", name="Zapisz obecność").tap()
    expect(phone.get_by_role("status")).to_contain_text("Zapisano obecność: 2 osoby.")
    expect(phone.get_by_role("status")).to_contain_text("obecny; godzin łącznie: 1.0")
    expect(people_on_sheet.nth(0).get_by_label("obecny", exact=True)).to_be_checked()
    expect(people_on_sheet.nth(1).get_by_label("nieobecność usprawiedliwiona")).to_be_checked()
    trainer.check("obecnosc-zapisana")

    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as check:
        stored = check.get(f"/sessions/{session_id}").json()
    assert {b["participant_id"]: b["attendance"] for b in stored["bookings"] if b["state"] == "confirmed"} == {
        ids[1]: "present",
        ids[2]: "excused",
    }

    # the coordinator reads the support history on the card, and as a PDF
    page.goto(f"{staff.base}/participants/{ids[1]}")
    history = page.locator("section", has=page.get_by_role("heading", name="Historia wsparcia"))
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history.locator("tbody tr")).to_contain_text("Warsztaty aktywizacyjne")
    expect(history.locator("tbody tr")).to_contain_text("obecny")
    staff.check("karta-historia-wsparcia")
    with page.expect_download() as download:
        history.get_by_role("link", name="Historia wsparcia (PDF)").click()
    assert download.value.suggested_filename == "historia-wsparcia.pdf"
    text = " ".join(p.extract_text() or "" for p in pypdf.PdfReader(download.value.path()).pages)
    for expected in ("Historia wsparcia uczestnika", second, project_id, today.isoformat(), "razem: 1"):
        assert expected in text, (expected, text)
    assert first not in text
    assert third not in text

    # no name of a participant in the web service's log
    log = system.services["web"].process.log_file.read_text(encoding="utf-8")
    for secret in (first, second, third):
        assert secret not in log


def test_the_coordinator_reads_a_venue_and_subscribes_to_its_calendar(
    chrome: Browser,  # noqa: F811
    system: RunningSystem,
    shots: Path,  # noqa: F811
) -> None:
    project_id = _project(system)
    assert project_known(system, project_id)
    with coordinator(system) as client:
        _, _, venue = _plan(client, project_id, today_in_warsaw())

    staff = _staff(chrome, system, shots)
    page = staff.page
    staff.sign_in(system, demo_data.EUDAJMONIA, Role.COORDINATOR)
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Placówki").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Placówki")
    staff.check("placowki")
    page.locator(f'a[href="/venues/{venue["venue_id"]}"]').click()
    rooms = page.locator("#sale-tabela tbody tr")
    expect(rooms.filter(has_text="Duża sala")).to_contain_text("tak")
    expect(rooms.filter(has_text="Sala na piętrze")).to_contain_text("nie")  # floor 2, no lift
    expect(page.get_by_text("święta państwowe: zamknięte")).to_have_count(0)  # this one opens on holidays
    staff.check("placowka")

    # planning a session from the week: a day outside the project's period is refused in Polish, then saved
    page.goto(f"{staff.base}/projects/{project_id}/sessions")
    page.get_by_text("Zaplanuj zajęcia").click()
    page.get_by_label("Forma wsparcia").select_option(label="Warsztaty aktywizacyjne (warsztaty)")
    page.get_by_label("Data").fill("2011-01-03")
    page.get_by_label("Początek").fill("04:00")
    page.get_by_label("Koniec").fill("05:00")
    page.get_by_label("Sala").select_option(value=f"{venue['venue_id']}/duza")
    page.get_by_role("button", name="Zaplanuj").click()
    expect(page.get_by_role("alert")).to_contain_text("Termin poza okresem realizacji projektu.")
    staff.check("zajecia-planowanie-odmowa")
    page.get_by_label("Data").fill(today_in_warsaw().isoformat())
    page.get_by_role("button", name="Zaplanuj").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warsztaty aktywizacyjne")
    expect(page.locator("#termin")).to_contain_text("04:00–05:00")

    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Kalendarz").click()
    page.get_by_label("Kalendarz", exact=True).select_option(value=f"venue:{venue['venue_id']}")
    page.get_by_role("button", name="Utwórz link").click()
    link = page.get_by_label("Link do kalendarza", exact=False)
    url = link.input_value()
    assert url.endswith(".ics")
    assert url not in page.url
    staff.check("kalendarz-link")
    feed = httpx.get(url, timeout=15)
    assert feed.status_code == 200
    assert "BEGIN:VCALENDAR" in feed.text
    assert "Warsztaty aktywizacyjne" in feed.text

    page.goto(f"{staff.base}/calendar")
    expect(page.get_by_label("Link do kalendarza", exact=False)).to_have_count(0)  # shown only once
    page.locator("li", has_text=venue["venue_id"]).get_by_role("button", name="Unieważnij").click()
    expect(page.get_by_role("status")).to_have_text("Link unieważniono: nie działa od teraz.")
    staff.check("kalendarz")
    assert httpx.get(url, timeout=15).status_code == 404

"""Planning in the staff web application, in a real browser on the real stack (tokens of the session's
identity provider): the coordinator registers a venue with a room, a staff member and a form of
support from the forms (a refused field named in Polish next to it), plans a session, moves it onto a
Sunday (refused in Polish, nothing changed), moves it validly, narrows the week to the venue and calls
the session off. axe-core on every page, screenshots into the test's directory."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, expect

from aktywni_shared.auth import Role
from aktywni_shared.clock import today_in_warsaw
from aktywni_stack import demo_data
from scheduling.domain.holidays import holiday_name
from tests.e2e.conftest import RunningSystem
from tests.e2e.test_web_pages import _staff, chrome, shots  # noqa: F401  (fixtures)
from tests.e2e.test_web_sessions import TRAINER_USER, _project
from tests.support.scheduling import project_known


def _working_week() -> date:
    """A Monday at least a week ahead whose Monday and Tuesday are no public holidays."""
    monday = today_in_warsaw() + timedelta(days=7 - today_in_warsaw().weekday() + 7)
    while holiday_name(monday) or holiday_name(monday + timedelta(days=1)):
        monday += timedelta(days=7)
    return monday


def test_the_coordinator_plans_venues_staff_activities_and_moves_and_calls_off_a_session(
    chrome: Browser,  # noqa: F811
    system: RunningSystem,
    shots: Path,  # noqa: F811
) -> None:
    project_id = _project(system)
    assert project_known(system, project_id)
    monday = _working_week()
    tuesday, sunday = monday + timedelta(days=1), monday + timedelta(days=6)
    venue_id, staff_id = f"plan-{uuid.uuid4().hex[:8]}", f"trener-plan-{uuid.uuid4().hex[:6]}"

    staff = _staff(chrome, system, shots)
    page = staff.page
    staff.sign_in(system, demo_data.EUDAJMONIA, Role.COORDINATOR)

    # a venue with a room: a wrong postal code is named next to its field, the rest kept
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Placówki").click()
    page.get_by_role("link", name="Nowa placówka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nowa placówka")
    expect(page.get_by_label("Poniedziałek: od")).to_have_value("08:00")  # weekdays open from 8:00 at first
    staff.check("placowka-nowa")
    page.get_by_label("Identyfikator placówki").fill(venue_id)
    page.get_by_label("Nazwa placówki").fill("Klub Seniora Planowanie")
    page.get_by_label("Ulica i numer").fill("ul. Planowa 3")
    page.get_by_label("Kod pocztowy").fill("50001")
    page.get_by_label("Miejscowość").fill("Wrocław")
    page.get_by_label("Sala 1: identyfikator").fill("duza")
    page.get_by_label("Sala 1: nazwa").fill("Duża sala")
    page.get_by_label("Sala 1: liczba miejsc").fill("20")
    page.get_by_label("Dni zamknięte").fill(f"{tuesday + timedelta(days=1)} inwentaryzacja")
    page.get_by_role("button", name="Zapisz placówkę").click()
    expect(page.get_by_role("alert")).to_contain_text("Kod pocztowy: Podaj kod pocztowy w formacie 00-000.")
    expect(page.locator("#blad-address-postal_code")).to_have_text("Podaj kod pocztowy w formacie 00-000.")
    expect(page.locator("#pole-address-postal_code")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Sala 1: nazwa")).to_have_value("Duża sala")
    staff.check("placowka-bledy")
    page.get_by_label("Kod pocztowy").fill("50-001")
    page.get_by_role("button", name="Zapisz placówkę").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klub Seniora Planowanie")
    expect(page.get_by_role("status")).to_have_text("Zapisano placówkę.")
    expect(page.locator("#sale-tabela tbody tr", has_text="Duża sala")).to_contain_text("tak")
    expect(page.get_by_text(f"{tuesday + timedelta(days=1)}: zamknięte (inwentaryzacja)")).to_be_visible()
    staff.check("placowka-dodana")

    # a staff member who leads workshops on weekdays
    page.goto(f"{staff.base}/venues")
    page.get_by_role("link", name="Prowadzący").click()
    page.get_by_role("link", name="Nowy prowadzący").click()
    staff.check("prowadzacy-nowy")
    page.get_by_label("Identyfikator prowadzącego").fill(staff_id)
    page.get_by_label("Login").fill(TRAINER_USER)
    page.get_by_role("button", name="Zapisz prowadzącego").click()
    expect(page.locator("#blad-roles")).to_have_text("Zaznacz albo podaj co najmniej jedną pozycję.")
    expect(page.locator("#blad-competences")).to_be_visible()
    staff.check("prowadzacy-bledy")
    page.get_by_label("trener (szkolenia)", exact=True).check()
    page.get_by_label("warsztaty", exact=True).check()
    page.get_by_role("button", name="Zapisz prowadzącego").click()
    expect(page.get_by_role("status")).to_have_text("Zapisano prowadzącego.")
    expect(page.locator("#prowadzacy tr", has_text=staff_id)).to_contain_text("warsztaty")
    staff.check("prowadzacy")

    # a form of support with its completion rule
    page.goto(f"{staff.base}/projects/{project_id}/activities")
    staff.check("formy-wsparcia-puste")
    activity = page.locator(f'form[action="/projects/{project_id}/activities"]')
    activity.get_by_label("Forma wsparcia").select_option("workshop")
    activity.get_by_label("Nazwa działania").fill("Warsztaty planowania")
    activity.get_by_label("osoba z niepełnosprawnością").check()
    activity.get_by_label("Liczba godzin").fill("4")
    activity.get_by_label("Liczba miejsc na zajęciach").fill("12")
    activity.get_by_label("Zasada ukończenia").select_option("attendance_share")
    activity.get_by_label("Wymagany udział w godzinach (%)").fill("75")
    activity.get_by_role("button", name="Zapisz formę wsparcia").click()
    expect(page.get_by_role("status")).to_contain_text("Zapisano formę wsparcia.")
    expect(page.locator("#formy-wsparcia tr", has_text="Warsztaty planowania")).to_contain_text(
        "udział w co najmniej 75 % godzin"
    )
    staff.check("formy-wsparcia")

    # a session on Monday, planned from the week
    page.get_by_role("link", name="Zajęcia projektu").click()
    page.goto(f"{page.url}?day={monday}")
    page.get_by_text("Zaplanuj zajęcia").click()
    page.get_by_label("Forma wsparcia").select_option(label="Warsztaty planowania (warsztaty)")
    page.get_by_label("Data").fill(monday.isoformat())
    page.get_by_label("Początek").fill("10:00")
    page.get_by_label("Koniec").fill("12:00")
    page.get_by_label("Sala").select_option(value=f"{venue_id}/duza")
    page.get_by_label("Prowadzący").select_option(value=staff_id)
    page.get_by_role("button", name="Zaplanuj").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warsztaty planowania")
    expect(page.locator("#termin")).to_contain_text(f"poniedziałek {monday}, 10:00–12:00")
    session_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    staff.check("zajecia-zaplanowane")

    # moved onto a Sunday: the venue is closed and the trainer unavailable, said in Polish; nothing changed
    page.get_by_text("Zmień termin lub salę").click()
    moving = page.locator("#zmiana-terminu form")
    moving.get_by_label("Data").fill(sunday.isoformat())
    moving.get_by_role("button", name="Przenieś zajęcia").click()
    refusal = page.locator("#bledy-terminu")
    expect(refusal).to_contain_text("nic nie zapisano")
    expect(refusal).to_contain_text(f"Placówka Klub Seniora Planowanie jest zamknięta w niedzielę ({sunday}).")
    expect(refusal).to_contain_text(f"Prowadzący {staff_id} jest niedostępny {sunday}.")
    expect(page.locator("#blad-day")).to_be_visible()
    expect(page.locator("#termin")).to_contain_text(f"poniedziałek {monday}, 10:00–12:00")
    staff.check("zajecia-przeniesienie-odmowa")
    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as check:
        stored = check.get(f"/sessions/{session_id}").json()
    assert (stored["sequence"], stored["starts_at"][:10]) == (0, monday.isoformat())

    # moved to Tuesday afternoon: saved
    moving.get_by_label("Data").fill(tuesday.isoformat())
    moving.get_by_label("Początek").fill("13:00")
    moving.get_by_label("Koniec").fill("15:00")
    moving.get_by_role("button", name="Przenieś zajęcia").click()
    expect(page.get_by_role("status")).to_have_text("Zajęcia przeniesiono na nowy termin; zapisy zostają.")
    expect(page.locator("#termin")).to_contain_text(f"wtorek {tuesday}, 13:00–15:00")
    staff.check("zajecia-przeniesione")

    # the week narrowed to the venue, then to another venue (empty)
    page.goto(f"{staff.base}/projects/{project_id}/sessions?day={monday}")
    page.get_by_label("Pokaż tylko placówkę").select_option(value=venue_id)
    page.get_by_role("button", name="Pokaż", exact=True).click()
    expect(page.get_by_text("Pokazano tylko zajęcia: Klub Seniora Planowanie.")).to_be_visible()
    expect(page.get_by_role("link", name="13:00–15:00 Warsztaty planowania")).to_be_visible()
    staff.check("zajecia-filtr")
    page.get_by_role("link", name="Następny tydzień").click()
    assert f"venue={venue_id}" in page.url  # the filter is kept when paging
    page.goto(f"{staff.base}/projects/{project_id}/sessions?day={monday}&staff={staff_id}")
    expect(page.get_by_role("link", name="13:00–15:00 Warsztaty planowania")).to_be_visible()
    page.goto(f"{staff.base}/projects/{project_id}/sessions?day={monday}&venue=inna-placowka")
    expect(page.get_by_role("link", name="13:00–15:00 Warsztaty planowania")).to_have_count(0)

    # the organisation's week at the venue, across its projects, from the venue's page
    page.goto(f"{staff.base}/venues/{venue_id}")
    page.get_by_role("link", name="Tydzień zajęć w tej placówce").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tydzień zajęć: placówka Klub Seniora Planowanie")
    page.goto(f"{page.url}&day={monday}")
    expect(page.get_by_role("link", name="13:00–15:00 Warsztaty planowania")).to_be_visible()
    staff.check("tydzien-placowki")

    # called off with a reason
    page.goto(f"{staff.base}/sessions/{session_id}")
    page.get_by_text("Odwołaj zajęcia", exact=True).first.click()
    calling_off = page.locator("#odwolanie form")
    calling_off.get_by_role("button", name="Odwołaj zajęcia").click()
    expect(page.locator("#bledy-odwolania")).to_contain_text("Podaj powód odwołania zajęć.")
    calling_off.get_by_label("Powód odwołania").fill("choroba prowadzącego")
    calling_off.get_by_role("button", name="Odwołaj zajęcia").click()
    expect(page.get_by_role("status")).to_have_text("Zajęcia odwołano; rezerwacje anulowano.")
    expect(page.locator("dl.facts")).to_contain_text("odwołane")
    expect(page.get_by_text("Zmień termin lub salę")).to_have_count(0)
    staff.check("zajecia-odwolane")
    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as check:
        assert check.get(f"/sessions/{session_id}").json()["status"] == "cancelled"

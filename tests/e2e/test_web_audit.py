"""The participants search by name and the audit log page ("Dziennik dostępu") in a real browser on the
real stack: the leader's coordinator finds a person by a name typed without diacritics (the name never
in an address or a log), reads who did what in the audit log, filters and pages it (a refused filter said
in Polish next to its field); the auditor reads it too; a partner's staff is refused. axe-core on each page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem
from tests.e2e.test_web_pages import Staff, _staff, chrome, shots  # noqa: F401  (fixtures)

ANNA_PESEL = "71030512348"  # demo_data.person_with_disability()
COORDINATOR_USER = f"{Role.COORDINATOR.value}-testowy"  # the user the browser's sign-in names


def _enrol_both(system: RunningSystem, project_id: str) -> str:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        anna = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability())
        assert anna.status_code == 201, anna.text
        anna_id = str(anna.json()["participant_id"])
        # enough reads of her card for a second page of the log (50 entries a page)
        for _ in range(50):
            assert leader.get(f"/participants/{anna_id}").status_code == 200
    with system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF) as partner:
        jan = partner.post(f"/projects/{project_id}/participants", json=demo_data.staff_trainee())
        assert jan.status_code == 201, jan.text
    return anna_id


def _rows(staff: Staff) -> list[str]:
    return staff.page.locator("table tbody tr").all_inner_texts()


def test_the_coordinator_finds_a_person_by_name_and_reads_the_audit_log(
    chrome: Browser,  # noqa: F811
    system: RunningSystem,
    project_id: str,
    shots: Path,  # noqa: F811
) -> None:
    anna_id = _enrol_both(system, project_id)
    staff = _staff(chrome, system, shots)
    page = staff.page
    staff.sign_in(system, demo_data.EUDAJMONIA, Role.COORDINATOR)

    page.goto(f"{staff.base}/projects/{project_id}/participants")
    page.get_by_label("Imię lub nazwisko").fill("przykladowa")
    page.get_by_role("button", name="Szukaj").click()
    expect(page.get_by_role("link", name="Anna Przykładowa")).to_be_visible()
    expect(page.locator("caption")).to_have_text("Znaleziono: 1")
    assert "rzyk" not in page.url.casefold()
    staff.check("uczestnicy-wg-nazwiska")
    page.get_by_label("Imię lub nazwisko").fill("")
    page.get_by_label("PESEL", exact=True).fill(ANNA_PESEL)
    page.get_by_role("button", name="Szukaj").click()
    expect(page.get_by_role("link", name="Anna Przykładowa")).to_be_visible()
    assert ANNA_PESEL not in page.url

    page.goto(f"{staff.base}/projects/{project_id}")
    page.get_by_role("link", name="Dziennik dostępu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dziennik dostępu")
    # enrolled (2), her card read (50), three searches (the page opened, by name, by PESEL)
    expect(page.locator("caption")).to_have_text("Wpisy: 55 (strona 1 z 2)")
    rows = _rows(staff)
    assert COORDINATOR_USER in rows[0]
    assert "wyszukiwanie uczestników" in rows[0]
    assert "wg numeru PESEL" in rows[0]
    assert anna_id in rows[0]
    for secret in (ANNA_PESEL, "Przykładowa", "Testowy"):
        assert secret not in page.locator("table").inner_text()
    staff.check("dziennik")

    page.get_by_role("button", name="Następna strona").click()
    expect(page.locator("caption")).to_have_text("Wpisy: 55 (strona 2 z 2)")
    assert [row for row in _rows(staff) if "przyjęcie do projektu" in row]
    staff.check("dziennik-strona-2")

    page.get_by_label("Czynność").select_option("enrol")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.locator("caption")).to_have_text("Wpisy: 2 (strona 1 z 1)")
    rows = _rows(staff)
    assert all("przyjęcie do projektu" in row for row in rows)
    assert any(f"{Role.PARTNER_STAFF.value}@{demo_data.FRDL}" in row for row in rows)
    assert page.url.endswith(f"/projects/{project_id}/audit")

    page.get_by_label("Od dnia").fill("2030-01-02")
    page.get_by_label("Do dnia (włącznie)").fill("2030-01-01")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.get_by_role("alert")).to_contain_text("Popraw dane")
    expect(page.locator("#blad-to")).to_have_text("Data końcowa nie może być wcześniejsza niż początkowa.")
    expect(page.locator("#pole-to")).to_have_attribute("aria-invalid", "true")
    staff.check("dziennik-bledy")

    # the web application's log names routes only: no name or PESEL searched
    log = system.services["web"].process.log_file.read_text(encoding="utf-8")
    for secret in ("przykladowa", ANNA_PESEL):
        assert secret not in log


def test_the_auditor_reads_the_audit_log_and_a_partners_staff_is_refused(
    chrome: Browser,  # noqa: F811
    system: RunningSystem,
    project_id: str,
    shots: Path,  # noqa: F811
) -> None:
    _enrol_both(system, project_id)
    auditor = _staff(chrome, system, shots)
    auditor.sign_in(system, demo_data.MOPS, Role.AUDITOR)
    auditor.page.goto(f"{auditor.base}/projects/{project_id}")
    auditor.page.get_by_role("link", name="Dziennik dostępu").click()
    expect(auditor.page.locator("caption")).to_contain_text("Wpisy: 52")
    assert "odczyt karty uczestnika" in _rows(auditor)[1]
    auditor.check("dziennik-audytor")

    partner = _staff(chrome, system, shots)
    partner.sign_in(system, demo_data.FRDL, Role.PARTNER_STAFF)
    partner.page.goto(f"{partner.base}/projects/{project_id}")
    expect(partner.page.get_by_role("link", name="Dziennik dostępu")).to_have_count(0)
    answer = partner.page.goto(f"{partner.base}/projects/{project_id}/audit")
    assert answer is not None
    assert answer.status == 403
    expect(partner.page.get_by_role("heading", level=1)).to_have_text("Nie można wyświetlić tej strony")
    partner.check("dziennik-odmowa")

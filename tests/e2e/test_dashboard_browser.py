"""The live dashboard in a real browser (Debian's Chromium driven by Playwright): it changes without a reload.

Chromium is installed when missing (``aktywni_stack.browser``); if it cannot be, this test fails.
"""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from aktywni_shared.auth import Role
from aktywni_stack import browser, demo_data
from tests.e2e.conftest import RunningSystem, eventually
from tests.e2e.test_reporting_e2e import support
from tests.support.reporting import publish_blocking


def test_the_dashboard_updates_live_when_a_person_starts_support(
    system: RunningSystem, project_id: str, tmp_path: Path
) -> None:
    chromium = browser.ensure_chromium()
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert eventually(
            lambda: (
                leader.post(
                    f"/projects/{project_id}/indicators/template", json={"template": "trener-aktywnosci"}
                ).status_code
                == 200
            )
        )
    page_url = f"{system.url('reporting')}/dashboard/{project_id}"
    token = system.token(demo_data.EUDAJMONIA, Role.COORDINATOR)

    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = chrome.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(page_url)
            expect(page.locator("#login")).to_be_visible()  # no token, no data
            page.fill("#token-input", "not-a-token")
            page.click("#login button[type=submit]")
            expect(page.locator("#login-error")).to_contain_text("nieprawidłowy")

            page.goto(f"{page_url}?token={token}")
            on = page.locator('[data-code="TA-ON-SUPPORTED"]')
            expect(on.locator(".value")).to_have_text("0", timeout=15_000)
            expect(page.locator("#status")).to_have_text("na żywo")
            assert "token=" not in page.url, "the token is taken out of the address"
            assert page.locator("[data-code]").count() == 7

            with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as enrolment:
                body = demo_data.person_with_disability()
                response = enrolment.post(f"/projects/{project_id}/participants", json=body)
            assert response.status_code == 201, response.text
            started = time.monotonic()
            publish_blocking(system.infra.kafka_bootstrap_servers, [support(project_id, response.json(), body)])
            expect(on.locator(".value")).to_have_text("1", timeout=20_000)
            latency = time.monotonic() - started
            expect(on.locator('[data-sex="K"] td.n')).to_have_text("1")
            expect(on.locator(f'[data-organisation="{demo_data.EUDAJMONIA}"] td.n')).to_have_text("1")
            # organisations by name, on the cards and in the filter (their ids stay the values sent)
            # the splits that matter for an ON indicator, crossed with sex: the degree among them
            degree = on.locator('[data-split="disability_degree"] [data-value="light"]')
            expect(degree.locator("td").first).to_have_text("lekki")
            expect(degree.locator("td.k")).to_have_text("1")
            expect(on.locator('[data-split="labour_market_status"] [data-value="inactive"] td.k')).to_have_text("1")
            expect(on.locator('[data-split="education"] [data-value="isced_3_4"] td.k')).to_have_text("1")
            expect(on.locator('[data-split="degurba"] [data-value="1"] td').first).to_have_text("miasta (DEGURBA 1)")
            expect(on.locator('[data-split="age_band"] th').first).to_have_text("Wiek w chwili rozpoczęcia wsparcia")
            env = page.locator('[data-code="TA-ENV-SUPPORTED"]')
            assert env.locator('[data-split="disability_degree"]').count() == 0, "no degree where none applies"
            named = on.locator(f'[data-organisation="{demo_data.EUDAJMONIA}"] td').first
            expect(named).to_have_text("Fundacja EUDAJMONIA (K: 1, M: 0)")
            partner = page.locator(f'#organisation option[value="{demo_data.FRDL}"]')
            expect(partner).to_have_text("Fundacja Rozwoju Demokracji Lokalnej")
            print(f"\n[dashboard] SupportStarted published → number on the page changed in {latency:.2f} s")

            page.select_option("#organisation", demo_data.FRDL)
            expect(on.locator(".value")).to_have_text("0", timeout=15_000)
            page.select_option("#organisation", "")
            expect(on.locator(".value")).to_have_text("1", timeout=15_000)
            # a phone: the page fits 390 px without horizontal scrolling
            page.set_viewport_size({"width": 390, "height": 844})
            expect(on.locator(".value")).to_have_text("1")
            width = page.evaluate("document.documentElement.scrollWidth")
            print(f"[dashboard] scrollWidth at a 390 px viewport: {width} px")
            assert width <= 390, f"the dashboard is {width} px wide on a 390 px phone"
            phone = tmp_path / "dashboard-390.png"
            page.screenshot(path=str(phone), full_page=True)
            page.set_viewport_size({"width": 1400, "height": 1000})
            screenshot = tmp_path / "dashboard.png"
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"[dashboard] screenshot: {screenshot}")
        finally:
            chrome.close()
    assert screenshot.stat().st_size > 10_000

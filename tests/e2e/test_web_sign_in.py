"""Signing in to the staff web application at the real identity provider (the session's Keycloak).

The browser follows the authorization code flow with PKCE: the web application's sign-in button,
Keycloak's login form, the callback; the start page then reads the person's projects from an
enrolment instance that trusts Keycloak's tokens (a second instance of the session's enrolment,
on the same database). Signing out ends Keycloak's session too: the next sign-in asks for the
password again. The test Keycloak's ``aktywni-web`` client is told this web application's
address (a free port) through the admin API.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from aktywni_stack import assets, browser
from aktywni_stack import keycloak as kc
from aktywni_stack.ports import free_port
from aktywni_stack.services import web_process
from tests.e2e.conftest import RunningSystem
from tests.support.keycloak import Provider

WEB_CLIENT = "aktywni-web"


def _allow_redirects_to(provider: Provider, web_url: str) -> None:
    headers = {"Authorization": f"Bearer {provider.admin_token()}"}
    admin = f"{provider.server.url}/admin/realms/{kc.REALM}/clients"
    found = httpx.get(admin, params={"clientId": WEB_CLIENT}, headers=headers, timeout=30).json()
    client = found[0]
    client["redirectUris"] = [*client.get("redirectUris", []), f"{web_url}/*"]
    answer = httpx.put(f"{admin}/{client['id']}", json=client, headers=headers, timeout=30)
    assert answer.status_code == 204, answer.text


@pytest.fixture(scope="module")
def signed_web(
    system: RunningSystem, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    provider: Provider = system.provider  # the one the session's services trust
    state_dir = tmp_path_factory.mktemp("web-oidc")
    # The session's services accept only this provider's tokens already; the web app signs in at it.
    services = {name: system.services[name] for name in ("enrolment", "scheduling", "reporting")}
    web = web_process(state_dir, free_port(), services, assets.web_assets(), oidc_issuer=provider.issuer)
    try:
        web.launch(system.infra.kafka_bootstrap_servers, system.infra.mongodb_uri, bound_to_parent=True)
        web.wait_ready()
        _allow_redirects_to(provider, web.url)
        yield web.url
    finally:
        web.stop()


def test_staff_sign_in_at_the_provider_and_sign_out_of_both(signed_web: str, project_id: str, tmp_path: Path) -> None:
    chromium = browser.ensure_chromium()
    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            context = chrome.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
            page = context.new_page()
            page.goto(f"{signed_web}/")
            expect(page).to_have_url(f"{signed_web}/sign-in")
            page.get_by_role("button", name="Zaloguj się").click()
            page.locator("#username").fill("koordynator-eudajmonia")
            page.locator("#password").fill(kc.DEMO_PASSWORD)
            page.screenshot(path=str(tmp_path / "keycloak-logowanie.png"))
            page.locator("#kc-login").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Dzień dobry, koordynator-eudajmonia")
            assert page.url == f"{signed_web}/", "back at the start page, no code or token in the address"
            expect(page.get_by_text("Twoja rola: koordynator.")).to_be_visible()
            # the projects come from enrolment with the person's own access token
            expect(page.locator(f'a[href="/projects/{project_id}"]').first).to_be_visible()
            cookies = {c["name"]: c for c in context.cookies(signed_web)}
            session = cookies["aktywni_session"]
            assert session["httpOnly"]
            assert session["sameSite"] == "Lax"
            assert "." in session["value"]
            assert len(session["value"]) < 200, "the cookie holds a signed session id, not a token"
            page.screenshot(path=str(tmp_path / "start-po-zalogowaniu.png"), full_page=True)

            page.get_by_role("button", name="Wyloguj").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Wylogowano")
            assert page.url == f"{signed_web}/signed-out"
            page.goto(f"{signed_web}/")
            expect(page).to_have_url(f"{signed_web}/sign-in")
            page.get_by_role("button", name="Zaloguj się").click()
            expect(page.locator("#password")).to_be_visible()  # the provider's session ended too
        finally:
            chrome.close()

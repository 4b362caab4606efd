"""The command-line sign-in at the session's real Keycloak: client credentials end to end, and the
device authorization grant completed by a person in a browser (Chromium driven by Playwright to the
printed address, signing in as a demo user and granting the terminal access, or refusing it: the
terminal then stops with access_denied). The services' verifier accepts the tokens and reads the
same person from them as from any other grant."""

from __future__ import annotations

import io
import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from aktywni_shared import cli_sign_in
from aktywni_shared.cli_sign_in import SignedIn, SignInError
from aktywni_shared.identity import Principal, Role
from aktywni_shared.oidc import OidcVerifier
from aktywni_stack import browser
from aktywni_stack import keycloak as kc
from tests.support.keycloak import Provider

pytestmark = pytest.mark.integration

CLI_CLIENT = "aktywni-cli"
PERSON = "koordynator-eudajmonia"


def test_a_service_account_signs_in_with_client_credentials_from_a_secret_file(
    keycloak: Provider, tmp_path: Path
) -> None:
    secret_file = tmp_path / "integration-secret"
    secret_file.write_text(kc.INTEGRATION_SECRET + "\n", encoding="utf-8")
    secret = cli_sign_in.read_client_secret(secret_file)
    session = cli_sign_in.client_credentials_sign_in(keycloak.issuer, kc.INTEGRATION_CLIENT, secret)
    principal = OidcVerifier(keycloak.issuer, keycloak.audience).verify(session.access_token)
    assert principal.role == Role(kc.INTEGRATION_ROLE)
    assert principal.organisation_id == kc.INTEGRATION_ORGANISATION


def test_a_wrong_client_secret_is_refused_by_the_provider(keycloak: Provider) -> None:
    with pytest.raises(SignInError, match=r"'aktywni-integration' refused: (unauthorized_client|invalid_client)"):
        cli_sign_in.client_credentials_sign_in(keycloak.issuer, kc.INTEGRATION_CLIENT, "not-the-secret")


def test_the_device_authorization_endpoint_answers_a_user_code(keycloak: Provider) -> None:
    with httpx.Client(timeout=30) as http:
        endpoints = cli_sign_in.discover(keycloak.issuer, http)
        assert endpoints.device_authorization_endpoint == keycloak.server.device_authorization_endpoint
        authorization = cli_sign_in.start_device_authorization(http, endpoints, CLI_CLIENT)
    assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", authorization.user_code), authorization.user_code
    assert authorization.verification_uri.startswith(keycloak.issuer)
    assert authorization.expires_in > 0
    assert authorization.interval >= 1


class _Printed(io.StringIO):
    """The stream the sign-in prints to: remembers the text and tells when a line has come."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.changed = threading.Condition()

    def write(self, text: str) -> int:
        with self.changed:
            self.text += text
            self.changed.notify_all()
        return len(text)

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while (found := re.search(pattern, self.text)) is None:
                left = deadline - time.monotonic()
                assert left > 0, f"not printed within {timeout} s: {pattern!r}; printed: {self.text!r}"
                self.changed.wait(left)
            return found


class _Terminal:
    """``device_sign_in`` running in a thread, as the command would, printing to a stream the test reads."""

    def __init__(self, issuer: str) -> None:
        self.printed = _Printed()
        self.session: SignedIn | None = None
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._sign_in, args=(issuer,), daemon=True)
        self._thread.start()

    def _sign_in(self, issuer: str) -> None:
        try:
            self.session = cli_sign_in.device_sign_in(issuer, CLI_CLIENT, out=self.printed)
        except Exception as error:  # noqa: BLE001 - handed to the test's thread
            self.error = error

    def instructions(self) -> tuple[str, str]:
        found = self.printed.wait_for(r"open (\S+) and enter the code (\S+)\n", timeout=60)
        return found.group(1), found.group(2)

    def wait(self) -> None:
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), f"the terminal is still waiting; printed: {self.printed.text!r}"


def _in_the_browser(address: str, code: str, *, grant: bool, screenshots: Path) -> None:
    """A person opens the printed address, types the code, signs in, and grants the terminal access (or not)."""
    chromium = browser.ensure_chromium()
    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = chrome.new_context(locale="pl-PL").new_page()
            page.goto(address)
            page.locator("[name=device_user_code]").fill(code)
            page.locator("#kc-login").click()
            page.locator("#username").fill(PERSON)
            page.locator("#password").fill(kc.DEMO_PASSWORD)
            page.locator("#kc-login").click()
            consent = page.locator("#kc-oauth")  # Keycloak asks every device sign-in for consent
            expect(consent).to_contain_text("Czy przyznajesz te uprawnienia dostępu?")
            expect(page.locator("body")).to_contain_text("Aktywni (command-line tools)")
            page.screenshot(path=str(screenshots / "device-consent.png"))
            consent.locator("#kc-login" if grant else "#kc-cancel").click()
            outcome = "zakończone pomyślnie" if grant else "Odmowa zgody na połączenie urządzenia"
            expect(page.locator("body")).to_contain_text(outcome)
            page.screenshot(path=str(screenshots / "device-done.png"))
        finally:
            chrome.close()


def test_a_person_at_a_terminal_signs_in_with_the_device_flow_in_a_browser(keycloak: Provider, tmp_path: Path) -> None:
    terminal = _Terminal(keycloak.issuer)
    address, code = terminal.instructions()
    assert address.startswith(keycloak.issuer)
    _in_the_browser(address, code, grant=True, screenshots=tmp_path)
    terminal.wait()
    assert terminal.error is None, repr(terminal.error)
    assert terminal.session is not None
    assert "Signed in." in terminal.printed.text
    verifier = OidcVerifier(keycloak.issuer, keycloak.audience)
    person: Principal = verifier.verify(terminal.session.access_token)
    assert person == verifier.verify(keycloak.password_token(PERSON))
    assert person.user == PERSON


def test_a_person_who_refuses_the_terminal_access_ends_its_sign_in(keycloak: Provider, tmp_path: Path) -> None:
    terminal = _Terminal(keycloak.issuer)
    address, code = terminal.instructions()
    _in_the_browser(address, code, grant=False, screenshots=tmp_path)
    terminal.wait()
    assert terminal.session is None
    assert isinstance(terminal.error, SignInError)
    assert "denied" in str(terminal.error)

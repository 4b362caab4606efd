"""The command-line sign-in against a fake provider (httpx.MockTransport): RFC 8628 polling, client credentials."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from aktywni_shared import cli_sign_in
from aktywni_shared.cli_sign_in import DeviceAuthorization, Endpoints, SignInError

pytestmark = pytest.mark.unit

ISSUER = "https://login.example.test/realms/aktywni"
TOKEN_ENDPOINT = f"{ISSUER}/protocol/openid-connect/token"
DEVICE_ENDPOINT = f"{ISSUER}/protocol/openid-connect/auth/device"
ENDPOINTS = Endpoints(ISSUER, TOKEN_ENDPOINT, DEVICE_ENDPOINT)


class FakeClock:
    """Monotonic time that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _error(name: str) -> httpx.Response:
    return httpx.Response(400, json={"error": name, "error_description": f"{name} described"})


def _granted(token: str = "access-1", expires_in: int = 300) -> httpx.Response:
    return httpx.Response(
        200,
        json={"access_token": token, "expires_in": expires_in, "refresh_token": "refresh-1", "token_type": "Bearer"},
    )


class FakeProvider:
    """A discovery document, a device authorization endpoint and a token endpoint answering from a script."""

    def __init__(self, token_answers: list[httpx.Response]) -> None:
        self.token_answers = token_answers
        self.token_forms: list[dict[str, str]] = []
        self.device_forms: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "token_endpoint": TOKEN_ENDPOINT,
                    "device_authorization_endpoint": DEVICE_ENDPOINT,
                },
            )
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if str(request.url) == DEVICE_ENDPOINT:
            self.device_forms.append(form)
            return httpx.Response(
                200,
                json={
                    "device_code": "device-code-1",
                    "user_code": "ABCD-EFGH",
                    "verification_uri": f"{ISSUER}/device",
                    "verification_uri_complete": f"{ISSUER}/device?user_code=ABCD-EFGH",
                    "expires_in": 600,
                    "interval": 5,
                },
            )
        if str(request.url) == TOKEN_ENDPOINT:
            self.token_forms.append(form)
            return self.token_answers.pop(0)
        return httpx.Response(404)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def _authorization(expires_in: float = 600, interval: float = 5) -> DeviceAuthorization:
    return DeviceAuthorization("device-code-1", "ABCD-EFGH", f"{ISSUER}/device", None, expires_in, interval)


def _poll(provider: FakeProvider, clock: FakeClock, authorization: DeviceAuthorization | None = None) -> str:
    tokens = cli_sign_in.poll_device_token(
        provider.client(), ENDPOINTS, "aktywni-cli", authorization or _authorization(), sleep=clock.sleep, clock=clock
    )
    return str(tokens["access_token"])


def test_pending_is_polled_again_at_the_same_interval_until_granted() -> None:
    provider = FakeProvider([_error("authorization_pending"), _error("authorization_pending"), _granted()])
    clock = FakeClock()
    assert _poll(provider, clock) == "access-1"
    assert clock.sleeps == [5, 5, 5]
    assert (
        provider.token_forms
        == [
            {
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "device_code": "device-code-1",
                "client_id": "aktywni-cli",
            }
        ]
        * 3
    )


def test_slow_down_adds_five_seconds_for_every_later_poll() -> None:
    answers = [_error("slow_down"), _error("authorization_pending"), _error("slow_down"), _granted()]
    clock = FakeClock()
    assert _poll(FakeProvider(answers), clock) == "access-1"
    assert clock.sleeps == [5, 10, 10, 15]


def test_no_interval_named_means_five_seconds() -> None:
    answer = httpx.Response(
        200, json={"device_code": "d", "user_code": "U", "verification_uri": f"{ISSUER}/device", "expires_in": 60}
    )
    http = httpx.Client(transport=httpx.MockTransport(lambda _: answer))
    authorization = cli_sign_in.start_device_authorization(http, ENDPOINTS, "aktywni-cli")
    assert authorization.interval == cli_sign_in.DEFAULT_INTERVAL_SECONDS == 5
    assert authorization.verification_uri_complete is None


def test_expired_token_stops_with_a_message() -> None:
    provider = FakeProvider([_error("authorization_pending"), _error("expired_token")])
    with pytest.raises(SignInError, match="expired"):
        _poll(provider, FakeClock())
    assert len(provider.token_forms) == 2


def test_access_denied_stops_with_a_message() -> None:
    provider = FakeProvider([_error("authorization_pending"), _error("access_denied")])
    with pytest.raises(SignInError, match="denied"):
        _poll(provider, FakeClock())
    assert len(provider.token_forms) == 2


def test_another_error_stops_naming_it() -> None:
    with pytest.raises(SignInError, match="invalid_client: invalid_client described"):
        _poll(FakeProvider([_error("invalid_client")]), FakeClock())


def test_polling_stops_when_the_device_code_lifetime_has_passed_locally() -> None:
    provider = FakeProvider([_error("authorization_pending")] * 10)
    clock = FakeClock()
    with pytest.raises(SignInError, match="expired"):
        _poll(provider, clock, _authorization(expires_in=12, interval=5))
    assert len(provider.token_forms) == 2  # at 5 s and 10 s; at 15 s the code is past its 12 s
    assert clock.now - 1000.0 == 15


def test_a_timeout_doubles_the_interval() -> None:
    calls: list[float] = []
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return _granted()

    tokens = cli_sign_in.poll_device_token(
        httpx.Client(transport=httpx.MockTransport(handler)),
        ENDPOINTS,
        "aktywni-cli",
        _authorization(),
        sleep=clock.sleep,
        clock=clock,
    )
    assert tokens["access_token"] == "access-1"
    assert clock.sleeps == [5, 10]


def test_device_sign_in_prints_the_address_and_code_to_the_given_stream_and_signs_requests() -> None:
    provider = FakeProvider([_error("authorization_pending"), _granted("access-1")])
    clock = FakeClock()
    out = io.StringIO()
    session = cli_sign_in.device_sign_in(
        ISSUER, "aktywni-cli", http=provider.client(), out=out, sleep=clock.sleep, clock=clock
    )
    printed = out.getvalue()
    assert f"open {ISSUER}/device and enter the code ABCD-EFGH" in printed
    assert f"{ISSUER}/device?user_code=ABCD-EFGH" in printed
    assert provider.device_forms == [{"client_id": "aktywni-cli", "scope": "openid"}]
    seen: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200)

    httpx.Client(transport=httpx.MockTransport(api), auth=session).get("https://api.example.test/projects")
    assert seen == ["Bearer access-1"]


def test_device_sign_in_renews_the_access_token_with_the_refresh_token_before_it_expires() -> None:
    provider = FakeProvider([_granted("access-1", expires_in=300), _granted("access-2", expires_in=300)])
    clock = FakeClock()
    session = cli_sign_in.device_sign_in(
        ISSUER, "aktywni-cli", http=provider.client(), out=io.StringIO(), sleep=clock.sleep, clock=clock
    )
    assert session.access_token == "access-1"
    clock.now += 250
    assert session.access_token == "access-1"
    clock.now += 30  # 20 s left, under the 30 s margin
    assert session.access_token == "access-2"
    assert provider.token_forms[-1] == {
        "grant_type": "refresh_token",
        "refresh_token": "refresh-1",
        "client_id": "aktywni-cli",
    }


def test_client_credentials_send_the_secret_in_the_form_and_ask_again_when_the_token_runs_out() -> None:
    provider = FakeProvider([_granted("service-1", expires_in=60), _granted("service-2", expires_in=60)])
    clock = FakeClock()
    session = cli_sign_in.client_credentials_sign_in(
        ISSUER, "aktywni-integration", "s3cret", http=provider.client(), clock=clock
    )
    assert session.access_token == "service-1"
    clock.now += 45
    assert session.access_token == "service-2"
    assert (
        provider.token_forms
        == [{"grant_type": "client_credentials", "client_id": "aktywni-integration", "client_secret": "s3cret"}] * 2
    )


def test_client_credentials_refused_names_the_client_and_the_error() -> None:
    provider = FakeProvider([httpx.Response(401, json={"error": "unauthorized_client"})])
    with pytest.raises(SignInError, match="'aktywni-integration' refused: unauthorized_client"):
        cli_sign_in.client_credentials_sign_in(ISSUER, "aktywni-integration", "wrong", http=provider.client())


def test_discovery_refuses_a_document_of_another_issuer() -> None:
    document = {"issuer": "https://elsewhere.test", "token_endpoint": TOKEN_ENDPOINT}
    http = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=document)))
    with pytest.raises(SignInError, match=r"names issuer 'https://elsewhere\.test'"):
        cli_sign_in.discover(ISSUER, http)


def test_the_secret_comes_from_the_file_first_then_the_environment(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n", encoding="utf-8")
    env = {"AKTYWNI_CLIENT_SECRET": "from-env"}
    assert cli_sign_in.read_client_secret(secret_file, env) == "from-file"
    assert cli_sign_in.read_client_secret(None, env) == "from-env"
    with pytest.raises(SignInError, match="AKTYWNI_CLIENT_SECRET"):
        cli_sign_in.read_client_secret(None, {})
    with pytest.raises(SignInError, match="cannot be read"):
        cli_sign_in.read_client_secret(tmp_path / "missing", env)


def test_import_cli_needs_a_way_to_sign_in(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from enrolment.cli import import_cli

    for name in ("AKTYWNI_TOKEN", "AKTYWNI_OIDC_ISSUER", "AKTYWNI_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert import_cli.main(["plik.csv", "--project", "P"]) == 2
    assert "--issuer URL" in capsys.readouterr().err
    assert import_cli.main(["plik.csv", "--project", "P", "--token", "t", "--issuer", ISSUER]) == 2
    assert "either --token or --issuer" in capsys.readouterr().err


def test_import_cli_signs_in_with_client_credentials_after_checking_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from enrolment.cli import import_cli

    provider = FakeProvider([_granted("service-1")])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.example.test":
            seen.append(request.headers["Authorization"])
            report = {"enrolled": 0, "already_enrolled": 0, "errors": [], "enrolled_rows": []}
            return httpx.Response(200, content=json.dumps({**report, "already_enrolled_rows": []}))
        return provider(request)

    real_client: Callable[..., httpx.Client] = httpx.Client
    monkeypatch.setattr(
        httpx, "Client", lambda *a, **kw: real_client(*a, **{**kw, "transport": httpx.MockTransport(handler)})
    )
    monkeypatch.delenv("AKTYWNI_TOKEN", raising=False)
    monkeypatch.setenv("AKTYWNI_CLIENT_SECRET", "s3cret")
    source = tmp_path / "lista.csv"
    header = ";".join(c.header for c in import_cli.importing.COLUMNS)
    source.write_text(header + "\n" + ";".join("x" for _ in import_cli.importing.COLUMNS) + "\n", encoding="utf-8")
    argv = [str(source), "--project", "P", "--url", "https://api.example.test", "--issuer", ISSUER]
    assert import_cli.main([*argv, "--client-id", "aktywni-integration"]) == 0
    assert provider.token_forms == [
        {"grant_type": "client_credentials", "client_id": "aktywni-integration", "client_secret": "s3cret"}
    ]
    assert seen == ["Bearer service-1"]
    assert "1 rows" in capsys.readouterr().out

    (tmp_path / "zla.csv").write_text("Nie ta kolumna\n", encoding="utf-8")
    wrong = [str(tmp_path / "zla.csv"), *argv[1:]]
    assert import_cli.main([*wrong, "--client-id", "aktywni-integration"]) == 2
    assert len(provider.token_forms) == 1, "a wrong header stops before signing in"

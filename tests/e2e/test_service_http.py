"""What every service serves besides its API: offline /docs and /redoc, and plain JSON logs with an access line."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import httpx
import pytest

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from aktywni_stack.services import SERVICES
from tests.e2e.conftest import RunningSystem

#: Every asset a documentation page loads: scripts, styles, icons, fonts.
_ASSETS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


def _assets(html: str) -> list[str]:
    return [a or b for a, b in _ASSETS.findall(html)]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_documentation_pages_load_only_local_assets(system: RunningSystem, service: str, page: str) -> None:
    with httpx.Client(base_url=system.url(service), timeout=15) as client:
        response = client.get(page)
        assert response.status_code == 200
        html = response.text
        assets = _assets(html)
        assert any(a.endswith(".js") for a in assets), html
        for asset in assets:
            assert asset.startswith("/"), f"{page} of {service} loads {asset} from elsewhere"
            assert not asset.startswith("//"), asset
            loaded = client.get(asset)
            assert loaded.status_code == 200, asset
            assert len(loaded.content) > 100, asset
        assert "cdn" not in html.lower()
        assert "fonts.googleapis" not in html


def _log_lines(system: RunningSystem, service: str) -> list[str]:
    return system.services[service].process.log_file.read_text(encoding="utf-8").splitlines()


def _access_line(system: RunningSystem, service: str, correlation_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in _log_lines(system, service):
            if correlation_id in line:
                entry: dict[str, Any] = json.loads(line)
                return entry
        time.sleep(0.1)
    raise AssertionError(f"no access line with {correlation_id} in {service}'s log")


def test_one_access_line_per_request_with_the_route_template(system: RunningSystem) -> None:
    correlation_id = str(uuid.uuid4())
    project = f"TAJNY-{uuid.uuid4().hex[:8]}"
    with system.client("reporting", demo_data.MOPS, Role.COORDINATOR) as client:
        response = client.get(
            f"/projects/{project}/participants/count",
            params={"pesel": "44051401458"},
            headers={"X-Correlation-Id": correlation_id},
        )
    assert response.headers["x-correlation-id"] == correlation_id
    entry = _access_line(system, "reporting", correlation_id)
    assert entry["logger"] == "aktywni.access"
    assert entry["method"] == "GET"
    assert entry["route"] == "/projects/{project_id}/participants/count"
    assert entry["status"] == response.status_code
    assert isinstance(entry["duration_ms"], int | float)
    assert entry["duration_ms"] >= 0
    assert entry["service"] == "reporting"
    matching = [line for line in _log_lines(system, "reporting") if correlation_id in line]
    assert len(matching) == 1
    assert project not in matching[0]
    assert "44051401458" not in matching[0]
    assert "pesel" not in matching[0]


def test_a_request_without_correlation_id_gets_one(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.url("enrolment"), timeout=15) as client:
        response = client.get("/health", headers={"X-Correlation-Id": "<script>alert(1)</script>"})
    correlation_id = response.headers["x-correlation-id"]
    assert uuid.UUID(correlation_id)
    entry = _access_line(system, "enrolment", correlation_id)
    assert (entry["route"], entry["status"]) == ("/health", 200)


def test_an_unknown_path_is_logged_without_it(system: RunningSystem) -> None:
    secret = f"/nie-ma-{uuid.uuid4().hex}"
    with httpx.Client(base_url=system.url("scheduling"), timeout=15) as client:
        response = client.get(secret)
    assert response.status_code == 404
    entry = _access_line(system, "scheduling", response.headers["x-correlation-id"])
    assert entry["route"] is None
    assert entry["status"] == 404
    assert all(secret not in line for line in _log_lines(system, "scheduling"))


@pytest.mark.parametrize("service", SERVICES)
def test_log_lines_are_json_without_terminal_codes(system: RunningSystem, service: str) -> None:
    with httpx.Client(base_url=system.url(service), timeout=15) as client:
        assert client.get("/health").status_code == 200
    raw = system.services[service].process.log_file.read_text(encoding="utf-8")
    assert "\x1b" not in raw
    assert "\\u001b" not in raw
    assert "color_message" not in raw
    started = [json.loads(line) for line in raw.splitlines() if line.startswith("{")]
    assert any("Uvicorn running on" in entry["msg"] for entry in started)
    for line in raw.splitlines():
        if line.strip():
            json.loads(line)  # every line is one JSON object

"""Every console script answers ``--help`` without any setting; a missing setting is one line naming it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _console_scripts() -> list[str]:
    names: list[str] = []
    for pyproject in sorted(ROOT.glob("**/pyproject.toml")):
        if ".venv" in pyproject.parts:
            continue
        names += tomllib.loads(pyproject.read_text())["project"].get("scripts", {})
    return sorted(names)


SCRIPTS = _console_scripts()
#: The commands that read the services' settings, and the variables they cannot start without.
SERVICES = {
    "aktywni-enrolment": ["AKTYWNI_OIDC_ISSUER", "ENROLMENT_PII_KEY"],
    "aktywni-scheduling": ["AKTYWNI_OIDC_ISSUER"],
    "aktywni-reporting": ["AKTYWNI_OIDC_ISSUER"],
}


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    bare = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT / "var" / "no-home"), **(env or {})}
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], check=False, env=bare, capture_output=True, text=True, timeout=60
    )


def test_every_script_is_found() -> None:
    # The event catalogue's generator is a repository tool (tools/event_docs.py), not a console script.
    assert {
        "aktywni-contracts",
        "aktywni-demo",
        "aktywni-enrolment",
        "aktywni-import",
        "aktywni-reporting",
        "aktywni-reporting-replay",
        "aktywni-scheduling",
        "aktywni-stack",
        "aktywni-token",
    } <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_answers_without_settings(script: str) -> None:
    result = _run(script, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("script", sorted(SERVICES))
def test_service_help_lists_its_variables(script: str) -> None:
    result = _run(script, "--help")
    for variable in SERVICES[script]:
        assert f"{variable} (required" in result.stdout


#: A valid value of each required variable, so that one at a time can be left out.
VALID = {"AKTYWNI_OIDC_ISSUER": "http://127.0.0.1:9/realms/aktywni", "ENROLMENT_PII_KEY": "A" * 43 + "="}


@pytest.mark.parametrize(("script", "variable"), [(s, v) for s, vs in sorted(SERVICES.items()) for v in vs])
def test_missing_setting_is_one_line_naming_the_variable(script: str, variable: str) -> None:
    others = {name: VALID[name] for name in SERVICES[script] if name != variable}
    result = _run(script, env=others)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{variable} is not set" in lines[0]


def test_refused_setting_names_the_variable() -> None:
    result = _run("aktywni-reporting", env={"AKTYWNI_JWT_SECRET": "x" * 32, "REPORTING_PORT": "osiem"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "aktywni-reporting: REPORTING_PORT: Input should be a valid integer, unable to parse string as an integer"
    ]


def test_replay_names_a_missing_setting_without_a_traceback() -> None:
    result = _run("aktywni-reporting-replay", env={"REPORTING_BATCH_SIZE": "dużo"})
    assert result.returncode == 2
    assert "REPORTING_BATCH_SIZE" in result.stderr
    assert "Traceback" not in result.stderr


def test_token_without_its_key_names_the_variable() -> None:
    result = _run("aktywni-token", "--user", "anna", "--organisation", "mops-wroclaw", "--role", "coordinator")
    assert result.returncode == 2
    assert "AKTYWNI_JWT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr

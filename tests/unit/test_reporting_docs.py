"""The committed event catalogue is the one the contracts generate (regenerate it when a contract changes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools import event_docs

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_committed_event_catalogue_is_up_to_date() -> None:
    committed = (DOCS / "events.md").read_text(encoding="utf-8")
    assert committed == event_docs.catalogue(), (
        "stale: run `.venv/bin/python tools/event_docs.py events docs/events.md`"
    )


def test_the_catalogue_covers_every_event_and_topic() -> None:
    text = event_docs.catalogue()
    for payload in event_docs.payloads():
        assert f"## {payload.event_type} v{payload.event_version}" in text
    assert "## TargetAtRisk v1" in text
    assert "`reporting.indicators` | 3 | project_id" in text


def test_the_exported_asyncapi_documents_name_each_services_channels() -> None:
    for service in event_docs.SERVICES:
        assert (DOCS / "asyncapi" / f"{service}.json").exists(), (
            "run `.venv/bin/python tools/event_docs.py asyncapi docs/asyncapi`"
        )
    reporting = event_docs.asyncapi("reporting")
    assert reporting["asyncapi"].startswith("3.")
    assert any("reporting.indicators" in name for name in reporting["channels"])


def test_the_tool_runs_as_a_script_and_checks_the_catalogue() -> None:
    """``.venv/bin/python tools/event_docs.py events docs/events.md --check``: exit 0 when it is current."""
    result = subprocess.run(
        [sys.executable, str(DOCS.parent / "tools" / "event_docs.py"), "events", str(DOCS / "events.md"), "--check"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

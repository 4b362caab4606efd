"""The committed event catalogue is the one the contracts generate (regenerate it when a contract changes)."""

from __future__ import annotations

from pathlib import Path

from reporting import docs_cli

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_committed_event_catalogue_is_up_to_date() -> None:
    committed = (DOCS / "events.md").read_text(encoding="utf-8")
    assert committed == docs_cli.catalogue(), "stale: run `uv run aktywni-reporting-docs events docs/events.md`"


def test_the_catalogue_covers_every_event_and_topic() -> None:
    text = docs_cli.catalogue()
    for payload in docs_cli.payloads():
        assert f"## {payload.event_type} v{payload.event_version}" in text
    assert "## TargetAtRisk v1" in text
    assert "`reporting.indicators` | 3 | project_id" in text


def test_the_exported_asyncapi_documents_name_each_services_channels() -> None:
    for service in docs_cli.SERVICES:
        assert (DOCS / "asyncapi" / f"{service}.json").exists(), (
            "run `uv run aktywni-reporting-docs asyncapi docs/asyncapi`"
        )
    reporting = docs_cli.asyncapi("reporting")
    assert reporting["asyncapi"].startswith("3.")
    assert any("reporting.indicators" in name for name in reporting["channels"])

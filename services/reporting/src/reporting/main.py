"""`aktywni-reporting`: run the reporting service (HTTP API and event consumers)."""

from __future__ import annotations

from aktywni_shared.http_server import serve
from reporting.app import build
from reporting.settings import ReportingSettings


def main() -> None:
    settings = ReportingSettings()
    serve(build(settings), settings)

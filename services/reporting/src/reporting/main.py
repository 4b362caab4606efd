"""`aktywni-reporting`: run the reporting service (HTTP API and event consumers)."""

from __future__ import annotations

from aktywni_shared.http_server import serve
from aktywni_shared.settings import command_parser, from_environment
from reporting.app import build
from reporting.settings import ReportingSettings


def main(argv: list[str] | None = None) -> None:
    command_parser("aktywni-reporting", __doc__, ReportingSettings).parse_args(argv)
    settings = from_environment(ReportingSettings, "aktywni-reporting")
    serve(build(settings), settings)

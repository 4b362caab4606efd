"""`aktywni-scheduling`: run the scheduling service (HTTP API and event consumers)."""

from __future__ import annotations

from aktywni_shared.http_server import serve
from aktywni_shared.settings import command_parser, from_environment
from scheduling.app import build
from scheduling.settings import SchedulingSettings


def main(argv: list[str] | None = None) -> None:
    command_parser("aktywni-scheduling", __doc__, SchedulingSettings).parse_args(argv)
    settings = from_environment(SchedulingSettings, "aktywni-scheduling")
    serve(build(settings), settings)

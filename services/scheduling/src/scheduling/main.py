"""`aktywni-scheduling`: run the scheduling service (HTTP API and event consumers)."""

from __future__ import annotations

from aktywni_shared.http_server import serve
from scheduling.app import build
from scheduling.settings import SchedulingSettings


def main() -> None:
    settings = SchedulingSettings()
    serve(build(settings), settings)

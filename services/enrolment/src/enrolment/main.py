"""`aktywni-enrolment`: run the enrolment service (HTTP API, outbox relay, event consumers)."""

from __future__ import annotations

from aktywni_shared.http_server import serve
from aktywni_shared.settings import command_parser, from_environment
from enrolment.app import build
from enrolment.settings import EnrolmentSettings


def main(argv: list[str] | None = None) -> None:
    command_parser("aktywni-enrolment", __doc__, EnrolmentSettings).parse_args(argv)
    settings = from_environment(EnrolmentSettings, "aktywni-enrolment")
    serve(build(settings), settings)

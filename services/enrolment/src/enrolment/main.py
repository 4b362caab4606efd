"""`aktywni-enrolment`: run the enrolment service (HTTP API, outbox relay, event consumers)."""

from __future__ import annotations

from aktywni_shared.http_server import serve
from enrolment.app import build
from enrolment.settings import EnrolmentSettings


def main() -> None:
    settings = EnrolmentSettings()  # pii_key comes from the environment (ENROLMENT_PII_KEY)
    serve(build(settings), settings)

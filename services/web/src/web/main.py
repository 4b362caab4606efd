"""`aktywni-web`: run the staff web application (server-rendered pages over the services' APIs)."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from aktywni_shared.structured_logging import configure
from web.app import build
from web.settings import NAME, WebSettings


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(prog="aktywni-web", description=__doc__).parse_args(argv)
    settings = WebSettings()  # read from the environment
    configure(NAME, settings.log_level)
    # httpx logs every request's full address at INFO: the PESEL filter to enrolment would be in it
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))
    # uvicorn's own access log prints raw paths: the shared AccessLog (route templates only) replaces it.
    uvicorn.run(
        build(settings), host=settings.host, port=settings.port, log_config=None, access_log=False, use_colors=False
    )

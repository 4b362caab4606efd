"""Reporting's refusals as HTTP answers: the shared handlers (404, 403, 422 naming the field); no 409s."""

from __future__ import annotations

from fastapi import FastAPI

from aktywni_shared.http_errors import install_error_handlers


def install(app: FastAPI) -> None:
    install_error_handlers(app, conflicts=False)

"""Running a service's HTTP app with uvicorn, the same way for every service."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from aktywni_shared.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)

"""The runtime of one service: its database, its Kafka broker, its background loops, its HTTP app.

The FastAPI app and the FastStream broker run side by side in one process: the app's lifespan
starts the broker and the background loops (outbox relay) and stops them on the way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from faststream.specification import AsyncAPI

from aktywni_shared import metrics, mongo, structured_logging, tracing
from aktywni_shared.auth import authentication
from aktywni_shared.contracts.topics import ALL, Topic, dead_letter
from aktywni_shared.http_server import AccessLog
from aktywni_shared.messaging.kafka import ensure_topics, make_broker
from aktywni_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

STARTUP_RETRY_SECONDS = 60.0


class ServiceRuntime:
    def __init__(self, name: str, settings: ServiceSettings) -> None:
        self.name = name
        self.settings = settings
        self.kafka_security = settings.kafka_security()
        tracing.configure(name)  # before the database client: its commands are traced from the start
        self.broker = make_broker(settings.kafka_bootstrap_servers, client_id=name, security=self.kafka_security)
        # a registry per runtime (several apps in one process); consumers and relay find it by the broker
        self.metrics = metrics.of(self.broker)
        self.broker.add_middleware(self.metrics.kafka_middleware(name))
        self.metrics.watch_consumers(self.broker)
        self.mongo = mongo.connect(settings.mongodb_uri, listeners=[self.metrics.database])
        self.db = self.mongo[settings.database_name(name)]
        self.tokens = settings.token_verifier()
        self.authenticate = authentication(self.tokens)
        self.topics: list[Topic] = [*ALL, dead_letter(name)]
        self.startup_hooks: list[Callable[[], Awaitable[None]]] = []
        self.background: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        deadline = time.monotonic() + STARTUP_RETRY_SECONDS
        while True:
            try:
                await ensure_topics(self.settings.kafka_bootstrap_servers, self.topics, self.kafka_security)
                for hook in self.startup_hooks:
                    await hook()
                await self.broker.start()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                log.warning("Kafka or the database is not reachable yet; retrying", exc_info=True)
                await asyncio.sleep(1.0)
        self._tasks = [asyncio.create_task(loop(), name=f"{self.name}:{loop.__name__}") for loop in self.background]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.broker.stop()
        await self.mongo.close()

    async def readiness(self) -> dict[str, bool]:
        kafka_ok = await self.broker.ping(timeout=2.0)
        db_ok = await mongo.ping(self.db)
        return {"kafka": kafka_ok, "database": db_ok}

    def asyncapi(self) -> Any:
        spec = AsyncAPI(self.broker, title=f"Aktywni {self.name}", version="0.1.0")
        return spec.to_specification().to_jsonable()


def create_app(runtime: ServiceRuntime, *, description: str, routers: Iterable[APIRouter]) -> FastAPI:
    structured_logging.configure(runtime.name, runtime.settings.log_level)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        log.info("started", extra={"kafka": runtime.settings.kafka_bootstrap_servers})
        try:
            yield
        finally:
            await runtime.stop()

    # /docs and /redoc from the service itself (assets of the fastapi-offline package), no CDN.
    app = FastAPIOffline(title=f"Aktywni — {runtime.name}", description=description, version="0.1.0", lifespan=lifespan)

    @app.get("/health", tags=["operations"], summary="Liveness: the process answers")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    @app.get(
        "/ready",
        tags=["operations"],
        summary="Readiness: Kafka and the database are reachable",
        responses={503: {"description": "Kafka or the database is not reachable"}},
    )
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(checks.values())
        return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)

    @app.get("/asyncapi.json", tags=["operations"], summary="AsyncAPI document of this service's events")
    async def asyncapi() -> Any:
        return runtime.asyncapi()

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        # Name the field and the reason; never echo the submitted value (it may be a PESEL).
        detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        return JSONResponse({"detail": detail}, status_code=422)

    for router in routers:
        app.include_router(router)
    app.add_middleware(AccessLog)
    metrics.install(app, runtime.metrics)
    tracing.instrument_app(app)
    return app

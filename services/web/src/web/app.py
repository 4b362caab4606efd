"""Wiring of the staff web application: the services' clients, the sessions, the sign-in, the pages."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from aktywni_shared import metrics, tracing
from aktywni_shared.clock import SystemClock
from aktywni_shared.http_server import AccessLog
from web.routes import activities, auth, imports, indicators, participants, projects, reports, staff, start, venues
from web.routes import audit as audit_pages
from web.routes import sessions as session_pages
from web.routes.deps import CsrfRefused, Services, SignInNeeded, page
from web.routes.security import content_security_policy, session_middleware
from web.settings import WebSettings
from web.store.clients import EnrolmentClient, ReportingClient, SchedulingClient
from web.store.oidc import Provider
from web.store.sessions import Sessions

STATIC = Path(__file__).resolve().parent / "static"


def build(settings: WebSettings) -> FastAPI:
    if settings.test_sign_in and settings.oidc_issuer:
        raise ValueError("AKTYWNI_WEB_TEST_SIGN_IN is for tests only and refused with an identity provider")
    tracing.configure("web")  # when traces are on, the calls to the services carry the request's context
    public_url = settings.public_url.rstrip("/")
    provider = (
        Provider(settings.oidc_issuer, settings.oidc_client_id, f"{public_url}/auth/callback")
        if settings.oidc_issuer
        else None
    )
    enrolment = EnrolmentClient(settings.enrolment_url)
    reporting = ReportingClient(settings.reporting_url)
    scheduling = SchedulingClient(settings.scheduling_url)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            for client in (enrolment, reporting, scheduling):
                await client.close()

    app = FastAPI(title="Aktywni — aplikacja dla pracowników", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.services = Services(enrolment, reporting, scheduling, provider, SystemClock(), settings.reporting_url)
    app.state.public_url = public_url
    app.state.test_sign_in = settings.test_sign_in
    sessions = Sessions(settings.session_secret.get_secret_value(), settings.session_idle_seconds)
    csp = content_security_policy(provider.origin if provider else None)
    app.middleware("http")(session_middleware(sessions, secure=not settings.insecure_cookies, csp=csp))

    _operations(app)
    routers = (auth, start, projects, participants, imports, reports, indicators, session_pages, venues)
    for router in (module.router for module in routers):
        app.include_router(router)
    app.include_router(audit_pages.router)  # the audit log ("Dziennik dostępu")
    app.include_router(staff.router)  # trainers and specialists ("Prowadzący")
    app.include_router(activities.router)  # a project's forms of support
    if settings.test_sign_in:
        app.include_router(auth.test_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if settings.assets_dir is not None and settings.assets_dir.is_dir():
        app.mount("/vendor", StaticFiles(directory=settings.assets_dir), name="vendor")
    app.add_middleware(AccessLog)
    metrics.install(app, metrics.ServiceMetrics())  # /metrics: requests by route template, status, duration
    tracing.instrument_app(app)
    return app


def _operations(app: FastAPI) -> None:
    """Health and readiness (no dependency to check: the app keeps nothing), and the pages' redirects."""

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "web"}

    @app.get("/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        return JSONResponse({"ready": True})

    @app.exception_handler(SignInNeeded)
    async def to_sign_in(_: Request, error: SignInNeeded) -> Response:
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: CsrfRefused) -> Response:
        return page(request, "refused.html", {"errors": [], "csrf": True}, 403)

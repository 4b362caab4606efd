"""Providers of the pages: the session, the signed-in caller, the CSRF-checked form, the clients, templates."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse

from aktywni_shared.clock import Clock
from web.domain import errors, labels
from web.store.oidc import Provider, needs_refresh
from web.store.sessions import Session
from web.use_cases.ports import Enrolment, Reporting, Scheduling

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
TEMPLATES.env.globals.update(labels=labels, label=labels.label, field_labels=errors.FIELD_LABELS)


class SignInNeeded(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    pass


@dataclass
class Services:
    enrolment: Enrolment
    reporting: Reporting
    scheduling: Scheduling
    provider: Provider | None
    clock: Clock
    reporting_url: str


def session_of(request: Request) -> Session:
    session: Session = request.state.session
    return session


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def signed_in(request: Request) -> Session:
    """The signed-in person's session, its access token refreshed when about to expire; else to the sign-in."""
    session = session_of(request)
    provider = services(request).provider
    if session.signed_in and needs_refresh(session) and (provider is None or not await provider.refresh(session)):
        session.sign_out()
    if not session.signed_in:
        raise SignInNeeded(request.url.path)
    return session


async def checked_form(request: Request) -> FormData:
    """The POSTed form, refused unless it carries this session's CSRF token."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, session_of(request).csrf_token):
        raise CsrfRefused
    return form


def today(request: Request) -> date:
    return services(request).clock.today()


Caller = Annotated[Session, Depends(signed_in)]
Form = Annotated[FormData, Depends(checked_form)]
Api = Annotated[Services, Depends(services)]


def text_fields(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    session = session_of(request)
    return TEMPLATES.TemplateResponse(
        request, template, {"session": session, "csrf_token": session.csrf_token, **context}, status_code=status_code
    )

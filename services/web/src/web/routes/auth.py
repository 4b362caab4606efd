"""Sign-in through the identity provider, its callback, and sign-out (which ends the provider's session too)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.routes.deps import Api, Form, page, session_of, text_fields
from web.store.oidc import claims_of

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
#: Only site-relative paths are followed after sign-in (no open redirect).
_SAFE_NEXT = "/"


def _safe(next_path: str) -> str:
    return next_path if next_path.startswith("/") and not next_path.startswith("//") else _SAFE_NEXT


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, api: Api) -> Response:
    return page(request, "sign_in.html", {"provider": api.provider is not None, "test_sign_in": _test_seam(request)})


@router.post("/sign-in")
async def sign_in(request: Request, api: Api, form: Form) -> Response:
    if api.provider is None:
        return page(request, "sign_in.html", {"provider": False, "test_sign_in": _test_seam(request)}, 503)
    next_path = _safe(str(form.get("next") or "/"))
    return RedirectResponse(await api.provider.sign_in_url(session_of(request), next_path), status_code=303)


@router.get("/auth/callback")
async def callback(
    request: Request, api: Api, state: Annotated[str, Query()] = "", code: Annotated[str, Query()] = ""
) -> Response:
    session = session_of(request)
    if api.provider is None or state not in session.pending or not code:
        return page(request, "sign_in.html", {"provider": api.provider is not None, "failed": True}, 400)
    try:
        next_path = await api.provider.finish(session, state, code)
    except Exception:  # noqa: BLE001 - a refused or failed code exchange: say so, log no token or code
        log.warning("sign-in: the provider refused the code exchange")
        return page(request, "sign_in.html", {"provider": True, "failed": True}, 400)
    return RedirectResponse(next_path, status_code=303)


@router.post("/sign-out")
async def sign_out(request: Request, api: Api, _form: Form) -> Response:
    session = session_of(request)
    id_token = session.id_token
    session.sign_out()
    after = f"{request.app.state.public_url}/signed-out"
    end = await api.provider.sign_out_url(id_token, after) if api.provider is not None else None
    return RedirectResponse(end or "/signed-out", status_code=303)


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out(request: Request) -> Response:
    return page(request, "signed_out.html", {})


def _test_seam(request: Request) -> bool:
    return bool(request.app.state.test_sign_in)


test_router = APIRouter(include_in_schema=False)


@test_router.post("/test/sign-in")
async def test_sign_in(request: Request, form: Form) -> Response:
    """Tests only (``AKTYWNI_WEB_TEST_SIGN_IN``, never with a provider): a session from a given access token."""
    fields = text_fields(form)
    session = session_of(request)
    token = fields.get("access_token", "")
    claims = claims_of(token)
    session.access_token = token
    session.expires_at = float(claims.get("exp", 0))
    session.user = str(claims.get("preferred_username") or claims.get("sub", ""))
    session.organisation_id = str(claims.get("org", ""))
    session.role = str(claims.get("role", ""))
    return RedirectResponse(_safe(fields.get("next", "/")), status_code=303)

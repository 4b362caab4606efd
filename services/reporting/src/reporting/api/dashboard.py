"""The live dashboard: a static page (no data in it) and a server-sent-event stream of the report.

The page asks for a token once (login form, or ``?token=`` which it then removes from the address),
keeps it in the tab's session storage and sends it as a bearer token to the stream; the stream is
read with ``fetch`` so that the token travels in the ``Authorization`` header, never in a URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from importlib import resources

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from reporting.api.deps import Caller, LiveChanges, OrganisationFilter, ProjectId, UseCases
from reporting.use_cases.live import POLL_SECONDS, Changes
from reporting.use_cases.reports import Reports

STATIC = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
KEEP_ALIVE_SECONDS = 15.0

router = APIRouter(tags=["dashboard"])


def _asset(name: str) -> bytes:
    return resources.files("reporting.dashboard").joinpath(name).read_bytes()


@router.get("/dashboard/{project_id}", response_class=HTMLResponse, summary="The project's live dashboard (page)")
async def page(project_id: ProjectId) -> HTMLResponse:
    del project_id  # the page reads it from its address; it holds no data itself
    return HTMLResponse(_asset("index.html"), headers={"Cache-Control": "no-store"})


@router.get("/dashboard-static/{name}", include_in_schema=False)
async def asset(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(404, detail=f"{name} not found")
    return Response(_asset(name), media_type=STATIC[name])


async def _events(
    request: Request, reports: Reports, changes: Changes, project_id: str, scope: str | None
) -> AsyncIterator[str]:
    """The report now and whenever the project's version changes; a comment now and then to keep it open."""
    last: object = None
    quiet = 0.0
    yield "retry: 2000\n\n"
    while not await request.is_disconnected():
        version = await reports.version(project_id)
        if version != last:
            current = await reports.project(project_id)
            report = await reports.compute(current, scope)
            yield f"event: report\ndata: {report.model_dump_json()}\n\n"
            last, quiet = version, 0.0
        elif quiet >= KEEP_ALIVE_SECONDS:
            yield ": keep-alive\n\n"
            quiet = 0.0
        started = asyncio.get_running_loop().time()
        await changes.wait(project_id, POLL_SECONDS)
        quiet += asyncio.get_running_loop().time() - started


@router.get(
    "/projects/{project_id}/stream",
    summary="Server-sent events: the report (`event: report`) now and whenever it changes",
    responses={200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
async def stream(
    request: Request,
    project_id: ProjectId,
    reports: UseCases,
    changes: LiveChanges,
    caller: Caller,
    organisation: OrganisationFilter = None,
) -> StreamingResponse:
    scope = await reports.scope(caller, project_id, organisation)
    return StreamingResponse(
        _events(request, reports, changes, project_id, scope),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

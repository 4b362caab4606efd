"""Activities and sessions: plan, schedule, reschedule, cancel, change capacity, list."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from scheduling.api.views import SessionOut, session_out
from scheduling.domain.activities import Activity, PlanActivity
from scheduling.domain.sessions import CancelSession, ChangeCapacity, Reschedule, ScheduleSession
from scheduling.domain.times import Moment, moment_from, moment_until
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.planning import Planning

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
MAX_SESSIONS = 1000


def router(planning: Planning, bookings: Bookings, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["activities and sessions"])
    stores = planning.stores

    @api.post("/projects/{project_id}/activities", status_code=201, summary="Plan an activity (a coordinator)")
    async def plan(
        project_id: ProjectId, command: PlanActivity, caller: Principal = Depends(authenticated)
    ) -> Activity:
        return await planning.plan_activity(caller, project_id, command)

    @api.get("/projects/{project_id}/activities", summary="The project's activities")
    async def activities(project_id: ProjectId, caller: Principal = Depends(authenticated)) -> list[Activity]:
        return await planning.activities(caller, project_id)

    @api.post(
        "/activities/{activity_id}/sessions",
        status_code=201,
        summary="Schedule a session; 409 lists every conflict (room, staff, hours, capacity, ...)",
    )
    async def schedule(
        activity_id: uuid.UUID, command: ScheduleSession, caller: Principal = Depends(authenticated)
    ) -> SessionOut:
        stored = await planning.schedule(caller, str(activity_id), command)
        project = await stores.project(stored.session.project_id)
        return session_out(caller, project, stored)

    @api.get("/projects/{project_id}/sessions", summary="The project's sessions (a trainer: the ones they lead)")
    async def sessions(
        project_id: ProjectId,
        caller: Principal = Depends(authenticated),
        starts_from: Annotated[
            Moment | None,
            Query(alias="from", description="Sessions ending after this moment; a day starts at Warsaw's midnight"),
        ] = None,
        until: Annotated[
            Moment | None,
            Query(alias="to", description="Sessions starting before this moment; a day means the whole day, inclusive"),
        ] = None,
    ) -> list[SessionOut]:
        project, found = await planning.sessions(
            caller,
            project_id,
            moment_from(starts_from) if starts_from is not None else None,
            moment_until(until) if until is not None else None,
        )
        return [session_out(caller, project, stored) for stored in found[:MAX_SESSIONS]]

    @api.get("/sessions/{session_id}", summary="One session, with the bookings you may see")
    async def session(session_id: uuid.UUID, caller: Principal = Depends(authenticated)) -> SessionOut:
        stored, project = await stores.readable_session(caller, str(session_id))
        return session_out(caller, project, stored)

    @api.post("/sessions/{session_id}/reschedule", summary="Move a session; bookings stay; 409 lists conflicts")
    async def reschedule(
        session_id: uuid.UUID, command: Reschedule, caller: Principal = Depends(authenticated)
    ) -> SessionOut:
        stored = await planning.reschedule(caller, str(session_id), command)
        return session_out(caller, await stores.project(stored.session.project_id), stored)

    @api.post("/sessions/{session_id}/cancellation", summary="Cancel a session and every booking of it")
    async def cancel(
        session_id: uuid.UUID, command: CancelSession, caller: Principal = Depends(authenticated)
    ) -> SessionOut:
        stored = await planning.cancel(caller, str(session_id), command.reason)
        return session_out(caller, await stores.project(stored.session.project_id), stored)

    @api.put("/sessions/{session_id}/capacity", summary="Change the seats; more seats promote the waitlist")
    async def capacity(
        session_id: uuid.UUID, command: ChangeCapacity, caller: Principal = Depends(authenticated)
    ) -> SessionOut:
        await planning.change_capacity(caller, str(session_id), command)
        await bookings.promote_next(str(session_id))
        stored, project = await stores.readable_session(caller, str(session_id))
        return session_out(caller, project, stored)

    return api

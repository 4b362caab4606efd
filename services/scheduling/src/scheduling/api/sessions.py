"""Activities and sessions: plan, schedule, reschedule, cancel, change capacity, list."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from scheduling.api.deps import BookingsUse, Caller, PlanningUse, ProjectId
from scheduling.api.views import SessionOut, session_out
from scheduling.domain.activities import Activity, PlanActivity
from scheduling.domain.sessions import CancelSession, ChangeCapacity, Reschedule, ScheduleSession
from scheduling.domain.times import Moment, moment_from, moment_until

MAX_SESSIONS = 1000

router = APIRouter(tags=["activities and sessions"])


@router.post("/projects/{project_id}/activities", status_code=201, summary="Plan an activity (a coordinator)")
async def plan(project_id: ProjectId, command: PlanActivity, caller: Caller, planning: PlanningUse) -> Activity:
    return await planning.plan_activity(caller, project_id, command)


@router.get("/projects/{project_id}/activities", summary="The project's activities")
async def activities(project_id: ProjectId, caller: Caller, planning: PlanningUse) -> list[Activity]:
    return await planning.activities(caller, project_id)


@router.post(
    "/activities/{activity_id}/sessions",
    status_code=201,
    summary="Schedule a session; 409 lists every conflict (room, staff, hours, capacity, ...)",
)
async def schedule(
    activity_id: uuid.UUID, command: ScheduleSession, caller: Caller, planning: PlanningUse
) -> SessionOut:
    stored = await planning.schedule(caller, str(activity_id), command)
    return session_out(caller, await planning.project(stored.session.project_id), stored)


@router.get("/projects/{project_id}/sessions", summary="The project's sessions (a trainer: the ones they lead)")
async def sessions(
    project_id: ProjectId,
    caller: Caller,
    planning: PlanningUse,
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


@router.get("/sessions/{session_id}", summary="One session, with the bookings you may see")
async def session(session_id: uuid.UUID, caller: Caller, planning: PlanningUse) -> SessionOut:
    stored, project = await planning.session(caller, str(session_id))
    return session_out(caller, project, stored)


@router.post("/sessions/{session_id}/reschedule", summary="Move a session; bookings stay; 409 lists conflicts")
async def reschedule(session_id: uuid.UUID, command: Reschedule, caller: Caller, planning: PlanningUse) -> SessionOut:
    stored = await planning.reschedule(caller, str(session_id), command)
    return session_out(caller, await planning.project(stored.session.project_id), stored)


@router.post("/sessions/{session_id}/cancellation", summary="Cancel a session and every booking of it")
async def cancel(session_id: uuid.UUID, command: CancelSession, caller: Caller, planning: PlanningUse) -> SessionOut:
    stored = await planning.cancel(caller, str(session_id), command.reason)
    return session_out(caller, await planning.project(stored.session.project_id), stored)


@router.put("/sessions/{session_id}/capacity", summary="Change the seats; more seats promote the waitlist")
async def capacity(
    session_id: uuid.UUID, command: ChangeCapacity, caller: Caller, planning: PlanningUse, bookings: BookingsUse
) -> SessionOut:
    await planning.change_capacity(caller, str(session_id), command)
    await bookings.promote_next(str(session_id))
    stored, project = await planning.session(caller, str(session_id))
    return session_out(caller, project, stored)

"""Bookings, waitlist offers and attendance of a session."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.auth import Authenticate, Principal
from scheduling.api.views import BookingOut
from scheduling.domain import access
from scheduling.domain.attendance import Progress, RecordAttendance
from scheduling.domain.bookings import BookingState
from scheduling.domain.errors import NotFound
from scheduling.domain.timelines import participant_key
from scheduling.use_cases.attendance import Attendance, Recorded
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.context import Stores

#: Participants booked in one request at most (a session of the seed project seats 30).
MAX_GROUP = 200


class BookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: uuid.UUID


class GroupBookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_GROUP)


async def _visible_participant(stores: Stores, caller: Principal, participant_id: str) -> None:
    participant = await stores.participants.get(participant_id)
    project = None if participant is None else await stores.projects.get(participant.project_id)
    if (
        participant is None
        or project is None
        or not access.sees_participant(caller, project, participant.organisation_id)
    ):
        raise NotFound(f"participant {participant_id} not found", "participant_id")


async def _bookings_of(stores: Stores, pid: str) -> list[BookingOut]:
    found = []
    for stored in await stores.sessions.many(await stores.timelines.sessions(participant_key(pid))):
        booking = stored.bookings.get(pid)
        if booking is not None:
            found.append(BookingOut.of(stored.session.session_id, booking, stored.attendance.get(pid)))
    return sorted(found, key=lambda b: (b.state is BookingState.CANCELLED, b.requested_at))


def router(bookings: Bookings, attendance: Attendance, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["bookings and attendance"])
    stores = bookings.stores

    @api.post(
        "/sessions/{session_id}/bookings",
        status_code=201,
        summary="Book a participant: a seat (state confirmed), or the waitlist when full; 409 lists conflicts",
        responses={200: {"description": "the participant's booking exists already"}},
    )
    async def book(
        session_id: uuid.UUID, request: BookingRequest, response: Response, caller: Principal = Depends(authenticated)
    ) -> BookingOut:
        booking, new = await bookings.book(caller, str(session_id), str(request.participant_id))
        if not new:
            response.status_code = 200
        return BookingOut.of(session_id, booking)

    @api.post(
        "/sessions/{session_id}/bookings/batch",
        summary="Book a group into a session in one request (seats for all at once when there are); "
        "404/409 name participant_ids.<n> and book nobody",
    )
    async def book_many(
        session_id: uuid.UUID, request: GroupBookingRequest, caller: Principal = Depends(authenticated)
    ) -> list[BookingOut]:
        pids = [str(p) for p in request.participant_ids]
        return [BookingOut.of(session_id, b) for b, _ in await bookings.book_many(caller, str(session_id), pids)]

    @api.delete("/sessions/{session_id}/bookings/{participant_id}", summary="Cancel a booking; the waitlist moves up")
    async def cancel(
        session_id: uuid.UUID, participant_id: uuid.UUID, caller: Principal = Depends(authenticated)
    ) -> BookingOut:
        booking = await bookings.cancel(caller, str(session_id), str(participant_id))
        return BookingOut.of(session_id, booking)

    @api.post(
        "/sessions/{session_id}/bookings/{participant_id}/confirmation",
        summary="Accept a seat offered from the waitlist before its deadline",
    )
    async def confirm(
        session_id: uuid.UUID, participant_id: uuid.UUID, caller: Principal = Depends(authenticated)
    ) -> BookingOut:
        booking = await bookings.confirm_offer(caller, str(session_id), str(participant_id))
        return BookingOut.of(session_id, booking)

    @api.post(
        "/sessions/{session_id}/attendance",
        summary="Record present / absent / excused (the session's trainer or a coordinator); repeating is harmless",
    )
    async def record(
        session_id: uuid.UUID, command: RecordAttendance, caller: Principal = Depends(authenticated)
    ) -> list[Recorded]:
        return await attendance.record(caller, str(session_id), command)

    @api.get("/participants/{participant_id}/progress", summary="Hours attended per activity and completion")
    async def progress(participant_id: uuid.UUID, caller: Principal = Depends(authenticated)) -> list[Progress]:
        await _visible_participant(stores, caller, str(participant_id))
        return await attendance.progress_of(str(participant_id))

    @api.get("/participants/{participant_id}/bookings", summary="A participant's bookings (active and past)")
    async def of_participant(participant_id: uuid.UUID, caller: Principal = Depends(authenticated)) -> list[BookingOut]:
        pid = str(participant_id)
        await _visible_participant(stores, caller, pid)
        return await _bookings_of(stores, pid)

    return api

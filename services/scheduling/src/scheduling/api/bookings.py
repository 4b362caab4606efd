"""Bookings, waitlist offers and attendance of a session."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from scheduling.api.deps import AttendanceUse, BookingsUse, Caller
from scheduling.api.views import BookingOut
from scheduling.domain.attendance import Progress, RecordAttendance
from scheduling.use_cases.attendance import Recorded

#: Participants booked in one request at most (a session of the seed project seats 30).
MAX_GROUP = 200


class BookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: uuid.UUID


class GroupBookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_GROUP)


router = APIRouter(tags=["bookings and attendance"])


@router.post(
    "/sessions/{session_id}/bookings",
    status_code=201,
    summary="Book a participant: a seat (state confirmed), or the waitlist when full; 409 lists conflicts",
    responses={200: {"description": "the participant's booking exists already"}},
)
async def book(
    session_id: uuid.UUID, request: BookingRequest, response: Response, caller: Caller, bookings: BookingsUse
) -> BookingOut:
    booking, new = await bookings.book(caller, str(session_id), str(request.participant_id))
    if not new:
        response.status_code = 200
    return BookingOut.of(session_id, booking)


@router.post(
    "/sessions/{session_id}/bookings/batch",
    summary="Book a group into a session in one request (seats for all at once when there are); "
    "404/409 name participant_ids.<n> and book nobody",
)
async def book_many(
    session_id: uuid.UUID, request: GroupBookingRequest, caller: Caller, bookings: BookingsUse
) -> list[BookingOut]:
    pids = [str(p) for p in request.participant_ids]
    return [BookingOut.of(session_id, b) for b, _ in await bookings.book_many(caller, str(session_id), pids)]


@router.delete("/sessions/{session_id}/bookings/{participant_id}", summary="Cancel a booking; the waitlist moves up")
async def cancel(session_id: uuid.UUID, participant_id: uuid.UUID, caller: Caller, bookings: BookingsUse) -> BookingOut:
    booking = await bookings.cancel(caller, str(session_id), str(participant_id))
    return BookingOut.of(session_id, booking)


@router.post(
    "/sessions/{session_id}/bookings/{participant_id}/confirmation",
    summary="Accept a seat offered from the waitlist before its deadline",
)
async def confirm(
    session_id: uuid.UUID, participant_id: uuid.UUID, caller: Caller, bookings: BookingsUse
) -> BookingOut:
    booking = await bookings.confirm_offer(caller, str(session_id), str(participant_id))
    return BookingOut.of(session_id, booking)


@router.post(
    "/sessions/{session_id}/attendance",
    summary="Record present / absent / excused (the session's trainer or a coordinator); repeating is harmless",
)
async def record(
    session_id: uuid.UUID, command: RecordAttendance, caller: Caller, attendance: AttendanceUse
) -> list[Recorded]:
    return await attendance.record(caller, str(session_id), command)


@router.get("/participants/{participant_id}/progress", summary="Hours attended per activity and completion")
async def progress(participant_id: uuid.UUID, caller: Caller, attendance: AttendanceUse) -> list[Progress]:
    return await attendance.progress_of(caller, str(participant_id))


@router.get("/participants/{participant_id}/bookings", summary="A participant's bookings (active and past)")
async def of_participant(participant_id: uuid.UUID, caller: Caller, bookings: BookingsUse) -> list[BookingOut]:
    pid = str(participant_id)
    return [
        BookingOut.of(stored.session.session_id, booking, stored.attendance.get(pid))
        for stored, booking in await bookings.of_participant(caller, pid)
    ]

"""What the API answers about sessions and bookings, and to whom (no participants for auditors)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from aktywni_shared.identity import Principal
from scheduling.domain import access
from scheduling.domain.bookings import Booking, BookingState, StoredSession
from scheduling.domain.projects import ProjectView
from scheduling.domain.sessions import Session


class BookingOut(BaseModel):
    booking_id: uuid.UUID
    session_id: uuid.UUID
    participant_id: str
    state: BookingState
    from_waitlist: bool
    requested_at: datetime
    confirm_by: datetime | None = None
    attendance: str | None = None

    @classmethod
    def of(cls, session_id: uuid.UUID, booking: Booking, attendance: str | None = None) -> BookingOut:
        return cls(
            booking_id=booking.booking_id,
            session_id=session_id,
            participant_id=booking.participant_id,
            state=booking.state,
            from_waitlist=booking.from_waitlist,
            requested_at=booking.requested_at,
            confirm_by=booking.confirm_by,
            attendance=attendance,
        )


class SessionOut(Session):
    venue_key: SkipJsonSchema[str | None] = Field(None, exclude=True)  # internal
    confirmed: int
    offered: int
    waitlisted: int
    bookings: list[BookingOut] | None = None  # only for those who may see who is booked


def visible_bookings(principal: Principal, project: ProjectView, stored: StoredSession) -> list[BookingOut] | None:
    if not access.sees_bookings(principal):
        return None
    s = stored.session
    items = sorted(stored.bookings.values(), key=lambda b: (b.requested_at, b.booking_id))
    if not access.sees_every_booking(principal):
        items = [b for b in items if access.sees_participant(principal, project, b.organisation_id or "")]
    return [BookingOut.of(s.session_id, b, stored.attendance.get(b.participant_id)) for b in items]


def session_out(principal: Principal, project: ProjectView, stored: StoredSession) -> SessionOut:
    states = [b.state for b in stored.bookings.values()]
    return SessionOut(
        **stored.session.model_dump(),
        confirmed=states.count(BookingState.CONFIRMED),
        offered=states.count(BookingState.OFFERED),
        waitlisted=states.count(BookingState.WAITLISTED),
        bookings=visible_bookings(principal, project, stored),
    )

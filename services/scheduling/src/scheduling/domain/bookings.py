"""Bookings of one session: confirmed seats, seats offered from the waitlist, the waitlist, cancellations.

Seats are counted from the facts (confirmed and offered bookings hold a seat); the session's
``free`` counter is what the database guards, and every rewrite recomputes it from the bookings.
The waitlist is first come, first served: ordered by request time, then booking id (UUIDv7).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

from aktywni_shared.contracts.events import (
    BookingCancelledV1,
    BookingConfirmedV1,
    ParticipantWaitlistedV1,
    SeatOfferedV1,
)
from aktywni_shared.contracts.vocabulary import BookingCancellationReason
from scheduling.domain.sessions import Session


class BookingState(StrEnum):
    CONFIRMED = "confirmed"
    OFFERED = "offered"  # a freed seat held for a waitlisted participant until confirm_by
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


HOLDS_SEAT = frozenset({BookingState.CONFIRMED, BookingState.OFFERED})
ACTIVE = frozenset({BookingState.CONFIRMED, BookingState.OFFERED, BookingState.WAITLISTED})


class Booking(BaseModel):
    booking_id: uuid.UUID
    participant_id: str
    organisation_id: str | None = None  # the participant's, so that a partner sees only its own
    state: BookingState
    requested_at: datetime
    from_waitlist: bool = False
    confirm_by: datetime | None = None
    cancellation_reason: BookingCancellationReason | None = None

    @property
    def holds_seat(self) -> bool:
        return self.state in HOLDS_SEAT

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


Bookings = dict[str, Booking]  # by participant id: one booking per participant and session


def held(bookings: Bookings) -> int:
    return sum(b.holds_seat for b in bookings.values())


def free_seats(capacity: int, bookings: Bookings) -> int:
    return capacity - held(bookings)


def waitlist(bookings: Bookings) -> list[Booking]:
    waiting = [b for b in bookings.values() if b.state is BookingState.WAITLISTED]
    return sorted(waiting, key=lambda b: (b.requested_at, b.booking_id))


def cancel(bookings: Bookings, participant_id: str, reason: BookingCancellationReason) -> Booking | None:
    """Cancel the participant's active booking; the cancelled booking, or None if there was none."""
    booking = bookings.get(participant_id)
    if booking is None or not booking.active:
        return None
    cancelled = booking.model_copy(
        update={"state": BookingState.CANCELLED, "cancellation_reason": reason, "confirm_by": None}
    )
    bookings[participant_id] = cancelled
    return cancelled


def promote(bookings: Bookings, participant_id: str, now: datetime, window: timedelta | None) -> Booking | None:
    """Give a waitlisted participant a freed seat: offered until a deadline, or confirmed at once."""
    booking = bookings.get(participant_id)
    if booking is None or booking.state is not BookingState.WAITLISTED:
        return None
    if window is None:
        promoted = booking.model_copy(update={"state": BookingState.CONFIRMED, "from_waitlist": True})
    else:
        promoted = booking.model_copy(
            update={"state": BookingState.OFFERED, "from_waitlist": True, "confirm_by": now + window}
        )
    bookings[participant_id] = promoted
    return promoted


def confirm_offer(bookings: Bookings, participant_id: str, now: datetime) -> Booking | None:
    booking = bookings.get(participant_id)
    if booking is None or booking.state is not BookingState.OFFERED:
        return None
    if booking.confirm_by is not None and booking.confirm_by <= now:
        return None
    confirmed = booking.model_copy(update={"state": BookingState.CONFIRMED, "confirm_by": None})
    bookings[participant_id] = confirmed
    return confirmed


def expired_offers(bookings: Bookings, now: datetime) -> list[Booking]:
    return [
        b
        for b in bookings.values()
        if b.state is BookingState.OFFERED and b.confirm_by is not None and b.confirm_by <= now
    ]


# --- the events ------------------------------------------------------------------------------------


def confirmed_event(session: Session, booking: Booking) -> BookingConfirmedV1:
    return BookingConfirmedV1(
        booking_id=booking.booking_id,
        session_id=session.session_id,
        activity_id=session.activity_id,
        participant_id=uuid.UUID(booking.participant_id),
        from_waitlist=booking.from_waitlist,
    )


def waitlisted_event(session: Session, booking: Booking) -> ParticipantWaitlistedV1:
    return ParticipantWaitlistedV1(
        booking_id=booking.booking_id,
        session_id=session.session_id,
        activity_id=session.activity_id,
        participant_id=uuid.UUID(booking.participant_id),
    )


def offered_event(session: Session, booking: Booking) -> SeatOfferedV1:
    assert booking.confirm_by is not None
    return SeatOfferedV1(
        booking_id=booking.booking_id,
        session_id=session.session_id,
        activity_id=session.activity_id,
        participant_id=uuid.UUID(booking.participant_id),
        confirm_by=booking.confirm_by,
    )


def cancelled_event(session: Session, booking: Booking) -> BookingCancelledV1:
    assert booking.cancellation_reason is not None
    return BookingCancelledV1(
        booking_id=booking.booking_id,
        session_id=session.session_id,
        activity_id=session.activity_id,
        participant_id=uuid.UUID(booking.participant_id),
        reason=booking.cancellation_reason,
    )


@dataclass
class StoredSession:
    """A session as stored: with the users of its staff, its bookings, its attendance list and revision."""

    session: Session
    staff_users: list[str]
    bookings: Bookings
    attendance: dict[str, str] = field(default_factory=dict)
    rev: int = 0


def active_state(stored: StoredSession, participant_id: str) -> BookingState | None:
    booking = stored.bookings.get(participant_id)
    return None if booking is None or not booking.active else booking.state

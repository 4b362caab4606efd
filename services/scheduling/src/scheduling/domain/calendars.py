"""A calendar feed as the domain sees it: whose, which sessions, where, and what each means to its owner.

Rendering it (iCalendar, RFC 5545) is the HTTP side's business: :mod:`scheduling.api.ics`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from scheduling.domain.bookings import StoredSession
from scheduling.domain.sessions import SessionStatus
from scheduling.domain.venues import Venue

#: What the feed's owner has in a session, as the event's status: CONFIRMED, TENTATIVE or CANCELLED.
Status = Callable[[StoredSession], str]


def session_status(stored: StoredSession) -> str:
    return "CANCELLED" if stored.session.status is SessionStatus.CANCELLED else "CONFIRMED"


def participant_status(participant_id: str) -> Status:
    def status(stored: StoredSession) -> str:
        booking = stored.bookings.get(participant_id)
        if stored.session.status is SessionStatus.CANCELLED or booking is None or not booking.active:
            return "CANCELLED"
        return "CONFIRMED" if booking.holds_seat else "TENTATIVE"

    return status


@dataclass(frozen=True)
class Feed:
    """One feed: its name, its sessions, their venues by key, each session's status for the owner, when made."""

    name: str
    sessions: list[StoredSession]
    venues: dict[str, Venue]
    status: Status
    stamp: datetime

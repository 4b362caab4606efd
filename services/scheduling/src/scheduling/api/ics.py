"""iCalendar (RFC 5545) feeds of sessions: per participant, per staff member, per venue.

Each session is one VEVENT whose UID never changes; a reschedule or a cancellation raises its
SEQUENCE, and a cancelled session stays in the feed with STATUS:CANCELLED, so calendar clients
follow the change instead of keeping a stale copy. Participants appear by pseudonymous id only.
"""

from __future__ import annotations

from datetime import UTC

from icalendar import Calendar, Event

from aktywni_shared.contracts.vocabulary import POLISH_LABELS, SupportForm
from scheduling.domain.bookings import StoredSession
from scheduling.domain.calendars import Feed
from scheduling.domain.venues import Venue

PRODID = "-//Aktywni//scheduling//PL"
UID_DOMAIN = "aktywni.scheduling"


def _location(stored: StoredSession, venues: dict[str, Venue]) -> str:
    s = stored.session
    if s.off_site or s.venue_id is None:
        return "poza siedzibą (wyjazd)"
    venue = venues.get(s.place_key or "")
    if venue is None:
        return f"{s.venue_id}, sala {s.room_id}"
    room = venue.room(s.room_id or "")
    where = f"{venue.name}, {venue.address.street}, {venue.address.postal_code} {venue.address.city}"
    return f"{where}, {room.name if room else 'sala ' + str(s.room_id)}"


def render(feed: Feed) -> bytes:
    """The feed as an iCalendar document."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("x-wr-timezone", "Europe/Warsaw")
    for stored in sorted(feed.sessions, key=lambda x: x.session.starts_at):
        s = stored.session
        event = Event()
        event.add("uid", f"{s.session_id}@{UID_DOMAIN}")
        event.add("dtstamp", feed.stamp)
        event.add("dtstart", s.starts_at.astimezone(UTC))
        event.add("dtend", s.ends_at.astimezone(UTC))
        event.add("sequence", s.sequence)
        event.add("status", feed.status(stored))
        form = POLISH_LABELS.get(SupportForm(s.form), s.form)
        event.add("summary", f"{s.title} ({form})")
        event.add("location", _location(stored, feed.venues))
        event.add("categories", [s.form])
        event.add("description", f"Projekt {s.project_id}; prowadzący: {', '.join(s.staff_ids) or '—'}")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical

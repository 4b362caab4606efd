"""What every use case needs: the stores, the clock, event wrapping, loading with 404s, slot checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aktywni_shared.clock import SYSTEM_CLOCK, Clock
from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.identity import Principal
from scheduling.domain import access
from scheduling.domain.activities import Activity
from scheduling.domain.bookings import StoredSession
from scheduling.domain.conflicts import Slot
from scheduling.domain.errors import NotFound
from scheduling.domain.participants import ParticipantView
from scheduling.domain.projects import ProjectView
from scheduling.domain.sessions import Session, SessionStatus
from scheduling.domain.venues import Room, Venue
from scheduling.use_cases.ports import (
    ActivityStore,
    AttendanceWriter,
    OfferStore,
    ParticipantStore,
    ProgressStore,
    ProjectStore,
    SessionStore,
    StaffStore,
    TimelineStore,
    VenueStore,
)

PRODUCER = "scheduling"
#: A slot younger than this is never taken for a crash's leftover: its session may be being written.
FRESH_SLOT = timedelta(seconds=60)


def wrap(payload: EventPayload, organisation_id: str, project_id: str) -> Envelope:
    """One of scheduling's events; the store that saves it puts it into the outbox (its topic and key
    are the contracts' business: :func:`aktywni_shared.messaging.outbox.event_entry`)."""
    return Envelope.wrap(payload, producer=PRODUCER, organisation_id=organisation_id, project_id=project_id)


@dataclass
class Stores:
    projects: ProjectStore
    participants: ParticipantStore
    venues: VenueStore
    staff: StaffStore
    activities: ActivityStore
    sessions: SessionStore
    timelines: TimelineStore
    progress: ProgressStore
    offers: OfferStore
    attendance: AttendanceWriter
    #: The service's one clock (instants in UTC, "today" in Warsaw); tests pass a fixed one.
    clock: Clock = SYSTEM_CLOCK

    async def project(self, project_id: str) -> ProjectView:
        project = await self.projects.get(project_id)
        if project is None:
            raise NotFound(f"project {project_id} is not known to scheduling (yet)", "project_id")
        return project

    async def activity(self, activity_id: str) -> Activity:
        activity = await self.activities.get(activity_id)
        if activity is None:
            raise NotFound(f"activity {activity_id} not found", "activity_id")
        return activity

    async def session(self, session_id: str) -> StoredSession:
        stored = await self.sessions.get(session_id)
        if stored is None:
            raise NotFound(f"session {session_id} not found", "session_id")
        return stored

    async def visible_participant(self, principal: Principal, participant_id: str) -> ParticipantView:
        """The participant if the caller may see them; otherwise "not found", so nothing leaks."""
        participant = await self.participants.get(participant_id)
        project = None if participant is None else await self.projects.get(participant.project_id)
        if (
            participant is None
            or project is None
            or not access.sees_participant(principal, project, participant.organisation_id)
        ):
            raise NotFound(f"participant {participant_id} not found", "participant_id")
        return participant

    async def readable_session(self, principal: Principal, session_id: str) -> tuple[StoredSession, ProjectView]:
        """The session if the caller may see it; otherwise "not found", so nothing leaks."""
        stored = await self.session(session_id)
        project = await self.project(stored.session.project_id)
        if not access.may_read_session(principal, project, stored.staff_users, stored.session.organisation_id):
            raise NotFound(f"session {session_id} not found", "session_id")
        return stored, project

    async def venue_for(
        self, organisation_ids: list[str], venue_id: str | None, room_id: str | None
    ) -> tuple[str | None, Venue | None, Room | None]:
        """A command's venue: the first of these organisations' with that id (else one registered before
        ids were per organisation), with its key and room."""
        if venue_id is None or room_id is None:
            return None, None, None
        found = None
        for organisation_id in dict.fromkeys(organisation_ids):
            found = await self.venues.find(organisation_id, venue_id)
            if found is not None:
                break
        found = found or await self.venues.legacy(venue_id)
        if found is None:
            raise NotFound(f"venue {venue_id} not found", "venue_id")
        key, venue = found
        room = venue.room(room_id)
        if room is None:
            raise NotFound(f"venue {venue_id} has no room {room_id}", "room_id")
        return key, venue, room

    async def place(self, session: Session) -> tuple[Venue | None, Room | None]:
        """Where a stored session is held."""
        key = session.place_key
        if key is None or session.room_id is None:
            return None, None
        venue = await self.venues.by_key(key)
        if venue is None:
            raise NotFound(f"venue {session.venue_id} not found", "venue_id")
        room = venue.room(session.room_id)
        if room is None:
            raise NotFound(f"venue {session.venue_id} has no room {session.room_id}", "room_id")
        return venue, room

    async def is_live(self, key: str, slot: Slot) -> bool:
        """Whether a slot found in ``key``'s timeline is really held by its session (see timelines.py)."""
        if slot.claimed_at is not None and self.clock.now() - slot.claimed_at < FRESH_SLOT:
            return True
        stored = await self.sessions.get(slot.session_id)
        if stored is None or stored.session.status is not SessionStatus.SCHEDULED:
            return False
        s = stored.session
        if (s.interval.start, s.interval.end) != (slot.start, slot.end):
            return False
        kind, _, owner = key.partition(":")
        if kind == "participant":
            booking = stored.bookings.get(owner)
            return booking is not None and booking.holds_seat
        if kind == "staff":
            return owner in s.staff_ids
        return owner == f"{s.place_key}/{s.room_id}"

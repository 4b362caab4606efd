"""Calendar feeds: who may read whose, and which sessions go in (from the owners' timelines)."""

from __future__ import annotations

from dataclasses import dataclass

from aktywni_shared.auth import Principal, Role
from scheduling import ics
from scheduling.domain import access
from scheduling.domain.errors import NotFound
from scheduling.domain.venues import Venue
from scheduling.store.sessions import StoredSession
from scheduling.store.timelines import participant_key, room_key, staff_key
from scheduling.use_cases.context import Stores


@dataclass
class Calendars:
    stores: Stores

    async def _venues(self, sessions: list[StoredSession]) -> dict[str, Venue]:
        """The sessions' venues by their keys."""
        venues: dict[str, Venue] = {}
        for key in {s.session.place_key for s in sessions if s.session.place_key}:
            venue = await self.stores.venues.by_key(key)
            if venue is not None:
                venues[key] = venue
        return venues

    async def participant(self, principal: Principal, participant_id: str) -> bytes:
        participant = await self.stores.participants.get(participant_id)
        project = None if participant is None else await self.stores.projects.get(participant.project_id)
        if (
            participant is None
            or project is None
            or not access.sees_participant(principal, project, participant.organisation_id)
        ):
            raise NotFound(f"participant {participant_id} not found", "participant_id")
        ids = await self.stores.timelines.sessions(participant_key(participant_id))
        sessions = await self.stores.sessions.many(ids)
        status = ics.participant_status(participant_id)
        name = f"Uczestnik {participant_id}"
        return ics.feed(name, sessions, await self._venues(sessions), status, self.stores.clock.now())

    async def staff(self, principal: Principal, staff_id: str) -> bytes:
        member = await self.stores.staff.get(staff_id)
        own = member is not None and principal.role is Role.TRAINER and principal.user == member.user
        managing = (
            member is not None
            and principal.role in (Role.COORDINATOR, Role.ADMINISTRATOR)
            and principal.organisation_id == member.organisation_id
        )
        if member is None or not (own or managing):
            raise NotFound(f"staff {staff_id} not found", "staff_id")
        sessions = await self.stores.sessions.many(await self.stores.timelines.sessions(staff_key(staff_id)))
        venues = await self._venues(sessions)
        return ics.feed(f"Zajęcia: {staff_id}", sessions, venues, ics.session_status, self.stores.clock.now())

    async def venue(self, principal: Principal, venue_id: str) -> bytes:
        # any signed-in user of the venue's organisation: a venue's sessions carry no personal data
        found_venue = await self.stores.venues.find(principal.organisation_id, venue_id)
        if found_venue is None:
            raise NotFound(f"venue {venue_id} not found", "venue_id")
        key, venue = found_venue
        ids: list[str] = []
        for room in venue.rooms:
            ids += await self.stores.timelines.sessions(room_key(key, room.room_id))
        found = await self.stores.sessions.many(list(dict.fromkeys(ids)))
        sessions = [s for s in found if s.session.place_key == key]  # not those moved elsewhere
        return ics.feed(venue.name, sessions, {key: venue}, ics.session_status, self.stores.clock.now())

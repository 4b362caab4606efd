"""Planning: venues, staff, activities, and sessions (schedule, reschedule, cancel, capacity)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from aktywni_shared.contracts.events import SessionCancelledV1, SessionRescheduledV1, SessionScheduledV1
from aktywni_shared.contracts.vocabulary import BookingCancellationReason, SupportForm
from aktywni_shared.identity import Principal
from aktywni_shared.mongo import Document
from scheduling.domain import access, conflicts
from scheduling.domain import bookings as booking_rules
from scheduling.domain.activities import Activity, PlanActivity
from scheduling.domain.bookings import StoredSession
from scheduling.domain.errors import Conflict, Conflicts, DomainError, Forbidden, NotFound
from scheduling.domain.projects import ProjectView
from scheduling.domain.sessions import ChangeCapacity, Placement, ScheduleSession, Session, SessionStatus
from scheduling.domain.staff import StaffIn, StaffMember
from scheduling.domain.timelines import participant_key, room_key, staff_key
from scheduling.domain.times import Interval
from scheduling.domain.venues import Room, Venue, VenueIn
from scheduling.use_cases.context import Stores, wrap
from scheduling.use_cases.documents import booking_fields, session_fields, to_stored
from scheduling.use_cases.ports import AlreadyExists, Write


@dataclass
class Planning:
    stores: Stores

    # --- venues and staff -------------------------------------------------------------------------

    async def add_venue(self, principal: Principal, command: VenueIn) -> Venue:
        access.require_reference_keeper(principal)
        venue = Venue(**command.model_dump(), organisation_id=principal.organisation_id)
        try:
            await self.stores.venues.add(venue)  # ids are per organisation: another's "sala-1" is no clash
        except AlreadyExists as error:
            raise Conflicts([Conflict("exists", "venue_id", str(error))]) from error
        return venue

    async def replace_venue(self, principal: Principal, venue_id: str, command: VenueIn) -> Venue:
        access.require_reference_keeper(principal)
        found = await self.stores.venues.find(principal.organisation_id, venue_id)
        if found is None:
            raise NotFound(f"venue {venue_id} not found", "venue_id")
        key, current = found
        if command.venue_id != venue_id:
            raise DomainError("venue_id differs from the one in the path", "venue_id")
        venue = Venue(**command.model_dump(), organisation_id=current.organisation_id)
        await self.stores.venues.replace(key, venue)
        return venue

    async def venues(self, principal: Principal) -> list[Venue]:
        """The caller's organisation's venues (an auditor's or administrator's: every organisation's)."""
        return await self.stores.venues.all(access.venue_scope(principal))

    async def venue(self, principal: Principal, venue_id: str) -> Venue:
        """One venue of the caller's organisation (ids are per organisation)."""
        found = await self.stores.venues.find(principal.organisation_id, venue_id)
        if found is None:
            raise NotFound(f"venue {venue_id} not found", "venue_id")
        return found[1]

    async def add_staff(self, principal: Principal, command: StaffIn) -> StaffMember:
        access.require_reference_keeper(principal)
        member = StaffMember(**command.model_dump(), organisation_id=principal.organisation_id)
        try:
            await self.stores.staff.add(member)
        except AlreadyExists as error:
            raise Conflicts([Conflict("exists", "staff_id", str(error))]) from error
        return member

    async def staff_of(self, principal: Principal) -> list[StaffMember]:
        members = await self.stores.staff.of_organisation(principal.organisation_id)
        only = access.staff_scope(principal)
        return members if only is None else [m for m in members if m.user == only]

    # --- activities -------------------------------------------------------------------------------

    async def plan_activity(self, principal: Principal, project_id: str, command: PlanActivity) -> Activity:
        project = await self.stores.project(project_id)
        if not access.may_plan(principal, project):
            if access.outside(principal, project):
                raise NotFound(f"project {project_id} not found", "project_id")
            raise Forbidden("only a coordinator of an organisation of the project plans its activities")
        activity = Activity.plan(command, project_id, principal.organisation_id)
        entry = wrap(activity.planned_event(), principal.organisation_id, project_id)
        await self.stores.activities.add(activity, entry)
        return activity

    async def activities(self, principal: Principal, project_id: str) -> list[Activity]:
        project = await self.stores.project(project_id)
        if not access.sees_project(principal, project):
            raise NotFound(f"project {project_id} not found", "project_id")
        return await self.stores.activities.of_project(project_id)

    # --- sessions ---------------------------------------------------------------------------------

    async def project(self, project_id: str) -> ProjectView:
        return await self.stores.project(project_id)

    async def session(self, principal: Principal, session_id: str) -> tuple[StoredSession, ProjectView]:
        """One session the caller may read, with its project (else "not found")."""
        return await self.stores.readable_session(principal, session_id)

    async def sessions(
        self, principal: Principal, project_id: str, starts_from: datetime | None, until: datetime | None
    ) -> tuple[ProjectView, list[StoredSession]]:
        """The project's sessions the caller may read (a trainer: the ones they lead), ending after
        ``starts_from`` and starting before ``until``; the project with them."""
        project = await self.stores.project(project_id)
        if not access.sees_project(principal, project):
            raise NotFound(f"project {project_id} not found", "project_id")
        found = []
        for stored in await self.stores.sessions.of_project(project_id):
            s = stored.session
            if not access.may_read_session(principal, project, stored.staff_users, s.organisation_id):
                continue
            if (starts_from and s.ends_at <= starts_from) or (until and s.starts_at >= until):
                continue
            found.append(stored)
        return project, found

    async def _staff(self, staff_ids: list[str], organisation_ids: set[str]) -> list[StaffMember]:
        members = []
        for staff_id in staff_ids:
            member = await self.stores.staff.get(staff_id)
            if member is None or member.organisation_id not in organisation_ids:
                raise NotFound(f"staff {staff_id} not found in the project's organisations", "staff_ids")
            members.append(member)
        return members

    async def _clashes(self, keys: list[tuple[str, str, str]], interval: Interval, session_id: str) -> list[Conflict]:
        """Double bookings of rooms, staff or participants: (timeline key, field, who) each."""
        found = []
        for key, field, who in keys:
            clashes = await self.stores.timelines.clashes(key, interval, session_id, self.stores.is_live)
            found += conflicts.double_booked(f"{key.partition(':')[0]}_double_booked", field, who, clashes)
        return found

    async def _claim_all(self, keys: list[tuple[str, str, str]], interval: Interval, session_id: str) -> None:
        """Claim every timeline, or none: a clash found by a racing request releases what was taken."""
        taken: list[str] = []
        for key, field, who in keys:
            clashes = await self.stores.timelines.claim(key, session_id, interval, self.stores.is_live)
            if clashes:
                for done in taken:
                    await self.stores.timelines.release(done, session_id, keep_history=False)
                kind = key.partition(":")[0]
                raise Conflicts(conflicts.double_booked(f"{kind}_double_booked", field, who, clashes))
            taken.append(key)

    def _place_checks(
        self, activity: Activity, venue: Venue | None, room: Room | None, interval: Interval, capacity: int
    ) -> list[Conflict]:
        found = conflicts.activity_capacity(activity, capacity)
        if venue is not None and room is not None:
            found += conflicts.venue_conflicts(venue, room, interval, capacity)
        return found

    async def schedule(self, principal: Principal, activity_id: str, command: ScheduleSession) -> StoredSession:
        activity = await self.stores.activity(activity_id)
        project = await self.stores.project(activity.project_id)
        if not access.may_manage_session(principal, project, activity.organisation_id):
            if access.outside(principal, project):
                raise NotFound(f"activity {activity_id} not found", "activity_id")
            raise Forbidden("only a coordinator of the activity's organisation or of the leader schedules sessions")
        capacity = command.capacity or activity.capacity
        if activity.form is SupportForm.INDIVIDUAL_MEETING and capacity != 1:
            raise DomainError("an individual meeting has capacity 1", "capacity")
        venue_key, venue, room = await self.stores.venue_for(
            [principal.organisation_id, activity.organisation_id, project.leader_organisation_id],
            command.venue_id,
            command.room_id,
        )
        members = await self._staff(command.staff_ids, {project.leader_organisation_id, *project.partners})
        interval = command.interval
        session_id = str(uuid.uuid4())
        found = conflicts.project_period(project, interval) + self._place_checks(
            activity, venue, room, interval, capacity
        )
        for member in members:
            found += conflicts.staff_conflicts(member, activity, interval)
        keys = [(staff_key(m.staff_id), "staff_ids", f"staff {m.staff_id}") for m in members]
        if venue is not None and room is not None:
            keys.insert(0, (room_key(venue_key or venue.venue_id, room.room_id), "room_id", f"room {room.room_id}"))
        found += await self._clashes(keys, interval, session_id)
        if found:
            raise Conflicts(found)
        await self._claim_all(keys, interval, session_id)
        session = Session(
            session_id=uuid.UUID(session_id),
            activity_id=activity.activity_id,
            project_id=activity.project_id,
            organisation_id=activity.organisation_id,
            form=activity.form.value,
            title=activity.title,
            starts_at=interval.start,
            ends_at=interval.end,
            venue_id=command.venue_id,
            venue_key=venue_key if venue_key != command.venue_id else None,
            room_id=command.room_id,
            off_site=command.off_site,
            staff_ids=command.staff_ids,
            capacity=capacity,
            free=capacity,
        )
        event = SessionScheduledV1(
            session_id=session.session_id,
            activity_id=session.activity_id,
            starts_at=interval.start,
            ends_at=interval.end,
            venue_id=session.venue_id,
            room=session.room_id,
            off_site=session.off_site,
            staff_ids=session.staff_ids,
            capacity=capacity,
        )
        await self.stores.sessions.add(
            session, [m.user for m in members], wrap(event, session.organisation_id, session.project_id)
        )
        return StoredSession(session, [m.user for m in members], {})

    async def _managed(self, principal: Principal, session_id: str) -> tuple[StoredSession, Activity]:
        stored = await self.stores.session(session_id)
        project = await self.stores.project(stored.session.project_id)
        if not access.may_manage_session(principal, project, stored.session.organisation_id):
            if access.may_read_session(principal, project, stored.staff_users, stored.session.organisation_id):
                raise Forbidden("only a coordinator of the session's organisation or of the leader changes it")
            raise NotFound(f"session {session_id} not found", "session_id")
        if stored.session.status is SessionStatus.CANCELLED:
            raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} is cancelled")])
        return stored, await self.stores.activity(str(stored.session.activity_id))

    async def reschedule(self, principal: Principal, session_id: str, command: Placement) -> StoredSession:
        stored, activity = await self._managed(principal, session_id)
        old = stored.session
        project = await self.stores.project(old.project_id)
        venue_key, venue, room = await self.stores.venue_for(
            [principal.organisation_id, old.organisation_id, project.leader_organisation_id],
            command.venue_id,
            command.room_id,
        )
        members = await self._staff(old.staff_ids, {project.leader_organisation_id, *project.partners})
        interval = command.interval
        found = conflicts.project_period(project, interval) + self._place_checks(
            activity, venue, room, interval, old.capacity
        )
        for member in members:
            found += conflicts.staff_conflicts(member, activity, interval)
        seated = [pid for pid, b in stored.bookings.items() if b.holds_seat]
        for pid in seated:
            participant = await self.stores.participants.get(pid)
            if participant is not None:
                found += [
                    c
                    for c in conflicts.participant_conflicts(participant, activity, venue, room)
                    if c.code == "not_step_free"
                ]
        keys = [(staff_key(m.staff_id), "staff_ids", f"staff {m.staff_id}") for m in members]
        if venue is not None and room is not None:
            keys.insert(0, (room_key(venue_key or venue.venue_id, room.room_id), "room_id", f"room {room.room_id}"))
        keys += [(participant_key(pid), "starts_at", f"participant {pid}") for pid in seated]
        found += await self._clashes(keys, interval, session_id)
        if found:
            raise Conflicts(found)
        await self._claim_all(keys, interval, session_id)
        if old.place_key and old.room_id and (old.place_key, old.room_id) != (venue_key, command.room_id):
            await self.stores.timelines.release(room_key(old.place_key, old.room_id), session_id)
        event = SessionRescheduledV1(
            session_id=old.session_id,
            activity_id=old.activity_id,
            starts_at=interval.start,
            ends_at=interval.end,
            venue_id=command.venue_id,
            room=command.room_id,
        )
        entry = wrap(event, old.organisation_id, old.project_id)

        def change(doc: Document | None) -> Write[StoredSession] | None:
            if doc is None or doc["status"] != SessionStatus.SCHEDULED.value:
                return None
            current = to_stored(doc)
            moved = current.session.model_copy(
                update={
                    "starts_at": interval.start,
                    "ends_at": interval.end,
                    "venue_id": command.venue_id,
                    "venue_key": venue_key if venue_key != command.venue_id else None,
                    "room_id": command.room_id,
                    "off_site": command.off_site,
                    "sequence": current.session.sequence + 1,
                }
            )
            current.session = moved
            return Write(current, session_fields(moved), [entry])

        result = await self.stores.sessions.modify(session_id, change)
        if result is None:
            raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} was cancelled")])
        return result

    async def cancel(self, principal: Principal, session_id: str, reason: str) -> StoredSession:
        stored, _ = await self._managed(principal, session_id)
        s = stored.session
        cancelled_event = wrap(
            SessionCancelledV1(session_id=s.session_id, activity_id=s.activity_id, reason=reason),
            s.organisation_id,
            s.project_id,
        )

        def change(doc: Document | None) -> Write[StoredSession] | None:
            if doc is None or doc["status"] != SessionStatus.SCHEDULED.value:
                return None
            current = to_stored(doc)
            entries = [cancelled_event]
            for pid in list(current.bookings):
                booking = booking_rules.cancel(current.bookings, pid, BookingCancellationReason.SESSION_CANCELLED)
                if booking is not None:
                    event = booking_rules.cancelled_event(current.session, booking)
                    entries.append(wrap(event, s.organisation_id, s.project_id))
            current.session = current.session.model_copy(
                update={"status": SessionStatus.CANCELLED, "sequence": current.session.sequence + 1, "free": 0}
            )
            fields = {**session_fields(current.session), **booking_fields(current.bookings)}
            return Write(current, fields, entries)

        result = await self.stores.sessions.modify(session_id, change)
        if result is None:
            return await self.stores.session(session_id)
        timelines = self.stores.timelines
        if s.place_key and s.room_id:
            await timelines.release(room_key(s.place_key, s.room_id), session_id)
        for staff_id in s.staff_ids:
            await timelines.release(staff_key(staff_id), session_id)
        for pid in stored.bookings:
            await timelines.release(participant_key(pid), session_id)
            await self.stores.offers.drop(session_id, pid)
        return result

    async def change_capacity(self, principal: Principal, session_id: str, command: ChangeCapacity) -> StoredSession:
        stored, activity = await self._managed(principal, session_id)
        s = stored.session
        _, room = await self.stores.place(s)
        found = conflicts.activity_capacity(activity, command.capacity)
        if room is not None and command.capacity > room.capacity:
            found.append(
                Conflict("over_capacity", "capacity", f"room {room.room_id} seats {room.capacity}; {command.capacity}")
            )
        if found:
            raise Conflicts(found)

        def change(doc: Document | None) -> Write[StoredSession] | None:
            if doc is None or doc["status"] != SessionStatus.SCHEDULED.value:
                return None
            current = to_stored(doc)
            held = booking_rules.held(current.bookings)
            if command.capacity < held:
                raise Conflicts(
                    [Conflict("over_capacity", "capacity", f"{held} seats are taken; cancel bookings first")]
                )
            current.session = current.session.model_copy(
                update={"capacity": command.capacity, "free": command.capacity - held}
            )
            return Write(current, {"capacity": command.capacity, "free": command.capacity - held})

        result = await self.stores.sessions.modify(session_id, change)
        if result is None:
            raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} was cancelled")])
        return result

"""In-memory fakes of scheduling's ports (``scheduling.use_cases.ports``), for the use cases' unit tests.

Each fake keeps what the real store keeps, in the same shape where the use cases see it (a session's
document, a progress document with its revision), and every event a store is given to save goes
into one list, ``FakeStores.events``: what the outbox would publish, in order. No fake awaits
between its read and its write, so a conditional write is as atomic here as one update is in the
database (``asyncio.gather`` of many bookings races exactly as requests do on the real store).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from aktywni_shared.clock import Clock, FixedClock
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import PartnerJoinedV1, ProjectAmendedV1, ProjectRegisteredV1
from aktywni_shared.contracts.vocabulary import ParticipantCategory, PartnerRole, Sex, SupportForm
from aktywni_shared.identity import Principal, Role
from aktywni_shared.mongo import Document
from aktywni_stack import demo_scheduling
from scheduling.domain import participants as participant_rules
from scheduling.domain.activities import Activity, PlanActivity
from scheduling.domain.attendance import Progress
from scheduling.domain.bookings import Booking, StoredSession
from scheduling.domain.conflicts import Slot, overlapping
from scheduling.domain.participants import ParticipantStatus, ParticipantView
from scheduling.domain.projects import ProjectView
from scheduling.domain.sessions import ScheduleSession, Session, SessionStatus
from scheduling.domain.staff import StaffMember, StaffRole
from scheduling.domain.subscriptions import Subscription
from scheduling.domain.times import Interval
from scheduling.domain.venues import Venue
from scheduling.store.projects import AMENDED_AT, amended_at
from scheduling.use_cases.context import Stores
from scheduling.use_cases.documents import booking_fields, session_fields, to_stored
from scheduling.use_cases.ports import AlreadyExists, Change, IsLive, Write

T = TypeVar("T")
REV = "rev"


class MovableClock:
    """A clock stopped at one instant that a test moves on (requests in turn, deadlines passing)."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant.astimezone(UTC)

    def today(self) -> date:
        return FixedClock(self.instant).today()

    def advance(self, delta: timedelta) -> None:
        self.instant += delta


@dataclass
class Events:
    """What the stores were given to save with their changes (the outbox, in order)."""

    saved: list[Envelope] = field(default_factory=list)

    def types(self) -> list[str]:
        return [e.type for e in self.saved]

    def of_type(self, event_type: str) -> list[Envelope]:
        return [e for e in self.saved if e.type == event_type]


def _modify(docs: dict[str, Document], events: Events, doc_id: str, change: Change[T]) -> T | None:
    """A revision-guarded rewrite with no one to race: read, change, write back with its events."""
    current = copy.deepcopy(docs.get(doc_id))
    write = change(current)
    if write is None:
        return None
    _write(docs, events, doc_id, current, write)
    return write.result


def _write(docs: dict[str, Document], events: Events, doc_id: str, current: Document | None, write: Write[T]) -> bool:
    stored = docs.get(doc_id)
    if current is None:
        if stored is not None:
            return False
        docs[doc_id] = {"_id": doc_id, REV: 1, **copy.deepcopy(write.fields)}
    else:
        if stored is None or stored.get(REV) != current.get(REV):
            return False
        stored.update(copy.deepcopy(write.fields))
        stored[REV] = int(stored.get(REV, 0)) + 1
    events.saved.extend(write.events)
    return True


class FakeProjects:
    def __init__(self) -> None:
        self.projects: dict[str, Document] = {}
        self.applied: set[str] = set()

    def add(self, project: ProjectView) -> None:
        self.projects[project.project_id] = project.model_dump()

    async def registered(self, envelope: Envelope, event: ProjectRegisteredV1) -> bool:
        if str(envelope.event_id) in self.applied:
            return False
        self.applied.add(str(envelope.event_id))
        doc = self.projects.setdefault(envelope.project_id, {"project_id": envelope.project_id, "partners": {}})
        doc |= {"leader_organisation_id": event.leader_organisation_id, "starts_on": event.starts_on}
        doc["ends_on"] = event.ends_on
        return True

    async def amended(self, envelope: Envelope, event: ProjectAmendedV1) -> bool:
        at = amended_at(envelope)
        doc = self.projects.setdefault(envelope.project_id, {"project_id": envelope.project_id, "partners": {}})
        if str(envelope.event_id) in self.applied or doc.get(AMENDED_AT, "") >= at:
            return False
        self.applied.add(str(envelope.event_id))
        doc |= {"title": event.title, "starts_on": event.starts_on, "ends_on": event.ends_on, AMENDED_AT: at}
        return True

    async def partner_joined(self, envelope: Envelope, event: PartnerJoinedV1) -> bool:
        if str(envelope.event_id) in self.applied:
            return False
        self.applied.add(str(envelope.event_id))
        doc = self.projects.setdefault(envelope.project_id, {"project_id": envelope.project_id, "partners": {}})
        doc["partners"][event.partner_organisation_id] = event.role
        return True

    async def get(self, project_id: str) -> ProjectView | None:
        doc = self.projects.get(project_id)
        if doc is None or "leader_organisation_id" not in doc:
            return None  # only a partner is known yet
        return ProjectView.model_validate(doc)


class FakeParticipants:
    def __init__(self, events: Events) -> None:
        self.views: dict[str, ParticipantView] = {}
        self.applied: dict[str, list[str]] = {}
        self.started_support: set[str] = set()
        self.events = events

    def add(self, view: ParticipantView) -> None:
        self.views[view.participant_id] = view

    async def apply(self, envelope: Envelope, participant_id: str, payload: object) -> ParticipantView:
        applied = self.applied.setdefault(participant_id, [])
        view = self.views.get(participant_id) or participant_rules.blank(envelope, participant_id)
        if str(envelope.event_id) not in applied:
            applied.append(str(envelope.event_id))
            view = participant_rules.apply(view, envelope, payload)
            self.views[participant_id] = view
        return view

    async def get(self, participant_id: str) -> ParticipantView | None:
        return self.views.get(participant_id)

    async def get_with_start(self, participant_id: str) -> tuple[ParticipantView | None, bool]:
        return self.views.get(participant_id), participant_id in self.started_support

    async def started(self, participant_id: str) -> bool:
        return participant_id in self.started_support

    async def support_started(self, participant_id: str, event: Envelope) -> bool:
        if participant_id in self.started_support:
            return False
        self.started_support.add(participant_id)
        self.events.saved.append(event)
        return True

    async def of_project(self, project_id: str, organisation_id: str | None) -> list[ParticipantView]:
        return sorted(
            (
                v
                for v in self.views.values()
                if v.project_id == project_id and organisation_id in (None, v.organisation_id)
            ),
            key=lambda v: v.participant_id,
        )


class FakeVenues:
    def __init__(self) -> None:
        self.venues: dict[str, Venue] = {}

    async def add(self, venue: Venue) -> str:
        if await self.find(venue.organisation_id, venue.venue_id) is not None:
            raise AlreadyExists(f"venue {venue.venue_id} exists")
        key = f"{venue.organisation_id}:{venue.venue_id}"
        self.venues[key] = venue
        return key

    async def replace(self, key: str, venue: Venue) -> bool:
        if key not in self.venues:
            return False
        self.venues[key] = venue
        return True

    async def find(self, organisation_id: str, venue_id: str) -> tuple[str, Venue] | None:
        for key in (f"{organisation_id}:{venue_id}", venue_id):
            venue = self.venues.get(key)
            if venue is not None and venue.organisation_id == organisation_id:
                return key, venue
        return None

    async def legacy(self, venue_id: str) -> tuple[str, Venue] | None:
        venue = self.venues.get(venue_id)
        return None if venue is None else (venue_id, venue)

    async def by_key(self, key: str) -> Venue | None:
        return self.venues.get(key)

    async def all(self, organisation_id: str | None = None) -> list[Venue]:
        found = [v for v in self.venues.values() if organisation_id in (None, v.organisation_id)]
        return sorted(found, key=lambda v: (v.venue_id, v.organisation_id))


class FakeStaff:
    def __init__(self) -> None:
        self.members: dict[str, StaffMember] = {}

    async def add(self, member: StaffMember) -> None:
        if member.staff_id in self.members:
            raise AlreadyExists(f"staff {member.staff_id} exists")
        self.members[member.staff_id] = member

    async def get(self, staff_id: str) -> StaffMember | None:
        return self.members.get(staff_id)

    async def of_organisation(self, organisation_id: str) -> list[StaffMember]:
        return sorted(
            (m for m in self.members.values() if m.organisation_id == organisation_id), key=lambda m: m.staff_id
        )


class FakeActivities:
    def __init__(self, events: Events) -> None:
        self.activities: dict[str, Activity] = {}
        self.events = events

    async def add(self, activity: Activity, event: Envelope) -> None:
        self.activities[str(activity.activity_id)] = activity
        self.events.saved.append(event)

    async def get(self, activity_id: str) -> Activity | None:
        return self.activities.get(activity_id)

    async def of_project(self, project_id: str) -> list[Activity]:
        return sorted((a for a in self.activities.values() if a.project_id == project_id), key=lambda a: a.title)


class FakeSessions:
    """Session documents as the real store keeps them: the session's fields, bookings, ``free``, revision."""

    def __init__(self, events: Events) -> None:
        self.docs: dict[str, Document] = {}
        self.events = events

    async def add(self, session: Session, staff_users: list[str], event: Envelope) -> None:
        self.docs[str(session.session_id)] = {
            "_id": str(session.session_id),
            **session_fields(session),
            "staff_users": staff_users,
            **booking_fields({}),
            "attendance": {},
            REV: 1,
        }
        self.events.saved.append(event)

    async def get(self, session_id: str) -> StoredSession | None:
        doc = self.docs.get(session_id)
        return None if doc is None else to_stored(copy.deepcopy(doc))

    def _bookable(self, session_id: str, participant_ids: list[str]) -> Document | None:
        doc = self.docs.get(session_id)
        if doc is None or doc["status"] != SessionStatus.SCHEDULED.value:
            return None
        if any(pid in doc["participants"] for pid in participant_ids):
            return None
        return doc

    def _add(self, doc: Document, bookings: list[Booking], events: list[Envelope], seats: int) -> None:
        for booking in bookings:
            doc["bookings"][booking.participant_id] = booking.model_dump(mode="json")
            doc["participants"].append(booking.participant_id)
        doc["free"] -= seats
        doc[REV] += 1
        self.events.saved.extend(events)

    async def take_seat(self, session_id: str, booking: Booking, event: Envelope) -> bool:
        doc = self._bookable(session_id, [booking.participant_id])
        if doc is None or doc["free"] <= 0:
            return False
        self._add(doc, [booking], [event], 1)
        return True

    async def take_seats(self, session_id: str, bookings: list[Booking], events: list[Envelope]) -> bool:
        doc = self._bookable(session_id, [b.participant_id for b in bookings])
        if doc is None or doc["free"] < len(bookings):
            return False
        self._add(doc, bookings, events, len(bookings))
        return True

    async def join_waitlist(self, session_id: str, booking: Booking, event: Envelope) -> bool:
        doc = self._bookable(session_id, [booking.participant_id])
        if doc is None or doc["free"] > 0:
            return False
        self._add(doc, [booking], [event], 0)
        return True

    async def modify(self, session_id: str, change: Change[T]) -> T | None:
        return _modify(self.docs, self.events, session_id, change)

    async def set_attendance(self, session_id: str, statuses: dict[str, str]) -> None:
        self.docs[session_id]["attendance"].update(statuses)

    async def of_project(self, project_id: str) -> list[StoredSession]:
        found = [to_stored(copy.deepcopy(d)) for d in self.docs.values() if d["project_id"] == project_id]
        return sorted(found, key=lambda s: s.session.starts_at)

    async def many(self, session_ids: list[str]) -> list[StoredSession]:
        return [to_stored(copy.deepcopy(self.docs[i])) for i in session_ids if i in self.docs]


class FakeTimelines:
    """Each owner's blocking slots and every session they were part of."""

    def __init__(self, clock: Clock) -> None:
        self.slots: dict[str, list[Slot]] = {}
        self.history: dict[str, list[str]] = {}
        self.clock = clock

    async def sessions(self, key: str) -> list[str]:
        return list(self.history.get(key, []))

    async def clashes(self, key: str, interval: Interval, session_id: str, is_live: IsLive) -> list[Slot]:
        live = []
        for slot in overlapping(self.slots.get(key, []), interval, session_id):
            if await is_live(key, slot):
                live.append(slot)
            else:
                await self.release(key, slot.session_id)
        return live

    async def claim(self, key: str, session_id: str, interval: Interval, is_live: IsLive) -> list[Slot]:
        live = await self.clashes(key, interval, session_id, is_live)
        if live:
            return live
        kept = [s for s in self.slots.get(key, []) if s.session_id != session_id]
        self.slots[key] = [*kept, Slot(session_id, interval.start, interval.end, self.clock.now())]
        await self.remember(key, session_id)
        return []

    async def claim_many(
        self, keys: list[str], session_id: str, interval: Interval, is_live: IsLive
    ) -> dict[str, list[Slot]]:
        found = {key: await self.claim(key, session_id, interval, is_live) for key in keys}
        return {key: slots for key, slots in found.items() if slots}

    async def release(self, key: str, session_id: str, *, keep_history: bool = True) -> None:
        self.slots[key] = [s for s in self.slots.get(key, []) if s.session_id != session_id]
        if not keep_history:
            self.history[key] = [s for s in self.history.get(key, []) if s != session_id]

    async def remember(self, key: str, session_id: str) -> None:
        history = self.history.setdefault(key, [])
        if session_id not in history:
            history.append(session_id)


def _progress_id(participant_id: str, activity_id: str) -> str:
    return f"{participant_id}:{activity_id}"


class FakeProgress:
    def __init__(self, events: Events) -> None:
        self.docs: dict[str, Document] = {}
        self.events = events

    async def modify(self, participant_id: str, activity_id: str, change: Change[T]) -> T | None:
        return _modify(self.docs, self.events, _progress_id(participant_id, activity_id), change)

    async def raw(self, participant_id: str, activity_id: str) -> Document | None:
        return copy.deepcopy(self.docs.get(_progress_id(participant_id, activity_id)))

    async def of_participant(self, participant_id: str) -> list[Progress]:
        return [Progress.model_validate(d) for d in self.docs.values() if d["participant_id"] == participant_id]


class FakeAttendanceWriter:
    """Writes a session's progress documents (under their revisions) and first-support marks."""

    def __init__(self, progress: FakeProgress, participants: FakeParticipants) -> None:
        self.progress = progress
        self.participants = participants

    async def save(
        self,
        activity_id: str,
        writes: Mapping[str, tuple[Write[Progress], Document | None]],
        starts: Mapping[str, Envelope],
    ) -> set[str]:
        written = {
            pid
            for pid, (write, doc) in writes.items()
            if _write(self.progress.docs, self.progress.events, _progress_id(pid, activity_id), doc, write)
        }
        for pid, event in starts.items():
            await self.participants.support_started(pid, event)
        return written


class FakeOffers:
    def __init__(self) -> None:
        self.offers: dict[tuple[str, str], datetime] = {}

    async def put(self, session_id: str, participant_id: str, confirm_by: datetime) -> None:
        self.offers[(session_id, participant_id)] = confirm_by

    async def drop(self, session_id: str, participant_id: str) -> None:
        self.offers.pop((session_id, participant_id), None)

    async def expired(self, now: datetime, limit: int = 100) -> list[tuple[str, str]]:
        return [key for key, by in self.offers.items() if by <= now][:limit]


class FakeSubscriptions:
    def __init__(self) -> None:
        self.links: dict[str, tuple[Subscription, str]] = {}
        self.issued = 0

    def _secret(self) -> str:
        self.issued += 1
        return f"secret-{self.issued}"

    async def add(self, principal: Principal, kind: str, feed_id: str, now: datetime) -> tuple[Subscription, str]:
        subscription = Subscription(f"link-{len(self.links) + 1}", principal, kind, feed_id, now)
        secret = self._secret()
        self.links[subscription.subscription_id] = (subscription, secret)
        return subscription, secret

    async def of_user(self, principal: Principal) -> list[Subscription]:
        return [s for s, _ in self.links.values() if _same_user(s.principal, principal)]

    async def rotate(
        self, principal: Principal, subscription_id: str, now: datetime
    ) -> tuple[Subscription, str] | None:
        found = self.links.get(subscription_id)
        if found is None or not _same_user(found[0].principal, principal):
            return None
        secret = self._secret()
        self.links[subscription_id] = (found[0], secret)
        return found[0], secret

    async def revoke(self, principal: Principal, subscription_id: str) -> bool:
        found = self.links.get(subscription_id)
        if found is None or not _same_user(found[0].principal, principal):
            return False
        del self.links[subscription_id]
        return True

    async def by_secret(self, secret: str) -> Subscription | None:
        return next((s for s, kept in self.links.values() if kept == secret), None)


def _same_user(a: Principal, b: Principal) -> bool:
    return (a.user, a.organisation_id) == (b.user, b.organisation_id)


@dataclass
class FakeStores:
    """The fakes behind one ``Stores``, reachable for a test's set-up and checks."""

    stores: Stores
    clock: MovableClock
    events: Events
    projects: FakeProjects
    participants: FakeParticipants
    venues: FakeVenues
    staff: FakeStaff
    activities: FakeActivities
    sessions: FakeSessions
    timelines: FakeTimelines
    progress: FakeProgress
    offers: FakeOffers


def fake_stores(clock: MovableClock) -> FakeStores:
    events = Events()
    projects, participants, venues, staff = FakeProjects(), FakeParticipants(events), FakeVenues(), FakeStaff()
    activities, sessions, progress = FakeActivities(events), FakeSessions(events), FakeProgress(events)
    timelines, offers = FakeTimelines(clock), FakeOffers()
    # Typed by the ports: mypy checks that every fake is what its Protocol asks for.
    stores = Stores(
        projects=projects,
        participants=participants,
        venues=venues,
        staff=staff,
        activities=activities,
        sessions=sessions,
        timelines=timelines,
        progress=progress,
        offers=offers,
        attendance=FakeAttendanceWriter(progress, participants),
        clock=clock,
    )
    return FakeStores(
        stores, clock, events, projects, participants, venues, staff, activities, sessions, timelines, progress, offers
    )


# --- a small project to test on ---------------------------------------------------------------------

LEADER = "fundacja-eudajmonia"
PARTNER = "mops-wroclaw"
PROJECT = "TEST-2012"
#: Monday 1 October 2012, 07:00 in Warsaw: the stopped clock of the tests.
NOW = datetime(2012, 10, 1, 5, 0, tzinfo=UTC)
COORDINATOR = Principal(user="koordynator", organisation_id=LEADER, role=Role.COORDINATOR)
PARTNER_STAFF = Principal(user="rekruterka", organisation_id=PARTNER, role=Role.PARTNER_STAFF)
AUDITOR = Principal(user="kontroler", organisation_id="urzad-marszalkowski", role=Role.AUDITOR)


def trainer(user: str, organisation_id: str = LEADER) -> Principal:
    return Principal(user=user, organisation_id=organisation_id, role=Role.TRAINER)


def staff_member(staff_id: str, user: str, organisation_id: str = LEADER) -> StaffMember:
    return StaffMember(
        staff_id=staff_id,
        user=user,
        organisation_id=organisation_id,
        roles=[StaffRole.TRAINER],
        competences=[SupportForm.TRAINING, SupportForm.WORKSHOP],
        availability=demo_scheduling.WORKDAY,
    )


def enrolled(organisation_id: str = LEADER, **changes: Any) -> ParticipantView:
    view = ParticipantView(
        participant_id=str(uuid.uuid4()),
        project_id=PROJECT,
        organisation_id=organisation_id,
        status=ParticipantStatus.ENROLLED,
        category=ParticipantCategory.CLIENT_AT_RISK,
        sex=Sex.FEMALE,
        birth_year=1980,
        mops_employee=False,
    )
    return view.model_copy(update=changes)


def session_at(day: date, hh_mm: str, hours: float, **fields: Any) -> ScheduleSession:
    """A session body at local ``hh_mm`` on ``day``; off site unless a venue and room are given."""
    where = fields if "venue_id" in fields else {"off_site": True, **fields}
    return ScheduleSession.model_validate({**demo_scheduling.at(day, hh_mm, hours), **where})


def scene(now: datetime = NOW) -> FakeStores:
    """Fakes holding the project (its leader and one partner), a venue of the leader and two trainers."""
    fakes = fake_stores(MovableClock(now))
    fakes.projects.add(
        ProjectView(
            project_id=PROJECT,
            leader_organisation_id=LEADER,
            starts_on=date(2012, 9, 1),
            ends_on=date(2013, 6, 30),
            partners={PARTNER: PartnerRole.PARTNER},
        )
    )
    venue = Venue(**demo_scheduling.STRZEGOMSKA, organisation_id=LEADER)
    fakes.venues.venues[f"{LEADER}:{venue.venue_id}"] = venue
    for member in (staff_member("anna", "anna"), staff_member("piotr", "piotr")):
        fakes.staff.members[member.staff_id] = member
    return fakes


def training(capacity: int = 2, planned_hours: float = 6, **changes: Any) -> PlanActivity:
    return PlanActivity.model_validate(
        {
            "form": SupportForm.TRAINING,
            "title": "Szkolenie TA",
            "target_categories": [ParticipantCategory.CLIENT_AT_RISK],
            "planned_hours": planned_hours,
            "capacity": capacity,
            **changes,
        }
    )

"""Bookings: book (a seat or the waitlist), cancel, promote the waitlist, offers and their deadlines.

A booking first claims the participant's time (their timeline), then a seat by one conditional
update of the session document; a full session queues them instead, and their time is released.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from aktywni_shared.contracts.ids import uuid7
from aktywni_shared.contracts.vocabulary import BookingCancellationReason
from aktywni_shared.identity import Principal
from aktywni_shared.mongo import Document
from scheduling.domain import access, conflicts
from scheduling.domain import bookings as rules
from scheduling.domain.bookings import Booking, BookingState, StoredSession
from scheduling.domain.errors import Conflict, Conflicts, DomainError, NotFound
from scheduling.domain.participants import ParticipantStatus, ParticipantView
from scheduling.domain.projects import ProjectView
from scheduling.domain.sessions import SessionStatus
from scheduling.domain.timelines import participant_key
from scheduling.domain.times import Interval, local
from scheduling.use_cases.context import Stores, wrap
from scheduling.use_cases.documents import booking_fields, to_stored
from scheduling.use_cases.ports import Write

SEAT_ATTEMPTS = 20
LEFT = {
    ParticipantStatus.WITHDRAWN: BookingCancellationReason.PARTICIPANT_WITHDRAWN,
    ParticipantStatus.ERASED: BookingCancellationReason.PARTICIPANT_ERASED,
}


@dataclass
class Bookings:
    stores: Stores

    async def _visible_participant(
        self, principal: Principal, stored: StoredSession, participant_id: str
    ) -> ParticipantView:
        access.require_booker(principal)
        project = await self.stores.project(stored.session.project_id)
        participant = await self.stores.participants.get(participant_id)
        if participant is None or not access.sees_participant(principal, project, participant.organisation_id):
            raise NotFound(f"participant {participant_id} not found", "participant_id")
        return participant

    async def of_participant(self, principal: Principal, participant_id: str) -> list[tuple[StoredSession, Booking]]:
        """A participant's bookings (active first, then cancelled; each by when it was asked for), with
        their sessions; of a participant the caller may see."""
        await self.stores.visible_participant(principal, participant_id)
        found = []
        for stored in await self.stores.sessions.many(
            await self.stores.timelines.sessions(participant_key(participant_id))
        ):
            booking = stored.bookings.get(participant_id)
            if booking is not None:
                found.append((stored, booking))
        return sorted(found, key=lambda x: (x[1].state is BookingState.CANCELLED, x[1].requested_at))

    async def book(self, principal: Principal, session_id: str, participant_id: str) -> tuple[Booking, bool]:
        """The participant's booking (confirmed or waitlisted) and whether it is new."""
        stored = await self.stores.session(session_id)
        participant = await self._visible_participant(principal, stored, participant_id)
        s = stored.session
        if s.status is SessionStatus.CANCELLED:
            raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} is cancelled")])
        existing = stored.bookings.get(participant_id)
        if existing is not None and existing.active:
            return existing, False
        activity = await self.stores.activity(str(s.activity_id))
        venue, room = await self.stores.place(s)
        found = conflicts.participant_conflicts(participant, activity, venue, room)
        if found:
            raise Conflicts(found)
        key = participant_key(participant_id)
        clashes = await self.stores.timelines.claim(key, session_id, s.interval, self.stores.is_live)
        if clashes:
            raise Conflicts(
                conflicts.double_booked(
                    "participant_double_booked", "participant_id", f"participant {participant_id}", clashes
                )
            )
        booking = await self._seat_or_queue(stored, participant_id, participant.organisation_id)
        if booking.state is BookingState.WAITLISTED:
            await self.stores.timelines.release(key, session_id)
            await self.stores.timelines.remember(key, session_id)
        # A withdrawal handled while this request ran found no booking to cancel: cancel it now.
        after = await self.stores.participants.get(participant_id)
        if after is not None and after.status in LEFT:
            await self.cancel_booking(session_id, participant_id, LEFT[after.status])
        return booking, True

    async def book_many(
        self, principal: Principal, session_id: str, participant_ids: list[str]
    ) -> list[tuple[Booking, bool]]:
        """Book a group into one session; each participant's booking and whether it is new, in order.

        All or nothing for what can be checked up front (visibility, eligibility, clashing time: 404 or
        409 naming ``participant_ids.<n>``). The seats are taken by one conditional update for the whole
        group (seats for all, none of them booked yet); if that cannot be, each is booked on its own, a
        seat or the waitlist, exactly as a single booking is.
        """
        access.require_booker(principal)
        if len(set(participant_ids)) != len(participant_ids):
            raise DomainError("a participant is listed twice", "participant_ids")
        stored = await self.stores.session(session_id)
        s = stored.session
        project = await self.stores.project(s.project_id)
        found = await self._visible_group(principal, project, participant_ids)
        if s.status is SessionStatus.CANCELLED:
            raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} is cancelled")])
        activity = await self.stores.activity(str(s.activity_id))
        venue, room = await self.stores.place(s)
        answers: dict[str, tuple[Booking, bool]] = {}
        group: dict[str, ParticipantView] = {}
        problems: list[Conflict] = []
        for index, (pid, participant) in enumerate(zip(participant_ids, found, strict=True)):
            existing = stored.bookings.get(pid)
            if existing is not None and existing.active:
                answers[pid] = (existing, False)
                continue
            group[pid] = participant
            for c in conflicts.participant_conflicts(participant, activity, venue, room):
                problems.append(Conflict(c.code, f"participant_ids.{index}", c.message))
        if problems:
            raise Conflicts(problems)
        await self._claim_group(session_id, s.interval, participant_ids, list(group))
        answers |= await self._seats_or_queue(stored, group)
        # A withdrawal handled while this request ran found no booking to cancel: cancel it now.
        after = await asyncio.gather(*(self.stores.participants.get(pid) for pid in group))
        for pid, latest in zip(group, after, strict=True):
            if latest is not None and latest.status in LEFT:
                await self.cancel_booking(session_id, pid, LEFT[latest.status])
        return [answers[pid] for pid in participant_ids]

    async def _visible_group(
        self, principal: Principal, project: ProjectView, participant_ids: list[str]
    ) -> list[ParticipantView]:
        found = await asyncio.gather(*(self.stores.participants.get(pid) for pid in participant_ids))
        visible = []
        for index, (pid, participant) in enumerate(zip(participant_ids, found, strict=True)):
            if participant is None or not access.sees_participant(principal, project, participant.organisation_id):
                raise NotFound(f"participant {pid} not found", f"participant_ids.{index}")
            visible.append(participant)
        return visible

    async def _claim_group(self, session_id: str, interval: Interval, everyone: list[str], group: list[str]) -> None:
        """Claim the group's time; if anyone's clashes, release the others' and refuse (409 for each clash)."""
        keys = [participant_key(pid) for pid in group]
        clashes = await self.stores.timelines.claim_many(keys, session_id, interval, self.stores.is_live)
        if not clashes:
            return
        for key in keys:
            if key not in clashes:
                await self.stores.timelines.release(key, session_id)
        problems = []
        for pid in group:
            if participant_key(pid) in clashes:
                field = f"participant_ids.{everyone.index(pid)}"
                slots = clashes[participant_key(pid)]
                problems += conflicts.double_booked("participant_double_booked", field, f"participant {pid}", slots)
        raise Conflicts(problems)

    async def _seats_or_queue(
        self, stored: StoredSession, group: dict[str, ParticipantView]
    ) -> dict[str, tuple[Booking, bool]]:
        """Seats for the whole group in one update, else each on its own (a seat or the waitlist)."""
        if not group:
            return {}
        s = stored.session
        session_id = str(s.session_id)
        bookings = [
            Booking(
                booking_id=uuid7(),
                participant_id=pid,
                organisation_id=participant.organisation_id,
                state=BookingState.CONFIRMED,
                requested_at=self.stores.clock.now(),
            )
            for pid, participant in group.items()
        ]
        entries = [wrap(rules.confirmed_event(s, b), s.organisation_id, s.project_id) for b in bookings]
        if await self.stores.sessions.take_seats(session_id, bookings, entries):
            return {b.participant_id: (b, True) for b in bookings}
        answers = {}
        for pid, participant in group.items():
            booking = await self._seat_or_queue(stored, pid, participant.organisation_id)
            if booking.state is BookingState.WAITLISTED:
                await self.stores.timelines.release(participant_key(pid), session_id)
                await self.stores.timelines.remember(participant_key(pid), session_id)
            answers[pid] = (booking, True)
        return answers

    async def _seat_or_queue(self, stored: StoredSession, participant_id: str, organisation_id: str) -> Booking:
        s = stored.session
        session_id = str(s.session_id)
        booking = Booking(
            booking_id=uuid7(),
            participant_id=participant_id,
            organisation_id=organisation_id,
            state=BookingState.CONFIRMED,
            requested_at=self.stores.clock.now(),
        )
        queued = booking.model_copy(update={"state": BookingState.WAITLISTED})
        for _ in range(SEAT_ATTEMPTS):
            entry = wrap(rules.confirmed_event(s, booking), s.organisation_id, s.project_id)
            if await self.stores.sessions.take_seat(session_id, booking, entry):
                return booking
            entry = wrap(rules.waitlisted_event(s, queued), s.organisation_id, s.project_id)
            if await self.stores.sessions.join_waitlist(session_id, queued, entry):
                return queued
            current = await self.stores.session(session_id)
            mine = current.bookings.get(participant_id)
            if mine is not None and mine.active:
                return mine  # the same booking, made by a request that ran alongside
            if current.session.status is SessionStatus.CANCELLED:
                await self.stores.timelines.release(participant_key(participant_id), session_id)
                raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} is cancelled")])
        raise Conflicts([Conflict("busy", "session_id", f"session {session_id} is changing fast; try again")])

    async def cancel(self, principal: Principal, session_id: str, participant_id: str) -> Booking:
        stored = await self.stores.session(session_id)
        await self._visible_participant(principal, stored, participant_id)
        cancelled = await self.cancel_booking(session_id, participant_id, BookingCancellationReason.REQUESTED)
        if cancelled is None:
            raise NotFound(
                f"participant {participant_id} has no active booking in session {session_id}", "participant_id"
            )
        return cancelled

    async def cancel_booking(
        self, session_id: str, participant_id: str, reason: BookingCancellationReason
    ) -> Booking | None:
        """Cancel a booking (no-op if it is not active), free the time and the seat, promote the next."""

        def change(doc: Document | None) -> Write[Booking] | None:
            if doc is None:
                return None
            current = to_stored(doc)
            cancelled = rules.cancel(current.bookings, participant_id, reason)
            if cancelled is None:
                return None
            s = current.session
            entry = wrap(rules.cancelled_event(s, cancelled), s.organisation_id, s.project_id)
            free = 0 if s.status is SessionStatus.CANCELLED else rules.free_seats(s.capacity, current.bookings)
            return Write(cancelled, {**booking_fields(current.bookings), "free": free}, [entry])

        cancelled = await self.stores.sessions.modify(session_id, change)
        if cancelled is None:
            return None
        await self.stores.timelines.release(participant_key(participant_id), session_id)
        await self.stores.offers.drop(session_id, participant_id)
        await self.promote_next(session_id)
        return cancelled

    async def promote_next(self, session_id: str) -> None:
        """Fill free seats from the waitlist, first come first served; skip those busy at that time."""
        skipped: set[str] = set()
        for _ in range(1000):
            stored = await self.stores.session(session_id)
            s = stored.session
            queue = [b for b in rules.waitlist(stored.bookings) if b.participant_id not in skipped]
            if s.status is not SessionStatus.SCHEDULED or s.free <= 0 or not queue:
                return
            candidate = queue[0]
            pid = candidate.participant_id
            participant = await self.stores.participants.get(pid)
            if participant is None or not participant.bookable:
                skipped.add(pid)
                continue
            clashes = await self.stores.timelines.claim(
                participant_key(pid), session_id, s.interval, self.stores.is_live
            )
            if clashes:
                skipped.add(pid)
                continue
            if not await self._promote(session_id, pid):
                await self.stores.timelines.release(participant_key(pid), session_id)

    async def _promote(self, session_id: str, participant_id: str) -> bool:
        stored = await self.stores.session(session_id)
        activity = await self.stores.activity(str(stored.session.activity_id))
        window = None if activity.offer_window_hours is None else timedelta(hours=activity.offer_window_hours)
        moment = self.stores.clock.now()

        def change(doc: Document | None) -> Write[Booking] | None:
            if doc is None:
                return None
            current = to_stored(doc)
            s = current.session
            if s.status is not SessionStatus.SCHEDULED or rules.free_seats(s.capacity, current.bookings) <= 0:
                return None
            promoted = rules.promote(current.bookings, participant_id, moment, window)
            if promoted is None:
                return None
            event = rules.confirmed_event(s, promoted) if window is None else rules.offered_event(s, promoted)
            fields = {**booking_fields(current.bookings), "free": rules.free_seats(s.capacity, current.bookings)}
            return Write(promoted, fields, [wrap(event, s.organisation_id, s.project_id)])

        promoted = await self.stores.sessions.modify(session_id, change)
        if promoted is None:
            return False
        if promoted.confirm_by is not None:
            await self.stores.offers.put(session_id, participant_id, promoted.confirm_by)
        return True

    async def confirm_offer(self, principal: Principal, session_id: str, participant_id: str) -> Booking:
        stored = await self.stores.session(session_id)
        await self._visible_participant(principal, stored, participant_id)
        moment = self.stores.clock.now()

        def change(doc: Document | None) -> Write[Booking] | None:
            if doc is None:
                return None
            current = to_stored(doc)
            confirmed = rules.confirm_offer(current.bookings, participant_id, moment)
            if confirmed is None:
                return None
            s = current.session
            entry = wrap(rules.confirmed_event(s, confirmed), s.organisation_id, s.project_id)
            return Write(confirmed, booking_fields(current.bookings), [entry])

        confirmed = await self.stores.sessions.modify(session_id, change)
        if confirmed is None:
            raise Conflicts(
                [Conflict("no_offer", "participant_id", f"participant {participant_id} has no open seat offer here")]
            )
        await self.stores.offers.drop(session_id, participant_id)
        return confirmed

    async def expire_offers(self) -> int:
        """Cancel offers past their deadline and offer the seats to the next in line."""
        expired = 0
        for session_id, participant_id in await self.stores.offers.expired(self.stores.clock.now()):
            stored = await self.stores.sessions.get(session_id)
            booking = None if stored is None else stored.bookings.get(participant_id)
            if (
                booking is not None
                and booking.state is BookingState.OFFERED
                and booking.confirm_by
                and booking.confirm_by <= self.stores.clock.now()
            ):
                await self.cancel_booking(session_id, participant_id, BookingCancellationReason.OFFER_EXPIRED)
                expired += 1
            else:
                await self.stores.offers.drop(session_id, participant_id)
        return expired

    async def participant_left(self, participant_id: str, reason: BookingCancellationReason, since: date) -> int:
        """Cancel the participant's bookings of sessions on or after ``since`` (their withdrawal or erasure)."""
        cancelled = 0
        for session_id in await self.stores.timelines.sessions(participant_key(participant_id)):
            stored = await self.stores.sessions.get(session_id)
            if stored is None or local(stored.session.starts_at).date() < since:
                continue
            if await self.cancel_booking(session_id, participant_id, reason) is not None:
                cancelled += 1
        return cancelled

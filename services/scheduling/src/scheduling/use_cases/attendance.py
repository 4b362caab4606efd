"""Attendance: the session's trainer (or a coordinator) records it; hours add up; support starts and completes.

Per participant and activity one progress document holds the attendance of each session; it is
rewritten under its revision with the events it causes, so ``SupportCompleted`` goes out once even
when two requests record at once or a request is repeated. ``SupportStarted`` is claimed by one
conditional update of the participant's document (``support_started`` not yet set), so it too is
emitted once per participant (a participant id belongs to one project).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from pydantic import BaseModel

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import AttendanceRecordedV1, SupportCompletedV1, SupportStartedV1
from aktywni_shared.contracts.vocabulary import AttendanceStatus
from aktywni_shared.identity import Principal
from aktywni_shared.mongo import Document
from scheduling.domain import access
from scheduling.domain import attendance as rules
from scheduling.domain.activities import Activity
from scheduling.domain.attendance import Progress, RecordAttendance, SessionAttendance
from scheduling.domain.bookings import BookingState
from scheduling.domain.errors import Conflict, Conflicts, DomainError, Forbidden, NotFound
from scheduling.domain.participants import ParticipantView
from scheduling.domain.sessions import Session, SessionStatus
from scheduling.domain.times import local
from scheduling.use_cases.context import Stores, wrap
from scheduling.use_cases.ports import Write

PARALLEL = 8
#: A record's progress after it, its write (None: nothing changes), and the document it was read from.
Planned = tuple[Progress, Write[Progress] | None, Document | None]


class Recorded(BaseModel):
    participant_id: str
    status: AttendanceStatus
    changed: bool
    hours_attended: float
    completed: bool


def _fact(participant: ParticipantView, activity: Activity) -> dict[str, object]:
    return {
        "participant_id": uuid.UUID(participant.participant_id),
        "activity_id": activity.activity_id,
        "form": activity.form,
        "category": participant.category,
        "sex": participant.sex,
        "birth_year": participant.birth_year,
        "disability_degree": participant.disability_degree,
        "mops_employee": participant.mops_employee,
    }


def _change(
    s: Session, activity: Activity, participant: ParticipantView, status: AttendanceStatus, doc: Document | None
) -> tuple[Progress, Write[Progress] | None]:
    """The participant's progress after this record, and what to write (None: recorded so already)."""
    pid = participant.participant_id
    progress = (
        Progress(participant_id=pid, activity_id=str(activity.activity_id), project_id=s.project_id)
        if doc is None
        else Progress.model_validate(doc)
    )
    day = local(s.starts_at).date()
    entry = SessionAttendance(status=status, hours=rules.credited_hours(status, s.hours), session_date=day)
    if not rules.record(progress, str(s.session_id), entry):
        return progress, None
    recorded = AttendanceRecordedV1(
        session_id=s.session_id,
        activity_id=s.activity_id,
        participant_id=uuid.UUID(pid),
        status=status,
        hours=entry.hours,
        session_date=day,
    )
    events = [wrap(recorded, s.organisation_id, s.project_id)]
    if rules.newly_completed(activity.completion_rule, activity.planned_hours, progress, day):
        completed = SupportCompletedV1(
            **_fact(participant, activity), completed_on=day, hours_attended=progress.hours_attended
        )
        events.append(wrap(completed, s.organisation_id, s.project_id))
    return progress, Write(progress, progress.model_dump(mode="json"), events)


@dataclass
class Attendance:
    stores: Stores

    async def record(self, principal: Principal, session_id: str, command: RecordAttendance) -> list[Recorded]:
        stored = await self.stores.session(session_id)
        s = stored.session
        project = await self.stores.project(s.project_id)
        if not access.may_record_attendance(principal, project, stored.staff_users, s.organisation_id):
            if access.outside(principal, project):
                raise NotFound(f"session {session_id} not found", "session_id")
            raise Forbidden("only the session's own trainer or a coordinator records its attendance")
        if s.status is SessionStatus.CANCELLED:
            raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} is cancelled")])
        if s.starts_at > self.stores.clock.now():
            raise DomainError("attendance is recorded once the session has started", "records")
        seen: set[str] = set()
        for index, item in enumerate(command.records):
            pid = str(item.participant_id)
            booking = stored.bookings.get(pid)
            if booking is None or booking.state is not BookingState.CONFIRMED:
                raise DomainError(
                    f"participant {pid} holds no confirmed booking in this session", f"records.{index}.participant_id"
                )
            if pid in seen:
                raise DomainError(f"participant {pid} is listed twice", f"records.{index}.participant_id")
            seen.add(pid)
        activity = await self.stores.activity(str(s.activity_id))
        statuses = {str(i.participant_id): i.status for i in command.records}
        results = await self._record_all(s, activity, statuses)
        await self.stores.sessions.set_attendance(session_id, {r.participant_id: r.status.value for r in results})
        return results

    async def _record_all(
        self, s: Session, activity: Activity, statuses: dict[str, AttendanceStatus]
    ) -> list[Recorded]:
        """Record a session's list with few commands: one read per document (side by side), then every
        write at once (store/attendance.py). A progress document someone else wrote meanwhile is
        recorded on its own (``_one``, with retries)."""
        limit = asyncio.Semaphore(PARALLEL)
        planned, starts = await self._plan(s, activity, statuses, limit)
        writes = {pid: (write, doc) for pid, (_, write, doc) in planned.items() if write is not None}
        written = await self.stores.attendance.save(str(activity.activity_id), writes, starts)

        async def result(pid: str, status: AttendanceStatus) -> Recorded:
            progress, write, _ = planned[pid]
            if write is not None and pid not in written:
                async with limit:  # lost a race for this document: record it on its own, with retries
                    return await self._one(s, activity, pid, status)
            return Recorded(
                participant_id=pid,
                status=status,
                changed=write is not None,
                hours_attended=progress.hours_attended,
                completed=progress.completed_on is not None,
            )

        return list(await asyncio.gather(*(result(pid, status) for pid, status in statuses.items())))

    async def _plan(
        self, s: Session, activity: Activity, statuses: dict[str, AttendanceStatus], limit: asyncio.Semaphore
    ) -> tuple[dict[str, Planned], dict[str, Envelope]]:
        """Each record's progress and write (from the documents read side by side), and the SupportStarted due."""
        activity_id = str(activity.activity_id)

        async def read(pid: str) -> tuple[ParticipantView | None, bool, Document | None]:
            async with limit:
                participant, started = await self.stores.participants.get_with_start(pid)
                doc = await self.stores.progress.raw(pid, activity_id)
            return participant, started, doc

        pids = list(statuses)
        read_back = dict(zip(pids, await asyncio.gather(*(read(pid) for pid in pids)), strict=True))
        day = local(s.starts_at).date()
        planned: dict[str, Planned] = {}
        starts: dict[str, Envelope] = {}
        for pid, status in statuses.items():
            participant, started, doc = read_back[pid]
            if participant is None or participant.category is None or participant.sex is None:
                raise DomainError(f"participant {pid} is no longer known (erased)", "records")
            progress, write = _change(s, activity, participant, status, doc)
            planned[pid] = (progress, write, doc)
            if status is AttendanceStatus.PRESENT and not started:
                event = SupportStartedV1(**_fact(participant, activity), started_on=day)
                starts[pid] = wrap(event, s.organisation_id, s.project_id)
        return planned, starts

    async def _one(self, s: Session, activity: Activity, pid: str, status: AttendanceStatus) -> Recorded:
        """One record on its own: a revision-guarded rewrite of its progress, retried on a lost race."""
        participant = await self.stores.participants.get(pid)
        if participant is None or participant.category is None or participant.sex is None:
            raise DomainError(f"participant {pid} is no longer known (erased)", "records")
        day = local(s.starts_at).date()
        outcome: dict[str, Progress] = {}

        def change(doc: Document | None) -> Write[Progress] | None:
            outcome["progress"], write = _change(s, activity, participant, status, doc)
            return write

        written = await self.stores.progress.modify(pid, str(activity.activity_id), change)
        progress = written or outcome["progress"]
        if status is AttendanceStatus.PRESENT and not await self.stores.participants.started(pid):
            started = SupportStartedV1(**_fact(participant, activity), started_on=day)
            await self.stores.participants.support_started(pid, wrap(started, s.organisation_id, s.project_id))
        return Recorded(
            participant_id=pid,
            status=status,
            changed=written is not None,
            hours_attended=progress.hours_attended,
            completed=progress.completed_on is not None,
        )

    async def progress_of(self, principal: Principal, participant_id: str) -> list[Progress]:
        """Hours attended per activity and completion, of a participant the caller may see."""
        await self.stores.visible_participant(principal, participant_id)
        return await self.stores.progress.of_participant(participant_id)

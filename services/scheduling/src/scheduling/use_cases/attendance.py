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

from aktywni_shared.auth import Principal
from aktywni_shared.contracts.events import AttendanceRecordedV1, SupportCompletedV1, SupportStartedV1
from aktywni_shared.contracts.vocabulary import AttendanceStatus
from aktywni_shared.mongo import Document
from scheduling.domain import access
from scheduling.domain import attendance as rules
from scheduling.domain.activities import Activity
from scheduling.domain.attendance import Progress, RecordAttendance, SessionAttendance
from scheduling.domain.bookings import BookingState
from scheduling.domain.errors import Conflict, Conflicts, DomainError, Forbidden
from scheduling.domain.participants import ParticipantView
from scheduling.domain.sessions import Session, SessionStatus
from scheduling.domain.times import local
from scheduling.store.versioned import Write
from scheduling.use_cases.context import Stores, event_entry, now

PARALLEL = 8


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


@dataclass
class Attendance:
    stores: Stores

    async def record(self, principal: Principal, session_id: str, command: RecordAttendance) -> list[Recorded]:
        stored = await self.stores.session(session_id)
        s = stored.session
        project = await self.stores.project(s.project_id)
        if not access.may_record_attendance(principal, project, stored.staff_users, s.organisation_id):
            raise Forbidden("only the session's own trainer or a coordinator records its attendance")
        if s.status is SessionStatus.CANCELLED:
            raise Conflicts([Conflict("session_cancelled", "session_id", f"session {session_id} is cancelled")])
        if s.starts_at > now():
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
        # Each record touches its own documents (progress, participant): record them side by side.
        limit = asyncio.Semaphore(PARALLEL)

        async def one(pid: str, status: AttendanceStatus) -> Recorded:
            async with limit:
                return await self._one(s, activity, pid, status)

        results = list(await asyncio.gather(*(one(str(i.participant_id), i.status) for i in command.records)))
        await self.stores.sessions.set_attendance(session_id, {r.participant_id: r.status.value for r in results})
        self.stores.notify()
        return results

    async def _one(self, s: Session, activity: Activity, pid: str, status: AttendanceStatus) -> Recorded:
        participant = await self.stores.participants.get(pid)
        if participant is None or participant.category is None or participant.sex is None:
            raise DomainError(f"participant {pid} is no longer known (erased)", "records")
        day = local(s.starts_at).date()
        entry = SessionAttendance(status=status, hours=rules.credited_hours(status, s.hours), session_date=day)
        attendance_event = event_entry(
            AttendanceRecordedV1(
                session_id=s.session_id,
                activity_id=s.activity_id,
                participant_id=uuid.UUID(pid),
                status=status,
                hours=entry.hours,
                session_date=day,
            ),
            s.organisation_id,
            s.project_id,
        )
        outcome: dict[str, object] = {}

        def change(doc: Document | None) -> Write[Progress] | None:
            progress = (
                Progress(participant_id=pid, activity_id=str(activity.activity_id), project_id=s.project_id)
                if doc is None
                else Progress.model_validate(doc)
            )
            outcome["progress"] = progress
            if not rules.record(progress, str(s.session_id), entry):
                return None
            events = [attendance_event]
            if rules.newly_completed(activity.completion_rule, activity.planned_hours, progress, day):
                completed = SupportCompletedV1(
                    **_fact(participant, activity), completed_on=day, hours_attended=progress.hours_attended
                )
                events.append(event_entry(completed, s.organisation_id, s.project_id))
            return Write(progress, progress.model_dump(mode="json"), events)

        written = await self.stores.progress.modify(pid, str(activity.activity_id), change)
        progress = written or outcome["progress"]
        assert isinstance(progress, Progress)
        if status is AttendanceStatus.PRESENT and not await self.stores.participants.started(pid):
            started = SupportStartedV1(**_fact(participant, activity), started_on=day)
            await self.stores.participants.support_started(pid, event_entry(started, s.organisation_id, s.project_id))
        return Recorded(
            participant_id=pid,
            status=status,
            changed=written is not None,
            hours_attended=progress.hours_attended,
            completed=progress.completed_on is not None,
        )

    async def progress_of(self, participant_id: str) -> list[Progress]:
        return await self.stores.progress.of_participant(participant_id)

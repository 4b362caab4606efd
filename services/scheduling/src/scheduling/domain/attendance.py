"""Attendance: per participant and activity, the hours attended and whether the completion rule is met."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.contracts.events import CompletionRule
from aktywni_shared.contracts.vocabulary import AttendanceStatus

MAX_RECORDS = 200


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: uuid.UUID
    status: AttendanceStatus


class RecordAttendance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[AttendanceIn] = Field(min_length=1, max_length=MAX_RECORDS)


class SessionAttendance(BaseModel):
    status: AttendanceStatus
    hours: float
    session_date: date


class Progress(BaseModel):
    """One participant's attendance in one activity's sessions."""

    participant_id: str
    activity_id: str
    project_id: str
    sessions: dict[str, SessionAttendance] = Field(default_factory=dict)
    completed_on: date | None = None

    @property
    def hours_attended(self) -> float:
        return round(sum(s.hours for s in self.sessions.values() if s.status is AttendanceStatus.PRESENT), 4)

    @property
    def attended_any(self) -> bool:
        return any(s.status is AttendanceStatus.PRESENT for s in self.sessions.values())


def credited_hours(status: AttendanceStatus, session_hours: float) -> float:
    """Present: the whole session; absent or excused: none."""
    return round(session_hours, 4) if status is AttendanceStatus.PRESENT else 0.0


def record(progress: Progress, session_id: str, entry: SessionAttendance) -> bool:
    """Record (or correct) one session's attendance; False when it is recorded so already."""
    if progress.sessions.get(session_id) == entry:
        return False
    progress.sessions[session_id] = entry
    return True


def meets(rule: CompletionRule, planned_hours: float, progress: Progress) -> bool:
    if rule.kind == "any_attendance":
        return progress.attended_any
    assert rule.min_share is not None
    # A tolerance for the float sum of session lengths (e.g. 3 x 0.1 h).
    return progress.hours_attended + 1e-6 >= rule.min_share * planned_hours


def newly_completed(rule: CompletionRule, planned_hours: float, progress: Progress, today: date) -> bool:
    """True once: when the rule is met for the first time (completion is a fact; corrections keep it)."""
    if progress.completed_on is not None or not meets(rule, planned_hours, progress):
        return False
    progress.completed_on = today
    return True

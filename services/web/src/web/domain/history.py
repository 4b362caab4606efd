"""A participant's support history: the sessions booked, attended and completed, as staff read it.

Plain data from what scheduling answers (bookings, progress per activity, the sessions themselves);
the web application keeps none of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from web.domain import sessions as rules


@dataclass(frozen=True)
class HistoryRow:
    when: str  # weekday, date, hours
    sort_key: str  # the session's start (UTC, ISO): rows in the order they happened
    title: str
    form: str
    booking: str  # the booking's state, in Polish
    attendance: str  # as recorded, in Polish, or "nie odnotowano"
    hours: float  # hours credited (present: the session's hours)


@dataclass(frozen=True)
class ActivityProgress:
    title: str
    hours_attended: float
    completed_on: str | None


@dataclass
class SupportHistory:
    rows: list[HistoryRow] = field(default_factory=list)
    activities: list[ActivityProgress] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(sum(a.hours_attended for a in self.activities), 2)


def support_history(
    bookings: Sequence[Mapping[str, Any]],
    sessions: Mapping[str, Mapping[str, Any]],
    progress: Sequence[Mapping[str, Any]],
    activity_titles: Mapping[str, str],
) -> SupportHistory:
    """Each booking of a known session as one row (in time order), and the hours per activity."""
    rows = []
    for booking in bookings:
        session = sessions.get(str(booking["session_id"]))
        if session is None:
            continue  # a session this person may not read, or gone: not shown rather than guessed
        attendance = booking.get("attendance")
        rows.append(
            HistoryRow(
                when=rules.when(session),
                sort_key=str(session["starts_at"]),
                title=str(session.get("title", "")),
                form=rules.FORM.get(str(session.get("form", "")), str(session.get("form", ""))),
                booking=rules.BOOKING_STATE.get(str(booking["state"]), str(booking["state"])),
                attendance=rules.ATTENDANCE.get(str(attendance), "nie odnotowano") if attendance else "nie odnotowano",
                hours=rules.hours(session) if attendance == "present" else 0.0,
            )
        )
    rows.sort(key=lambda row: row.sort_key)
    activities = [
        ActivityProgress(
            title=activity_titles.get(str(p["activity_id"]), "forma wsparcia"),
            hours_attended=round(
                sum(float(s.get("hours", 0)) for s in p.get("sessions", {}).values() if s.get("status") == "present"), 2
            ),
            completed_on=str(p["completed_on"]) if p.get("completed_on") else None,
        )
        for p in progress
    ]
    return SupportHistory(rows=rows, activities=activities)

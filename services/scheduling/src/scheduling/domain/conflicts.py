"""Conflict detection: every reason a session or a booking cannot be placed, each one explained.

Intervals are half-open, [start, end): a session ending at 10:00 and one starting at 10:00 do not
clash. Confirmed bookings and seats offered from the waitlist both block a participant's time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from scheduling.domain.activities import Activity
from scheduling.domain.errors import Conflict
from scheduling.domain.participants import ParticipantStatus, ParticipantView
from scheduling.domain.projects import ProjectView
from scheduling.domain.staff import StaffMember
from scheduling.domain.times import Interval, local
from scheduling.domain.venues import Room, Venue


@dataclass(frozen=True)
class Slot:
    """A session occupying someone's (or some room's) time."""

    session_id: str
    start: datetime
    end: datetime
    claimed_at: datetime | None = None  # when the slot was taken (a fresh one is never treated as stale)

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


def _when(interval: Interval) -> str:
    return f"{local(interval.start):%Y-%m-%d %H:%M}–{local(interval.end):%H:%M}"


def overlapping(slots: Iterable[Slot], interval: Interval, own_session: str) -> list[Slot]:
    return [s for s in slots if s.session_id != own_session and s.interval.overlaps(interval)]


def double_booked(code: str, field: str, who: str, clashes: list[Slot]) -> list[Conflict]:
    return [
        Conflict(code, field, f"{who} is already booked {_when(s.interval)} (session {s.session_id})") for s in clashes
    ]


def project_period(project: ProjectView, interval: Interval) -> list[Conflict]:
    day = local(interval.start).date()
    if project.starts_on <= day <= project.ends_on:
        return []
    return [
        Conflict(
            "outside_project_period",
            "starts_at",
            f"project {project.project_id} runs {project.starts_on}..{project.ends_on}; {day} is outside",
        )
    ]


def venue_conflicts(venue: Venue, room: Room, interval: Interval, capacity: int) -> list[Conflict]:
    conflicts = []
    closed = venue.closed_reason(interval.start, interval.end)
    if closed:
        conflicts.append(Conflict("outside_opening_hours", "starts_at", closed))
    if capacity > room.capacity:
        conflicts.append(
            Conflict(
                "over_capacity",
                "capacity",
                f"room {room.room_id} of {venue.venue_id} seats {room.capacity}; {capacity} asked",
            )
        )
    return conflicts


def activity_capacity(activity: Activity, capacity: int) -> list[Conflict]:
    if capacity <= activity.capacity:
        return []
    return [
        Conflict("over_capacity", "capacity", f"the activity allows {activity.capacity} per session; {capacity} asked")
    ]


def staff_conflicts(member: StaffMember, activity: Activity, interval: Interval) -> list[Conflict]:
    conflicts = []
    if activity.form not in member.competences:
        conflicts.append(
            Conflict(
                "staff_not_competent",
                "staff_ids",
                f"staff {member.staff_id} does not lead {activity.form.value} (competences: "
                f"{', '.join(c.value for c in member.competences)})",
            )
        )
    unavailable = member.unavailable_reason(interval.start, interval.end)
    if unavailable:
        conflicts.append(Conflict("staff_unavailable", "staff_ids", unavailable))
    return conflicts


def participant_conflicts(
    participant: ParticipantView, activity: Activity, venue: Venue | None, room: Room | None
) -> list[Conflict]:
    """Whether this participant may sit in this activity's session in this room."""
    pid = participant.participant_id
    if participant.project_id != activity.project_id:
        return [Conflict("not_enrolled", "participant_id", f"participant {pid} is not in {activity.project_id}")]
    if participant.status is not ParticipantStatus.ENROLLED or participant.category is None:
        return [
            Conflict("not_enrolled", "participant_id", f"participant {pid} is {participant.status.value}, not enrolled")
        ]
    conflicts = []
    if participant.category not in activity.target_categories:
        conflicts.append(
            Conflict(
                "category_not_targeted",
                "participant_id",
                f"{activity.title} is for {', '.join(c.value for c in activity.target_categories)}; "
                f"participant {pid} is {participant.category.value}",
            )
        )
    inaccessible = venue is not None and room is not None and not venue.room_accessible(room)
    if participant.needs_step_free_access and venue is not None and room is not None and inaccessible:
        conflicts.append(
            Conflict(
                "not_step_free",
                "participant_id",
                f"participant {pid} needs step-free access; room {room.room_id} of {venue.venue_id} "
                f"(floor {room.floor}, lift: {'yes' if venue.lift else 'no'}, step-free entrance: "
                f"{'yes' if venue.step_free_entrance else 'no'}) has none",
            )
        )
    return conflicts

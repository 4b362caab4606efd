"""Sessions, bookings and attendance through scheduling's API; participants' names through enrolment's.

Both calls carry the signed-in person's token: a name appears only where enrolment lets that person
read it (a trainer reads no personal data there, so their sheet numbers the people instead).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from web.domain import planning
from web.domain import sessions as rules
from web.domain import venues as places
from web.domain.errors import FieldError
from web.use_cases.ports import Enrolment, Json, Refused, Scheduling
from web.use_cases.start import running

#: The most names read for one page (a session of the seed project seats 30).
MAX_NAMES = 200


@dataclass
class SessionPage:
    session: Json | None = None
    lists: rules.BookingLists | None = None
    people: dict[str, rules.Person] = field(default_factory=dict)
    bookable: list[tuple[str, str]] = field(default_factory=list)  # (participant id, handle) to book
    venue: Json | None = None
    project: Json | None = None
    errors: list[FieldError] = field(default_factory=list)


def _name(found: Json) -> str | None:
    personal = found.get("personal")
    if not isinstance(personal, dict):
        return None
    name = f"{personal.get('first_name', '')} {personal.get('last_name', '')}".strip()
    return name or None


async def names(enrolment: Enrolment, token: str, participant_ids: list[str]) -> dict[str, str]:
    """The names the caller may read, by participant id (those refused are left out)."""

    async def one(pid: str) -> tuple[str, str | None]:
        try:
            return pid, _name(await enrolment.participant(token, pid))
        except Refused:
            return pid, None

    found = await asyncio.gather(*(one(pid) for pid in participant_ids[:MAX_NAMES]))
    return {pid: name for pid, name in found if name}


async def listing(
    scheduling: Scheduling, token: str, project_id: str, period: rules.Period
) -> tuple[list[Json], list[FieldError]]:
    try:
        found = await scheduling.sessions(token, project_id, period.first.isoformat(), period.last.isoformat())
    except Refused as refused:
        return [], rules.refusal(refused.status, refused.body)
    return found, []


@dataclass
class PlanningChoices:
    activities: list[tuple[str, str]] = field(default_factory=list)  # (id, title and form)
    rooms: list[tuple[str, str]] = field(default_factory=list)  # ("venue/room", its description)
    staff: list[str] = field(default_factory=list)


async def planning_choices(scheduling: Scheduling, token: str, project_id: str) -> PlanningChoices:
    """What the planning form offers: the project's activities, the organisation's rooms and staff."""
    choices = PlanningChoices()
    try:
        choices.activities = [
            (str(a["activity_id"]), f"{a['title']} ({rules.FORM.get(a['form'], a['form'])})")
            for a in await scheduling.activities(token, project_id)
        ]
        for venue in await scheduling.venues(token):
            for room in venue.get("rooms") or []:
                access = "bez schodów" if places.step_free(venue, room) else "ze schodami"
                text = f"{venue['name']}: {room['name']} ({room['capacity']} miejsc, {access})"
                choices.rooms.append((f"{venue['venue_id']}/{room['room_id']}", text))
        choices.staff = [str(m["staff_id"]) for m in await scheduling.staff(token)]
    except Refused:
        return choices
    return choices


async def schedule(scheduling: Scheduling, token: str, form: Mapping[str, str]) -> tuple[Json | None, list[FieldError]]:
    """Plan a session from the form; every conflict scheduling names, in Polish."""
    activity_id, body, errors = rules.schedule_body(form)
    if errors:
        return None, errors
    try:
        return await scheduling.schedule(token, activity_id, body), []
    except Refused as refused:  # each conflict with what scheduling says of it (hours, holiday, clash)
        return None, planning.session_conflicts(refused.status, refused.body)


async def todays(scheduling: Scheduling, token: str, projects: list[Json], today: date) -> list[Json]:
    """Today's sessions of every project the caller takes part in (a trainer: those they lead).

    Only running projects are asked: scheduling plans no session outside its project's period.
    """
    found: list[Json] = []
    for project in (p for p in projects if running(p, today)):
        try:
            day = today.isoformat()
            for session in await scheduling.sessions(token, str(project["project_id"]), day, day):
                found.append(
                    {
                        **session,
                        "project_title": project.get("title", project["project_id"]),
                        "when": rules.when(session),
                    }
                )
        except Refused:
            continue
    return sorted(found, key=lambda s: rules.local(s["starts_at"]))


async def session_page(
    scheduling: Scheduling, enrolment: Enrolment, token: str, session_id: str, *, with_bookable: bool = False
) -> SessionPage:
    page = SessionPage()
    try:
        page.session = await scheduling.session(token, session_id)
    except Refused as refused:
        page.errors = rules.refusal(refused.status, refused.body)
        return page
    session = page.session
    page.lists = rules.booking_lists(list(session.get("bookings") or []))
    booked = [str(b["participant_id"]) for b in [*page.lists.seated, *page.lists.waitlisted]]
    project_id = str(session["project_id"])
    candidates: list[str] = []
    if with_bookable:
        try:
            active = set(booked)
            candidates = [
                str(p["participant_id"])
                for p in await scheduling.bookable(token, project_id)
                if p.get("status") == "enrolled" and str(p["participant_id"]) not in active
            ]
        except Refused:
            candidates = []
    found = await names(enrolment, token, [*booked, *candidates])
    page.people = rules.numbered(booked, found)
    page.bookable = sorted(
        ((pid, found.get(pid) or f"identyfikator {pid[:8]}") for pid in candidates), key=lambda item: item[1]
    )
    try:
        page.project = await enrolment.project(token, project_id)
    except Refused:
        page.project = None
    if session.get("venue_id"):
        try:
            page.venue = await scheduling.venue(token, str(session["venue_id"]))
        except Refused:
            page.venue = None
    return page


async def book(
    scheduling: Scheduling, token: str, session_id: str, participant_id: str
) -> tuple[Json | None, list[FieldError]]:
    if not participant_id:
        return None, [FieldError(None, "Wybierz osobę, którą chcesz zapisać.")]
    try:
        return await scheduling.book(token, session_id, participant_id), []
    except Refused as refused:
        return None, rules.refusal(refused.status, refused.body)


async def cancel(scheduling: Scheduling, token: str, session_id: str, participant_id: str) -> list[FieldError]:
    try:
        await scheduling.cancel_booking(token, session_id, participant_id)
    except Refused as refused:
        return rules.refusal(refused.status, refused.body)
    return []


async def confirm(scheduling: Scheduling, token: str, session_id: str, participant_id: str) -> list[FieldError]:
    """Accept a seat offered from the waitlist (on the participant's word, by the staff who booked)."""
    try:
        await scheduling.confirm_offer(token, session_id, participant_id)
    except Refused as refused:
        return rules.refusal(refused.status, refused.body)
    return []


@dataclass
class AttendanceOutcome:
    recorded: list[Json] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


async def record(
    scheduling: Scheduling, token: str, session_id: str, form: Mapping[str, str], participant_ids: list[str]
) -> AttendanceOutcome:
    """The whole sheet in one request to scheduling; nothing is sent when nobody is marked."""
    records, unmarked = rules.attendance_records(form, participant_ids)
    if not records:
        return AttendanceOutcome(
            unmarked=unmarked, errors=[FieldError(None, "Zaznacz obecność co najmniej jednej osoby.")]
        )
    try:
        recorded = await scheduling.record_attendance(token, session_id, records)
    except Refused as refused:
        return AttendanceOutcome(unmarked=unmarked, errors=rules.refusal(refused.status, refused.body))
    return AttendanceOutcome(recorded=recorded, unmarked=unmarked)

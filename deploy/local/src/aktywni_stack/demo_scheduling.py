"""The seed venues, staff and "Trener Aktywności" activities and sessions, as scheduling API calls.

Venues and their opening hours come from the seeds' contact pages: MOPS Wrocław at Strzegomska 6
(7:30–15:30; its cash desks 10:00–12:00 on the last day of the month), Namysłowska 8 (Mon–Wed and
Fri 8:00–15:00, Thu 8:00–16:30) and the disability assessment team at pl. Solidarności 1/3/5,
3rd floor, room 316 (Mon–Fri 8:00–15:00). Rooms, capacities and accessibility are made up for the
demo (the pages do not give them); the lift at pl. Solidarności is assumed.
The TA project's support (seeds): the TA training for 15 staff, trainings for 30 persons with
disabilities (ON) and for 30 persons of their environment, and individual meetings of each ON with
a specialist (e.g. a career adviser).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aktywni_shared.auth import Role, TokenIssuer
from aktywni_stack import demo_data
from aktywni_stack.http_client import JsonApi

WARSAW = ZoneInfo("Europe/Warsaw")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _hours(opens: str, closes: str) -> list[dict[str, str]]:
    return [{"opens": opens, "closes": closes}]


STRZEGOMSKA: dict[str, Any] = {
    "venue_id": "mops-strzegomska-6",
    "name": "MOPS Wrocław, siedziba",
    "address": {"street": "ul. Strzegomska 6", "postal_code": "53-611", "city": "Wrocław"},
    "step_free_entrance": True,
    "lift": True,
    "rooms": [
        {"room_id": "sala-konferencyjna", "name": "Sala konferencyjna", "capacity": 20, "floor": 1},
        {"room_id": "pokoj-26", "name": "Pokój 26", "capacity": 4, "floor": 0},
    ],
    "opening_hours": {day: _hours("07:30", "15:30") for day in WEEKDAYS},
    "closed_on_public_holidays": True,
    "exceptions": [
        {"kind": "last_day_of_month", "hours": _hours("10:00", "12:00"), "note": "ostatni dzień miesiąca: 10:00–12:00"}
    ],
}
NAMYSLOWSKA: dict[str, Any] = {
    "venue_id": "mops-namyslowska-8",
    "name": "MOPS Wrocław, ul. Namysłowska",
    "address": {"street": "ul. Namysłowska 8", "postal_code": "50-304", "city": "Wrocław"},
    "step_free_entrance": True,
    "lift": False,
    "rooms": [
        {"room_id": "sala-szkoleniowa", "name": "Sala szkoleniowa (parter)", "capacity": 32, "floor": 0},
        {"room_id": "sala-1-pietro", "name": "Sala na 1. piętrze", "capacity": 12, "floor": 1},
    ],
    "opening_hours": {
        "mon": _hours("08:00", "15:00"),
        "tue": _hours("08:00", "15:00"),
        "wed": _hours("08:00", "15:00"),
        "thu": _hours("08:00", "16:30"),
        "fri": _hours("08:00", "15:00"),
    },
}
SOLIDARNOSCI: dict[str, Any] = {
    "venue_id": "zon-pl-solidarnosci",
    "name": "Powiatowy Zespół ds. Orzekania o Niepełnosprawności",
    "address": {"street": "pl. Solidarności 1/3/5", "postal_code": "53-661", "city": "Wrocław"},
    "step_free_entrance": True,
    "lift": True,
    "rooms": [{"room_id": "316", "name": "Pokój 316 (III piętro)", "capacity": 3, "floor": 3}],
    "opening_hours": {day: _hours("08:00", "15:00") for day in WEEKDAYS},
}
VENUES = [STRZEGOMSKA, NAMYSLOWSKA, SOLIDARNOSCI]

WORKDAY = {day: _hours("08:00", "16:30") for day in WEEKDAYS}
STAFF: list[dict[str, Any]] = [
    {
        "staff_id": "trener-ta-kowalska",
        "user": "trener-ta-kowalska",
        "roles": ["activity_trainer", "trainer"],
        "competences": ["training", "training_session", "workshop"],
        "availability": WORKDAY,
    },
    {
        "staff_id": "trener-nowak",
        "user": "trener-nowak",
        "roles": ["trainer"],
        "competences": ["training", "workshop"],
        "availability": WORKDAY,
    },
    {
        "staff_id": "doradca-zawodowy-wisniewska",
        "user": "doradca-zawodowy-wisniewska",
        "roles": ["career_adviser"],
        "competences": ["individual_meeting"],
        "availability": WORKDAY,
    },
    {
        "staff_id": "psycholog-zielinski",
        "user": "psycholog-zielinski",
        "roles": ["psychologist"],
        "competences": ["individual_meeting"],
        "availability": WORKDAY,
    },
]

TA_TRAINING = {
    "form": "training",
    "title": "Szkolenie Trenerów Aktywności (kadra MOPS i NGO)",
    "target_categories": ["staff_trainee"],
    "planned_hours": 12,
    "capacity": 15,
}
ON_TRAINING = {
    "form": "training",
    "title": "Szkolenie dla osób niepełnosprawnych",
    "target_categories": ["person_with_disability"],
    "planned_hours": 6,
    "capacity": 30,
}
ENVIRONMENT_TRAINING = {
    "form": "training",
    "title": "Szkolenie dla otoczenia ON (rodzina, opiekunowie)",
    "target_categories": ["environment_person"],
    "planned_hours": 6,
    "capacity": 30,
}
INDIVIDUAL_MEETINGS = {
    "form": "individual_meeting",
    "title": "Spotkanie indywidualne ON ze specjalistą",
    "target_categories": ["person_with_disability"],
    "planned_hours": 0.5,
    "capacity": 1,
}


def at(day: date, hh_mm: str, hours: float) -> dict[str, str]:
    """starts_at and ends_at of a session on ``day`` at local ``hh_mm`` lasting ``hours``."""
    start = datetime.combine(day, time.fromisoformat(hh_mm), WARSAW)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat()}


def sessions_plan(first_monday: date) -> dict[str, list[dict[str, Any]]]:
    """Session bodies per activity key: two 6-hour TA training days, two 3-hour trainings each for
    ON (ground floor, step-free) and their environment, and 30 one-hour individual meetings."""
    tuesday, wednesday, thursday = (first_monday + timedelta(days=n) for n in (1, 2, 3))
    strzegomska = {"venue_id": STRZEGOMSKA["venue_id"], "room_id": "sala-konferencyjna"}
    ground_floor = {"venue_id": NAMYSLOWSKA["venue_id"], "room_id": "sala-szkoleniowa"}
    room_316 = {"venue_id": SOLIDARNOSCI["venue_id"], "room_id": "316"}
    meetings = []
    next_monday = first_monday + timedelta(days=7)
    for n in range(30):  # one room, so one meeting at a time: 12 half-hour meetings a day from 8:00
        day = next_monday + timedelta(days=n // 12)
        minutes = 30 * (n % 12)
        hour = f"{8 + minutes // 60:02d}:{minutes % 60:02d}"
        adviser = "doradca-zawodowy-wisniewska" if n % 2 == 0 else "psycholog-zielinski"
        meetings.append({**at(day, hour, 0.5), **room_316, "staff_ids": [adviser]})
    return {
        "ta_training": [
            {**at(first_monday, "08:00", 6), **strzegomska, "staff_ids": ["trener-ta-kowalska"]},
            {**at(tuesday, "08:00", 6), **strzegomska, "staff_ids": ["trener-ta-kowalska"]},
        ],
        "on_training": [
            {**at(wednesday, "08:00", 3), **ground_floor, "staff_ids": ["trener-nowak"]},
            {**at(thursday, "08:00", 3), **ground_floor, "staff_ids": ["trener-nowak"]},
        ],
        "environment_training": [
            {**at(wednesday, "11:30", 3), **ground_floor, "staff_ids": ["trener-nowak"]},
            {**at(thursday, "12:00", 3), **ground_floor, "staff_ids": ["trener-nowak"]},
        ],
        "individual_meetings": meetings,
    }


ACTIVITIES = {
    "ta_training": TA_TRAINING,
    "on_training": ON_TRAINING,
    "environment_training": ENVIRONMENT_TRAINING,
    "individual_meetings": INDIVIDUAL_MEETINGS,
}


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def set_up(
    scheduling: JsonApi, tokens: TokenIssuer, project_id: str = "TA-2012", first_monday: date = date(2012, 10, 1)
) -> tuple[list[str], dict[str, list[str]]]:
    """Venues, staff, the TA activities and their sessions; lines describing it, and session ids per activity.

    Idempotent: an activity of the same title, a session of that activity at the same time, a venue
    or a staff member already there is looked up and reused, never created twice (a 409 for an
    existing venue or staff member is success). The project must be known to scheduling.
    """
    coordinator = scheduling.as_user(demo_data.token(tokens, demo_data.EUDAJMONIA, Role.COORDINATOR))
    lines = []
    for venue in VENUES:
        status, body = coordinator.post("/venues", venue)
        lines.append(demo_data.outcome(f"venue {venue['venue_id']}", status, body))
    for member in STAFF:
        status, body = coordinator.post("/staff", member)
        lines.append(demo_data.outcome(f"staff {member['staff_id']}", status, body))
    status, existing_activities = coordinator.get(f"/projects/{project_id}/activities")
    by_title = {a["title"]: a for a in existing_activities} if status == 200 else {}
    status, existing_sessions = coordinator.get(f"/projects/{project_id}/sessions")
    scheduled: dict[str, dict[datetime, str]] = {}
    for held in existing_sessions if status == 200 else []:
        scheduled.setdefault(held["activity_id"], {})[_instant(held["starts_at"])] = held["session_id"]
    sessions: dict[str, list[str]] = {}
    plan = sessions_plan(first_monday)
    for key, activity in ACTIVITIES.items():
        found = by_title.get(str(activity["title"]))
        if found is None:
            status, found = coordinator.post(f"/projects/{project_id}/activities", activity)
            lines.append(demo_data.outcome(f"activity {activity['title']}", status, found))
            if status != 201:
                continue
        else:
            lines.append(f"activity {activity['title']}: already there")
        activity_id = str(found["activity_id"])
        at_time = scheduled.get(activity_id, {})
        sessions[key] = []
        new = 0
        for session in plan[key]:
            if (known := at_time.get(_instant(session["starts_at"]))) is not None:
                sessions[key].append(known)
                continue
            status, created = coordinator.post(f"/activities/{activity_id}/sessions", session)
            if status == 201:
                sessions[key].append(created["session_id"])
                new += 1
            else:
                lines.append(f"  session {session['starts_at']}: refused, HTTP {status} {created}")
        lines.append(f"  {len(sessions[key])} of {len(plan[key])} sessions scheduled ({new} new)")
    return lines, sessions

"""Sessions as staff read them: Warsaw times, a week's days, the booking list in its order, the
attendance sheet's form, and scheduling's conflicts in Polish. No HTTP here: plain values in and out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from web.domain.errors import FieldError

WARSAW = ZoneInfo("Europe/Warsaw")

FORM = {
    "training": "szkolenie",
    "training_session": "trening",
    "workshop": "warsztaty",
    "individual_meeting": "spotkanie indywidualne",
    "educational_trip": "wyjazd edukacyjny",
    "conference": "konferencja",
    "research": "badanie",
    "working_group_meeting": "spotkanie grupy roboczej",
}
BOOKING_STATE = {
    "confirmed": "miejsce potwierdzone",
    "offered": "zaproponowane miejsce z listy rezerwowej",
    "waitlisted": "lista rezerwowa",
    "cancelled": "rezerwacja anulowana",
}
SESSION_STATUS = {"scheduled": "zaplanowane", "cancelled": "odwołane"}
ATTENDANCE = {"present": "obecny", "absent": "nieobecny", "excused": "nieobecność usprawiedliwiona"}
WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")

#: Scheduling's conflict kinds (``conflict.<code>``) in Polish.
CONFLICTS = {
    "busy": "Ktoś właśnie zmienia te zajęcia. Spróbuj ponownie za chwilę.",
    "exists": "Taki wpis już istnieje.",
    "no_offer": "Ta osoba nie ma otwartej propozycji miejsca na tych zajęciach.",
    "not_enrolled": "Ta osoba nie jest uczestnikiem projektu (albo nie przystąpiła jeszcze do udziału).",
    "outside_opening_hours": "Placówka jest wtedy zamknięta (godziny otwarcia, dzień wolny lub święto).",
    "outside_project_period": "Termin poza okresem realizacji projektu.",
    "over_capacity": "Za mało miejsc (sala lub zajęcia mają mniejszą pojemność).",
    "session_cancelled": "Te zajęcia zostały odwołane.",
    "staff_unavailable": "Prowadzący jest wtedy niedostępny.",
    "staff_not_competent": "Prowadzący nie prowadzi tej formy wsparcia.",
    "category_not_targeted": "Te zajęcia nie są przeznaczone dla tej kategorii uczestników.",
    "not_step_free": "Sala nie ma dostępu bez schodów, a ta osoba go potrzebuje.",
    "participant_double_booked": "Ta osoba ma w tym czasie inne zajęcia.",
    "room_double_booked": "Sala jest w tym czasie zajęta.",
    "staff_double_booked": "Prowadzący ma w tym czasie inne zajęcia.",
}
#: Fragments of scheduling's English messages of a 422, in Polish.
MESSAGES = {
    "once the session has started": "Obecność można zapisać dopiero po rozpoczęciu zajęć.",
    "holds no confirmed booking": "Ta osoba nie ma potwierdzonego miejsca na tych zajęciach.",
    "listed twice": "Ta sama osoba jest na liście dwa razy.",
}
NOT_FOUND = "Nie znaleziono (albo nie masz do tego dostępu)."
FORBIDDEN = "Nie masz uprawnień do tej czynności."
UNKNOWN = "Nie udało się zapisać zmiany."


def local(moment: str | datetime) -> datetime:
    """An API moment (ISO text with an offset) in Warsaw's time."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(WARSAW)


def when(session: Mapping[str, Any]) -> str:
    """``środa 2026-12-02, 10:00–12:00``"""
    start, end = local(session["starts_at"]), local(session["ends_at"])
    return f"{WEEKDAYS[start.weekday()]} {start:%Y-%m-%d}, {start:%H:%M}–{end:%H:%M}"


def persons(count: int) -> str:
    """``1 osoba``, ``3 osoby``, ``5 osób``, ``22 osoby`` (Polish plural forms)."""
    if count == 1:
        return "1 osoba"
    few = count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14)
    return f"{count} {'osoby' if few else 'osób'}"


def hours(session: Mapping[str, Any]) -> float:
    return round((local(session["ends_at"]) - local(session["starts_at"])).total_seconds() / 3600, 2)


def place(session: Mapping[str, Any], venue: Mapping[str, Any] | None) -> str:
    """``Centrum, ul. Długa 1, Wrocław; sala: Duża sala`` (or the ids when the venue cannot be read)."""
    if session.get("off_site"):
        return "poza placówką"
    if not venue:
        room = f", sala {session['room_id']}" if session.get("room_id") else ""
        return f"{session.get('venue_id') or ''}{room}"
    address = venue.get("address") or {}
    text = str(venue.get("name", ""))
    if address:
        text += f", {address.get('street', '')}, {address.get('city', '')}"
    for room in venue.get("rooms") or []:
        if room.get("room_id") == session.get("room_id"):
            text += f"; sala: {room.get('name', '')}"
    return text


@dataclass(frozen=True)
class Period:
    """The days a list of sessions shows: one day, or the Monday-to-Sunday week holding it."""

    first: date
    last: date
    week: bool

    @classmethod
    def of(cls, day: date, week: bool) -> Period:
        if not week:
            return cls(day, day, False)
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6), True)

    @property
    def before(self) -> date:
        return self.first - timedelta(days=7 if self.week else 1)

    @property
    def after(self) -> date:
        return self.first + timedelta(days=7 if self.week else 1)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def parse_day(text: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(text) if text else fallback
    except ValueError:
        return fallback


def by_day(sessions: list[dict[str, Any]], period: Period) -> list[tuple[date, list[dict[str, Any]]]]:
    """Each day of the period with its sessions, in their starting order."""
    days: dict[date, list[dict[str, Any]]] = {day: [] for day in period.days()}
    for session in sorted(sessions, key=lambda s: local(s["starts_at"])):
        day = local(session["starts_at"]).date()
        if day in days:
            days[day].append(session)
    return list(days.items())


@dataclass(frozen=True)
class Person:
    """A booked participant as a page shows them: a name when the caller may read it, else a number."""

    participant_id: str
    name: str | None
    number: int

    @property
    def handle(self) -> str:
        return self.name or f"Osoba nr {self.number} (identyfikator {self.participant_id[:8]})"


@dataclass(frozen=True)
class BookingLists:
    confirmed: list[dict[str, Any]]
    offered: list[dict[str, Any]]
    waitlisted: list[dict[str, Any]]  # in order: the first is offered the next free seat

    @property
    def seated(self) -> list[dict[str, Any]]:
        """Who may come: confirmed seats and open offers (the attendance sheet and the printed list)."""
        return [*self.confirmed, *self.offered]


def booking_lists(bookings: list[dict[str, Any]]) -> BookingLists:
    ordered = sorted(bookings, key=lambda b: (str(b.get("requested_at", "")), str(b.get("booking_id", ""))))
    return BookingLists(
        [b for b in ordered if b.get("state") == "confirmed"],
        [b for b in ordered if b.get("state") == "offered"],
        [b for b in ordered if b.get("state") == "waitlisted"],
    )


def numbered(participant_ids: list[str], names: Mapping[str, str]) -> dict[str, Person]:
    return {pid: Person(pid, names.get(pid), n) for n, pid in enumerate(participant_ids, start=1)}


def attendance_records(form: Mapping[str, str], participant_ids: list[str]) -> tuple[list[dict[str, str]], list[str]]:
    """The sheet's choices (``obecnosc-<id>``) as scheduling's records; the ids left unmarked."""
    records, unmarked = [], []
    for pid in participant_ids:
        status = form.get(f"obecnosc-{pid}", "")
        if status in ATTENDANCE:
            records.append({"participant_id": pid, "status": status})
        else:
            unmarked.append(pid)
    return records, unmarked


def refusal(status: int, body: Any) -> list[FieldError]:
    """Scheduling's answer to a refused write, in Polish (one line per conflict, none repeated)."""
    detail = body.get("detail") if isinstance(body, dict) else None
    messages: list[str] = []
    if isinstance(detail, list):
        for entry in detail:
            item = entry if isinstance(entry, dict) else {}
            kind, said = str(item.get("type", "")), str(item.get("msg", ""))
            code = kind.removeprefix("conflict.")
            told = [polish for fragment, polish in MESSAGES.items() if fragment in said]
            if status == 404:
                text = NOT_FOUND
            elif code in CONFLICTS:
                text = CONFLICTS[code]
            elif told:
                text = told[0]
            elif kind in {"missing", "uuid_parsing", "enum"}:
                text = "Wybierz uczestnika i stan obecności z listy."
            else:
                text = UNKNOWN
            if text not in messages:
                messages.append(text)
    if not messages:
        messages.append({403: FORBIDDEN, 404: NOT_FOUND}.get(status, UNKNOWN))
    return [FieldError(None, message) for message in messages]


def schedule_body(form: Mapping[str, str]) -> tuple[str, dict[str, Any], list[FieldError]]:
    """The planning form as scheduling's body (times in Warsaw), or what is missing or wrong in it.

    ``room`` is ``<venue_id>/<room_id>``; the activity's id is returned apart (it is in the address).
    """
    errors: list[FieldError] = []
    activity = form.get("activity_id", "").strip()
    if not activity:
        errors.append(FieldError(None, "Wybierz formę wsparcia (działanie)."))
    try:
        day = date.fromisoformat(form.get("day", "").strip())
        starts = datetime.combine(day, time.fromisoformat(form.get("starts", "").strip()), WARSAW)
        ends = datetime.combine(day, time.fromisoformat(form.get("ends", "").strip()), WARSAW)
    except ValueError:
        errors.append(FieldError(None, "Podaj datę (RRRR-MM-DD) oraz godziny rozpoczęcia i zakończenia (GG:MM)."))
        return activity, {}, errors
    if ends <= starts:
        errors.append(FieldError(None, "Zajęcia muszą się kończyć później, niż się zaczynają."))
    body: dict[str, Any] = {"starts_at": starts.isoformat(), "ends_at": ends.isoformat()}
    venue, _, room = form.get("room", "").partition("/")
    if venue and room:
        body.update(venue_id=venue, room_id=room)
    else:
        errors.append(FieldError(None, "Wybierz salę."))
    if form.get("staff_id", "").strip():
        body["staff_ids"] = [form["staff_id"].strip()]
    capacity = form.get("capacity", "").strip()
    if capacity:
        if capacity.isdigit() and int(capacity) > 0:
            body["capacity"] = int(capacity)
        else:
            errors.append(FieldError(None, "Liczba miejsc to liczba całkowita większa od zera."))
    return activity, body, errors

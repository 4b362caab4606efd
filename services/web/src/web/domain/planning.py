"""Planning forms as scheduling's bodies, and scheduling's answers to them in Polish.

The forms name their fields by the API's dotted paths (``address.postal_code``, ``rooms.1.capacity``,
``opening_hours.mon``), so a refused field of a 422 lands next to its field. The web shapes values
(a checkbox is a boolean, an empty row is left out) and lets the API check them. A conflict (409)
is told with what scheduling says of it (the venue's hours, the holiday, the clashing time), never
with a participant's id. No HTTP here: plain values in and out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from web.domain import sessions as rules
from web.domain.errors import FieldError
from web.domain.venues import DAYS

#: Rows of rooms the venue form offers (a venue has at least one).
ROOM_ROWS = 3

STAFF_ROLE = {
    "activity_trainer": "trener aktywności",
    "trainer": "trener (szkolenia)",
    "career_adviser": "doradca zawodowy",
    "psychologist": "psycholog",
    "lawyer": "prawnik",
    "social_worker": "pracownik socjalny",
    "researcher": "badacz",
}
COMPLETION = {
    "attendance_share": "udział w określonej części godzin",
    "any_attendance": "obecność na co najmniej jednych zajęciach",
}
#: Weekdays in Polish as "on Sunday" is said ("w niedzielę").
ON_WEEKDAY = ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę")


@dataclass(frozen=True)
class FormError(FieldError):
    """A refused field of a planning form, with the form's own name of the field."""

    name: str = ""

    @property
    def label(self) -> str:
        return self.name


def _day_labels(prefix: str, what: str) -> dict[str, str]:
    return {f"{prefix}.{key}": f"{what}: {name}" for key, name in DAYS}


VENUE_LABELS = {
    "venue_id": "Identyfikator placówki",
    "name": "Nazwa placówki",
    "address": "Adres",
    "address.street": "Ulica i numer",
    "address.postal_code": "Kod pocztowy",
    "address.city": "Miejscowość",
    "step_free_entrance": "Wejście bez schodów",
    "lift": "Winda",
    "closed_on_public_holidays": "Zamknięte w święta",
    "opening_hours": "Godziny otwarcia",
    **_day_labels("opening_hours", "Godziny otwarcia"),
    "exceptions": "Dni zamknięte",
    "rooms": "Sale",
    **{
        f"rooms.{n}.{key}": f"Sala {n + 1}: {what}"
        for n in range(ROOM_ROWS)
        for key, what in (
            ("room_id", "identyfikator"),
            ("name", "nazwa"),
            ("capacity", "liczba miejsc"),
            ("floor", "piętro"),
            ("step_free", "bez schodów"),
        )
    },
}
STAFF_LABELS = {
    "staff_id": "Identyfikator prowadzącego",
    "user": "Login",
    "roles": "Funkcje",
    "competences": "Prowadzone formy wsparcia",
    "availability": "Dostępność",
    **_day_labels("availability", "Dostępność"),
}
ACTIVITY_LABELS = {
    "form": "Forma wsparcia",
    "title": "Nazwa działania",
    "target_categories": "Dla kogo",
    "planned_hours": "Liczba godzin",
    "capacity": "Liczba miejsc na zajęciach",
    "completion_rule": "Zasada ukończenia",
    "completion_rule.min_share": "Wymagany udział w godzinach (%)",
    "offer_window_hours": "Czas na potwierdzenie miejsca (godziny)",
}
RESCHEDULE_LABELS = {"day": "Data", "starts": "Początek", "ends": "Koniec", "room": "Sala", "reason": "Powód odwołania"}

#: Pydantic's kinds in Polish.
KINDS = {
    "missing": "To pole jest wymagane.",
    "string_too_short": "To pole nie może być puste.",
    "string_too_long": "Tekst jest za długi.",
    "too_short": "Zaznacz albo podaj co najmniej jedną pozycję.",
    "too_long": "Za dużo pozycji.",
    "int_parsing": "Podaj liczbę całkowitą.",
    "int_from_float": "Podaj liczbę całkowitą.",
    "float_parsing": "Podaj liczbę (np. 12 albo 1,5).",
    "greater_than": "Podaj liczbę większą od zera.",
    "greater_than_equal": "Liczba jest za mała.",
    "less_than_equal": "Liczba jest za duża.",
    "time_parsing": "Podaj godzinę w formacie GG:MM.",
    "time_type": "Podaj godzinę w formacie GG:MM.",
    "date_parsing": "Podaj datę w formacie RRRR-MM-DD.",
    "date_from_datetime_parsing": "Podaj datę w formacie RRRR-MM-DD.",
    "enum": "Wybierz jedną z podanych wartości.",
    "literal_error": "Wybierz jedną z podanych wartości.",
    "bool_parsing": "Niepoprawna wartość.",
    "extra_forbidden": "Tego pola formularz nie przewiduje.",
}
#: A pattern a field did not match, said for that field.
PATTERNS = {
    "venue_id": "Tylko małe litery bez polskich znaków, cyfry i myślniki (np. centrum-srodmiescie).",
    "staff_id": "Tylko małe litery bez polskich znaków, cyfry i myślniki (np. anna-nowak).",
    "room_id": "Tylko małe litery bez polskich znaków, cyfry i myślniki (np. 316 albo duza).",
    "postal_code": "Podaj kod pocztowy w formacie 00-000.",
}
#: Fragments of scheduling's English messages, in Polish, with the field they are about.
FRAGMENTS = (
    ("closes is not after opens", None, "Godzina zamknięcia musi być późniejsza niż otwarcia."),
    ("hours are local", None, "Podaj godziny bez strefy czasowej (czas warszawski)."),
    ("room_id values repeat", "rooms", "Identyfikatory sal powtarzają się."),
    ("capacity of an individual meeting is 1", "capacity", "Spotkanie indywidualne ma jedno miejsce (podaj 1)."),
    ("min_share is required", "completion_rule.min_share", "Podaj wymagany udział w godzinach (%)."),
    ("min_share applies only", "completion_rule.min_share", "Udział w godzinach dotyczy tylko pierwszej zasady."),
    ("ends before (or when) it starts", "ends", "Zajęcia muszą się kończyć później, niż się zaczynają."),
    ("a session lasts at most", "ends", "Zajęcia trwają najwyżej 12 godzin."),
    ("same day", "ends", "Zajęcia zaczynają się i kończą tego samego dnia."),
)
EXISTS = {
    "venue_id": "Placówka o tym identyfikatorze już jest w Twojej organizacji.",
    "staff_id": "Prowadzący o tym identyfikatorze już jest w Twojej organizacji.",
}
NOT_FOUND_FIELDS = {
    "venue_id": "Nie ma takiej placówki w organizacjach projektu.",
    "room_id": "Ta placówka nie ma takiej sali.",
    "staff_ids": "Nie ma takiego prowadzącego w organizacjach projektu.",
}
#: Where a conflict of a session is shown in the reschedule form.
CONFLICT_FIELDS = {"starts_at": "day", "ends_at": "ends", "venue_id": "room", "room_id": "room"}


def _path(loc: Sequence[Any]) -> list[str]:
    path = [str(part) for part in loc]
    if path and path[0] in {"body", "query", "path"}:
        path = path[1:]
    # a discriminated union's tag ("exceptions.0.date.on") is no field of the form
    return [part for part in path if part not in {"date", "last_day_of_month"}]


def _nearest(path: list[str], labels: Mapping[str, str]) -> tuple[str | None, list[str]]:
    """The form's field nearest to an API path, and the parts left over (``rooms.0.x`` → ``rooms.0``)."""
    rest: list[str] = []
    while path and ".".join(path) not in labels:
        rest.insert(0, path[-1])
        path = path[:-1]
    return (".".join(path) or None), rest


def _message(field: str | None, kind: str, said: str) -> tuple[str | None, str]:
    for fragment, at, polish in FRAGMENTS:
        if fragment in said:
            return at or field, polish
    if kind == "string_pattern_mismatch":
        return field, PATTERNS.get((field or "").rsplit(".", 1)[-1], "Niepoprawny format.")
    return field, KINDS.get(kind, "Niepoprawna wartość.")


def form_errors(
    status: int, body: Any, labels: Mapping[str, str], rows: Mapping[str, Sequence[int]] | None = None
) -> list[FieldError]:
    """A refused write as the form's errors in Polish (never echoing a submitted value).

    ``rows`` maps a list field to the form's row of each item sent (empty rows are not sent), so
    ``rooms.1.capacity`` of the API is the form's ``rooms.2.capacity`` when the second row was empty.
    """
    detail = body.get("detail") if isinstance(body, dict) else None
    errors: list[FieldError] = []
    if isinstance(detail, list):
        for entry in detail:
            item = entry if isinstance(entry, dict) else {}
            kind, said = str(item.get("type", "")), str(item.get("msg", ""))
            path = _path(list(item.get("loc") or []))
            if len(path) > 1 and rows and path[0] in rows and path[1].isdigit():
                sent = rows[path[0]]
                index = int(path[1])
                path[1] = str(sent[index]) if index < len(sent) else path[1]
            field, rest = _nearest(path, labels)
            code = kind.removeprefix("conflict.")
            if code == "exists":
                message = EXISTS.get(field or "", rules.CONFLICTS["exists"])
            elif status == 404:
                message = NOT_FOUND_FIELDS.get(field or "", rules.NOT_FOUND)
            elif kind.startswith("conflict."):
                message = conflict_message(code, said)
            else:
                field, message = _message(field, kind, said)
                line = next((part for part in rest if part.isdigit()), None) if field == "exceptions" else None
                if line is not None:
                    message = f"Wiersz {int(line) + 1}: {message}"
            error = FormError(field, message, labels.get(field or "", ""))
            if error not in errors:
                errors.append(error)
    if not errors:
        text = {403: rules.FORBIDDEN, 404: rules.NOT_FOUND, 503: "Usługa planowania jest chwilowo niedostępna."}
        errors.append(FormError(None, text.get(status, rules.UNKNOWN)))
    return errors


# --- conflicts of a session, told with what scheduling says of them ----------------------------------

_DAY = r"\d{4}-\d{2}-\d{2}"
_CLOSED = re.compile(
    rf"^(?P<name>.*) (?:is open (?P<hours>.+?)|is closed) on (?P<day>{_DAY}) "
    rf"\((?P<why>.*)\); (?P<asked>\S+) is outside$"
)
_STAFF_HOURS = re.compile(
    rf"^staff (?P<who>\S+) is available (?P<hours>.+) on \S+ (?P<day>{_DAY}); (?P<asked>\S+) is outside$"
)
_NOT_COMPETENT = re.compile(r"^staff (?P<who>\S+) does not lead (?P<form>\w+)")
_BOOKED = re.compile(rf"^(?P<what>room|staff|participant) (?P<who>\S+) is already booked (?P<when>{_DAY} \S+)")
_PERIOD = re.compile(rf"runs (?P<first>{_DAY})\.\.(?P<last>{_DAY}); (?P<day>{_DAY}) is outside")
_ROOM_SEATS = re.compile(r"^room (?P<room>\S+) of \S+ seats (?P<seats>\d+); (?P<asked>\d+) asked")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _closed(said: str) -> str | None:
    found = _CLOSED.match(said)
    if not found:
        return None
    name, day, why, asked = found["name"], found["day"], found["why"], found["asked"]
    if why.startswith("public holiday"):
        holiday = why.removeprefix("public holiday (").removesuffix(")")
        return f"Placówka {name} jest zamknięta {day}: to święto ({holiday})."
    if found["hours"] is None:
        reason = "" if why in _WEEKDAYS else f" ({why})"
        return f"Placówka {name} jest zamknięta {ON_WEEKDAY[date.fromisoformat(day).weekday()]} ({day}){reason}."
    return f"Placówka {name} jest {day} czynna {found['hours']}; godziny {asked} wykraczają poza nie."


def _unavailable(said: str) -> str | None:
    found = _STAFF_HOURS.match(said)
    if not found:
        return None
    if found["hours"] == "closed":
        return f"Prowadzący {found['who']} jest niedostępny {found['day']}."
    return (
        f"Prowadzący {found['who']} jest {found['day']} dostępny {found['hours']}; "
        f"godziny {found['asked']} wykraczają poza to."
    )


def _not_competent(said: str) -> str | None:
    found = _NOT_COMPETENT.match(said)
    if not found:
        return None
    return (
        f"Prowadzący {found['who']} nie prowadzi tej formy wsparcia ({rules.FORM.get(found['form'], found['form'])})."
    )


def _double_booked(said: str) -> str | None:
    found = _BOOKED.match(said)
    if not found:
        return None
    if found["what"] == "room":
        return f"Sala {found['who']} jest już zajęta {found['when']}."
    if found["what"] == "staff":
        return f"Prowadzący {found['who']} ma już zajęcia {found['when']}."
    return f"Osoba zapisana na te zajęcia ma w tym czasie inne zajęcia ({found['when']})."  # no id shown


def _period(said: str) -> str | None:
    found = _PERIOD.search(said)
    if not found:
        return None
    return (
        f"{rules.CONFLICTS['outside_project_period']} Projekt trwa od {found['first']} do {found['last']}, "
        f"a wybrany dzień to {found['day']}."
    )


def _seats(said: str) -> str | None:
    found = _ROOM_SEATS.match(said)
    return f"Sala {found['room']} ma {found['seats']} miejsc, a zajęcia mają ich {found['asked']}." if found else None


def _step_free(said: str) -> str | None:
    return "Na zajęcia zapisano osobę, która potrzebuje dostępu bez schodów, a ta sala go nie ma."


DETAILS = {
    "outside_opening_hours": _closed,
    "staff_unavailable": _unavailable,
    "staff_not_competent": _not_competent,
    "room_double_booked": _double_booked,
    "staff_double_booked": _double_booked,
    "participant_double_booked": _double_booked,
    "outside_project_period": _period,
    "over_capacity": _seats,
    "not_step_free": _step_free,
}


def conflict_message(code: str, said: str) -> str:
    """One conflict of a session in plain Polish, with the details scheduling gives (hours, dates)."""
    detail = DETAILS.get(code)
    told = detail(said) if detail else None
    return told or rules.CONFLICTS.get(code, rules.UNKNOWN)


#: The API's fields a session's conflict names, kept apart from the form's own.
SESSION_FIELDS = ("starts_at", "ends_at", "venue_id", "room_id", "staff_ids", "capacity", "participant_id")


def session_conflicts(status: int, body: Any) -> list[FieldError]:
    """Scheduling's refusal of a session's placement, one Polish line per conflict, each by its field."""
    told = form_errors(status, body, {**RESCHEDULE_LABELS, **dict.fromkeys(SESSION_FIELDS, "")})
    shown: list[FieldError] = []
    for error in told:
        field = CONFLICT_FIELDS.get(error.field or "", error.field if error.field in RESCHEDULE_LABELS else None)
        moved = FormError(field, error.message, RESCHEDULE_LABELS.get(field or "", ""))
        if moved not in shown:
            shown.append(moved)
    return shown


# --- forms → bodies ----------------------------------------------------------------------------------


def _text(form: Mapping[str, str], name: str) -> str:
    return form.get(name, "").strip()


def _week(form: Mapping[str, str], prefix: str) -> dict[str, list[dict[str, str]]]:
    """Per weekday one span from two fields (``<prefix>.mon.opens``/``.closes``); both empty: closed."""
    week: dict[str, list[dict[str, str]]] = {}
    for key, _ in DAYS:
        opens, closes = _text(form, f"{prefix}.{key}.opens"), _text(form, f"{prefix}.{key}.closes")
        if opens or closes:
            span = {k: v for k, v in (("opens", opens), ("closes", closes)) if v}
            week[key] = [span]
    return week


def closed_days(text: str) -> list[dict[str, Any]]:
    """``2026-12-31 Sylwester`` per line: a day the venue is closed (the API checks the date)."""
    found: list[dict[str, Any]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        on, _, note = line.partition(" ")
        item: dict[str, Any] = {"kind": "date", "on": on, "hours": []}
        if note.strip():
            item["note"] = note.strip()
        found.append(item)
    return found


@dataclass(frozen=True)
class Shaped:
    """A form as the API's body, with the form's row of each list item sent."""

    body: dict[str, Any]
    rows: dict[str, list[int]]


def venue_body(form: Mapping[str, str]) -> Shaped:
    rooms, sent = [], []
    for n in range(ROOM_ROWS):
        row = {key: _text(form, f"rooms.{n}.{key}") for key in ("room_id", "name", "capacity", "floor")}
        if not any(row[key] for key in ("room_id", "name", "capacity")):
            continue
        room: dict[str, Any] = {k: v for k, v in row.items() if v}
        room["step_free"] = form.get(f"rooms.{n}.step_free") == "on"
        rooms.append(room)
        sent.append(n)
    address = {key: _text(form, f"address.{key}") for key in ("street", "postal_code", "city")}
    body: dict[str, Any] = {
        "venue_id": _text(form, "venue_id"),
        "name": _text(form, "name"),
        "address": {k: v for k, v in address.items() if v},
        "step_free_entrance": form.get("step_free_entrance") == "on",
        "lift": form.get("lift") == "on",
        "closed_on_public_holidays": form.get("closed_on_public_holidays") == "on",
        "rooms": rooms,
        "opening_hours": _week(form, "opening_hours"),
        "exceptions": closed_days(form.get("exceptions", "")),
    }
    return Shaped({k: v for k, v in body.items() if v != ""}, {"rooms": sent})


def staff_body(form: Mapping[str, str], choices: Mapping[str, list[str]]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "staff_id": _text(form, "staff_id"),
        "user": _text(form, "user"),
        "roles": list(choices.get("roles", [])),
        "competences": list(choices.get("competences", [])),
        "availability": _week(form, "availability"),
    }
    return {k: v for k, v in body.items() if v != ""}


def _number(text: str) -> str | float:
    """A Polish decimal ("1,5") as a number; anything else as typed, for the API to name."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def activity_body(form: Mapping[str, str], choices: Mapping[str, list[str]]) -> tuple[dict[str, Any], list[FieldError]]:
    """The activity form as ``PlanActivity``; a share that is no percentage is refused here."""
    body: dict[str, Any] = {
        "form": _text(form, "form"),
        "title": _text(form, "title"),
        "target_categories": list(choices.get("target_categories", [])),
        "planned_hours": _number(_text(form, "planned_hours")),
        "capacity": _text(form, "capacity"),
    }
    body = {k: v for k, v in body.items() if v != ""}
    if window := _text(form, "offer_window_hours"):
        body["offer_window_hours"] = window
    errors: list[FieldError] = []
    kind = _text(form, "completion_rule")
    if kind == "attendance_share":
        share = _number(_text(form, "completion_rule.min_share"))
        if isinstance(share, float) and 0 < share <= 100:
            body["completion_rule"] = {"kind": kind, "min_share": round(share / 100, 4)}
        else:
            label = ACTIVITY_LABELS["completion_rule.min_share"]
            errors.append(FormError("completion_rule.min_share", "Podaj liczbę od 1 do 100.", label))
    elif kind == "any_attendance":
        body["completion_rule"] = {"kind": kind}
    return body, errors


def rule_text(rule: Mapping[str, Any] | None) -> str:
    """``80 % godzin`` or ``obecność na co najmniej jednych zajęciach``."""
    if not rule:
        return ""
    if rule.get("kind") == "attendance_share":
        return f"udział w co najmniej {round(float(rule.get('min_share') or 0) * 100)} % godzin"
    return COMPLETION.get(str(rule.get("kind")), str(rule.get("kind")))


def placement_body(form: Mapping[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """The reschedule form (date, hours in Warsaw, ``<venue>/<room>``) as ``Reschedule``, or what is wrong."""
    errors: list[FieldError] = []
    try:
        day = date.fromisoformat(_text(form, "day"))
    except ValueError:
        return {}, [FormError("day", "Podaj datę w formacie RRRR-MM-DD.", RESCHEDULE_LABELS["day"])]
    try:
        starts = datetime.combine(day, time.fromisoformat(_text(form, "starts")), rules.WARSAW)
        ends = datetime.combine(day, time.fromisoformat(_text(form, "ends")), rules.WARSAW)
    except ValueError:
        message = "Podaj godziny rozpoczęcia i zakończenia (GG:MM)."
        return {}, [FormError("starts", message, RESCHEDULE_LABELS["starts"])]
    if ends <= starts:
        errors.append(
            FormError("ends", "Zajęcia muszą się kończyć później, niż się zaczynają.", RESCHEDULE_LABELS["ends"])
        )
    body: dict[str, Any] = {"starts_at": starts.isoformat(), "ends_at": ends.isoformat()}
    venue, _, room = _text(form, "room").partition("/")
    if venue and room:
        body.update(venue_id=venue, room_id=room)
    else:
        errors.append(FormError("room", "Wybierz salę.", RESCHEDULE_LABELS["room"]))
    return body, errors


def placement_values(session: Mapping[str, Any]) -> dict[str, str]:
    """A session's date, hours and room as the reschedule form shows them at first."""
    start, end = rules.local(session["starts_at"]), rules.local(session["ends_at"])
    room = f"{session.get('venue_id')}/{session.get('room_id')}" if session.get("room_id") else ""
    return {"day": start.date().isoformat(), "starts": f"{start:%H:%M}", "ends": f"{end:%H:%M}", "room": room}


# --- the week's filters -------------------------------------------------------------------------------

FILTERS = ("venue", "staff", "activity")


def filters(query: Mapping[str, str]) -> dict[str, str]:
    """The week's filters the address carries (ids of a venue, a staff member, an activity; no person)."""
    return {name: query.get(name, "").strip() for name in FILTERS if query.get(name, "").strip()}


def matching(sessions: list[dict[str, Any]], chosen: Mapping[str, str]) -> list[dict[str, Any]]:
    """The sessions held at the chosen venue, led by the chosen staff member, of the chosen activity."""
    found = []
    for s in sessions:
        if "venue" in chosen and s.get("venue_id") != chosen["venue"]:
            continue
        if "staff" in chosen and chosen["staff"] not in (s.get("staff_ids") or []):
            continue
        if "activity" in chosen and str(s.get("activity_id")) != chosen["activity"]:
            continue
        found.append(s)
    return found


def week_query(day: date, week: bool, chosen: Mapping[str, str]) -> str:
    """The address's query of another period with the same filters."""
    query = {"day": day.isoformat(), "view": "week" if week else "day"}
    return "?" + urlencode({**query, **{name: chosen[name] for name in FILTERS if name in chosen}})

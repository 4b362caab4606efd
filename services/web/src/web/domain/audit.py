"""The audit log as staff read it: its actions and fields in Polish, and its filters checked field by field."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from web.domain.errors import FIELD_LABELS, FieldError

WARSAW = ZoneInfo("Europe/Warsaw")
PAGE_SIZE = 50

#: What was done to the data, as the enrolment service's audit log names it.
ACTIONS = {
    "read": "odczyt karty uczestnika",
    "list": "lista uczestników",
    "search": "wyszukiwanie uczestników",
    "enrol": "przyjęcie do projektu",
    "register_candidate": "zgłoszenie kandydata",
    "qualify": "kwalifikacja",
    "update": "zmiana danych",
    "import": "import z pliku",
    "import_preview": "podgląd importu (bez zapisu)",
    "export": "eksport danych",
    "erase": "usunięcie danych osobowych",
}

#: The filters of the audit page, as staff name them.
FILTER_LABELS = {
    "participant_id": "Identyfikator uczestnika",
    "actor": "Login osoby",
    "action": "Czynność",
    "from": "Od dnia",
    "to": "Do dnia (włącznie)",
}
FILTERS = tuple(FILTER_LABELS)

#: The personal fields an entry names, in Polish (their values are never in the log).
FIELD_NAMES = {
    **{name: label for name, label in FIELD_LABELS.items() if "." not in name},
    "address": "Adres",
    "sensitive": "Dane wrażliwe",
    "by:name": "wg imienia lub nazwiska",
    "by:pesel": "wg numeru PESEL",
}


@dataclass(frozen=True)
class FilterError(FieldError):
    """A refused filter, labelled as the audit page names it."""

    @property
    def label(self) -> str:
        return FILTER_LABELS.get(self.field or "", "")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def filters(form: Mapping[str, str]) -> tuple[dict[str, str], int, list[FieldError]]:
    """The filled filters of the form, the page asked for, and each refused filter in Polish."""
    chosen = {name: form[name].strip() for name in FILTERS if form.get(name, "").strip()}
    errors: list[FieldError] = []
    if "participant_id" in chosen:
        try:
            chosen["participant_id"] = str(uuid.UUID(chosen["participant_id"]))
        except ValueError:
            errors.append(FilterError("participant_id", "Podaj identyfikator uczestnika z jego karty (np. 3f2c…)."))
    if "action" in chosen and chosen["action"] not in ACTIONS:
        errors.append(FilterError("action", "Wybierz jedną z podanych czynności."))
    if len(chosen.get("actor", "")) > 200:
        errors.append(FilterError("actor", "Login jest za długi."))
    days = {name: _day(chosen[name]) for name in ("from", "to") if name in chosen}
    for name, day in days.items():
        if day is None:
            errors.append(FilterError(name, "Podaj datę w formacie RRRR-MM-DD."))
    first, last = days.get("from"), days.get("to")
    if first is not None and last is not None and first > last:
        errors.append(FilterError("to", "Data końcowa nie może być wcześniejsza niż początkowa."))
    try:
        page = max(1, min(int(form.get("page", "1") or "1"), 100_000))
    except ValueError:
        page = 1
    return chosen, page, errors


def when(moment: str) -> str:
    """An entry's moment on Warsaw's wall clock: "2026-03-02 14:05:09"."""
    return datetime.fromisoformat(moment).astimezone(WARSAW).strftime("%Y-%m-%d %H:%M:%S")


def field_names(fields: list[str]) -> str:
    return ", ".join(FIELD_NAMES.get(name, name) for name in fields)


def pages(total: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // page_size))

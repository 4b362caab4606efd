"""The API's refusals as staff read them: each 422 ``loc`` becomes a form field and a Polish message.

The enrolment service answers ``{"detail": [{"loc": ["body", "pesel"], "msg": ..., "type": ...}]}``
for a refused field (pydantic's validation, or the shared ``DomainError`` naming its field). The
form knows its fields by the API's dotted path (``residence.postal_code``); a refusal the form has
no field for goes to the summary at the top of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The forms' fields as staff name them, keyed by the API's dotted path: the forms take their labels
#: from here too, so that the summary of errors names a field as the form does.
FIELD_LABELS = {
    "organisation_id": "Organizacja",
    "category": "Kategoria uczestnika",
    "first_name": "Imię",
    "last_name": "Nazwisko",
    "pesel": "PESEL",
    "birth_date": "Data urodzenia",
    "sex": "Płeć",
    "citizenship": "Obywatelstwo",
    "education": "Wykształcenie",
    "disability_degree": "Stopień niepełnosprawności",
    "labour_market_status": "Status na rynku pracy",
    "phone": "Telefon",
    "email": "Adres e-mail",
    "residence": "Miejsce zamieszkania",
    "residence.voivodeship": "Województwo",
    "residence.county": "Powiat",
    "residence.commune": "Gmina",
    "residence.degurba": "Stopień urbanizacji (DEGURBA)",
    "residence.postal_code": "Kod pocztowy",
    "residence.teryt": "Kod TERYT gminy",
    "residence.locality": "Miejscowość",
    "residence.street": "Ulica i numer",
    "enrolled_on": "Data przystąpienia",
    "consent": "Zgoda na przetwarzanie danych",
    "consent.given_on": "Data podpisania zgody",
    "linked_participant_id": "Powiązany uczestnik",
    "social_assistance_client": "Klient ośrodka pomocy społecznej",
    "mops_employee": "Pracownik ośrodka pomocy społecznej",
    "needs_step_free_access": "Potrzebuje dostępu bez schodów",
    "project_id": "Kod projektu",
    "title": "Tytuł projektu",
    "funding_programme": "Program finansowania",
    "starts_on": "Data rozpoczęcia",
    "ends_on": "Data zakończenia",
    "target_groups": "Grupy docelowe",
    "eligibility": "Zasady kwalifikowalności",
    "required_consents": "Wymagane zgody",
    "path_completion": "Zasady ukończenia ścieżki",
    "file": "Plik",
    "kind": "Rodzaj deklaracji",
    "institution_name": "Nazwa instytucji",
    "institution_kind": "Rodzaj instytucji",
    "declared_on": "Data deklaracji",
    "document_reference": "Znak dokumentu",
}

#: A change made on a version of the record somebody else has changed since (HTTP 412).
CHANGED_MEANWHILE = (
    "Ktoś inny zapisał zmiany tego projektu, odkąd otwarto ten formularz. Formularz pokazuje teraz "
    "ustawienia zapisane obecnie: wprowadź swoje zmiany jeszcze raz i zapisz."
)

#: Pydantic's error kinds in Polish (the message the API sends is English and may name internals).
KIND_MESSAGES = {
    "missing": "To pole jest wymagane.",
    "string_too_short": "To pole nie może być puste.",
    "string_too_long": "Tekst jest za długi.",
    "string_pattern_mismatch": "Niepoprawny format.",
    "date_from_datetime_parsing": "Podaj datę w formacie RRRR-MM-DD.",
    "date_parsing": "Podaj datę w formacie RRRR-MM-DD.",
    "date_type": "Podaj datę w formacie RRRR-MM-DD.",
    "enum": "Wybierz jedną z podanych wartości.",
    "literal_error": "Wybierz jedną z podanych wartości.",
    "value_error": "Niepoprawna wartość.",
    "uuid_parsing": "Niepoprawny identyfikator.",
    "bool_parsing": "Niepoprawna wartość.",
    "precondition_failed": CHANGED_MEANWHILE,
}

#: Fragments of the API's English messages that say more than the kind does.
MESSAGE_FRAGMENTS = (
    ("invalid PESEL", "Niepoprawny PESEL (sprawdź cyfry i cyfrę kontrolną)."),
    ("is before starts_on", "Data zakończenia nie może być wcześniejsza niż data rozpoczęcia."),
    (
        "would leave out a participant",
        "Okres musi obejmować daty przystąpienia wszystkich uczestników: ktoś przystąpił do projektu poza nim.",
    ),
    ("birth_date and sex are required", "Bez numeru PESEL podaj datę urodzenia i płeć."),
    ("disability_degree", "Osoba z niepełnosprawnością musi mieć podany stopień niepełnosprawności."),
    ("consent to the processing", "Bez zgody na przetwarzanie danych nie można przyjąć osoby do projektu."),
    ("consent scope", "Zgoda musi obejmować przetwarzanie danych na potrzeby projektu."),
    ("consent must cover", "Projekt wymaga szerszej zgody: zaznacz zakresy, które osoba podpisała."),
    ("email", "Niepoprawny adres e-mail."),
    (
        "a residence in Poland needs",
        "Dla miejsca zamieszkania w Polsce podaj województwo, powiat, gminę i stopień urbanizacji.",
    ),
    ("already enrolled", "Ta osoba jest już w projekcie."),
    ("already registered", "Ta osoba jest już zarejestrowana w projekcie."),
    ("must be a client of social assistance", "Projekt przyjmuje tylko klientów ośrodka pomocy społecznej."),
    ("needs a certified disability", "Projekt wymaga orzeczenia o niepełnosprawności (podaj stopień)."),
    ("of the MOPS", "Ta kategoria zależy od zatrudnienia w ośrodku pomocy społecznej."),
    ("must be a participant of this project", "Powiązana osoba musi być uczestnikiem tego projektu."),
    ("outside the project", "Data poza okresem realizacji projektu."),
    (
        "not target groups",
        "Zasady podano dla kategorii, która nie jest grupą docelową projektu: zaznacz ją albo usuń jej zasady.",
    ),
    ("required_consents must include", "Zgoda na przetwarzanie danych na potrzeby projektu jest zawsze wymagana."),
    ("eligib", "Osoba nie spełnia kryteriów kwalifikowalności projektu."),
)

GENERIC = "Nie udało się zapisać: sprawdź zaznaczone pola."


@dataclass(frozen=True)
class FieldError:
    field: str | None  # the form's field (dotted API path), or None for the summary only
    message: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field or "", "")


def polish_message(message: str, kind: str) -> str:
    for fragment, polish in MESSAGE_FRAGMENTS:
        if fragment.lower() in message.lower():
            return polish
    return KIND_MESSAGES.get(kind, "Niepoprawna wartość.")


def _field(loc: list[Any]) -> str | None:
    """``["body", "residence", "postal_code"]`` → ``residence.postal_code``; the body itself → None."""
    path = [str(part) for part in loc if not isinstance(part, int)]
    if path and path[0] in {"body", "query", "path"}:
        path = path[1:]
    # the nearest field the form has: ``residence.x`` unknown → ``residence``; the body itself → None
    while path and ".".join(path) not in FIELD_LABELS:
        path = path[:-1]
    return ".".join(path) or None


def _message_field(message: str) -> str | None:
    if "birth_date and sex" in message:
        return "birth_date"
    if "disability_degree" in message:
        return "disability_degree"
    if "consent" in message.lower():
        return "consent"
    return None


def field_errors(status: int, body: Any) -> list[FieldError]:
    """The API's answer to a refused write, as the form's errors (never echoing a submitted value)."""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):
        errors = []
        for item in detail:
            if not isinstance(item, dict):
                continue
            message, kind = str(item.get("msg", "")), str(item.get("type", ""))
            field = _field(list(item.get("loc", []))) or _message_field(message)
            errors.append(FieldError(field, polish_message(message, kind)))
        return errors or [FieldError(None, GENERIC)]
    if isinstance(detail, str):
        return [FieldError(_message_field(detail), polish_message(detail, "") if status != 403 else FORBIDDEN)]
    return [FieldError(None, STATUS_MESSAGES.get(status, GENERIC))]


FORBIDDEN = "Nie masz uprawnień do tej czynności."
STATUS_MESSAGES = {
    403: FORBIDDEN,
    404: "Nie znaleziono (albo nie masz do tego dostępu).",
    409: "Ta zmiana koliduje z istniejącymi danymi.",
    412: CHANGED_MEANWHILE,
}

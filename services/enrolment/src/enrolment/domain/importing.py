"""Bulk enrolment from the lists staff keep: every row checked by the same rules as the HTTP API.

Columns carry Polish headers (the ones the funder's participant file uses where there is one);
values may be the Polish labels (``Kobieta``, ``Tak``, ``Odmowa podania informacji``, ``Wyższe
(ISCED 5-8)``) or the English codes. Valid rows are enrolled; invalid ones are reported with their
row number, field and reason. Importing the same file again enrols nobody twice: a person already
in the project is reported as such, not as an error.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from aktywni_shared.contracts.vocabulary import (
    POLISH_LABELS,
    DisabilityDegree,
    LabourMarketStatus,
    ParticipantCategory,
    Sex,
)
from enrolment.domain.esf import LABELS as ESF_LABELS
from enrolment.domain.esf import Answer, Citizenship, Degurba, Education
from enrolment.domain.participants import REQUIRED_CONSENT_SCOPE


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _choices(enum: type[StrEnum], labels: dict[StrEnum, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    out = {_normal(member.value): member.value for member in enum}
    out |= {_normal(label): member.value for member, label in labels.items() if isinstance(member, enum)}
    out |= {_normal(k): v for k, v in (extra or {}).items()}
    return out


SEX = _choices(Sex, POLISH_LABELS, {"kobieta": "K", "mężczyzna": "M", "k": "K", "m": "M"})
CATEGORY = _choices(
    ParticipantCategory, POLISH_LABELS, {"on": "person_with_disability", "otoczenie on": "environment_person"}
)
DEGREE = _choices(DisabilityDegree, POLISH_LABELS)
LABOUR = _choices(LabourMarketStatus, POLISH_LABELS)
EDUCATION = _choices(Education, ESF_LABELS)
CITIZENSHIP = _choices(Citizenship, ESF_LABELS)
DEGURBA = _choices(Degurba, ESF_LABELS)
ANSWER = _choices(Answer, ESF_LABELS)
YES_NO: dict[str, Any] = {
    **dict.fromkeys(("tak", "t", "yes", "y", "true", "1", "prawda"), True),
    **dict.fromkeys(("nie", "n", "no", "false", "0", "fałsz"), False),
}


@dataclass(frozen=True)
class Column:
    header: str
    path: str  # where the value goes in the EnrolParticipant body, dotted
    parse: Callable[[str], Any] = str
    required: bool = False
    accepts: str = "dowolny tekst"  # the accepted values, in Polish, for the template and the docs
    choices: tuple[str, ...] = ()  # the values offered in the XLSX template's drop-down list


def _choice(mapping: dict[str, Any], what: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return mapping[_normal(text)]
        except KeyError:
            raise ValueError(f"„{text}” nie jest dozwoloną wartością ({what})") from None

    return parse


def _labels(enum: type[StrEnum], labels: dict[StrEnum, str]) -> tuple[str, ...]:
    """The Polish label of every member (its code where it has none), as offered in the template."""
    return tuple(labels.get(member, member.value) for member in enum)


def _accepts(choices: tuple[str, ...], codes: type[StrEnum] | None = None) -> str:
    text = "; ".join(choices)
    if codes is not None:
        text += f" (albo kody: {', '.join(member.value for member in codes)})"
    return text


def _choice_column(
    header: str, path: str, enum: type[StrEnum], labels: dict[StrEnum, str], mapping: dict[str, str], what: str
) -> Column:
    choices = _labels(enum, labels)
    return Column(header, path, _choice(mapping, what), accepts=_accepts(choices, enum), choices=choices)


YES_NO_CHOICES = ("Tak", "Nie")
YES_NO_ACCEPTS = "Tak, true, 1 (tak); Nie, false, 0 (nie); wielkość liter bez znaczenia"
DATE_ACCEPTS = "data: RRRR-MM-DD, DD.MM.RRRR, DD-MM-RRRR lub DD/MM/RRRR (albo komórka z datą w XLSX)"


def _yes_no_column(header: str, path: str) -> Column:
    return Column(header, path, _choice(YES_NO, "Tak albo Nie"), accepts=YES_NO_ACCEPTS, choices=YES_NO_CHOICES)


def _date(text: str) -> str:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"„{text}” nie jest poprawną datą (RRRR-MM-DD lub DD.MM.RRRR)")


def _pesel(text: str) -> str:
    return text.zfill(11) if text.isdigit() and len(text) == 10 else text  # Excel drops a leading zero


PESEL_ACCEPTS = "11 cyfr (10 cyfr: Excel usunął zero z przodu, zostanie dopisane)"
SEX_CHOICES = ("Kobieta", "Mężczyzna")
CATEGORY_CHOICES = _labels(ParticipantCategory, POLISH_LABELS)
ANSWER_HEADERS = (
    ("Osoba z niepełnosprawnościami", "sensitive.disability"),
    ("Osoba obcego pochodzenia lub należąca do mniejszości", "sensitive.foreign_origin_or_minority"),
    ("Osoba w kryzysie bezdomności", "sensitive.homelessness"),
    ("Osoba w innej niekorzystnej sytuacji społecznej", "sensitive.other_disadvantage"),
)

COLUMNS: tuple[Column, ...] = (
    Column("Organizacja", "organisation_id", required=True, accepts="identyfikator organizacji w projekcie"),
    Column(
        "Kategoria uczestnika",
        "category",
        _choice(CATEGORY, "kategoria uczestnika"),
        required=True,
        accepts=_accepts(CATEGORY_CHOICES, ParticipantCategory) + "; także: ON, Otoczenie ON",
        choices=CATEGORY_CHOICES,
    ),
    Column("Imię", "first_name", required=True),
    Column("Nazwisko", "last_name", required=True),
    Column("PESEL", "pesel", _pesel, accepts=PESEL_ACCEPTS),
    Column("Data urodzenia", "birth_date", _date, accepts=DATE_ACCEPTS + "; wymagana bez numeru PESEL"),
    Column(
        "Płeć",
        "sex",
        _choice(SEX, "płeć"),
        accepts="Kobieta albo Mężczyzna (także K, M); wymagana bez numeru PESEL",
        choices=SEX_CHOICES,
    ),
    _choice_column("Obywatelstwo", "citizenship", Citizenship, ESF_LABELS, CITIZENSHIP, "obywatelstwo"),
    _choice_column("Wykształcenie", "education", Education, ESF_LABELS, EDUCATION, "wykształcenie"),
    _choice_column(
        "Status osoby na rynku pracy",
        "labour_market_status",
        LabourMarketStatus,
        POLISH_LABELS,
        LABOUR,
        "status na rynku pracy",
    ),
    _choice_column(
        "Stopień niepełnosprawności",
        "disability_degree",
        DisabilityDegree,
        POLISH_LABELS,
        DEGREE,
        "stopień niepełnosprawności",
    ),
    _yes_no_column("Klient pomocy społecznej", "social_assistance_client"),
    _yes_no_column("Pracownik MOPS", "mops_employee"),
    Column(
        "PESEL osoby z niepełnosprawnością (dla otoczenia)",
        "linked_pesel",
        _pesel,
        accepts="PESEL osoby z niepełnosprawnością zapisanej w projekcie (lub w tym samym pliku); tylko dla otoczenia",
    ),
    _yes_no_column("Potrzeba dostępu bez barier", "needs_step_free_access"),
    Column("Kraj", "residence.country", accepts="kod kraju, np. PL"),
    Column("Województwo", "residence.voivodeship", accepts="nazwa województwa; wymagane dla adresu w Polsce"),
    Column("Powiat", "residence.county", accepts="nazwa powiatu; wymagany dla adresu w Polsce"),
    Column("Gmina", "residence.commune", accepts="nazwa gminy; wymagana dla adresu w Polsce"),
    Column("Kod TERYT gminy", "residence.teryt", accepts="7 cyfr kodu TERYT gminy"),
    Column("Miejscowość", "residence.locality"),
    Column("Kod pocztowy", "residence.postal_code", accepts="kod pocztowy NN-NNN"),
    Column("Ulica i numer", "residence.street"),
    _choice_column("DEGURBA", "residence.degurba", Degurba, ESF_LABELS, DEGURBA, "klasa DEGURBA"),
    Column("Telefon", "phone", accepts="numer telefonu"),
    Column("E-mail", "email", accepts="adres e-mail"),
    *(_choice_column(header, path, Answer, ESF_LABELS, ANSWER, "odpowiedź") for header, path in ANSWER_HEADERS),
    Column("Data rozpoczęcia udziału w projekcie", "enrolled_on", _date, accepts=DATE_ACCEPTS + "; pusta: dziś"),
    Column("Data zgody na przetwarzanie danych", "consent.given_on", _date, required=True, accepts=DATE_ACCEPTS),
)
BY_HEADER = {_normal(c.header): c for c in COLUMNS} | {_normal(c.path): c for c in COLUMNS}


HEADER_OF = {c.path: c.header for c in COLUMNS} | {
    "linked_participant_id": "PESEL osoby z niepełnosprawnością (dla otoczenia)",
    "consent": "Data zgody na przetwarzanie danych",
    "consent.scope": "Data zgody na przetwarzanie danych",
    "consent.given": "Data zgody na przetwarzanie danych",
    "residence": "Kraj",
}
ROW = "(wiersz)"


def header_of(path: str) -> str:
    """The template's column header for an API path (``consent.given_on`` -> ``Data zgody ...``)."""
    while path:
        if path in HEADER_OF:
            return HEADER_OF[path]
        path = path.rpartition(".")[0]
    return ROW


# The rules' and the model's messages (English, for the API) as the import reports them to staff.
RULE_REASONS = {
    "within_project_period": "data rozpoczęcia udziału jest poza okresem realizacji projektu",
    "target_group": "ta kategoria uczestnika nie jest grupą docelową projektu",
    "required_consents": "zgoda nie obejmuje wszystkich zakresów wymaganych w projekcie",
    "min_age": "wiek w dniu rozpoczęcia udziału jest niższy niż dopuszcza projekt",
    "max_age": "wiek w dniu rozpoczęcia udziału jest wyższy niż dopuszcza projekt",
    "social_assistance_client": "projekt przyjmuje w tej kategorii tylko klientów pomocy społecznej",
    "disability_certificate": "projekt wymaga w tej kategorii orzeczenia o niepełnosprawności",
    "mops_employee": "status pracownika MOPS nie spełnia wymagań projektu dla tej kategorii",
    "linked_person": "brak w projekcie aktywnej osoby z niepełnosprawnością o tym numerze PESEL",
}
MESSAGE_REASONS: tuple[tuple[str, str | None, str], ...] = (  # (fragment of the message, column path, reason)
    ("invalid PESEL", "pesel", "nieprawidłowy numer PESEL"),
    ("differs from the PESEL", None, "wartość niezgodna z numerem PESEL"),
    ("without a PESEL", "birth_date", "bez numeru PESEL wymagane są data urodzenia i płeć"),
    ("not a living participant", "birth_date", "data urodzenia jest zbyt odległa"),
    ("disability_degree is required", "disability_degree", "wymagany dla osoby z niepełnosprawnością"),
    ("linked_participant_id is required", "linked_pesel", "wymagany dla osoby z otoczenia"),
    ("a residence in Poland needs", "residence", "adres w Polsce wymaga województwa, powiatu, gminy i kodu TERYT"),
    ("consent", "consent.given_on", "wymagana zgoda na przetwarzanie danych osobowych"),
    ("is in the future", None, "data jest w przyszłości"),
    ("birth_date is after", "birth_date", "data urodzenia jest późniejsza niż data rozpoczęcia udziału"),
    ("may not enrol participants for", "organisation_id", "nie możesz zapisywać uczestników tej organizacji"),
)
TYPE_REASONS = {
    "missing": "pole wymagane",
    "string_too_short": "pole wymagane",
    "string_too_long": "tekst jest za długi",
    "string_pattern_mismatch": "nieprawidłowy format",
    "enum": "niedozwolona wartość",
    "literal_error": "niedozwolona wartość",
    "extra_forbidden": "ta kolumna nie dotyczy tej kategorii uczestnika",
}


def polish_reason(path: str, message: str, kind: str = "value_error") -> tuple[str, str]:
    """The (column header, Polish reason) of one problem the model or the rules found."""
    for fragment, column, reason in MESSAGE_REASONS:
        if fragment in message:
            return header_of(column or path), reason
    if kind in TYPE_REASONS:
        return header_of(path), TYPE_REASONS[kind]
    if kind.startswith(("date", "datetime")):
        return header_of(path), "nieprawidłowa data"
    if kind.startswith(("bool", "int", "float", "decimal")):
        return header_of(path), "nieprawidłowa wartość"
    return header_of(path), f"nieprawidłowa wartość ({message})"


class WrongHeader(ValueError):
    pass


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class EnrolledRow:
    row: int
    participant_id: str


@dataclass
class ImportReport:
    rows: int = 0
    enrolled: int = 0
    already_enrolled: int = 0
    errors: list[RowError] = field(default_factory=list)
    enrolled_rows: list[EnrolledRow] = field(default_factory=list)
    already_enrolled_rows: list[int] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})

    def errors_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Wiersz", "Pole", "Przyczyna"])
        writer.writerows([e.row, e.field, e.reason] for e in self.errors)
        return out.getvalue()


def columns_of(header: list[str]) -> list[Column | None]:
    """The column behind each header cell; a clear error for unknown or missing required ones."""
    columns = [BY_HEADER.get(_normal(h)) if h else None for h in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if h and c is None]
    missing = [c.header for c in COLUMNS if c.required and c not in columns]
    problems = []
    if unknown:
        problems.append(f"nieznane kolumny: {', '.join(unknown)}")
    if missing:
        problems.append(f"brakujące kolumny: {', '.join(missing)}")
    if problems:
        raise WrongHeader("; ".join(problems))
    return columns


def row_body(columns: list[Column | None], cells: list[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The EnrolParticipant body of one row, and the (column header, reason) of cells that could not be read."""
    body: dict[str, Any] = {"consent": {"given": True, "scope": [REQUIRED_CONSENT_SCOPE]}}
    problems: list[tuple[str, str]] = []
    for column, text in zip(columns, cells, strict=False):
        if column is None or not text:
            continue
        try:
            value = column.parse(text)
        except ValueError as error:
            problems.append((column.header, str(error)))
            continue
        target = body
        *parents, leaf = column.path.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return body, problems


def validation_errors(number: int, error: ValidationError) -> list[RowError]:
    out = []
    for item in error.errors():
        path = ".".join(str(p) for p in item["loc"])
        out.append(RowError(number, *polish_reason(path, item["msg"].removeprefix("Value error, "), item["type"])))
    return out


def person_key(body: dict[str, Any]) -> str | None:
    """Who a row is, to find the rows of a file that repeat a person: the PESEL, else name and birth date."""
    if body.get("pesel"):
        return f"pesel:{body['pesel']}"
    if body.get("first_name") and body.get("last_name") and body.get("birth_date"):
        return f"identity:{_normal(body['first_name'])}|{_normal(body['last_name'])}|{body['birth_date']}"
    return None


def repeated_rows(bodies: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """The rows that are not repeats of an earlier row of the file, and an error for each repeat."""
    first_row: dict[str, int] = {}
    kept: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    for number, body in bodies:
        key = person_key(body)
        if key is not None and key in first_row:
            column = "PESEL" if key.startswith("pesel:") else "Imię"
            errors.append(RowError(number, column, f"ta sama osoba co w wierszu {first_row[key]}; pominięto"))
            continue
        if key is not None:
            first_row[key] = number
        kept.append((number, body))
    return kept, errors


MAX_TEMPLATE_ROWS = 50_000


def template_csv() -> str:
    """An empty import file with every column, for staff to fill in."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow([c.header for c in COLUMNS])
    return out.getvalue()


def columns_markdown() -> str:
    """Every column of the import file and the values it accepts (the API description and the docs)."""
    lines = [
        "Every row is checked by the same rules as a single enrolment. Valid rows are enrolled; the answer "
        "names every enrolled row with its participant id, every refused row with the column header and "
        "the reason (in Polish), and every row of a person already in the project. Rows that repeat a "
        "person of an earlier row of the file are refused. Columns (* required):",
        "",
        "| Kolumna | Dozwolone wartości |",
        "| --- | --- |",
    ]
    lines += [f"| {c.header}{' *' if c.required else ''} | {c.accepts} |" for c in COLUMNS]
    return "\n".join(lines)


def template_xlsx() -> bytes:
    """An empty XLSX import file: frozen headers, drop-down lists of the closed sets, a sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Uczestnicy"
    sheet.append([c.header for c in COLUMNS])
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet("Objaśnienia")
    help_sheet.append(["Kolumna", "Wymagana", "Dozwolone wartości"])
    lists = book.create_sheet("Listy")
    lists.sheet_state = "hidden"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(len(column.header), 12) + 2, 60)
        sheet.cell(1, index).font = Font(bold=True)
        help_sheet.append([column.header, "tak" if column.required else "nie", column.accepts])
        if column.choices:
            for offset, choice in enumerate(column.choices, start=1):
                lists.cell(offset, index, choice)
            validation = DataValidation(
                type="list",
                formula1=f"=Listy!${letter}$1:${letter}${len(column.choices)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header[:32],  # Excel's limits for these texts
                error=f"Dozwolone wartości: {column.accepts}"[:255],
            )
            validation.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
    for letter, width in (("A", 55), ("B", 10), ("C", 100)):
        help_sheet.column_dimensions[letter].width = width
    help_sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def documentation() -> str:
    """docs/imports.md: how an import works and every column's accepted values (a test keeps it current)."""
    return f"""# Bulk import of participants

`POST /projects/{{project_id}}/imports` (coordinators and partner staff) takes a CSV file (UTF-8 or
Windows-1250, separated by `;`, `,` or a tab) or an XLSX file with the columns below; `aktywni-import FILE
--project ID --issuer URL [--errors bledy.csv] [--enrolled zapisani.csv]` sends a large file in chunks.
`aktywni-import` signs in at the identity provider (`--issuer`, or `AKTYWNI_OIDC_ISSUER`) after it has
checked the file: a person at a terminal with the device authorization grant of the public client
`aktywni-cli` (the default `--client-id`; it prints an address and a code to enter in any browser and
waits), a partner's system with the client credentials grant (`--client-id ID --client-secret-file
FILE`, or the secret in `AKTYWNI_CLIENT_SECRET`; never on the command line). The access token is
renewed while a long file is sent. `--token T` (or `AKTYWNI_TOKEN`) still takes a token got elsewhere.
`GET /imports/template.xlsx` is an empty file to fill in: the header row frozen, a drop-down list for
every column with a closed set of values, and a sheet (`Objaśnienia`) explaining each column.
`GET /imports/template.csv` is the same header as CSV.

The answer is a report for every file, whatever its rows:

- `enrolled_rows`: each enrolled row with its participant id;
- `errors`: each refused row with the template's column header and the reason in Polish
  (`?format=csv` gives them as a CSV file); a row that repeats a person of an earlier row (the same
  PESEL, or without one the same first name, last name and birth date) is refused at the repeat;
- `already_enrolled_rows`: the rows of people already in the project, enrolled by any organisation
  (the report says no more about them); nothing is written for them.

A batch with no valid row writes nothing. Importing the same file again enrols nobody twice.
Environment persons are enrolled after everybody else, so that they may link to a person with a
disability of the same file.

**Preview (dry run).** `POST /projects/{{project_id}}/imports?dry_run=true` checks every row by the
same rules and answers the same report, but writes nothing: no participant, no event, no import
summary (only an `import_preview` entry of the audit log). The rows that would be enrolled are listed
in `enrolled_rows` with `participant_id: null`; an environment person may link to a person with a
disability of the same file. The web application's import wizard shows this preview (each refused
row and column highlighted) before staff confirm; the file travels in request bodies only, never in
an address or a log.

**Import log.** Every import (not a dry run) leaves a summary: who (login and organisation), when,
the file's name as sent, and the counts (`rows`, `enrolled`, `already_enrolled`, `refused`), never a
row. `GET /projects/{{project_id}}/imports?page=1&page_size=20` lists them, newest first: the leading
organisation's coordinator and the auditor see every import of the project, a partner's coordinator
or staff those of their own organisation; other roles are refused (403). The web application's start
page lists the latest imports with refused rows of the running projects.

## Columns

{columns_markdown()}
"""

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
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from aktywni_shared.auth import Principal
from aktywni_shared.contracts.vocabulary import (
    POLISH_LABELS,
    DisabilityDegree,
    LabourMarketStatus,
    ParticipantCategory,
    Sex,
)
from enrolment.domain.esf import LABELS as ESF_LABELS
from enrolment.domain.esf import Answer, Citizenship, Degurba, Education
from enrolment.domain.participants import REQUIRED_CONSENT_SCOPE, EnrolParticipant
from enrolment.tabular import Table
from enrolment.use_cases import Conflict, Enrolment, Ineligible


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
YES_NO = {"tak": True, "t": True, "yes": True, "true": True, "1": True, "nie": False, "n": False, "no": False}


@dataclass(frozen=True)
class Column:
    header: str
    path: str  # where the value goes in the EnrolParticipant body, dotted
    parse: Callable[[str], Any] = str
    required: bool = False


def _choice(mapping: dict[str, Any], what: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return mapping[_normal(text)]
        except KeyError:
            raise ValueError(f"{text!r} is not a known {what}") from None

    return parse


def _date(text: str) -> str:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (RRRR-MM-DD or DD.MM.RRRR)")


def _pesel(text: str) -> str:
    return text.zfill(11) if text.isdigit() and len(text) == 10 else text  # Excel drops a leading zero


COLUMNS: tuple[Column, ...] = (
    Column("Organizacja", "organisation_id", required=True),
    Column("Kategoria uczestnika", "category", _choice(CATEGORY, "participant category"), required=True),
    Column("Imię", "first_name", required=True),
    Column("Nazwisko", "last_name", required=True),
    Column("PESEL", "pesel", _pesel),
    Column("Data urodzenia", "birth_date", _date),
    Column("Płeć", "sex", _choice(SEX, "sex")),
    Column("Obywatelstwo", "citizenship", _choice(CITIZENSHIP, "citizenship")),
    Column("Wykształcenie", "education", _choice(EDUCATION, "education level")),
    Column("Status osoby na rynku pracy", "labour_market_status", _choice(LABOUR, "labour-market status")),
    Column("Stopień niepełnosprawności", "disability_degree", _choice(DEGREE, "disability degree")),
    Column("Klient pomocy społecznej", "social_assistance_client", _choice(YES_NO, "yes/no answer")),
    Column("Pracownik MOPS", "mops_employee", _choice(YES_NO, "yes/no answer")),
    Column("PESEL osoby z niepełnosprawnością (dla otoczenia)", "linked_pesel", _pesel),
    Column("Potrzeba dostępu bez barier", "needs_step_free_access", _choice(YES_NO, "yes/no answer")),
    Column("Kraj", "residence.country"),
    Column("Województwo", "residence.voivodeship"),
    Column("Powiat", "residence.county"),
    Column("Gmina", "residence.commune"),
    Column("Kod TERYT gminy", "residence.teryt"),
    Column("Miejscowość", "residence.locality"),
    Column("Kod pocztowy", "residence.postal_code"),
    Column("Ulica i numer", "residence.street"),
    Column("DEGURBA", "residence.degurba", _choice(DEGURBA, "DEGURBA class")),
    Column("Telefon", "phone"),
    Column("E-mail", "email"),
    Column("Osoba z niepełnosprawnościami", "sensitive.disability", _choice(ANSWER, "answer")),
    Column(
        "Osoba obcego pochodzenia lub należąca do mniejszości",
        "sensitive.foreign_origin_or_minority",
        _choice(ANSWER, "answer"),
    ),
    Column("Osoba w kryzysie bezdomności", "sensitive.homelessness", _choice(ANSWER, "answer")),
    Column(
        "Osoba w innej niekorzystnej sytuacji społecznej", "sensitive.other_disadvantage", _choice(ANSWER, "answer")
    ),
    Column("Data rozpoczęcia udziału w projekcie", "enrolled_on", _date),
    Column("Data zgody na przetwarzanie danych", "consent.given_on", _date, required=True),
)
BY_HEADER = {_normal(c.header): c for c in COLUMNS} | {_normal(c.path): c for c in COLUMNS}


class WrongHeader(ValueError):
    pass


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    enrolled: int = 0
    already_enrolled: int = 0
    errors: list[RowError] = field(default_factory=list)

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
        problems.append(f"unknown columns: {', '.join(unknown)}")
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if problems:
        raise WrongHeader("; ".join(problems))
    return columns


def row_body(columns: list[Column | None], cells: list[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The EnrolParticipant body of one row, and the (field, reason) of cells that could not be read."""
    body: dict[str, Any] = {"consent": {"given": True, "scope": [REQUIRED_CONSENT_SCOPE]}}
    problems: list[tuple[str, str]] = []
    for column, text in zip(columns, cells, strict=False):
        if column is None or not text:
            continue
        try:
            value = column.parse(text)
        except ValueError as error:
            problems.append((column.path, str(error)))
            continue
        target = body
        *parents, leaf = column.path.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return body, problems


def _validation_errors(number: int, error: ValidationError) -> list[RowError]:
    return [
        RowError(number, ".".join(str(p) for p in item["loc"]) or "(row)", item["msg"].removeprefix("Value error, "))
        for item in error.errors()
    ]


BATCH_ROWS = 500


async def import_rows(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    table: Table,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Enrol the rows of ``table`` in batches; environment persons after everybody they may link to."""
    columns = columns_of(table.header)
    await enrolment.project(principal, project_id)  # 404 before any row if the project is not visible
    report = ImportReport(rows=len(table.rows))
    bodies: list[tuple[int, dict[str, Any]]] = []
    for number, cells in table.rows:
        body, problems = row_body(columns, cells)
        if problems:
            report.errors.extend(RowError(number, f, r) for f, r in problems)
        else:
            bodies.append((number, body))
    first = [(n, b) for n, b in bodies if "linked_pesel" not in b]
    linked = [(n, b) for n, b in bodies if "linked_pesel" in b]
    done = len(table.rows) - len(bodies)
    for group in (first, linked):
        for start in range(0, len(group), BATCH_ROWS):
            batch = group[start : start + BATCH_ROWS]
            await _import_batch(enrolment, principal, project_id, batch, today, report)
            done += len(batch)
            if progress is not None:
                progress(done)
    report.errors.sort(key=lambda e: e.row)
    return report


async def _import_batch(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    batch: list[tuple[int, dict[str, Any]]],
    today: date,
    report: ImportReport,
) -> None:
    commands: list[tuple[int, EnrolParticipant]] = []
    for number, body in batch:
        linked_pesel = body.pop("linked_pesel", None)
        if linked_pesel:
            body["linked_participant_id"] = await enrolment.participant_id_by_pesel(project_id, linked_pesel)
            if body["linked_participant_id"] is None:
                report.errors.append(RowError(number, "linked_pesel", "no participant with this PESEL in the project"))
                continue
        try:
            commands.append((number, EnrolParticipant.model_validate(body)))
        except ValidationError as error:
            report.errors.extend(_validation_errors(number, error))
    outcomes = await enrolment.enrol_batch(principal, project_id, commands, today)
    for number, outcome in outcomes.items():
        if outcome is None:
            report.enrolled += 1
        elif isinstance(outcome, Conflict):
            report.already_enrolled += 1
        elif isinstance(outcome, Ineligible):
            report.errors.extend(RowError(number, f.field, f.message) for f in outcome.failures)
        else:
            report.errors.append(RowError(number, getattr(outcome, "field", None) or "organisation_id", str(outcome)))


def template_csv() -> str:
    """An empty import file with every column, for staff to fill in."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow([c.header for c in COLUMNS])
    return out.getvalue()

"""Files for the funder and the coordinator: XLSX (one sheet per breakdown) and CSV, Polish headers.

CSV files are UTF-8 with a byte-order mark and ``;`` separators, as Polish spreadsheets expect.
Organisations appear by name, codes by their Polish labels; every XLSX sheet has its columns sized to
their content, its header row frozen and an auto-filter over its table.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aktywni_shared.contracts.vocabulary import POLISH_LABELS, LabourMarketStatus, SupportForm
from reporting.domain.report import IndicatorReport, ProjectReport

#: Column widths in characters: the longest value, within these bounds (long names wrap no further).
MIN_WIDTH, MAX_WIDTH = 8, 80

SEX_LABELS = {"K": "Kobiety", "M": "Mężczyźni", "not_applicable": "nie dotyczy"}
KIND_LABELS = {"output": "produktu", "result": "rezultatu"}
UNIT_LABELS = {"persons": "osoby", "bodies": "podmioty", "items": "sztuki"}
BREAKDOWN_SHEETS = {
    "sex": "Płeć",
    "age_band": "Wiek",
    "disability_degree": "Niepełnosprawność",
    "category": "Kategoria",
    "labour_market_status": "Status na rynku pracy",
    "labour_market_group": "Status na rynku pracy (grupy)",
    "education": "Wykształcenie (ISCED)",
    "degurba": "Miejsce zamieszkania (DEGURBA)",
    "organisation": "Organizacja",
    "month": "Miesiąc",
}
#: The degree of urbanisation of the place of residence (DEGURBA), as the funder names its classes.
DEGURBA_LABELS = {
    "1": "miasta (obszary gęsto zaludnione, DEGURBA 1)",
    "2": "małe miasta i przedmieścia (DEGURBA 2)",
    "3": "obszary wiejskie (DEGURBA 3)",
}
VALUE_LABELS = {
    "K": "Kobieta",
    "M": "Mężczyzna",
    "<25": "poniżej 25 lat",
    "25-54": "25–54 lata",
    "55+": "55 lat i więcej",
    "light": "lekki",
    "moderate": "umiarkowany",
    "severe": "znaczny",
    "refused": "odmowa podania informacji",
    "not_applicable": "nie dotyczy / brak danych",
    "client_at_risk": "Klient MOPS zagrożony wykluczeniem społecznym",
    "person_with_disability": "Osoba niepełnosprawna (ON)",
    "environment_person": "Otoczenie ON (rodzina, opiekun)",
    "staff_trainee": "Osoba szkolona na trenera aktywności (TA)",
    "isced_0": "niższe niż podstawowe (ISCED 0)",
    "isced_1_2": "podstawowe lub gimnazjalne (ISCED 1–2)",
    "isced_3_4": "ponadgimnazjalne lub policealne (ISCED 3–4)",
    "isced_5_8": "wyższe (ISCED 5–8)",
    **{str(status): POLISH_LABELS[status] for status in LabourMarketStatus},
    # the coarse groups (labour_market_group): "inactive" and "employed" keep the labels above
    "unemployed": "Osoby bezrobotne (łącznie z długotrwale bezrobotnymi)",
    "of_whom_long_term_unemployed": "w tym osoby długotrwale bezrobotne",
}
STATUS_LABELS = {"enrolled": "uczestniczy", "withdrawn": "wycofany"}

SUMMARY_HEADERS = [
    "Kod wskaźnika",
    "Nazwa wskaźnika",
    "Rodzaj wskaźnika",
    "Jednostka",
    "Wartość docelowa",
    "Wartość osiągnięta",
    "Stopień realizacji [%]",
    "Kobiety",
    "Mężczyźni",
    "Plan narastająco na dziś",
    "Prognoza na koniec projektu",
    "Cel zostanie osiągnięty",
]
MONTHLY_HEADERS = [
    "Kod wskaźnika",
    "Nazwa wskaźnika",
    "Miesiąc",
    "Organizacja",
    "Płeć",
    "Wartość w miesiącu",
    "Wartość narastająco",
]
PARTICIPANT_HEADERS = [
    "Identyfikator uczestnika (pseudonim)",
    "Organizacja",
    "Kategoria",
    "Płeć",
    "Rok urodzenia",
    "Wiek w chwili rozpoczęcia wsparcia",
    "Stopień niepełnosprawności",
    "Status na rynku pracy",
    "Pracownik MOPS",
    "Data przystąpienia do projektu",
    "Status udziału",
    "Data rozpoczęcia wsparcia",
    "Ukończone formy wsparcia",
]


def label(value: str) -> str:
    return VALUE_LABELS.get(value, value)


def _form(code: str) -> str:
    try:
        return POLISH_LABELS[SupportForm(code)]
    except ValueError:
        return code


def _completed(entry: str) -> str:
    """``individual_meeting:2012-10-15`` as ``Spotkanie indywidualne (2012-10-15)``."""
    form, _, day = entry.partition(":")
    return f"{_form(form)} ({day})" if day else _form(form)


def summary_rows(report: ProjectReport) -> list[list[Any]]:
    return [
        [
            i.code,
            i.name,
            KIND_LABELS[i.kind],
            UNIT_LABELS[i.unit],
            i.target,
            i.value,
            i.percent,
            i.by_sex.get("K", "") if i.by_sex else "",
            i.by_sex.get("M", "") if i.by_sex else "",
            i.plan_to_date if i.plan_to_date is not None else "",
            i.forecast.expected_at_end,
            "tak" if i.forecast.will_meet_target else "nie",
        ]
        for i in report.indicators
    ]


def _name(report: ProjectReport, organisation_id: str) -> str:
    return report.organisation_names.get(organisation_id, organisation_id)


def monthly_rows(report: ProjectReport) -> list[list[Any]]:
    """Every indicator per month × organisation × sex, with the running total of that cell."""
    rows: list[list[Any]] = []
    for indicator in report.indicators:
        running: dict[tuple[str, str], int] = {}
        for cell in indicator.cells:
            key = (cell.organisation, cell.sex)
            running[key] = running.get(key, 0) + cell.count
            rows.append(
                [
                    indicator.code,
                    indicator.name,
                    cell.month,
                    _name(report, cell.organisation),
                    SEX_LABELS.get(cell.sex, cell.sex),
                    cell.count,
                    running[key],
                ]
            )
    return rows


def _breakdown_rows(report: ProjectReport, indicators: list[IndicatorReport], breakdown: str) -> list[list[Any]]:
    """Each value of one breakdown: the total, then women and men (persons only; blank otherwise)."""

    def shown(value: str) -> str:
        if breakdown == "organisation":
            return _name(report, value)
        if breakdown == "degurba":
            return DEGURBA_LABELS.get(value, label(value))
        return label(value)

    def by_sex(i: IndicatorReport, value: str) -> list[Any]:
        if breakdown == "sex" or breakdown not in i.breakdowns_by_sex:
            return [None, None]
        cell = i.breakdowns_by_sex[breakdown].get(value, {})
        return [cell.get("K", 0), cell.get("M", 0)]

    return [
        [i.code, i.name, shown(value), count, *by_sex(i, value)]
        for i in indicators
        if breakdown in i.breakdowns
        for value, count in i.breakdowns[breakdown].items()
    ]


BREAKDOWN_HEADERS = ["Kod wskaźnika", "Nazwa wskaźnika", "Podział", "Grupa", "Wartość", "Kobiety", "Mężczyźni"]


def breakdowns_csv(report: ProjectReport) -> bytes:
    """Every breakdown of every indicator in one file: the split's name, its value, total, women, men."""
    rows = [
        [row[0], row[1], title, *row[2:]]
        for breakdown, title in BREAKDOWN_SHEETS.items()
        for row in _breakdown_rows(report, report.indicators, breakdown)
    ]
    return _csv(BREAKDOWN_HEADERS, rows)


def _fit(sheet: Worksheet) -> None:
    """Each column as wide as its longest value (within MIN_WIDTH..MAX_WIDTH characters)."""
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        longest = max((len(str(v)) for v in column if v is not None), default=0)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _fit(sheet)


def xlsx(report: ProjectReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "Wskaźniki", SUMMARY_HEADERS, summary_rows(report))
    _sheet(workbook, "Miesiące × organizacje × płeć", MONTHLY_HEADERS, monthly_rows(report))
    for breakdown, title in BREAKDOWN_SHEETS.items():
        header = ["Kod wskaźnika", "Nazwa wskaźnika", title, "Wartość", "Kobiety", "Mężczyźni"]
        _sheet(workbook, title, header, _breakdown_rows(report, report.indicators, breakdown))
    info = workbook.create_sheet("Projekt")
    for row in (
        ["Projekt", report.project_id],
        ["Tytuł", report.title],
        ["Okres realizacji", f"{report.starts_on.isoformat()} – {report.ends_on.isoformat()}"],
        ["Lider", _name(report, report.leader_organisation_id)],
        ["Zakres", _name(report, report.organisation) if report.organisation else "cały projekt"],
        ["Stan na dzień", report.as_of.isoformat()],
    ):
        info.append(row)
    _fit(info)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def monthly_csv(report: ProjectReport) -> bytes:
    return _csv(MONTHLY_HEADERS, monthly_rows(report))


def participant_rows(rows: list[dict[str, Any]], names: dict[str, str] | None = None) -> list[list[Any]]:
    """The pseudonymous participant list; ``names`` maps organisation ids to names (the id when unknown)."""
    known = names or {}
    return [
        [
            r["participant_id"],
            known.get(r["organisation_id"], label(r["organisation_id"])),
            label(r["category"]),
            label(r["sex"]),
            r["birth_year"],
            label(r["age_band"]),
            label(r["disability_degree"]),
            label(r["labour_market_status"]),
            {True: "tak", False: "nie", None: "brak danych"}[r["mops_employee"]],
            r["enrolled_on"] or "",
            STATUS_LABELS.get(r["status"] or "", ""),
            r["support_started_on"] or "",
            ", ".join(_completed(entry) for entry in r["completed"]),
        ]
        for r in rows
    ]


def participants_csv(rows: list[dict[str, Any]], names: dict[str, str] | None = None) -> bytes:
    return _csv(PARTICIPANT_HEADERS, participant_rows(rows, names))


def participants_xlsx(rows: list[dict[str, Any]], names: dict[str, str] | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "Uczestnicy", PARTICIPANT_HEADERS, participant_rows(rows, names))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

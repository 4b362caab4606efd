"""Files for the funder and the coordinator: XLSX (one sheet per breakdown) and CSV, Polish headers.

CSV files are UTF-8 with a byte-order mark and ``;`` separators, as Polish spreadsheets expect.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from reporting.domain.report import IndicatorReport, ProjectReport

SEX_LABELS = {"K": "Kobiety", "M": "Mężczyźni", "not_applicable": "nie dotyczy"}
KIND_LABELS = {"output": "produktu", "result": "rezultatu"}
UNIT_LABELS = {"persons": "osoby", "bodies": "podmioty", "items": "sztuki"}
BREAKDOWN_SHEETS = {
    "sex": "Płeć",
    "age_band": "Wiek",
    "disability_degree": "Niepełnosprawność",
    "category": "Kategoria",
    "organisation": "Organizacja",
    "month": "Miesiąc",
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
}

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
                    cell.organisation,
                    SEX_LABELS.get(cell.sex, cell.sex),
                    cell.count,
                    running[key],
                ]
            )
    return rows


def _breakdown_rows(indicators: list[IndicatorReport], breakdown: str) -> list[list[Any]]:
    return [
        [i.code, i.name, label(value), count]
        for i in indicators
        if breakdown in i.breakdowns
        for value, count in i.breakdowns[breakdown].items()
    ]


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def xlsx(report: ProjectReport) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "Wskaźniki", SUMMARY_HEADERS, summary_rows(report))
    _sheet(workbook, "Miesiące × organizacje × płeć", MONTHLY_HEADERS, monthly_rows(report))
    for breakdown, title in BREAKDOWN_SHEETS.items():
        header = ["Kod wskaźnika", "Nazwa wskaźnika", title, "Wartość"]
        _sheet(workbook, title, header, _breakdown_rows(report.indicators, breakdown))
    info = workbook.create_sheet("Projekt")
    for row in (
        ["Projekt", report.project_id],
        ["Tytuł", report.title],
        ["Okres realizacji", f"{report.starts_on.isoformat()} – {report.ends_on.isoformat()}"],
        ["Lider", report.leader_organisation_id],
        ["Zakres", report.organisation or "cały projekt"],
        ["Stan na dzień", report.as_of.isoformat()],
    ):
        info.append(row)
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


def participant_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            r["participant_id"],
            r["organisation_id"],
            label(r["category"]),
            label(r["sex"]),
            r["birth_year"],
            label(r["age_band"]),
            label(r["disability_degree"]),
            r["labour_market_status"] if r["labour_market_status"] != "not_applicable" else label("not_applicable"),
            {True: "tak", False: "nie", None: "brak danych"}[r["mops_employee"]],
            r["enrolled_on"] or "",
            {"enrolled": "uczestniczy", "withdrawn": "wycofany"}.get(r["status"] or "", ""),
            r["support_started_on"] or "",
            ", ".join(r["completed"]),
        ]
        for r in rows
    ]


def participants_csv(rows: list[dict[str, Any]]) -> bytes:
    return _csv(PARTICIPANT_HEADERS, participant_rows(rows))


def participants_xlsx(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "Uczestnicy", PARTICIPANT_HEADERS, participant_rows(rows))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

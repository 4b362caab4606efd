"""The reports page: the project's indicators, and the exports passed on from the services that make them."""

from __future__ import annotations

from dataclasses import dataclass

from web.use_cases.ports import Download, Enrolment, Reporting


@dataclass(frozen=True)
class Export:
    name: str  # the page's address of the file
    title: str
    service: str  # "enrolment" or "reporting"
    who: str  # who may download it (the service decides; the page says)


EXPORTS = (
    Export("indicators.xlsx", "Wskaźniki (XLSX): podsumowanie, miesiące, organizacje, płeć, podziały", "reporting", ""),
    Export("indicators.csv", "Wskaźniki (CSV): miesiąc × organizacja × płeć", "reporting", ""),
    Export(
        "breakdowns.csv",
        "Podziały wskaźników (CSV): wiek, niepełnosprawność, rynek pracy, wykształcenie",
        "reporting",
        "",
    ),
    Export("participants.xlsx", "Uczestnicy pseudonimowo z atrybutami EFS (XLSX)", "reporting", "koordynator lidera"),
    Export(
        "sm-efs.csv", "Plik uczestników w układzie SM EFS (CSV, z danymi osobowymi)", "enrolment", "koordynator lidera"
    ),
)
BY_NAME = {export.name: export for export in EXPORTS}


async def download(enrolment: Enrolment, reporting: Reporting, token: str, project_id: str, name: str) -> Download:
    """The export ``name`` of the project, from the service that makes it, with the caller's token."""
    export = BY_NAME[name]
    if export.service == "enrolment":
        return await enrolment.download(token, f"/projects/{project_id}/exports/participants.csv")
    return await reporting.download(token, f"/projects/{project_id}/exports/{name}")

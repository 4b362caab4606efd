"""An import's report as staff read it: refused rows with their fields, and the report as a CSV file.

The enrolment service enrols every valid row at once (it has no preview) and names each refused
row's column by the template's Polish header, with a Polish reason; the web application keeps
nothing, so the report's download is rendered from the report the page holds.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

#: The file types the import accepts.
ACCEPTED = (".csv", ".xlsx")


@dataclass(frozen=True)
class RefusedRow:
    row: int
    fields: tuple[tuple[str, str], ...]  # (column header, reason), in the file's order


def refused_rows(report: dict[str, Any]) -> list[RefusedRow]:
    """The refused rows, each with every refused field (the API lists one error per field)."""
    by_row: dict[int, list[tuple[str, str]]] = {}
    for error in report.get("errors", []):
        by_row.setdefault(int(error["row"]), []).append((str(error["field"]), str(error["reason"])))
    return [RefusedRow(row, tuple(fields)) for row, fields in sorted(by_row.items())]


def report_csv(report: dict[str, Any]) -> str:
    """The report as a CSV file (``;``, UTF-8 with BOM, as the services' exports): counts, then each refusal."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Wiersze", "Przyjęci", "Już w projekcie", "Odrzucone wiersze"])
    writer.writerow([report.get(k, 0) for k in ("rows", "enrolled", "already_enrolled", "invalid_rows")])
    writer.writerow([])
    writer.writerow(["Wiersz", "Kolumna", "Powód"])
    for refused in refused_rows(report):
        for field, reason in refused.fields:
            writer.writerow([refused.row, field, reason])
    return out.getvalue()


def accepted_file(filename: str) -> bool:
    return filename.lower().endswith(ACCEPTED)

"""An import's preview and report as staff read them: refused rows with their fields, the report as CSV.

The enrolment service checks a file without writing (its dry run: the preview) and enrols its valid
rows when staff confirm; it names each refused row's column by the template's Polish header, with
a Polish reason. The web application keeps nothing: between the preview and the confirmation the
file travels in the preview page itself (:func:`carry`, a hidden field of the confirmation form)
and comes back in the form's post; the report's download is rendered from the report the page holds.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
from dataclasses import dataclass
from typing import Any

#: The file types the import accepts.
ACCEPTED = (".csv", ".xlsx")
#: The largest file the wizard takes (the enrolment service's limit).
MAX_BYTES = 20 * 1024 * 1024
#: The largest carried file (base64 of :data:`MAX_BYTES`), for the confirmation form's parser.
MAX_CARRIED = 4 * ((MAX_BYTES + 2) // 3)


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


def carry(content: bytes) -> str:
    """The file as the preview page carries it to the confirmation (base64 text of a hidden field)."""
    return base64.b64encode(content).decode("ascii")


def carried(text: str) -> bytes | None:
    """The file the confirmation posted back; ``None`` if the field is missing, too long or not base64."""
    if not text or len(text) > MAX_CARRIED:
        return None
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, binascii.Error):
        return None


def with_refusals(imports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The imports whose refused rows still wait to be corrected (the start page's "what needs doing")."""
    return [i for i in imports if int(i.get("refused", 0)) > 0]

"""The import wizard: upload a CSV or XLSX file, preview its refused rows, confirm, download the report.

The preview is enrolment's dry run of the file (every row checked, nothing written); the
confirmation sends the same file for real. The web application stores nothing in between: the
file rides in the preview page's confirmation form (see :mod:`web.domain.imports`).
"""

from __future__ import annotations

from web.domain.errors import FieldError, field_errors
from web.domain.imports import MAX_BYTES, accepted_file, with_refusals
from web.use_cases.participants import Outcome
from web.use_cases.ports import Enrolment, Json, Refused

__all__ = ["MAX_BYTES", "import_file", "recent_refusals"]

#: How many of a project's latest imports the start page looks at.
RECENT = 5


async def import_file(
    enrolment: Enrolment, token: str, project_id: str, filename: str, content: bytes, *, dry_run: bool = False
) -> Outcome:
    """Check (``dry_run``: the preview) or import the file; a missing, foreign or too large one refused first."""
    if not filename or not content:
        return Outcome(errors=[FieldError("file", "Wybierz plik CSV albo XLSX.")])
    if not accepted_file(filename):
        return Outcome(errors=[FieldError("file", "Przyjmujemy tylko pliki CSV albo XLSX.")])
    if len(content) > MAX_BYTES:
        return Outcome(errors=[FieldError("file", "Plik jest większy niż 20 MB.")])
    try:
        return Outcome(record=await enrolment.import_file(token, project_id, filename, content, dry_run=dry_run))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))


async def recent_refusals(enrolment: Enrolment, token: str, project: Json) -> list[Json]:
    """The project's latest imports that refused rows, each with the project's id and title."""
    found = await enrolment.imports(token, str(project["project_id"]), {"page_size": RECENT})
    return [
        {**item, "project_id": project["project_id"], "project_title": project.get("title", "")}
        for item in with_refusals(list(found.get("items", [])))
    ]

"""The import wizard: upload a CSV or XLSX file, read its report (refused rows and fields), download it."""

from __future__ import annotations

from web.domain.errors import FieldError, field_errors
from web.domain.imports import accepted_file
from web.use_cases.participants import Outcome
from web.use_cases.ports import Enrolment, Refused

MAX_BYTES = 20 * 1024 * 1024


async def import_file(enrolment: Enrolment, token: str, project_id: str, filename: str, content: bytes) -> Outcome:
    if not filename or not content:
        return Outcome(errors=[FieldError("file", "Wybierz plik CSV albo XLSX.")])
    if not accepted_file(filename):
        return Outcome(errors=[FieldError("file", "Przyjmujemy tylko pliki CSV albo XLSX.")])
    if len(content) > MAX_BYTES:
        return Outcome(errors=[FieldError("file", "Plik jest większy niż 20 MB.")])
    try:
        return Outcome(record=await enrolment.import_file(token, project_id, filename, content))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))

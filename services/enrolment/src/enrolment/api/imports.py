"""Bulk import of participants from CSV or XLSX, with a report of every refused row."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from enrolment.api.deps import Caller, ProjectId, UseCases
from enrolment.domain import importing
from enrolment.use_cases import imports

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RowErrorView(BaseModel):
    row: int = Field(description="The row of the file (the header is row 1)")
    field: str = Field(description="The template's column header, e.g. 'Data zgody na przetwarzanie danych'")
    reason: str = Field(description="Why the row was refused, in Polish")


class EnrolledRowView(BaseModel):
    row: int
    participant_id: str | None = Field(description="The id given; null in a dry run (nothing was written)")


class ImportReportView(BaseModel):
    rows: int
    enrolled: int
    already_enrolled: int
    invalid_rows: int
    encoding: str
    errors: list[RowErrorView]
    enrolled_rows: list[EnrolledRowView] = Field(description="Every row enrolled by this import, with its id")
    already_enrolled_rows: list[int] = Field(
        description="The rows of people already in the project (enrolled by any organisation); nothing written"
    )


class ImportSummaryView(BaseModel):
    """One import as the log keeps it: no row, no personal data."""

    import_id: str
    organisation_id: str = Field(description="The importer's organisation")
    user: str = Field(description="The importer's login")
    at: datetime
    filename: str = Field(description="The file's name as sent (without folders)")
    rows: int
    enrolled: int
    already_enrolled: int
    refused: int = Field(description="Rows refused (each named in that import's report)")


class ImportPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[ImportSummaryView]


MAX_PAGE_SIZE = 100
DRY_RUN = (
    "\n\n**Dry run** (`dry_run=true`, the preview): every row is checked by the same rules and the same "
    "report answered, but nothing is written (no participant, no event, no import summary; only an "
    "`import_preview` audit entry). Rows that would be enrolled are listed in `enrolled_rows` with "
    "`participant_id` null; an environment person may link to an ON of the same file. The file travels "
    "in the body only: no personal data in the address or the logs."
)

router = APIRouter(tags=["import"])


@router.get("/imports/template.csv", summary="An empty import file with every column", response_class=PlainTextResponse)
async def template(caller: Caller) -> str:
    del caller
    return importing.template_csv()


@router.get(
    "/imports/template.xlsx",
    summary="An empty XLSX import file: drop-down lists of the accepted values, a sheet explaining each column",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def template_xlsx(caller: Caller) -> Response:
    del caller
    return Response(
        importing.template_xlsx(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="import-uczestnikow.xlsx"'},
    )


@router.post(
    "/projects/{project_id}/imports",
    summary="Enrol the participants of a CSV or XLSX file, or check it (dry_run; format=csv: the refused rows as CSV)",
    description=importing.columns_markdown() + DRY_RUN,
    response_model=ImportReportView,
    responses={200: {"content": {"text/csv": {}}}, 413: {"description": "The file is larger than the limit"}},
)
async def import_file(
    project_id: ProjectId,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or Windows-1250) or XLSX")],
    enrolment: UseCases,
    caller: Caller,
    output: Annotated[str, Query(alias="format", pattern="^(json|csv)$")] = "json",
    dry_run: Annotated[bool, Query(description="Check every row, write nothing (the preview)")] = False,
) -> ImportReportView | Response:
    imports.authorise(caller)  # before the upload is read
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, detail=f"file: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    report, table = await imports.import_file(enrolment, caller, project_id, raw, file.filename or "", dry_run=dry_run)
    if output == "csv":
        return Response(
            report.errors_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{project_id}-import-errors.csv"'},
        )
    return ImportReportView(
        rows=report.rows,
        enrolled=report.enrolled,
        already_enrolled=report.already_enrolled,
        invalid_rows=report.invalid_rows,
        encoding=table.encoding,
        errors=[RowErrorView(row=e.row, field=e.field, reason=e.reason) for e in report.errors],
        enrolled_rows=[
            EnrolledRowView(row=e.row, participant_id=e.participant_id or None) for e in report.enrolled_rows
        ],
        already_enrolled_rows=report.already_enrolled_rows,
    )


@router.get(
    "/projects/{project_id}/imports",
    summary="The project's imports, newest first (the leader's coordinator and the auditor: all; a partner: its own)",
    responses={403: {"description": "Your role does not follow imports"}},
)
async def import_list(
    project_id: ProjectId,
    enrolment: UseCases,
    caller: Caller,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> ImportPage:
    total, found = await imports.imports_page(enrolment, caller, project_id, page=page, page_size=page_size)
    return ImportPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[
            ImportSummaryView(
                import_id=s.import_id,
                organisation_id=s.organisation_id,
                user=s.user,
                at=s.at,
                filename=s.filename,
                rows=s.rows,
                enrolled=s.enrolled,
                already_enrolled=s.already_enrolled,
                refused=s.refused,
            )
            for s in found
        ],
    )

"""Bulk import of participants from CSV or XLSX, with a report of every refused row."""

from __future__ import annotations

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
    participant_id: str


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
    summary="Enrol the participants of a CSV or XLSX file (format=csv: the refused rows as a CSV file)",
    description=importing.columns_markdown(),
    response_model=ImportReportView,
    responses={200: {"content": {"text/csv": {}}}, 413: {"description": "The file is larger than the limit"}},
)
async def import_file(
    project_id: ProjectId,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or Windows-1250) or XLSX")],
    enrolment: UseCases,
    caller: Caller,
    output: Annotated[str, Query(alias="format", pattern="^(json|csv)$")] = "json",
) -> ImportReportView | Response:
    imports.authorise(caller)  # before the upload is read
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, detail=f"file: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    report, table = await imports.import_file(enrolment, caller, project_id, raw, file.filename or "")
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
        enrolled_rows=[EnrolledRowView(row=e.row, participant_id=e.participant_id) for e in report.enrolled_rows],
        already_enrolled_rows=report.already_enrolled_rows,
    )

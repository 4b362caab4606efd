"""Bulk import of participants from CSV or XLSX, with a report of every refused row."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, UploadFile
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

from aktywni_shared.auth import Authenticate, Principal, Role, require_role
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from enrolment import importing, tabular
from enrolment.use_cases import Enrolment

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class RowErrorView(BaseModel):
    row: int
    field: str
    reason: str


class ImportReportView(BaseModel):
    rows: int
    enrolled: int
    already_enrolled: int
    invalid_rows: int
    encoding: str
    errors: list[RowErrorView]


def router(enrolment: Enrolment, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["import"])

    @api.get(
        "/imports/template.csv", summary="An empty import file with every column", response_class=PlainTextResponse
    )
    async def template(caller: Principal = Depends(authenticated)) -> str:
        del caller
        return importing.template_csv()

    @api.post(
        "/projects/{project_id}/imports",
        summary="Enrol the participants of a CSV or XLSX file (format=csv: the refused rows as a CSV file)",
        response_model=ImportReportView,
        responses={200: {"content": {"text/csv": {}}}, 413: {"description": "The file is larger than the limit"}},
    )
    async def import_file(
        project_id: ProjectId,
        file: Annotated[UploadFile, File(description="CSV (UTF-8 or Windows-1250) or XLSX")],
        output: Annotated[str, Query(alias="format", pattern="^(json|csv)$")] = "json",
        caller: Principal = Depends(authenticated),
    ) -> ImportReportView | Response:
        require_role(caller, Role.COORDINATOR, Role.PARTNER_STAFF)  # the only roles that enrol anyone
        raw = await file.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, detail=f"file: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        try:
            table = tabular.read(raw, file.filename or "")
            report = await importing.import_rows(enrolment, caller, project_id, table, date.today())
        except (tabular.UnreadableFile, importing.WrongHeader) as error:
            raise HTTPException(422, detail=[{"loc": ["body", "file"], "msg": str(error), "type": "file"}]) from error
        await enrolment.audit.record(caller, "import", project_id, [], [f"rows:{report.rows}"])
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
        )

    return api

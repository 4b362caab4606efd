"""The import wizard: the upload form, the report with each refused row and field, the report's download."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from web.domain.imports import refused_rows, report_csv
from web.routes.deps import Api, Caller, Form, page
from web.use_cases import imports as cases

router = APIRouter(include_in_schema=False)


@router.get("/projects/{project_id}/import", response_class=HTMLResponse)
async def upload_form(request: Request, project_id: str, caller: Caller) -> Response:
    return page(request, "import.html", {"project_id": project_id, "errors": []})


@router.post("/projects/{project_id}/import", response_class=HTMLResponse)
async def upload(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    file = form.get("file")
    filename, content = "", b""
    if isinstance(file, UploadFile):
        filename, content = file.filename or "", await file.read(cases.MAX_BYTES + 1)
    outcome = await cases.import_file(api.enrolment, caller.access_token, project_id, filename, content)
    if not outcome.ok or outcome.record is None:
        return page(request, "import.html", {"project_id": project_id, "errors": outcome.errors}, 422)
    report = outcome.record
    context = {
        "project_id": project_id,
        "report": report,
        "refused": refused_rows(report),
        "report_json": json.dumps(
            {k: report.get(k) for k in ("rows", "enrolled", "already_enrolled", "invalid_rows", "errors")}
        ),
        "errors": [],
    }
    return page(request, "import_report.html", context)


@router.post("/projects/{project_id}/import/report.csv")
async def report_download(request: Request, project_id: str, caller: Caller, form: Form) -> Response:
    """The report the page holds, as a CSV file (the web application keeps no copy of it)."""
    try:
        report = json.loads(str(form.get("report", "{}")))
    except ValueError:
        report = {}
    return Response(
        report_csv(report if isinstance(report, dict) else {}),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{project_id}-raport-importu.csv"'},
    )


@router.get("/imports/template.{kind}")
async def template(request: Request, kind: str, caller: Caller, api: Api) -> Response:
    """The enrolment service's empty import file (CSV or XLSX with drop-down lists)."""
    if kind not in {"csv", "xlsx"}:
        return page(request, "refused.html", {"errors": []}, 404)
    file = await api.enrolment.download(caller.access_token, f"/imports/template.{kind}")
    filename = file.filename if file.filename != f"template.{kind}" else f"import-uczestnikow.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(file.content, media_type=file.media_type, headers=headers)

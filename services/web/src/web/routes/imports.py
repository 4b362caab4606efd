"""The import wizard: the upload form, the preview with each refused row and field, the confirmation,
the report and its download.

Between the preview and the confirmation the web application keeps no copy of the file: it holds
personal data, and this application stores none of its own (no server-side upload area to clean,
leak or back up). The preview page carries the file back to the browser in a hidden field of the
confirmation form (base64, within the same CSRF-checked form post), so "confirm" sends exactly
the file that was previewed, without asking staff to pick it again; only the browser holds it in
between, as it did before the upload. Neither the file nor any row is ever in an address or a log.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from web.domain.errors import FieldError
from web.domain.imports import MAX_CARRIED, carried, carry, refused_rows, report_csv
from web.routes.deps import Api, Caller, Form, checked_form, page
from web.use_cases import imports as cases

router = APIRouter(include_in_schema=False)


async def carrying_form(request: Request) -> FormData:
    """The confirmation's form: its hidden file field may exceed the parser's default 1 MB per field."""
    await request.form(max_part_size=MAX_CARRIED + 1024)  # parsed once; checked_form reads the same form
    return await checked_form(request)


CarryingForm = Annotated[FormData, Depends(carrying_form)]


@router.get("/projects/{project_id}/import", response_class=HTMLResponse)
async def upload_form(request: Request, project_id: str, caller: Caller) -> Response:
    return page(request, "import.html", {"project_id": project_id, "errors": []})


@router.post("/projects/{project_id}/import", response_class=HTMLResponse)
async def preview(request: Request, project_id: str, caller: Caller, api: Api, form: Form) -> Response:
    """The file checked by enrolment's dry run: nothing enrolled yet."""
    file = form.get("file")
    filename, content = "", b""
    if isinstance(file, UploadFile):
        filename, content = file.filename or "", await file.read(cases.MAX_BYTES + 1)
    outcome = await cases.import_file(api.enrolment, caller.access_token, project_id, filename, content, dry_run=True)
    if not outcome.ok or outcome.record is None:
        return page(request, "import.html", {"project_id": project_id, "errors": outcome.errors}, 422)
    report = outcome.record
    context = {
        "project_id": project_id,
        "report": report,
        "refused": refused_rows(report),
        "filename": filename,
        "carried": carry(content),
        "errors": [],
    }
    return page(request, "import_preview.html", context)


@router.post("/projects/{project_id}/import/confirm", response_class=HTMLResponse)
async def confirm(request: Request, project_id: str, caller: Caller, api: Api, form: CarryingForm) -> Response:
    """The previewed file, carried back by the page, imported for real: the report."""
    filename = str(form.get("filename", ""))
    content = carried(str(form.get("content", "")))
    if content is None:
        errors = [FieldError("file", "Plik z podglądu nie dotarł. Wybierz go ponownie.")]
        return page(request, "import.html", {"project_id": project_id, "errors": errors}, 422)
    outcome = await cases.import_file(api.enrolment, caller.access_token, project_id, filename, content)
    if not outcome.ok or outcome.record is None:
        return page(request, "import.html", {"project_id": project_id, "errors": outcome.errors}, 422)
    return page(request, "import_report.html", _report_context(project_id, outcome.record))


def _report_context(project_id: str, report: dict[str, Any]) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "report": report,
        "refused": refused_rows(report),
        "report_json": json.dumps(
            {k: report.get(k) for k in ("rows", "enrolled", "already_enrolled", "invalid_rows", "errors")}
        ),
        "errors": [],
    }


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

"""Exports for the funder: the participant list, to the leading organisation's coordinator only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from enrolment import exporting
from enrolment.use_cases import Enrolment

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]


def router(enrolment: Enrolment, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["exports"])

    @api.get(
        "/projects/{project_id}/exports/participants.csv",
        summary="Participants in the layout of the funder's participant file (leader's coordinator; audited)",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def participants_csv(project_id: ProjectId, caller: Principal = Depends(authenticated)) -> Response:
        rows = await enrolment.export_participants(caller, project_id)
        names = {o.organisation_id: o.name for o in await enrolment.projects.list_organisations()}
        # UTF-8 with a byte-order mark, so that Excel shows Polish letters right when it opens the file.
        return Response(
            "\ufeff" + exporting.participants_csv(rows, names),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{project_id}-uczestnicy.csv"'},
        )

    return api

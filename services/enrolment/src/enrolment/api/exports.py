"""Exports for the funder: the participant list, to the leading organisation's coordinator only."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from enrolment.api.deps import Caller, ProjectId, UseCases
from enrolment.use_cases import exports

router = APIRouter(tags=["exports"])


@router.get(
    "/projects/{project_id}/exports/participants.csv",
    summary="Participants in the layout of the funder's participant file (leader's coordinator; audited)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def participants_csv(project_id: ProjectId, enrolment: UseCases, caller: Caller) -> Response:
    text = await exports.participants_csv(enrolment, caller, project_id)
    # UTF-8 with a byte-order mark, so that Excel shows Polish letters right when it opens the file.
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{project_id}-uczestnicy.csv"'},
    )

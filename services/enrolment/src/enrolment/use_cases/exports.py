"""Exports for the funder: the participant list, to the leading organisation's coordinator only (audited)."""

from __future__ import annotations

from typing import Any

from aktywni_shared.identity import Principal
from enrolment.domain import access, exporting
from enrolment.domain.errors import Forbidden
from enrolment.domain.participants import Participant
from enrolment.use_cases.context import Enrolment
from enrolment.use_cases.participants import with_personal_data


async def export_participants(
    enrolment: Enrolment, principal: Principal, project_id: str
) -> list[tuple[Participant, dict[str, Any]]]:
    """Every participant with personal data, for the funder's file: the leader's coordinator only."""
    project = await enrolment.project(principal, project_id)
    if not access.may_manage_project(principal, project):
        raise Forbidden("only the leading organisation's coordinator exports the participant list")
    stored = await enrolment.participants.in_project(project_id)
    rows = [(row.participant, personal) for row, personal in await with_personal_data(enrolment, stored)]
    await enrolment.audit.record(
        principal, "export", project_id, [str(p.participant_id) for p, _ in rows], {n for _, d in rows for n in d}
    )
    return rows


async def participants_csv(enrolment: Enrolment, principal: Principal, project_id: str) -> str:
    """The funder's participant file as CSV text (organisations by name)."""
    rows = await export_participants(enrolment, principal, project_id)
    names = {o.organisation_id: o.name for o in await enrolment.projects.list_organisations()}
    return exporting.participants_csv(rows, names)

"""The audit log of personal data, read by the auditor and the leading organisation's coordinator."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from aktywni_shared.clock import start_of_day
from aktywni_shared.identity import Principal
from enrolment.domain import access
from enrolment.domain.audit import AuditAction
from enrolment.domain.errors import DomainError, Forbidden
from enrolment.use_cases.context import Enrolment
from enrolment.use_cases.ports import AuditQuery, AuditRecord


async def audit_page(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    *,
    participant_id: uuid.UUID | None = None,
    actor: str | None = None,
    action: AuditAction | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[int, list[AuditRecord]]:
    """One page of a project's audit log, the newest first; days are Warsaw's, ``day_to`` inclusive.

    A role that never reads an audit log is refused (403) before the project is looked up; an
    outsider to the project gets 404; a partner's coordinator 403.
    """
    if not access.reads_audit_logs(principal):
        raise Forbidden("only the auditor and the leading organisation's coordinator read the audit log")
    project = await enrolment.project(principal, project_id)
    if not access.may_read_audit(principal, project):
        raise Forbidden(f"only the coordinator of the leading organisation reads the audit log of {project_id}")
    if day_from is not None and day_to is not None and day_from > day_to:
        raise DomainError(f"from {day_from} is after to {day_to}", "to")
    query = AuditQuery(
        project_id,
        participant_id=str(participant_id) if participant_id else None,
        user=actor or None,
        action=action.value if action else None,
        since=start_of_day(day_from) if day_from else None,
        until=start_of_day(day_to + timedelta(days=1)) if day_to else None,
    )
    return await enrolment.audit.page(query, skip=(page - 1) * page_size, limit=page_size)

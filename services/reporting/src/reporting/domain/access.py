"""Who may read which report, change indicators, and see the participant list.

- auditors (funders, controllers) and administrators: every project's reports and exports, whole
  project; never the participant list;
- users of the leading organisation: the whole project; its coordinator also defines indicators,
  records manual entries and exports the participant list;
- users of a partner organisation (any role): their own organisation's breakdown only;
- anyone else: the project is not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from aktywni_shared import errors
from aktywni_shared.identity import Principal, Role
from reporting.domain.report import ProjectInfo


class NotFound(errors.NotFound):
    """Unknown to reporting, or not the caller's to know of: ``{"detail": message}``, 404."""


class Forbidden(errors.Forbidden):
    """Known to the caller, but not theirs to see or change: ``{"detail": message}``, 403."""


@dataclass(frozen=True)
class ReportScope:
    """The organisation a caller's report is limited to (None: the whole project)."""

    organisation: str | None


def report_scope(principal: Principal, project: ProjectInfo, requested: str | None) -> ReportScope:
    """The scope of the report the caller gets for ``requested`` (an organisation filter, or None)."""
    whole_project = principal.role in (Role.AUDITOR, Role.ADMINISTRATOR) or (
        principal.organisation_id == project.leader_organisation_id
    )
    if whole_project:
        if requested is not None and requested not in project.organisations:
            raise NotFound(f"organisation {requested} does not take part in project {project.project_id}")
        return ReportScope(requested)
    if principal.organisation_id not in project.organisations:
        raise NotFound(f"project {project.project_id} not found")
    if requested not in (None, principal.organisation_id):
        raise Forbidden(f"you see only your organisation's ({principal.organisation_id}) data, not {requested}'s")
    return ReportScope(principal.organisation_id)


def may_manage(principal: Principal, project: ProjectInfo) -> bool:
    """The leading organisation's coordinator defines indicators and records manual entries."""
    return principal.role is Role.COORDINATOR and principal.organisation_id == project.leader_organisation_id


def require_manager(principal: Principal, project: ProjectInfo, what: str) -> None:
    if may_manage(principal, project):
        return
    if principal.role in (Role.AUDITOR, Role.ADMINISTRATOR) or principal.organisation_id in project.organisations:
        raise Forbidden(f"only the leading organisation's coordinator {what}")
    raise NotFound(f"project {project.project_id} not found")

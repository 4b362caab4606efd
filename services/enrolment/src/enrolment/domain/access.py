"""Who may see and change which participants: by role, organisation and the project's leadership.

- the leading organisation's coordinator: every participant of the project;
- a partner's coordinator or staff: their own organisation's participants;
- trainers, auditors and administrators: no personal data at all.
Administrators register organisations; a coordinator registers a project (their organisation leads
it), and the leader's coordinator manages and exports it; a coordinator of a participating
organisation records declarations and closes a participant's path; coordinators and partner staff
import lists of participants.
The audit log of a project is read by the auditor and by the leading organisation's coordinator.
Participants a caller may not see are reported as not found, so that nothing about them leaks.
"""

from __future__ import annotations

from enum import Enum

from aktywni_shared.identity import Principal, Role
from enrolment.domain.projects import Project


class Scope(Enum):
    NONE = "none"
    OWN_ORGANISATION = "own_organisation"
    WHOLE_PROJECT = "whole_project"


def participant_scope(principal: Principal, project: Project) -> Scope:
    role_in_project = project.role_of(principal.organisation_id)
    if role_in_project is None or principal.role not in (Role.COORDINATOR, Role.PARTNER_STAFF):
        return Scope.NONE
    if principal.role is Role.COORDINATOR and principal.organisation_id == project.leader_organisation_id:
        return Scope.WHOLE_PROJECT
    return Scope.OWN_ORGANISATION


def may_see(principal: Principal, project: Project, participant_organisation_id: str) -> bool:
    scope = participant_scope(principal, project)
    if scope is Scope.WHOLE_PROJECT:
        return True
    return scope is Scope.OWN_ORGANISATION and participant_organisation_id == principal.organisation_id


def may_enrol_for(principal: Principal, project: Project, organisation_id: str) -> bool:
    """Staff enrol for their own organisation; the leader's coordinator for any partner's."""
    if project.role_of(organisation_id) is None:
        return False
    return may_see(principal, project, organisation_id)


def may_manage_project(principal: Principal, project: Project) -> bool:
    return principal.role is Role.COORDINATOR and principal.organisation_id == project.leader_organisation_id


def may_read_project(principal: Principal, project: Project) -> bool:
    return (
        principal.role in (Role.AUDITOR, Role.ADMINISTRATOR) or project.role_of(principal.organisation_id) is not None
    )


def may_register_organisations(principal: Principal) -> bool:
    return principal.role is Role.ADMINISTRATOR


def may_register_project(principal: Principal) -> bool:
    """A coordinator registers a project; their organisation leads it."""
    return principal.role is Role.COORDINATOR


def is_participating_coordinator(principal: Principal, project: Project) -> bool:
    """A coordinator of the leader or a partner: records declarations, closes a participant's path."""
    return principal.role is Role.COORDINATOR and project.role_of(principal.organisation_id) is not None


#: The roles that enrol anyone (one by one or by an imported list).
ENROLLERS = (Role.COORDINATOR, Role.PARTNER_STAFF)


def may_import(principal: Principal) -> bool:
    return principal.role in ENROLLERS


def import_scope(principal: Principal, project: Project) -> Scope:
    """Whose imports' summaries (counts, no personal data) a caller reads: as participants, plus the auditor all."""
    if principal.role is Role.AUDITOR:
        return Scope.WHOLE_PROJECT
    return participant_scope(principal, project)


#: The roles that may read an audit log at all (the coordinator only of a project their organisation leads).
AUDIT_READERS = (Role.AUDITOR, Role.COORDINATOR)


def reads_audit_logs(principal: Principal) -> bool:
    """Whether the caller's role reads any audit log at all (decided before the project is looked up)."""
    return principal.role in AUDIT_READERS


def may_read_audit(principal: Principal, project: Project) -> bool:
    """The auditor reads every project's audit log; a coordinator only that of a project they lead."""
    return principal.role is Role.AUDITOR or may_manage_project(principal, project)

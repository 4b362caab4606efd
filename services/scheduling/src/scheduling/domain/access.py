"""Who may do what in scheduling, by role and organisation (the same model as enrolment's).

- coordinators plan activities and sessions of their organisation's projects; the leading
  organisation's coordinator manages every session of the project;
- bookings: the leader's coordinator for any participant, a partner's coordinator or staff for
  their own organisation's participants (others are "not found", so nothing leaks);
- trainers see the sessions they lead and record their attendance;
- auditors and administrators see sessions without participants (no personal data).
"""

from __future__ import annotations

from aktywni_shared.auth import Principal, Role
from scheduling.domain.projects import ProjectView

PLANNERS = (Role.COORDINATOR,)
BOOKERS = (Role.COORDINATOR, Role.PARTNER_STAFF)


def may_plan(principal: Principal, project: ProjectView) -> bool:
    return principal.role in PLANNERS and project.takes_part(principal.organisation_id)


def may_manage_session(principal: Principal, project: ProjectView, session_organisation_id: str) -> bool:
    return may_plan(principal, project) and principal.organisation_id in (
        session_organisation_id,
        project.leader_organisation_id,
    )


def sees_participant(principal: Principal, project: ProjectView, participant_organisation_id: str) -> bool:
    if principal.role not in BOOKERS or not project.takes_part(principal.organisation_id):
        return False
    if principal.role is Role.COORDINATOR and principal.organisation_id == project.leader_organisation_id:
        return True
    return principal.organisation_id == participant_organisation_id


def is_session_trainer(principal: Principal, staff_users: list[str], session_organisation_id: str) -> bool:
    return (
        principal.role is Role.TRAINER
        and principal.user in staff_users
        and principal.organisation_id == session_organisation_id
    )


def may_read_session(
    principal: Principal, project: ProjectView, staff_users: list[str], session_organisation_id: str
) -> bool:
    if principal.role in (Role.AUDITOR, Role.ADMINISTRATOR):
        return True
    if principal.role is Role.TRAINER:
        return is_session_trainer(principal, staff_users, session_organisation_id)
    return project.takes_part(principal.organisation_id)


def sees_bookings(principal: Principal) -> bool:
    """Auditors and administrators never see who is booked."""
    return principal.role in (Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER)


def may_record_attendance(
    principal: Principal, project: ProjectView, staff_users: list[str], session_organisation_id: str
) -> bool:
    return is_session_trainer(principal, staff_users, session_organisation_id) or may_manage_session(
        principal, project, session_organisation_id
    )

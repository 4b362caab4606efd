"""Who may do what in scheduling, by role and organisation (the same model as enrolment's).

- coordinators plan activities and sessions of their organisation's projects; the leading
  organisation's coordinator manages every session of the project;
- bookings: the leader's coordinator for any participant, a partner's coordinator or staff for
  their own organisation's participants (others are "not found", so nothing leaks);
- trainers see the sessions they lead, record their attendance and list the people booked into them;
- auditors and administrators see sessions without participants (no personal data);
- an organisation outside a project finds nothing of it ("not found").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aktywni_shared.identity import Principal, Role
from scheduling.domain.errors import Forbidden, NotFound
from scheduling.domain.projects import ProjectView

PLANNERS = (Role.COORDINATOR,)
BOOKERS = (Role.COORDINATOR, Role.PARTNER_STAFF)
#: Who registers an organisation's venues and staff.
REFERENCE_KEEPERS = (Role.ADMINISTRATOR, Role.COORDINATOR)
#: Who sees every project and every organisation's venues (never personal data).
OVERSEERS = (Role.AUDITOR, Role.ADMINISTRATOR)


def require_booker(principal: Principal) -> None:
    """Only coordinators and partner staff book participants (403 for any other role)."""
    if principal.role not in BOOKERS:
        raise Forbidden(f"role {principal.role.value} does not book participants")


def require_reference_keeper(principal: Principal) -> None:
    """Venues and staff are registered by an administrator or a coordinator (403 otherwise)."""
    if principal.role not in REFERENCE_KEEPERS:
        raise Forbidden(f"role {principal.role.value} may not do this")


def sees_project(principal: Principal, project: ProjectView) -> bool:
    """Whether the caller sees a project's activities and sessions at all (else: "not found")."""
    return project.takes_part(principal.organisation_id) or principal.role in OVERSEERS


def venue_scope(principal: Principal) -> str | None:
    """Whose venues a caller lists: their organisation's (None: every organisation's, for overseers)."""
    return None if principal.role in OVERSEERS else principal.organisation_id


def staff_scope(principal: Principal) -> str | None:
    """Whose staff record a caller lists from their organisation's: a trainer only their own (by user)."""
    return principal.user if principal.role is Role.TRAINER else None


def may_read_staff_calendar(principal: Principal, member_user: str, member_organisation_id: str) -> bool:
    """A trainer reads their own calendar; a coordinator or administrator their organisation's staff's."""
    own = principal.role is Role.TRAINER and principal.user == member_user
    managing = (
        principal.role in (Role.COORDINATOR, Role.ADMINISTRATOR) and principal.organisation_id == member_organisation_id
    )
    return own or managing


def sees_every_booking(principal: Principal) -> bool:
    """A trainer sees everyone booked into a session they may read; others only participants they see."""
    return principal.role is Role.TRAINER


def outside(principal: Principal, project: ProjectView) -> bool:
    """A caller of an organisation that takes no part in the project (auditors and administrators
    see every project): such a caller is told "not found", never "forbidden", so nothing leaks."""
    return principal.role not in OVERSEERS and not project.takes_part(principal.organisation_id)


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
    if principal.role in OVERSEERS:
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


LISTERS = (Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER)


@dataclass(frozen=True)
class ParticipantListScope:
    """Whose participants a caller lists: one organisation's (None: all) and, for a trainer, only their sessions'."""

    organisation_id: str | None
    trainer_sessions_only: bool


def participant_list_scope(principal: Principal, project: ProjectView | None, project_id: str) -> ParticipantListScope:
    """The leader's coordinator lists every participant; a partner's coordinator or staff their own
    organisation's; a trainer only the people booked into the sessions they lead. A project the
    caller's organisation takes no part in (or one scheduling does not know) is not found."""
    if principal.role not in LISTERS:
        raise Forbidden(f"role {principal.role.value} does not book participants")
    if project is None or not project.takes_part(principal.organisation_id):
        raise NotFound(f"project {project_id} not found", "project_id")
    if principal.role is Role.TRAINER:
        # whichever organisation enrolled them: the trainer records their attendance
        return ParticipantListScope(None, trainer_sessions_only=True)
    if principal.role is Role.COORDINATOR and principal.organisation_id == project.leader_organisation_id:
        return ParticipantListScope(None, trainer_sessions_only=False)
    return ParticipantListScope(principal.organisation_id, trainer_sessions_only=False)


def trainees_of(principal: Principal, sessions: Iterable[tuple[list[str], str, Iterable[str]]]) -> set[str]:
    """The participants booked into the sessions ``principal`` leads, from (staff users, session's
    organisation, actively booked participant ids) of each session."""
    return {
        participant_id
        for staff_users, organisation_id, booked in sessions
        if is_session_trainer(principal, staff_users, organisation_id)
        for participant_id in booked
    }

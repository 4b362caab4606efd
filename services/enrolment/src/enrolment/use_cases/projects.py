"""Projects and their partners: registered by a coordinator, whose organisation leads them."""

from __future__ import annotations

from aktywni_shared.identity import Principal
from enrolment.domain import access
from enrolment.domain import projects as project_rules
from enrolment.domain.errors import Conflict, DomainError, Forbidden, NotFound
from enrolment.domain.projects import PartnerIn, Project, RegisterProject, UpdateProject
from enrolment.use_cases.context import Enrolment, wrap
from enrolment.use_cases.ports import AlreadyExists


async def register_project(enrolment: Enrolment, principal: Principal, command: RegisterProject) -> Project:
    if not access.may_register_project(principal):
        raise Forbidden("only a coordinator registers a project (their organisation leads it)")
    leader = principal.organisation_id
    names = await enrolment.require_organisations([leader, *(p.organisation_id for p in command.partners)])
    project = project_rules.register(command, leader)
    registered = wrap(project.registered_event(names[leader]), leader, project.project_id)
    joined = [
        wrap(project_rules.joined_event(p, names[p.organisation_id]), leader, project.project_id)
        for p in project.partners
    ]
    try:
        await enrolment.projects.add(project, [registered, *joined])
    except AlreadyExists as error:
        raise Conflict(str(error)) from error
    return project


async def add_partner(enrolment: Enrolment, principal: Principal, project_id: str, partner: PartnerIn) -> Project:
    project = await enrolment.project(principal, project_id)
    if not access.may_manage_project(principal, project):
        raise Forbidden("only the leading organisation's coordinator adds partners")
    names = await enrolment.require_organisations([partner.organisation_id])
    before = len(project.partners)
    try:
        event = project.add_partner(partner, names[partner.organisation_id])
    except ValueError as error:
        raise Conflict(str(error)) from error
    if not await enrolment.projects.add_partner(project, before, wrap(event, principal.organisation_id, project_id)):
        raise Conflict("the project's partners changed meanwhile; try again")
    return project


async def project(enrolment: Enrolment, principal: Principal, project_id: str) -> Project:
    return await enrolment.project(principal, project_id)


async def visible_projects(enrolment: Enrolment, principal: Principal) -> list[Project]:
    return [p for p in await enrolment.projects.list() if access.may_read_project(principal, p)]


async def update_project(
    enrolment: Enrolment, principal: Principal, project_id: str, command: UpdateProject
) -> Project:
    """Change a project's settings (the leader's coordinator): title, period, target groups,
    eligibility rules, required consents, path-completion rules. A changed rule un-completes and
    un-enrols nobody; it applies from the next enrolment, qualification or completed activity.

    The title and period are also held by scheduling and reporting, so a change of one of them is
    saved with a ``ProjectAmended`` event (the full new values) in the same write. A new period must
    still cover every participant's entry into the project (their earliest and latest ``enrolled_on``).
    """
    project = await enrolment.project(principal, project_id)
    if not access.may_manage_project(principal, project):
        raise Forbidden("only the leading organisation's coordinator changes the project")
    period_given = command.starts_on is not None or command.ends_on is not None
    enrolments = await enrolment.participants.enrolment_span(project_id) if period_given else None
    try:
        changed = project.change(command, enrolments)
    except project_rules.SettingError as error:
        raise DomainError(str(error), error.field) from error
    amended = [wrap(project.amended_event(), principal.organisation_id, project_id)]
    events = amended if any(name in project_rules.SHARED for name in changed) else []
    if changed and not await enrolment.projects.save_settings(project, changed, events):
        raise NotFound(f"project {project_id} not found")
    return project

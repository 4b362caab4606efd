"""Projects and their partners: registered by a coordinator, whose organisation leads them."""

from __future__ import annotations

from aktywni_shared.errors import PreconditionFailed
from aktywni_shared.identity import Principal
from enrolment.domain import access
from enrolment.domain import projects as project_rules
from enrolment.domain.errors import Conflict, DomainError, Forbidden
from enrolment.domain.projects import PartnerIn, Project, RegisterProject, UpdateProject
from enrolment.use_cases.context import Enrolment, wrap
from enrolment.use_cases.ports import AlreadyExists

#: The header a caller names the revision it read in (the ``ETag`` of ``GET /projects/{id}``).
IF_MATCH = "If-Match"
#: How often a change without ``If-Match`` is applied again when others' changes land in between.
SAVE_ATTEMPTS = 3


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
    project.revision += 1
    return project


async def project(enrolment: Enrolment, principal: Principal, project_id: str) -> Project:
    return await enrolment.project(principal, project_id)


async def visible_projects(enrolment: Enrolment, principal: Principal) -> list[Project]:
    return [p for p in await enrolment.projects.list() if access.may_read_project(principal, p)]


async def update_project(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    command: UpdateProject,
    *,
    revision: int | None = None,
) -> Project:
    """Change a project's settings (the leader's coordinator): title, period, target groups,
    eligibility rules, required consents, path-completion rules. A changed rule un-completes and
    un-enrols nobody; it applies from the next enrolment, qualification or completed activity.

    The title and period are also held by scheduling and reporting, so a change of one of them is
    saved with a ``ProjectAmended`` event (the full new values) in the same write. A new period must
    still cover every participant's entry into the project (their earliest and latest ``enrolled_on``).

    The change is made on the project as read and saved only if it is still at that revision. With
    ``revision`` (the one the caller read, ``If-Match``) a project changed since is refused with
    :class:`PreconditionFailed`, so that nobody overwrites a change they have not seen; without it,
    the given fields are applied again to the project as it now is (checked anew) a few times.
    """
    for _ in range(SAVE_ATTEMPTS):
        project = await enrolment.project(principal, project_id)
        if not access.may_manage_project(principal, project):
            raise Forbidden("only the leading organisation's coordinator changes the project")
        if revision is not None and project.revision != revision:
            raise _changed_since(project.revision, revision)
        read = project.revision
        period_given = command.starts_on is not None or command.ends_on is not None
        enrolments = await enrolment.participants.enrolment_span(project_id) if period_given else None
        try:
            changed = project.change(command, enrolments)
        except project_rules.SettingError as error:
            raise DomainError(str(error), error.field) from error
        if not changed:
            return project
        amended = [wrap(project.amended_event(), principal.organisation_id, project_id)]
        events = amended if any(name in project_rules.SHARED for name in changed) else []
        if await enrolment.projects.save_settings(project, changed, events, revision=read):
            project.revision = read + 1
            return project
        if revision is not None:
            raise _changed_since(None, revision)
    raise Conflict("the project was changed by others meanwhile; try again")


def _changed_since(current: int | None, read: int) -> PreconditionFailed:
    now = "another change" if current is None else f"revision {current}"
    return PreconditionFailed(
        f"the project was changed since revision {read} was read (it is at {now}): read it again", IF_MATCH
    )

"""Organisations, projects and partners."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from enrolment.api.deps import Caller, ProjectId, UseCases
from enrolment.domain.organisations import Organisation
from enrolment.domain.projects import PartnerIn, Project, RegisterProject, UpdateProject
from enrolment.use_cases import organisations as organisation_cases
from enrolment.use_cases import projects as project_cases

router = APIRouter(tags=["organisations and projects"])


@router.post("/organisations", status_code=201, summary="Register an organisation (administrators)")
async def register_organisation(organisation: Organisation, enrolment: UseCases, caller: Caller) -> Organisation:
    return await organisation_cases.register_organisation(enrolment, caller, organisation)


@router.get("/organisations", summary="Organisations")
async def organisations(enrolment: UseCases, caller: Caller) -> list[Organisation]:
    return await organisation_cases.organisations(enrolment, caller)


@router.post("/projects", status_code=201, summary="Register a project led by your organisation")
async def register_project(command: RegisterProject, enrolment: UseCases, caller: Caller) -> Project:
    return await project_cases.register_project(enrolment, caller, command)


@router.get("/projects", summary="Projects you take part in (auditors: all)")
async def projects(enrolment: UseCases, caller: Caller) -> list[Project]:
    return await project_cases.visible_projects(enrolment, caller)


@router.get(
    "/projects/{project_id}",
    summary="One project",
    description=(
        "The `ETag` header is the project's `revision` in quotes: send it back as `If-Match` with a "
        "`PATCH` so that a change somebody else saved in between is not overwritten."
    ),
    responses={200: {"headers": {"ETag": {"description": "The project's revision", "schema": {"type": "string"}}}}},
)
async def project(project_id: ProjectId, enrolment: UseCases, caller: Caller, response: Response) -> Project:
    found = await project_cases.project(enrolment, caller, project_id)
    response.headers["ETag"] = etag(found.revision)
    return found


@router.patch(
    "/projects/{project_id}",
    summary="Change a project's title, period or settings (the leader's coordinator)",
    description=(
        "Fields left out stay as they are; the given ones are checked together (every eligibility and "
        "path-completion rule must be of a target group: 422 naming the field) and saved at once.\n\n"
        "`title`, `starts_on` and `ends_on` change the project's title and period. The period (the given "
        "dates with the kept ones) must not end before it starts (422 naming `ends_on`) and must still "
        "cover every participant's entry into the project: a `starts_on` after the earliest `enrolled_on`, "
        "or an `ends_on` before the latest, is refused (422 naming that field). Candidates and the "
        "qualified, not yet enrolled, do not hold the period. A change of the title or period is sent "
        "to scheduling and reporting as `ProjectAmended` (the full new title and period), saved in the "
        "same write as the project: scheduling then plans sessions within the new period, and reports "
        "show it (their monthly series and forecast follow it) once the event is consumed.\n\n"
        "`target_groups` replaces the participant categories the project serves, `eligibility` the rules "
        "per category, `required_consents` the consent scopes an enrolment must cover (always with "
        "`processing_for_project`). They apply from the next enrolment or qualification: nobody already "
        "in the project is un-enrolled.\n\n"
        "`path_completion` replaces the project's rules of path completion: per participant category, "
        "the forms of support and how many completed activities of each complete a participant's path. "
        "A category without a rule completes only when a coordinator closes the path. A changed rule "
        "un-completes nobody; participants meeting a looser rule complete at their next completed activity "
        "(or when a coordinator closes their path).\n\n"
        "These settings are enrolment's own: changing only them sends no event. The leader is not "
        "changed here.\n\n"
        "**Concurrent edits.** Every change moves the project to its next `revision` (also a partner "
        "added). Send `If-Match` with the `ETag` of the `GET` the edit started from: if anybody changed "
        "the project since, the answer is 412 naming `If-Match` and nothing is saved (read it again and "
        "apply the edit to what is there now). Without `If-Match` the given fields are applied to the "
        "project as it is when the change is saved. The answer carries the new `ETag`."
    ),
    responses={
        200: {"headers": {"ETag": {"description": "The project's new revision", "schema": {"type": "string"}}}},
        412: {"description": "The project changed since the revision in `If-Match`; nothing was saved"},
    },
)
async def update_project(
    project_id: ProjectId,
    command: UpdateProject,
    enrolment: UseCases,
    caller: Caller,
    response: Response,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The `ETag` of the project as read (`"3"`); a project changed since is refused with 412',
        ),
    ] = None,
) -> Project:
    revision = None if if_match is None or if_match.strip() == "*" else revision_of(if_match)
    changed = await project_cases.update_project(enrolment, caller, project_id, command, revision=revision)
    response.headers["ETag"] = etag(changed.revision)
    return changed


def etag(revision: int) -> str:
    return f'"{revision}"'


def revision_of(if_match: str) -> int:
    """The revision an ``If-Match`` names (``"3"``, weak ``W/"3"``); one that names none matches nothing."""
    tag = if_match.strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() and len(tag) < 12 else -1


@router.post("/projects/{project_id}/partners", status_code=201, summary="Add a partner (the leader's coordinator)")
async def add_partner(project_id: ProjectId, partner: PartnerIn, enrolment: UseCases, caller: Caller) -> Project:
    return await project_cases.add_partner(enrolment, caller, project_id, partner)

"""Organisations, projects and partners."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from enrolment.domain.organisations import Organisation
from enrolment.domain.projects import PartnerIn, Project, RegisterProject, UpdateProject
from enrolment.use_cases import Enrolment

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]


def router(enrolment: Enrolment, authenticated: Authenticate) -> APIRouter:
    api = APIRouter(tags=["organisations and projects"])

    @api.post("/organisations", status_code=201, summary="Register an organisation (administrators)")
    async def register_organisation(
        organisation: Organisation, caller: Principal = Depends(authenticated)
    ) -> Organisation:
        return await enrolment.register_organisation(caller, organisation)

    @api.get("/organisations", summary="Organisations")
    async def organisations(caller: Principal = Depends(authenticated)) -> list[Organisation]:
        del caller
        return await enrolment.projects.list_organisations()

    @api.post("/projects", status_code=201, summary="Register a project led by your organisation")
    async def register_project(command: RegisterProject, caller: Principal = Depends(authenticated)) -> Project:
        return await enrolment.register_project(caller, command)

    @api.get("/projects", summary="Projects you take part in (auditors: all)")
    async def projects(caller: Principal = Depends(authenticated)) -> list[Project]:
        return await enrolment.visible_projects(caller)

    @api.get("/projects/{project_id}", summary="One project")
    async def project(project_id: ProjectId, caller: Principal = Depends(authenticated)) -> Project:
        return await enrolment.project(caller, project_id)

    @api.patch(
        "/projects/{project_id}",
        summary="Change a project's settings (the leader's coordinator)",
        description=(
            "`path_completion` replaces the project's rules of path completion: per participant category, "
            "the forms of support and how many completed activities of each complete a participant's path. "
            "A category without a rule completes only when a coordinator closes the path. A changed rule "
            "un-completes nobody; participants meeting a looser rule complete at their next completed activity "
            "(or when a coordinator closes their path)."
        ),
    )
    async def update_project(
        project_id: ProjectId, command: UpdateProject, caller: Principal = Depends(authenticated)
    ) -> Project:
        return await enrolment.update_project(caller, project_id, command)

    @api.post("/projects/{project_id}/partners", status_code=201, summary="Add a partner (the leader's coordinator)")
    async def add_partner(
        project_id: ProjectId, partner: PartnerIn, caller: Principal = Depends(authenticated)
    ) -> Project:
        return await enrolment.add_partner(caller, project_id, partner)

    return api

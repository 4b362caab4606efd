"""Institutional declarations of a project: recorded by a coordinator of a participating organisation."""

from __future__ import annotations

from typing import Any

from aktywni_shared.identity import Principal
from enrolment.domain import access
from enrolment.domain import declarations as declaration_rules
from enrolment.domain.errors import DomainError, Forbidden
from enrolment.use_cases.context import Enrolment, wrap


async def record_declaration(
    enrolment: Enrolment, principal: Principal, project_id: str, command: declaration_rules.RecordDeclaration
) -> dict[str, Any]:
    project = await enrolment.project(principal, project_id)
    if not access.is_participating_coordinator(principal, project):
        raise Forbidden("a coordinator of a participating organisation records declarations")
    try:
        event = declaration_rules.record(command)
    except ValueError as error:
        raise DomainError(str(error), "institution_kind") from error
    await enrolment.declarations.add(
        project_id, principal.organisation_id, event, wrap(event, principal.organisation_id, project_id)
    )
    return {"project_id": project_id, **event.model_dump(mode="json")}


async def project_declarations(enrolment: Enrolment, principal: Principal, project_id: str) -> list[dict[str, Any]]:
    await enrolment.project(principal, project_id)
    return await enrolment.declarations.list(project_id)

"""Projects: the list, one project with its indicators and declarations, creating one from the form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from web.domain.errors import FieldError, field_errors
from web.use_cases.participants import Outcome
from web.use_cases.ports import Enrolment, Json, Refused, Reporting


@dataclass
class ProjectPage:
    project: Json
    indicators: list[Json] = field(default_factory=list)
    declarations: list[Json] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)


async def project_page(enrolment: Enrolment, reporting: Reporting, token: str, project_id: str) -> ProjectPage:
    page = ProjectPage(project=await enrolment.project(token, project_id))
    try:
        page.indicators = list((await reporting.report(token, project_id)).get("indicators", []))
    except Refused:
        page.unavailable.append("wskaźniki (raport jeszcze niedostępny)")
    try:
        page.declarations = await enrolment.declarations(token, project_id)
    except Refused:
        page.unavailable.append("deklaracje")
    return page


def project_body(form: Mapping[str, Any], target_groups: list[str]) -> Json:
    body: Json = {
        "project_id": str(form.get("project_id", "")).strip(),
        "title": str(form.get("title", "")).strip(),
        "funding_programme": str(form.get("funding_programme", "")).strip(),
        "starts_on": str(form.get("starts_on", "")).strip() or None,
        "ends_on": str(form.get("ends_on", "")).strip() or None,
        "target_groups": target_groups,
    }
    partner = str(form.get("partner", "")).strip()
    if partner:
        body["partners"] = [{"organisation_id": partner, "role": "partner"}]
    return body


async def create(enrolment: Enrolment, token: str, body: Json) -> Outcome:
    try:
        return Outcome(record=await enrolment.create_project(token, body))
    except Refused as refused:
        errors = field_errors(refused.status, refused.body)
        return Outcome(errors=errors or [FieldError(None, "Nie udało się utworzyć projektu.")])


DECLARATION_FIELDS = ("kind", "institution_name", "institution_kind", "declared_on", "document_reference")


async def declare(enrolment: Enrolment, token: str, project_id: str, form: Mapping[str, str]) -> Outcome:
    """Record an institution's declaration; an empty field is left out, so the API names it."""
    body = {name: form[name].strip() for name in DECLARATION_FIELDS if form.get(name, "").strip()}
    try:
        return Outcome(record=await enrolment.declare(token, project_id, body))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))

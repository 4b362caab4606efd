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


#: The conditions of one category's eligibility rule the edit form offers (ages, then yes/no conditions).
RULE_AGES = ("min_age", "max_age")
RULE_FLAGS = ("requires_social_assistance_client", "requires_disability_certificate")
#: The consent every project requires (the enrolment API refuses settings without it).
PROCESSING = "processing_for_project"


#: The project's fields scheduling and reporting also hold (a change of one is sent to them).
SHARED_FIELDS = ("title", "starts_on", "ends_on")


def settings_body(form: list[tuple[str, str]], project: Json) -> Json:
    """The edit form as enrolment's PATCH body: target groups, their eligibility rules, required consents.

    A category left unticked loses its rules (eligibility, and its path-completion rule, which this
    form does not edit but which must be of a target group); an age the API cannot read is sent as
    typed, so the API names it. The title and period are sent as typed when the form has them (an
    empty one too, so that the API names it; unchanged ones change nothing).
    """
    values: dict[str, str] = {}
    groups: list[str] = []
    consents: list[str] = [PROCESSING]
    for name, value in form:
        if name == "target_groups" and value not in groups:
            groups.append(value)
        elif name == "required_consents" and value.strip() and value.strip() not in consents:
            consents.append(value.strip())
        else:
            values[name] = value.strip()
    eligibility: Json = {}
    for group in groups:
        rule = _rule(values, group)
        if rule:
            eligibility[group] = rule
    body: Json = {name: values[name] for name in SHARED_FIELDS if name in values}
    body |= {"target_groups": groups, "eligibility": eligibility, "required_consents": consents}
    completion = dict(project.get("path_completion") or {})
    if any(category not in groups for category in completion):
        body["path_completion"] = {c: rule for c, rule in completion.items() if c in groups}
    return body


def _rule(values: dict[str, str], group: str) -> Json:
    """One category's eligibility rule from the form's ``eligibility.<category>.<condition>`` fields."""
    rule: Json = {}
    for age in RULE_AGES:
        typed = values.get(f"eligibility.{group}.{age}", "")
        if typed:
            rule[age] = int(typed) if typed.isdigit() else typed
    for flag in RULE_FLAGS:
        if values.get(f"eligibility.{group}.{flag}") == "on":
            rule[flag] = True
    mops = values.get(f"eligibility.{group}.requires_mops_employee", "")
    if mops in ("true", "false"):
        rule["requires_mops_employee"] = mops == "true"
    return rule


async def change_settings(
    enrolment: Enrolment, token: str, project_id: str, body: Json, revision: str | None = None
) -> Outcome:
    """Save the edit made on ``revision`` (the one the form showed); a project changed since is refused (412)."""
    try:
        return Outcome(record=await enrolment.change_project(token, project_id, body, revision=revision))
    except Refused as refused:
        errors = field_errors(refused.status, refused.body)
        return Outcome(
            errors=errors or [FieldError(None, "Nie udało się zapisać zmian projektu.")], status=refused.status
        )


DECLARATION_FIELDS = ("kind", "institution_name", "institution_kind", "declared_on", "document_reference")


async def declare(enrolment: Enrolment, token: str, project_id: str, form: Mapping[str, str]) -> Outcome:
    """Record an institution's declaration; an empty field is left out, so the API names it."""
    body = {name: form[name].strip() for name in DECLARATION_FIELDS if form.get(name, "").strip()}
    try:
        return Outcome(record=await enrolment.declare(token, project_id, body))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))

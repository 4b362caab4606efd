"""A project's indicators: a template applied, targets changed (the leader's coordinator; reporting decides)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from web.domain.errors import FieldError, field_errors
from web.domain.targets import with_targets
from web.use_cases.participants import Outcome
from web.use_cases.ports import Json, Refused, Reporting


@dataclass
class IndicatorsPage:
    definitions: list[Json] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


async def indicators_page(reporting: Reporting, token: str, project_id: str) -> IndicatorsPage:
    page = IndicatorsPage()
    try:
        page.definitions = list((await reporting.indicators(token, project_id)).get("indicators", []))
        page.templates = sorted((await reporting.templates(token)).keys())
    except Refused as refused:
        page.errors = field_errors(refused.status, refused.body)
    return page


async def apply_template(reporting: Reporting, token: str, project_id: str, template: str) -> Outcome:
    try:
        return Outcome(record=await reporting.apply_template(token, project_id, template))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))


async def set_targets(reporting: Reporting, token: str, project_id: str, form: Mapping[str, str]) -> Outcome:
    try:
        current = list((await reporting.indicators(token, project_id)).get("indicators", []))
        changed, errors = with_targets(current, form)
        if errors:
            return Outcome(errors=errors)
        return Outcome(record=await reporting.define(token, project_id, {"indicators": changed}))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))

"""The start page: what needs doing for the signed-in person's role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web.domain import roles
from web.domain.indicators import IndicatorAtRisk, at_risk
from web.use_cases.ports import Enrolment, Refused, Reporting


@dataclass
class StartPage:
    projects: list[dict[str, Any]] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)  # project id → candidates waiting for qualification
    at_risk: list[IndicatorAtRisk] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # what could not be read (shown, not hidden)


async def start_page(enrolment: Enrolment, reporting: Reporting, token: str, role: str) -> StartPage:
    page = StartPage()
    try:
        page.projects = await enrolment.projects(token)
    except Refused:
        page.unavailable.append("projekty")
        return page
    for project in page.projects:
        project_id = str(project["project_id"])
        if role in roles.RECRUITERS:
            try:
                found = await enrolment.participants(token, project_id, {"status": "candidate", "page_size": 1})
                page.waiting[project_id] = int(found.get("total", 0))
            except Refused:
                page.unavailable.append(f"kandydaci w {project_id}")
        if role in roles.FOLLOWERS:
            try:
                page.at_risk.extend(at_risk(await reporting.report(token, project_id)))
            except Refused:
                page.unavailable.append(f"wskaźniki {project_id}")
    return page

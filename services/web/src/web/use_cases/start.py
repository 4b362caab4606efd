"""The start page: what needs doing for the signed-in person's role."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from web.domain import roles
from web.domain.indicators import IndicatorAtRisk, at_risk
from web.use_cases.imports import recent_refusals
from web.use_cases.ports import Enrolment, Refused, Reporting


@dataclass
class StartPage:
    projects: list[dict[str, Any]] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)  # project id → candidates waiting for qualification
    at_risk: list[IndicatorAtRisk] = field(default_factory=list)
    refused_imports: list[dict[str, Any]] = field(default_factory=list)  # latest imports that refused rows
    unavailable: list[str] = field(default_factory=list)  # what could not be read (shown, not hidden)


#: Calls to the services at a time for one start page (a coordinator of many projects waits for the
#: slowest few, not for the sum of all).
CONCURRENCY = 8


def running(project: dict[str, Any], today: date | None) -> bool:
    """Whether ``project`` runs on ``today`` (a project without dates, or no day given, counts as running).

    Only a running project's indicators can be at risk: a finished one's are met or missed for good.
    """
    if today is None or not project.get("starts_on") or not project.get("ends_on"):
        return True
    return str(project["starts_on"]) <= today.isoformat() <= str(project["ends_on"])


async def start_page(
    enrolment: Enrolment, reporting: Reporting, token: str, role: str, today: date | None = None
) -> StartPage:
    page = StartPage()
    try:
        page.projects = await enrolment.projects(token)
    except Refused:
        page.unavailable.append("projekty")
        return page
    gate = asyncio.Semaphore(CONCURRENCY)

    async def waiting(project_id: str) -> None:
        async with gate:
            try:
                found = await enrolment.participants(token, project_id, {"status": "candidate", "page_size": 1})
                page.waiting[project_id] = int(found.get("total", 0))
            except Refused:
                page.unavailable.append(f"kandydaci w {project_id}")

    async def risks(project_id: str) -> list[IndicatorAtRisk]:
        async with gate:
            try:
                return at_risk(await reporting.report(token, project_id))
            except Refused:
                page.unavailable.append(f"wskaźniki {project_id}")
                return []

    # What needs doing is in the running projects: a finished one qualifies no one and risks nothing.
    live = [str(p["project_id"]) for p in page.projects if running(p, today)]
    if role in roles.RECRUITERS:
        await asyncio.gather(*(waiting(project_id) for project_id in live))
    if role in roles.IMPORTERS:
        await _refused_imports(enrolment, token, page, [p for p in page.projects if running(p, today)], gate)
    if role in roles.FOLLOWERS:
        for found in await asyncio.gather(*(risks(project_id) for project_id in live)):  # in the projects' order
            page.at_risk.extend(found)
    return page


async def _refused_imports(
    enrolment: Enrolment, token: str, page: StartPage, projects: list[dict[str, Any]], gate: asyncio.Semaphore
) -> None:
    """The latest imports with refused rows of ``projects``, in the projects' order."""

    async def refusals(project: dict[str, Any]) -> list[dict[str, Any]]:
        async with gate:
            try:
                return await recent_refusals(enrolment, token, project)
            except Refused:
                page.unavailable.append(f"importy {project['project_id']}")
                return []

    for found in await asyncio.gather(*(refusals(p) for p in projects)):
        page.refused_imports.extend(found)

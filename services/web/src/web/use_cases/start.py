"""The start page: what needs doing for the signed-in person's role."""

from __future__ import annotations

import asyncio
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


#: Calls to the services at a time for one start page (a coordinator of many projects waits for the
#: slowest few, not for the sum of all).
CONCURRENCY = 8


async def start_page(enrolment: Enrolment, reporting: Reporting, token: str, role: str) -> StartPage:
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

    ids = [str(project["project_id"]) for project in page.projects]
    if role in roles.RECRUITERS:
        await asyncio.gather(*(waiting(project_id) for project_id in ids))
    if role in roles.FOLLOWERS:
        for found in await asyncio.gather(*(risks(project_id) for project_id in ids)):  # in the projects' order
            page.at_risk.extend(found)
    return page

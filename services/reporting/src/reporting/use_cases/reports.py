"""Reporting's use cases: authorise, load facts and definitions, compute reports (cached by version).

The HTTP API, the dashboard stream, the exports and the indicator announcements call these; they
work on the ports of ``reporting.use_cases.ports`` (Mongo in production, in-memory fakes in the unit
tests). Who may do what is decided in ``reporting.domain.access``.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from aktywni_shared.clock import SYSTEM_CLOCK, Clock
from aktywni_shared.identity import Principal
from reporting.domain import access, participants
from reporting.domain.access import NotFound
from reporting.domain.indicators import IndicatorSet, ManualEntry, ProjectDefinitions, require_manual
from reporting.domain.report import ProjectInfo, ProjectReport, project_report
from reporting.domain.templates import DEMO_PROJECTS, TEMPLATES, template
from reporting.use_cases.ports import DefinitionsStore, ViewStore

CACHE_SIZE = 64


class ProjectParticipants(BaseModel):
    project_id: str
    organisation: str | None = None  # the organisation counted; None: the whole project
    participants: int
    by_category: dict[str, int]
    by_sex: dict[str, int]


@dataclass
class Reports:
    view: ViewStore
    definitions: DefinitionsStore
    clock: Clock = SYSTEM_CLOCK  # reporting's one clock: every 'today' is Warsaw's

    def __post_init__(self) -> None:
        self._cache: OrderedDict[tuple[Any, ...], ProjectReport] = OrderedDict()

    # --- definitions ----------------------------------------------------------------------------

    async def seed_demo(self) -> None:
        """Give the demo's projects their template's indicators, unless they have some (asked for by the demo)."""
        for project_id, name in DEMO_PROJECTS.items():
            await self.definitions.seed(project_id, template(name))

    async def project(self, project_id: str) -> ProjectInfo:
        project = await (await self.view.active()).project(project_id)
        if project is None:
            raise NotFound(f"project {project_id} is not known to reporting (yet)")
        return project

    async def indicators(self, principal: Principal, project_id: str) -> ProjectDefinitions:
        project = await self.project(project_id)
        access.report_scope(principal, project, None)
        return await self.definitions.get(project_id)

    async def define(self, principal: Principal, project_id: str, indicators: IndicatorSet) -> ProjectDefinitions:
        project = await self.project(project_id)
        access.require_manager(principal, project, "defines the project's indicators")
        await self.definitions.replace(project_id, indicators.indicators, principal.user)
        return await self.definitions.get(project_id)

    async def apply_template(self, principal: Principal, project_id: str, name: str) -> ProjectDefinitions:
        if name not in TEMPLATES:
            raise NotFound(f"template {name} does not exist; there are: {', '.join(sorted(TEMPLATES))}")
        return await self.define(principal, project_id, IndicatorSet(indicators=template(name)))

    async def add_entry(self, principal: Principal, project_id: str, code: str, entry: ManualEntry) -> bool:
        """Record items counted by hand; True if new (the same ``entry_id`` again counts once)."""
        project = await self.project(project_id)
        access.require_manager(principal, project, "records manual entries")
        require_manual((await self.definitions.get(project_id)).indicator(code), code)
        return await self.definitions.add_entry(project_id, code, entry, principal.organisation_id, principal.user)

    # --- reports --------------------------------------------------------------------------------

    async def version(self, project_id: str) -> tuple[int, int, int]:
        """Changes whenever a report of the project may change: (generation, facts, definitions)."""
        generation = await self.view.active()
        stamp = await generation.stamp(project_id)
        return generation.number, stamp, await self.definitions.revision(project_id)

    async def scope(self, principal: Principal, project_id: str, organisation: str | None = None) -> str | None:
        """The organisation the caller's reports of the project are limited to (None: the whole project)."""
        return access.report_scope(principal, await self.project(project_id), organisation).organisation

    async def report(self, principal: Principal, project_id: str, organisation: str | None = None) -> ProjectReport:
        project = await self.project(project_id)
        scope = access.report_scope(principal, project, organisation)
        return await self.compute(project, scope.organisation)

    async def compute(self, project: ProjectInfo, organisation: str | None = None) -> ProjectReport:
        as_of = self.clock.today()
        key = (project.model_dump_json(), organisation, as_of, *await self.version(project.project_id))
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        definitions = await self.definitions.get(project.project_id)
        people, bodies = await (await self.view.active()).facts(project.project_id)
        report = project_report(
            project, definitions.indicators, people, bodies, definitions.entries, as_of, organisation
        )
        self._cache[key] = report
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return report

    async def participant_count(self, principal: Principal, project_id: str) -> ProjectParticipants:
        """Persons enrolled in the project (anonymous counts), in the caller's report scope.

        The leader, auditors and administrators count the whole project; a partner its own
        organisation's participants; an organisation outside the project finds no project.
        """
        project = await self.project(project_id)
        scope = access.report_scope(principal, project, None)
        people, _ = await (await self.view.active()).facts(project_id)
        enrolled = participants.enrolled(people, scope.organisation)
        return ProjectParticipants(
            project_id=project_id,
            organisation=scope.organisation,
            participants=len(enrolled),
            by_category=dict(Counter(str(a["category"]) for a in enrolled)),
            by_sex=dict(Counter(str(a["sex"]) for a in enrolled)),
        )

    async def participant_list(self, principal: Principal, project_id: str) -> list[dict[str, Any]]:
        """Pseudonymous participants with their ESF attributes: the leader's coordinator only."""
        project = await self.project(project_id)
        access.require_manager(principal, project, "exports the participant list")
        people, _ = await (await self.view.active()).facts(project_id)
        return participants.participant_rows(people)

"""Reporting's use cases: authorise, load facts and definitions, compute reports (cached by version).

The HTTP API, the dashboard stream, the exports and the indicator announcements call these.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from aktywni_shared.auth import Principal
from aktywni_shared.clock import SYSTEM_CLOCK, Clock
from reporting.definitions.seed_indicators import SEED_PROJECTS, TEMPLATES, template
from reporting.domain import access, facts
from reporting.domain.access import Forbidden, NotFound
from reporting.domain.counting import NOT_APPLICABLE, age_band
from reporting.domain.indicators import IndicatorSet, ManualEntry, Unit
from reporting.domain.report import ProjectInfo, ProjectReport, project_report
from reporting.store.definitions import DefinitionStore, ProjectDefinitions
from reporting.store.view import View

CACHE_SIZE = 64


class ProjectParticipants(BaseModel):
    project_id: str
    organisation: str | None = None  # the organisation counted; None: the whole project
    participants: int
    by_category: dict[str, int]
    by_sex: dict[str, int]


class UnknownIndicator(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(f"indicator {code} is not defined for this project")
        self.code = code


class WrongIndicator(Exception):
    """A manual entry for an indicator that is not counted by manual entries."""


@dataclass
class Reports:
    view: View
    definitions: DefinitionStore
    clock: Clock = SYSTEM_CLOCK  # reporting's one clock: every 'today' is Warsaw's

    def __post_init__(self) -> None:
        self._cache: OrderedDict[tuple[Any, ...], ProjectReport] = OrderedDict()

    # --- seeding and definitions ----------------------------------------------------------------

    async def seed(self) -> None:
        for project_id, name in SEED_PROJECTS.items():
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
        project = await self.project(project_id)
        access.require_manager(principal, project, "records manual entries")
        definition = (await self.definitions.get(project_id)).indicator(code)
        if definition is None:
            raise UnknownIndicator(code)
        if definition.unit is not Unit.ITEMS:
            raise WrongIndicator(f"indicator {code} counts {definition.unit.value} from events, not manual entries")
        return await self.definitions.add_entry(project_id, code, entry, principal.organisation_id, principal.user)

    # --- reports --------------------------------------------------------------------------------

    async def version(self, project_id: str) -> tuple[int, int, int]:
        """Changes whenever a report of the project may change: (generation, facts, definitions)."""
        generation = await self.view.active()
        stamp = await generation.stamp(project_id)
        definitions = await self.definitions.collection.find_one({"_id": project_id}, {"rev": 1})
        return generation.number, stamp, int((definitions or {}).get("rev", 0))

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
        enrolled = [
            p["attrs"]
            for p in people.values()
            if "attrs" in p
            and facts.first_enrolled_on(p)
            and (scope.organisation is None or p.get("org") == scope.organisation)
        ]
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
        if not access.may_manage(principal, project):
            if principal.organisation_id in project.organisations or principal.role.value in (
                "auditor",
                "administrator",
            ):
                raise Forbidden("only the leading organisation's coordinator exports the participant list")
            raise NotFound(f"project {project_id} not found")
        people, _ = await (await self.view.active()).facts(project_id)
        return [participant_row(pid, p) for pid, p in sorted(people.items()) if not p.get("erased") and "attrs" in p]


def participant_row(participant_id: str, person: facts.Entry) -> dict[str, Any]:
    attrs = person["attrs"]
    start = person.get("start")
    age_on = (start or {}).get("on") or facts.first_enrolled_on(person) or "0000"
    return {
        "participant_id": participant_id,
        "organisation_id": person.get("org") or NOT_APPLICABLE,
        "category": attrs["category"],
        "sex": attrs["sex"],
        "birth_year": attrs["birth_year"],
        "age_band": facts.exact_age_band(person)
        or (age_band(int(str(age_on)[:4]) - int(attrs["birth_year"])) if age_on != "0000" else NOT_APPLICABLE),
        "disability_degree": attrs.get("disability_degree") or NOT_APPLICABLE,
        "labour_market_status": attrs.get("labour_market_status") or NOT_APPLICABLE,
        "mops_employee": attrs.get("mops_employee"),
        "enrolled_on": facts.first_enrolled_on(person),
        "status": facts.lifecycle_status(person),
        "support_started_on": (start or {}).get("on"),
        "completed": sorted(f"{d['form']}:{d['on']}" for d in person.get("done", {}).values()),
    }


def definitions_out(definitions: ProjectDefinitions) -> dict[str, Any]:
    return {
        "project_id": definitions.project_id,
        "revision": definitions.rev,
        "indicators": [d.model_dump(mode="json") for d in definitions.indicators],
        "entries": definitions.entries,
    }

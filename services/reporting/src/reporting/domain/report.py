"""A project's report: each indicator's value against target and plan, its breakdowns and forecast.

Computed from the facts every time (nothing is a trusted counter): the same facts and definitions
always give the same report, which is what makes replays and duplicate deliveries harmless.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel

from reporting.domain.counting import (
    LABOUR_MARKET_GROUP,
    LABOUR_MARKET_GROUP_ORDER,
    Counted,
    count,
    labour_market_groups,
)
from reporting.domain.facts import Entry
from reporting.domain.forecast import forecast, forecast_by_plan
from reporting.domain.indicators import Breakdown, IndicatorDefinition, Unit

SEXES = ("K", "M")


class ProjectInfo(BaseModel):
    project_id: str
    title: str
    leader_organisation_id: str
    starts_on: date
    ends_on: date
    organisations: dict[str, str]  # organisation id → role in the project
    organisation_names: dict[str, str] = {}  # organisation id → name (from the V2 events; else unknown)

    def organisation_name(self, organisation_id: str) -> str:
        """The name to show for an organisation: its name when reporting learned it, else its id."""
        return self.organisation_names.get(organisation_id, organisation_id)


class ForecastOut(BaseModel):
    as_of: date
    expected_at_end: int
    will_meet_target: bool
    per_month: float


class MonthRow(BaseModel):
    month: str
    new: int
    cumulative: int
    plan: int
    plan_cumulative: int
    by_sex: dict[str, int]
    elapsed: bool = True  # False after reporting's today (Warsaw): the achieved line stops before it


class Cell(BaseModel):
    month: str
    organisation: str
    sex: str
    count: int


class IndicatorReport(BaseModel):
    code: str
    name: str
    kind: str
    unit: str
    target: int
    value: int
    percent: float
    reached: bool
    plan_to_date: int | None
    forecast: ForecastOut
    by_sex: dict[str, int]
    by_organisation: dict[str, dict[str, int]]
    #: breakdown → value → count; with ``labour_market_status`` also ``labour_market_group`` (unemployed,
    #: of whom long-term unemployed, inactive, employed), derived from it
    breakdowns: dict[str, dict[str, int]]
    #: each breakdown crossed with sex: breakdown → value → {"K": n, "M": n} (persons only)
    breakdowns_by_sex: dict[str, dict[str, dict[str, int]]] = {}
    months: list[MonthRow]
    cells: list[Cell]


class ProjectReport(BaseModel):
    project_id: str
    title: str
    starts_on: date
    ends_on: date
    leader_organisation_id: str
    organisations: dict[str, str]
    organisation_names: dict[str, str] = {}  # organisation id → name, for every organisation whose name is known
    organisation: str | None  # the filter, if the report covers one organisation only
    as_of: date
    indicators: list[IndicatorReport]


def months_between(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _sum(counted: Iterable[Counted], key: str) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for c in counted:
        totals[c.value_of(key)] += c.quantity
    return dict(sorted(totals.items()))


def _by_sex(counted: Iterable[Counted], key: str) -> dict[str, dict[str, int]]:
    """One breakdown crossed with sex: each value's K and M counts (both always present)."""
    cells: dict[str, dict[str, int]] = {}
    for c in counted:
        row = cells.setdefault(c.value_of(key), dict.fromkeys(SEXES, 0))
        if c.sex in row:
            row[c.sex] += c.quantity
    return dict(sorted(cells.items()))


def _group_order(group: str) -> tuple[int, str]:
    """The funder's order (unemployed, of whom long-term, inactive, employed), then anything else by name."""
    if group in LABOUR_MARKET_GROUP_ORDER:
        return (LABOUR_MARKET_GROUP_ORDER.index(group), group)
    return (len(LABOUR_MARKET_GROUP_ORDER), group)


def _labour_market_groups(counted: Iterable[Counted]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The coarse labour-market groups: totals and crossed with sex. A person counts in every group of
    their status, so a long-term unemployed person is both unemployed and, of whom, long-term unemployed."""
    totals: Counter[str] = Counter()
    crossed: dict[str, dict[str, int]] = {}
    for c in counted:
        for group in labour_market_groups(c.labour_market_status):
            totals[group] += c.quantity
            row = crossed.setdefault(group, dict.fromkeys(SEXES, 0))
            if c.sex in row:
                row[c.sex] += c.quantity
    order = sorted(totals, key=_group_order)
    return {g: totals[g] for g in order}, {g: crossed[g] for g in order}


def indicator_report(
    definition: IndicatorDefinition, counted: list[Counted], project: ProjectInfo, as_of: date
) -> IndicatorReport:
    value = sum(c.quantity for c in counted)
    months = months_between(project.starts_on, project.ends_on)
    extra = sorted({c.month for c in counted} - set(months))
    new_by_month = _sum(counted, "month")
    sex_by_month: dict[str, Counter[str]] = {}
    for c in counted:
        sex_by_month.setdefault(c.month, Counter())[c.sex] += c.quantity
    rows, cumulative, planned = [], 0, 0
    for month in [*months, *extra]:
        cumulative += new_by_month.get(month, 0)
        planned += definition.monthly_plan.get(month, 0)
        rows.append(
            MonthRow(
                month=month,
                new=new_by_month.get(month, 0),
                cumulative=cumulative,
                plan=definition.monthly_plan.get(month, 0),
                plan_cumulative=planned,
                by_sex=dict(sex_by_month.get(month, {})),
                elapsed=month <= as_of.strftime("%Y-%m"),
            )
        )
    current = as_of.strftime("%Y-%m")
    plan_to_date = (
        sum(n for m, n in definition.monthly_plan.items() if m <= current) if definition.monthly_plan else None
    )
    by_organisation: dict[str, dict[str, int]] = {}
    cells: Counter[tuple[str, str, str]] = Counter()
    for c in counted:
        org = by_organisation.setdefault(c.organisation, {"total": 0})
        org["total"] += c.quantity
        if definition.counts_persons:
            org[c.sex] = org.get(c.sex, 0) + c.quantity
        cells[(c.month, c.organisation, c.sex)] += c.quantity
    predicted = (
        forecast_by_plan(value, definition.target, definition.monthly_plan, project.ends_on, as_of)
        if definition.unit is Unit.ITEMS
        else forecast(value, definition.target, project.starts_on, project.ends_on, as_of)
    )
    breakdowns = {b.value: _sum(counted, b.value) for b in definition.breakdowns}
    crossed = (
        {b.value: _by_sex(counted, b.value) for b in definition.breakdowns if b.value != "sex"}
        if definition.counts_persons
        else {}
    )
    if definition.counts_persons and Breakdown.LABOUR_MARKET_STATUS in definition.breakdowns:
        # derived from the fine status, so every indicator split by status gets the funder's groups too
        breakdowns[LABOUR_MARKET_GROUP], crossed[LABOUR_MARKET_GROUP] = _labour_market_groups(counted)
    return IndicatorReport(
        code=definition.code,
        name=definition.name,
        kind=definition.kind.value,
        unit=definition.unit.value,
        target=definition.target,
        value=value,
        percent=round(100 * value / definition.target, 1) if definition.target else 100.0,
        reached=value >= definition.target,
        plan_to_date=plan_to_date,
        forecast=ForecastOut(**predicted.__dict__),
        by_sex={s: _sum(counted, "sex").get(s, 0) for s in SEXES} if definition.counts_persons else {},
        by_organisation=dict(sorted(by_organisation.items())),
        breakdowns=breakdowns,
        breakdowns_by_sex=crossed,
        months=rows,
        cells=[Cell(month=m, organisation=o, sex=s, count=n) for (m, o, s), n in sorted(cells.items())],
    )


def project_report(
    project: ProjectInfo,
    definitions: list[IndicatorDefinition],
    people: dict[str, Entry],
    bodies: dict[str, Entry],
    entries: list[dict[str, Any]],
    as_of: date,
    organisation: str | None = None,
) -> ProjectReport:
    indicators = []
    for definition in definitions:
        counted = count(definition, people, bodies, entries)
        if organisation is not None:
            counted = [c for c in counted if c.organisation == organisation]
        indicators.append(indicator_report(definition, counted, project, as_of))
    return ProjectReport(
        project_id=project.project_id,
        title=project.title,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        leader_organisation_id=project.leader_organisation_id,
        organisations=project.organisations,
        organisation_names={o: project.organisation_name(o) for o in project.organisations},
        organisation=organisation,
        as_of=as_of,
        indicators=indicators,
    )

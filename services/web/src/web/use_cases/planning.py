"""Planning through scheduling's API: venues, staff and activities from the forms; a session moved or
cancelled; the week's filters. Every call carries the signed-in person's token (scheduling decides)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from web.domain import planning as forms
from web.domain.errors import FieldError
from web.domain.sessions import FORM, Period, refusal
from web.use_cases.ports import Enrolment, Json, Refused, Scheduling

#: Projects asked for their sessions at once, for the organisation's week.
CONCURRENCY = 8


@dataclass
class Outcome:
    """A write's result: what scheduling answered, or its refusal as the form's errors."""

    record: Json | None = None
    errors: list[FieldError] = field(default_factory=list)
    status: int = 200  # the refusal's: 422 for what the form lacks, else scheduling's (409 for conflicts)


async def add_venue(scheduling: Scheduling, token: str, form: Mapping[str, str]) -> Outcome:
    shaped = forms.venue_body(form)
    try:
        return Outcome(record=await scheduling.add_venue(token, shaped.body))
    except Refused as refused:
        errors = forms.form_errors(refused.status, refused.body, forms.VENUE_LABELS, shaped.rows)
        return Outcome(errors=errors, status=refused.status)


async def add_staff(
    scheduling: Scheduling, token: str, form: Mapping[str, str], choices: Mapping[str, list[str]]
) -> Outcome:
    try:
        return Outcome(record=await scheduling.add_staff(token, forms.staff_body(form, choices)))
    except Refused as refused:
        errors = forms.form_errors(refused.status, refused.body, forms.STAFF_LABELS)
        return Outcome(errors=errors, status=refused.status)


async def plan_activity(
    scheduling: Scheduling, token: str, project_id: str, form: Mapping[str, str], choices: Mapping[str, list[str]]
) -> Outcome:
    body, errors = forms.activity_body(form, choices)
    if errors:
        return Outcome(errors=errors, status=422)
    try:
        return Outcome(record=await scheduling.plan_activity(token, project_id, body))
    except Refused as refused:
        errors = forms.form_errors(refused.status, refused.body, forms.ACTIVITY_LABELS)
        return Outcome(errors=errors, status=refused.status)


async def reschedule(scheduling: Scheduling, token: str, session_id: str, form: Mapping[str, str]) -> Outcome:
    """Move a session; scheduling checks every conflict before it saves anything, and names them all."""
    body, errors = forms.placement_body(form)
    if errors:
        return Outcome(errors=errors, status=422)
    try:
        return Outcome(record=await scheduling.reschedule(token, session_id, body))
    except Refused as refused:
        return Outcome(errors=forms.session_conflicts(refused.status, refused.body), status=refused.status)


async def cancel_session(scheduling: Scheduling, token: str, session_id: str, reason: str) -> Outcome:
    if not reason.strip():
        label = forms.RESCHEDULE_LABELS["reason"]
        return Outcome(errors=[forms.FormError("reason", "Podaj powód odwołania zajęć.", label)], status=422)
    try:
        return Outcome(record=await scheduling.cancel_session(token, session_id, reason.strip()))
    except Refused as refused:
        return Outcome(errors=forms.session_conflicts(refused.status, refused.body), status=refused.status)


@dataclass
class WeekFilters:
    """What the week can be narrowed to: (id, its name) of venues, staff members and activities."""

    venues: list[tuple[str, str]] = field(default_factory=list)
    staff: list[tuple[str, str]] = field(default_factory=list)
    activities: list[tuple[str, str]] = field(default_factory=list)


async def week_filters(scheduling: Scheduling, token: str, project_id: str | None, sessions: list[Json]) -> WeekFilters:
    """The organisation's venues and staff and the project's activities (what the caller may read),
    and any the week's sessions name besides (a partner's venue, a staff member of another organisation)."""
    found = WeekFilters()
    with contextlib.suppress(Refused):
        found.venues = [(str(v["venue_id"]), str(v["name"])) for v in await scheduling.venues(token)]
    with contextlib.suppress(Refused):
        found.staff = [(str(m["staff_id"]), str(m["staff_id"])) for m in await scheduling.staff(token)]
    if project_id is not None:  # the organisation's week has no activity filter
        with contextlib.suppress(Refused):
            found.activities = [
                (str(a["activity_id"]), f"{a['title']} ({FORM.get(a['form'], a['form'])})")
                for a in await scheduling.activities(token, project_id)
            ]
    for s in sessions:  # what the week names besides, so that each of its sessions can be picked
        _add(found.venues, [str(s["venue_id"])] if s.get("venue_id") else [])
        _add(found.staff, [str(staff_id) for staff_id in s.get("staff_ids") or []])
        _add(found.activities, [str(s.get("activity_id"))], str(s.get("title", "")))
    return found


def _add(options: list[tuple[str, str]], ids: list[str], name: str = "") -> None:
    known = {key for key, _ in options}
    options.extend((key, name or key) for key in ids if key not in known)


async def organisation_week(
    scheduling: Scheduling, enrolment: Enrolment, token: str, period: Period, chosen: Mapping[str, str]
) -> tuple[list[Json], list[FieldError]]:
    """The period's sessions of every project the caller takes part in whose period overlaps it, at the
    chosen venue, led by the chosen staff member (each with its project's title)."""
    try:
        projects = await enrolment.projects(token)
    except Refused as refused:
        return [], refusal(refused.status, refused.body)
    first, last = period.first.isoformat(), period.last.isoformat()
    live = [p for p in projects if str(p.get("starts_on", "")) <= last and str(p.get("ends_on", "9999")) >= first]
    gate = asyncio.Semaphore(CONCURRENCY)

    async def of(project: Json) -> list[Json]:
        async with gate:
            try:
                found = await scheduling.sessions(token, str(project["project_id"]), first, last)
            except Refused:
                return []
        title = str(project.get("title") or project["project_id"])
        return [{**s, "project_title": title} for s in forms.matching(found, chosen)]

    sessions = [s for found in await asyncio.gather(*(of(p) for p in live)) for s in found]
    return sessions, []

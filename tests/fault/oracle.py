"""What the system must show at the end of a workload, derived from the workload alone.

Written from the funder's rules as `docs/reporting.md` and `docs/scheduling.md` state them, not from
the projection: a person counts once per indicator, when their first support starts (the date of the
earliest session they were present at) or when they first complete a training (the session at which
their present hours first reach 80 % of the planned hours); the age is the one reached in the year
support started; attributes are those of the person; erasure and a later withdrawal change nothing;
an institution counts once per kind of declaration however its name is spaced or capitalised, in the
month of its first declaration; the model is one item. Bookings: every kept booking holds a seat,
a cancelled one none; the workshop's seats go to the first racers, the others wait.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.fault.workload import RACE_SEATS, Person, Project, Workload

NOT_APPLICABLE = "not_applicable"
SEXES = ("K", "M")
PERSON_INDICATORS: dict[str, tuple[str, str, bool | None]] = {
    # code: (when the person counts, their category, the MOPS-employee filter)
    "TA-ON-SUPPORTED": ("started", "person_with_disability", None),
    "TA-ENV-SUPPORTED": ("started", "environment_person", None),
    "TA-MOPS-TRAINED": ("trained", "staff_trainee", True),
    "TA-OTHER-TRAINED": ("trained", "staff_trainee", False),
}
BODY_INDICATORS = {"TA-UNITS-DECLARING": "implement_model", "TA-BODIES-COOPERATING": "cooperate"}


@dataclass(frozen=True)
class Counted:
    """One subject counted by an indicator: what its breakdowns are made of."""

    sex: str | None
    age_band: str | None
    disability_degree: str | None
    category: str | None
    organisation: str
    month: str


def age_band(age: int) -> str:
    if age < 25:
        return "<25"
    return "25-54" if age <= 54 else "55+"


def age_on(birth: date, day: date) -> int:
    """Full years of age on a day (born on 29 February: a year older on 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def support_started_on(project: Project, p: Person) -> date | None:
    days = [project.sessions[key].day for key, status in p.attendance if status == "present"]
    return min(days) if days else None


def training_completed_on(project: Project, p: Person) -> date | None:
    """The day the present hours of one training first reach 80 % of its planned hours."""
    hours: Counter[str] = Counter()
    for key, status in sorted(p.attendance, key=lambda item: project.sessions[item[0]].day):
        session = project.sessions[key]
        activity = project.activities[session.activity_key]
        if status != "present" or activity.form != "training":
            continue
        hours[activity.key] += int(session.hours * 60)
        if hours[activity.key] >= 0.8 * activity.planned_hours * 60:
            return session.day
    return None


def _person_counted(p: Person, started: date, counted_on: date) -> Counted:
    degree = p.disability_degree if p.category == "person_with_disability" else None
    return Counted(
        sex=p.sex,
        # enrolment computes the exact band when it learns the first support; a person erased before
        # that keeps the birth-year estimate of their enrolment event (docs/security.md)
        age_band=age_band(started.year - p.birth_date.year if p.erased else age_on(p.birth_date, started)),
        disability_degree=degree or NOT_APPLICABLE,
        category=p.category,
        organisation=p.organisation_id,
        month=_month(counted_on),
    )


def counted_persons(project: Project, code: str) -> list[Counted]:
    moment, category, mops = PERSON_INDICATORS[code]
    counted = []
    for p in project.people:
        if p.category != category or (mops is not None and p.mops_employee != mops):
            continue
        started = support_started_on(project, p)
        when = started if moment == "started" else training_completed_on(project, p)
        if started is not None and when is not None:
            counted.append(_person_counted(p, started, when))
    return counted


def institution_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def counted_bodies(project: Project, kind: str) -> list[Counted]:
    first: dict[str, date] = {}
    for d in project.declarations:
        if d.kind == kind:
            key = institution_key(d.institution_name)
            first[key] = min(first.get(key, d.declared_on), d.declared_on)
    return [Counted(None, None, None, None, project.leader, _month(day)) for day in first.values()]


def _tally(counted: list[Counted], key: str) -> dict[str, int]:
    return dict(Counter(str(getattr(c, key)) for c in counted))


def indicator(counted: list[Counted], breakdowns: tuple[str, ...], persons: bool) -> dict[str, Any]:
    """value, by_sex, by_organisation and breakdowns as the report shows them."""
    by_organisation: dict[str, dict[str, int]] = {}
    for c in counted:
        org = by_organisation.setdefault(c.organisation, {"total": 0})
        org["total"] += 1
        if persons and c.sex is not None:
            org[c.sex] = org.get(c.sex, 0) + 1
    sexes = _tally(counted, "sex") if persons else {}
    return {
        "value": len(counted),
        "by_sex": {s: sexes.get(s, 0) for s in SEXES} if persons else {},
        "by_organisation": by_organisation,
        "breakdowns": {b: _tally(counted, b) for b in breakdowns},
    }


PERSON_BREAKDOWNS = ("sex", "age_band", "disability_degree", "category", "organisation", "month")
BODY_BREAKDOWNS = ("organisation", "month")


def project_report(project: Project) -> dict[str, dict[str, Any]]:
    """Each indicator code → what `/projects/{id}/report` must show for it."""
    expected = {code: indicator(counted_persons(project, code), PERSON_BREAKDOWNS, True) for code in PERSON_INDICATORS}
    for code, kind in BODY_INDICATORS.items():
        expected[code] = indicator(counted_bodies(project, kind), BODY_BREAKDOWNS, False)
    model = [Counted(None, None, None, None, project.leader, _month(project.model_delivered_on))]
    expected["TA-MODEL"] = {"value": 1, "breakdowns": {"month": _tally(model, "month")}}
    return expected


def participant_count(project: Project) -> dict[str, Any]:
    """Every person enrolled in the project (once, whatever happened to them afterwards)."""
    return {
        "participants": len(project.people),
        "by_category": dict(Counter(p.category for p in project.people)),
        "by_sex": dict(Counter(p.sex for p in project.people)),
    }


def session_bookings(project: Project) -> dict[str, dict[str, int]]:
    """Session key → confirmed and waitlisted bookings at the end."""
    confirmed: Counter[str] = Counter()
    for p in project.people:
        confirmed.update(p.bookings)
    racers = sum(p.racer for p in project.people)
    result = {key: {"confirmed": confirmed[key], "waitlisted": 0} for key in project.sessions}
    result["workshop"] = {"confirmed": min(RACE_SEATS, racers), "waitlisted": max(0, racers - RACE_SEATS)}
    return result


def enrolment_events(project: Project) -> dict[str, int]:
    """How many events of each type enrolment must have published for the project's people."""
    events: Counter[str] = Counter()
    for p in project.people:
        events["ParticipantEnrolled"] += 2 if p.fate == "re_enrolled" else 1
        events["ParticipantWithdrawn"] += p.fate != "stays"
        events["ParticipantErased"] += p.erased
    return dict(events)


def expected(workload: Workload) -> dict[str, dict[str, Any]]:
    """Project id → everything the oracle predicts for it."""
    return {
        project.project_id: {
            "report": project_report(project),
            "participants": participant_count(project),
            "sessions": session_bookings(project),
            "enrolment_events": enrolment_events(project),
        }
        for project in workload.projects
    }

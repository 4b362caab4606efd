"""The pseudonymous participant list and the anonymous participant count, from a project's people."""

from __future__ import annotations

from typing import Any

from reporting.domain import facts
from reporting.domain.counting import NOT_APPLICABLE, age_band


def enrolled(people: dict[str, facts.Entry], organisation: str | None = None) -> list[dict[str, Any]]:
    """The attributes of every person ever enrolled (of ``organisation``, or of the whole project)."""
    return [
        p["attrs"]
        for p in people.values()
        if "attrs" in p and facts.first_enrolled_on(p) and (organisation is None or p.get("org") == organisation)
    ]


def participant_rows(people: dict[str, facts.Entry]) -> list[dict[str, Any]]:
    """One row per person not erased, in participant-id order."""
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

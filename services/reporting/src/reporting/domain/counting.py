"""Who counts for an indicator, when, and with which attributes: the funder's counting rules.

- A person counts once per indicator and project: facts are kept per person, so repeated
  enrolments, withdrawals, re-enrolments or attendances change nothing.
- Supported: when their first support starts (the date of ``SupportStarted``).
- Trained (completed): on the earliest completion of a matching activity/form (``SupportCompleted``).
- At enrolment: on the first enrolment date, unless withdrawn before any support (then never).
- Age is the age at the start of support (at enrolment if support never started); events carry the
  birth year only, so it is the age reached in that calendar year.
- Attributes are those carried by the counting event (as they were at that moment).
- Erasure of personal data never lowers a count.
- Institutions count once per declaration kind, on their first declaration.
- Items are summed from the coordinator's manual entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from reporting.domain.facts import Entry, exact_age_band, first_enrolled_on, withdrawn_before_support
from reporting.domain.indicators import CountedAt, Counting, IndicatorDefinition

NOT_APPLICABLE = "not_applicable"  # nie dotyczy / brak danych
AGE_BANDS = ("<25", "25-54", "55+")


#: The funder's coarse labour-market groups (EFS+ common indicators: "osoby bezrobotne, w tym długotrwale
#: bezrobotne", "osoby bierne zawodowo", "osoby pracujące"), derived from the fine status of enrolment.
#: A long-term unemployed person is in two groups: the unemployed in total and, of whom, the long-term
#: unemployed (the funder's "w tym"), so the groups' counts add up to more than the indicator's value.
LABOUR_MARKET_GROUP = "labour_market_group"
UNEMPLOYED = "unemployed"
OF_WHOM_LONG_TERM_UNEMPLOYED = "of_whom_long_term_unemployed"
LABOUR_MARKET_GROUP_ORDER = (UNEMPLOYED, OF_WHOM_LONG_TERM_UNEMPLOYED, "inactive", "employed")
_GROUPS_OF_STATUS: dict[str, tuple[str, ...]] = {
    "registered_unemployed": (UNEMPLOYED,),
    "unregistered_unemployed": (UNEMPLOYED,),
    "long_term_unemployed": (UNEMPLOYED, OF_WHOM_LONG_TERM_UNEMPLOYED),
    "inactive": ("inactive",),
    "employed": ("employed",),
}


def labour_market_groups(status: str) -> tuple[str, ...]:
    """The coarse groups a fine labour-market status counts in (an unknown one, e.g. not recorded, as itself)."""
    return _GROUPS_OF_STATUS.get(status, (status,))


def age_band(age: int) -> str:
    if age < 25:
        return "<25"
    if age <= 54:
        return "25-54"
    return "55+"


@dataclass(frozen=True)
class Counted:
    """One counted subject of one indicator, with the attributes its breakdowns need."""

    subject: str
    on: date
    organisation: str
    quantity: int = 1
    sex: str = NOT_APPLICABLE
    age_band: str = NOT_APPLICABLE
    disability_degree: str = NOT_APPLICABLE
    category: str = NOT_APPLICABLE
    labour_market_status: str = NOT_APPLICABLE  # at enrolment (entering the project)
    education: str = NOT_APPLICABLE  # ISCED group, at enrolment
    degurba: str = NOT_APPLICABLE  # place of residence's degree of urbanisation, at enrolment

    @property
    def month(self) -> str:
        return self.on.strftime("%Y-%m")

    def value_of(self, breakdown: str) -> str:
        return self.month if breakdown == "month" else str(getattr(self, breakdown))


def _matches_person(counting: Counting, attrs: dict[str, Any]) -> bool:
    if counting.categories and attrs.get("category") not in {c.value for c in counting.categories}:
        return False
    if counting.mops_employee is True:
        return attrs.get("mops_employee") is True
    if counting.mops_employee is False:
        return attrs.get("mops_employee") is not True
    return True


def _matches_support(counting: Counting, activity_id: str, form: str) -> bool:
    if counting.forms and form not in {f.value for f in counting.forms}:
        return False
    return not counting.activity_ids or activity_id in {str(a) for a in counting.activity_ids}


def _person(
    subject: str, on: str, attrs: dict[str, Any], organisation: str, age_on: str, entry: Entry | None = None
) -> Counted:
    """The counted person: the age band is enrolment's, from the birth date on the first support day;
    without it (older events) the age is approximated from the birth year. Labour-market status,
    education and place of residence are those recorded at enrolment."""
    entry = entry or {}
    band = exact_age_band(entry) or age_band(int(age_on[:4]) - int(attrs["birth_year"]))
    profile = entry.get("attrs") or {}
    return Counted(
        subject=subject,
        on=date.fromisoformat(on),
        organisation=organisation,
        sex=str(attrs["sex"]),
        age_band=band,
        disability_degree=str(attrs.get("disability_degree") or NOT_APPLICABLE),
        category=str(attrs["category"]),
        labour_market_status=str(profile.get("labour_market_status") or NOT_APPLICABLE),
        education=str(profile.get("education") or NOT_APPLICABLE),
        degurba=str(profile.get("degurba") or NOT_APPLICABLE),
    )


def _at_start(counting: Counting, subject: str, entry: Entry, organisation: str) -> Counted | None:
    start = entry.get("start")
    if start is None or not _matches_support(counting, start["activity_id"], start["form"]):
        return None
    if not _matches_person(counting, start["attrs"]):
        return None
    return _person(subject, start["on"], start["attrs"], organisation, start["on"], entry)


def _at_completion(counting: Counting, subject: str, entry: Entry, organisation: str) -> Counted | None:
    matching = [
        done
        for activity_id, done in entry.get("done", {}).items()
        if _matches_support(counting, activity_id, done["form"]) and _matches_person(counting, done["attrs"])
    ]
    if not matching:
        return None
    first = min(matching, key=lambda d: str(d["on"]))
    start = entry.get("start")
    age_on = start["on"] if start else first["on"]
    return _person(subject, first["on"], first["attrs"], organisation, age_on, entry)


def _at_enrolment(counting: Counting, subject: str, entry: Entry, organisation: str) -> Counted | None:
    enrolled_on = first_enrolled_on(entry)
    attrs = entry.get("attrs")
    if enrolled_on is None or attrs is None or withdrawn_before_support(entry):
        return None
    if not _matches_person(counting, attrs):
        return None
    start = entry.get("start")
    age_on = start["on"] if start else enrolled_on
    return _person(subject, enrolled_on, attrs, organisation, age_on, entry)


_PERSON_RULES = {
    CountedAt.SUPPORT_STARTED: _at_start,
    CountedAt.SUPPORT_COMPLETED: _at_completion,
    CountedAt.ENROLMENT: _at_enrolment,
}


def count_person(definition: IndicatorDefinition, subject: str, entry: Entry) -> Counted | None:
    rule = _PERSON_RULES.get(definition.counts.counted_at)
    if rule is None:
        return None
    organisation = str(entry.get("org") or (entry.get("start") or {}).get("org") or NOT_APPLICABLE)
    return rule(definition.counts, subject, entry, organisation)


def count_body(definition: IndicatorDefinition, subject: str, entry: Entry) -> Counted | None:
    kinds = {k.value for k in definition.counts.declaration_kinds}
    if "on" not in entry or (kinds and entry["kind"] not in kinds):
        return None
    return Counted(subject=subject, on=date.fromisoformat(entry["on"]), organisation=str(entry["org"]))


def count(
    definition: IndicatorDefinition,
    people: dict[str, Entry],
    bodies: dict[str, Entry],
    entries: Iterable[dict[str, Any]] = (),
) -> list[Counted]:
    """Every subject counted by ``definition``, from the project's facts (and manual entries)."""
    counted_at = definition.counts.counted_at
    result: list[Counted | None]
    if counted_at is CountedAt.DECLARATION:
        result = [count_body(definition, key, entry) for key, entry in bodies.items()]
    elif counted_at is CountedAt.MANUAL_ENTRY:
        result = [
            Counted(
                subject=str(e["entry_id"]),
                on=date.fromisoformat(str(e["on"])),
                organisation=str(e["organisation_id"]),
                quantity=int(e["quantity"]),
            )
            for e in entries
            if e["indicator"] == definition.code
        ]
    else:
        result = [count_person(definition, key, entry) for key, entry in people.items()]
    return sorted((c for c in result if c is not None), key=lambda c: (c.on, c.subject))

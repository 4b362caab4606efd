"""Reporting's counting rules as plain functions: facts from events, indicators from facts."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ParticipantActivatedV1, ParticipantActivatedV2
from reporting.domain import facts
from reporting.domain.forecast import forecast, forecast_by_plan
from reporting.domain.indicators import IndicatorDefinition, IndicatorSet
from reporting.domain.report import ProjectInfo, ProjectReport, project_report
from reporting.domain.signals import signals
from reporting.domain.templates import TA_INDICATORS, WMA_INDICATORS, template
from reporting.use_cases.exports import breakdowns_csv, monthly_rows
from tests.support.reporting import TA_TARGETS, Person, declaration, decoded, ta_at_target, wrap

PROJECT = ProjectInfo(
    project_id="TA-UNIT",
    title="Trener Aktywności",
    leader_organisation_id="fundacja-eudajmonia",
    starts_on=date(2012, 2, 1),
    ends_on=date(2015, 1, 31),
    organisations={"fundacja-eudajmonia": "leader", "fundacja-rozwoju-demokracji-lokalnej": "partner"},
)
AS_OF = date(2016, 1, 1)


def fold(events: list[Envelope]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply events one by one, as the projection does: (people, bodies)."""
    state: dict[str, dict[str, Any]] = {"people": {}, "bodies": {}}
    for envelope in events:
        event = decoded(envelope)
        key = facts.subject_key(event.envelope, event.payload)
        if key is None:
            continue
        section, subject = key
        after = facts.apply(state[section].get(subject), event.envelope, event.payload)
        if after is not None:
            state[section][subject] = after
    return state["people"], state["bodies"]


def report_of(events: list[Envelope], definitions: list[IndicatorDefinition] | None = None) -> ProjectReport:
    people, bodies = fold(events)
    return project_report(PROJECT, definitions or template("trener-aktywnosci"), people, bodies, [], AS_OF)


def value(report: ProjectReport, code: str) -> int:
    return next(i.value for i in report.indicators if i.code == code)


def indicator(report: ProjectReport, code: str) -> Any:
    return next(i for i in report.indicators if i.code == code)


def test_the_seed_indicators_are_valid_definitions_with_the_projects_targets() -> None:
    ta = {d.code: d.target for d in IndicatorSet.model_validate({"indicators": TA_INDICATORS}).indicators}
    wma = {d.code: d.target for d in IndicatorSet.model_validate({"indicators": WMA_INDICATORS}).indicators}
    assert ta == {
        "TA-MODEL": 1,
        "TA-ON-SUPPORTED": 30,
        "TA-ENV-SUPPORTED": 30,
        "TA-MOPS-TRAINED": 10,
        "TA-OTHER-TRAINED": 5,
        "TA-UNITS-DECLARING": 5,
        "TA-BODIES-COOPERATING": 5,
    }
    assert wma == {"WMA-CLIENTS-SUPPORTED": 542}


def test_the_ta_story_reaches_every_target_split_by_sex() -> None:
    report = report_of(ta_at_target("TA-UNIT"))
    for code, (expected, by_sex) in TA_TARGETS.items():
        assert value(report, code) == expected, code
        assert indicator(report, code).by_sex == by_sex, code
        assert indicator(report, code).reached
    assert value(report, "TA-MODEL") == 0, "the model counts only when the coordinator records it"


def test_duplicates_replays_and_any_order_give_the_same_numbers() -> None:
    events = ta_at_target("TA-UNIT")
    once = report_of(events)
    shuffled = events * 2
    random.Random(7).shuffle(shuffled)
    again = report_of(shuffled)
    assert [i.model_dump() for i in again.indicators] == [i.model_dump() for i in once.indicators]


def test_a_person_counts_once_however_often_enrolled_withdrawn_re_enrolled_or_supported() -> None:
    anna = Person("TA-UNIT", "person_with_disability", "K")
    events = [
        anna.enrolled("2012-06-01"),
        anna.withdrawn("2012-06-05"),
        anna.enrolled("2012-07-01"),
        anna.started("2012-07-10"),
        anna.started("2012-08-10", form="training"),  # a second "first support" (a repeat): earliest wins
        anna.withdrawn("2012-09-01"),
        anna.enrolled("2012-10-01"),
    ]
    report = report_of(events)
    on = indicator(report, "TA-ON-SUPPORTED")
    assert on.value == 1
    assert on.breakdowns["month"] == {"2012-07": 1}


def test_withdrawal_before_any_support_means_never_supported_and_erasure_never_lowers_a_count() -> None:
    gone = Person("TA-UNIT", "person_with_disability", "M")
    erased = Person("TA-UNIT", "person_with_disability", "K")
    events = [gone.enrolled(), gone.withdrawn(), erased.enrolled(), erased.started(), erased.erased()]
    enrolled_rule = IndicatorDefinition.model_validate(
        {
            "code": "ENROLLED",
            "name": "Osoby objęte wsparciem (przy przystąpieniu)",
            "kind": "output",
            "unit": "persons",
            "counts": {"counted_at": "enrolment"},
            "target": 2,
        }
    )
    report = report_of(events, [*template("trener-aktywnosci"), enrolled_rule])
    assert value(report, "TA-ON-SUPPORTED") == 1
    assert indicator(report, "TA-ON-SUPPORTED").by_sex == {"K": 1, "M": 0}
    assert value(report, "ENROLLED") == 1, "the person withdrawn before support is not a participant"


def test_age_is_the_age_at_the_start_of_support_and_unknown_values_are_their_own_value() -> None:
    young = Person("TA-UNIT", "environment_person", "K", birth_year=1988)  # 24 in 2012, 25 in 2013
    older = Person("TA-UNIT", "environment_person", "M", birth_year=1957)  # 55 in 2012
    report = report_of([young.enrolled("2012-12-01"), young.started("2012-12-20"), older.started("2012-12-21")])
    env = indicator(report, "TA-ENV-SUPPORTED")
    assert env.breakdowns["age_band"] == {"<25": 1, "55+": 1}
    assert env.breakdowns["disability_degree"] == {"not_applicable": 2}
    assert env.by_organisation == {"fundacja-eudajmonia": {"total": 2, "K": 1, "M": 1}}


def test_the_age_band_is_enrolments_exact_band_at_support_start_and_older_events_fall_back() -> None:
    # born in 1988 after 5 January (enrolment holds the dates): on 2013-01-05 they are 24 in full
    # years, though 2013 - 1988 = 25; the birth year alone counted them as 25-54
    under = Person("TA-UNIT", "environment_person", "K", birth_year=1988)
    turning = Person("TA-UNIT", "environment_person", "M", birth_year=1988)
    legacy = Person("TA-UNIT", "environment_person", "M", birth_year=1988)  # only a version-1 activation
    day = "2013-01-05"

    def activated(person: Person, band: str | None) -> Envelope:
        payload = ParticipantActivatedV2(
            participant_id=person.participant_id,
            support_started_on=date.fromisoformat(day),
            age_band_at_support_start=band,
        )
        return wrap(payload, "TA-UNIT")

    events = [
        under.enrolled("2012-12-01"),
        under.started(day),
        activated(under, "<25"),
        turning.enrolled("2012-12-01"),
        activated(turning, "<25"),  # before its SupportStarted: order does not matter
        turning.started(day),
        legacy.enrolled("2012-12-01"),
        legacy.started(day),
        wrap(
            ParticipantActivatedV1(participant_id=legacy.participant_id, support_started_on=date(2013, 1, 5)), "TA-UNIT"
        ),
    ]
    env = indicator(report_of(events), "TA-ENV-SUPPORTED")
    assert env.breakdowns["age_band"] == {"<25": 2, "25-54": 1}, "the version-1 activation keeps the birth-year band"
    assert indicator(report_of(events[:6]), "TA-ENV-SUPPORTED").breakdowns["age_band"] == {"<25": 2}
    assert indicator(report_of([*events, *events]), "TA-ENV-SUPPORTED").breakdowns["age_band"] == {"<25": 2, "25-54": 1}


def test_every_funders_split_is_crossed_with_sex() -> None:
    anna = Person(
        "TA-UNIT",
        "person_with_disability",
        "K",
        labour_market_status="long_term_unemployed",
        education="isced_1_2",
        degurba="3",
        disability_degree="severe",
    )
    jan = Person("TA-UNIT", "person_with_disability", "M", labour_market_status="inactive", degurba="1")
    old = Person("TA-UNIT", "person_with_disability", "M")  # enrolled by a version without education/DEGURBA
    events = [anna.enrolled(), anna.started(), jan.enrolled(), jan.started(), old.enrolled(), old.started()]
    on = indicator(report_of(events), "TA-ON-SUPPORTED")
    crossed = on.breakdowns_by_sex
    assert crossed["labour_market_status"] == {
        "inactive": {"K": 0, "M": 1},
        "long_term_unemployed": {"K": 1, "M": 0},
        "not_applicable": {"K": 0, "M": 1},
    }
    assert crossed["education"] == {"isced_1_2": {"K": 1, "M": 0}, "not_applicable": {"K": 0, "M": 2}}
    assert crossed["degurba"] == {"1": {"K": 0, "M": 1}, "3": {"K": 1, "M": 0}, "not_applicable": {"K": 0, "M": 1}}
    assert crossed["disability_degree"] == {"light": {"K": 0, "M": 2}, "severe": {"K": 1, "M": 0}}
    assert crossed["organisation"] == {"fundacja-eudajmonia": {"K": 1, "M": 2}}
    assert "sex" not in crossed
    assert on.breakdowns["labour_market_status"] == {"inactive": 1, "long_term_unemployed": 1, "not_applicable": 1}


def test_the_unemployed_count_in_total_and_of_whom_long_term_crossed_with_sex() -> None:
    statuses = [
        ("registered_unemployed", "K"),
        ("registered_unemployed", "M"),
        ("long_term_unemployed", "K"),
        ("unregistered_unemployed", "M"),
        ("inactive", "K"),
        ("employed", "M"),
    ]
    people = [Person("TA-UNIT", "person_with_disability", sex, labour_market_status=s) for s, sex in statuses]
    events = [e for p in people for e in (p.enrolled(), p.started())]
    report = report_of([*events, *events])
    on = indicator(report, "TA-ON-SUPPORTED")
    assert on.value == 6
    assert on.breakdowns["labour_market_group"] == {
        "unemployed": 4,
        "of_whom_long_term_unemployed": 1,
        "inactive": 1,
        "employed": 1,
    }
    assert list(on.breakdowns["labour_market_group"]) == [
        "unemployed",
        "of_whom_long_term_unemployed",
        "inactive",
        "employed",
    ], "the funder's order: the long-term unemployed right under the unemployed they are part of"
    assert on.breakdowns_by_sex["labour_market_group"] == {
        "unemployed": {"K": 2, "M": 2},
        "of_whom_long_term_unemployed": {"K": 1, "M": 0},
        "inactive": {"K": 1, "M": 0},
        "employed": {"K": 0, "M": 1},
    }
    assert on.breakdowns["labour_market_status"]["registered_unemployed"] == 2, "the fine statuses stay"
    lines = list(csv.reader(io.StringIO(breakdowns_csv(report).decode("utf-8-sig")), delimiter=";"))
    groups = [r[3:] for r in lines if r[0] == "TA-ON-SUPPORTED" and r[2] == "Status na rynku pracy (grupy)"]
    assert groups == [
        ["Osoby bezrobotne (łącznie z długotrwale bezrobotnymi)", "4", "2", "2"],
        ["w tym osoby długotrwale bezrobotne", "1", "1", "0"],
        ["Osoba bierna zawodowo", "1", "1", "0"],
        ["Osoba pracująca", "1", "0", "1"],
    ]


def test_an_indicator_not_split_by_status_has_no_labour_market_groups() -> None:
    """The groups come with the status split: an indicator defined without it shows neither."""
    anna = Person("TA-UNIT", "person_with_disability", "K", labour_market_status="long_term_unemployed")
    on = next(d for d in template("trener-aktywnosci") if d.code == "TA-ON-SUPPORTED")
    plain = on.model_copy(update={"breakdowns": [b for b in on.breakdowns if b.value != "labour_market_status"]})
    counted = indicator(report_of([anna.enrolled(), anna.started()], [plain]), "TA-ON-SUPPORTED")
    assert counted.value == 1
    assert "labour_market_group" not in counted.breakdowns
    assert "labour_market_group" not in counted.breakdowns_by_sex


def test_trained_counts_at_completion_split_by_mops_employment() -> None:
    mops = Person("TA-UNIT", "staff_trainee", "K", mops_employee=True)
    other = Person("TA-UNIT", "staff_trainee", "M", mops_employee=False)
    unknown = Person("TA-UNIT", "staff_trainee", "M")  # not recorded: counts as "other"
    only_started = Person("TA-UNIT", "staff_trainee", "K", mops_employee=True)
    events = [
        mops.completed(),
        mops.completed("2012-10-30"),
        other.completed(),
        unknown.completed(),
        only_started.started(),
        other.completed(form="workshop", activity=mops.participant_id),  # another form: not the TA training
    ]
    report = report_of(events)
    assert value(report, "TA-MOPS-TRAINED") == 1
    assert indicator(report, "TA-MOPS-TRAINED").breakdowns["month"] == {"2012-09": 1}, "earliest completion"
    assert value(report, "TA-OTHER-TRAINED") == 2


def test_an_institution_declaring_twice_counts_once() -> None:
    events = [
        declaration("TA-UNIT", "implement_model", "MOPS Wrocław"),
        declaration("TA-UNIT", "implement_model", "  mops   wrocław "),
        declaration("TA-UNIT", "cooperate", "MOPS Wrocław"),
    ]
    report = report_of(events)
    assert value(report, "TA-UNITS-DECLARING") == 1
    assert value(report, "TA-BODIES-COOPERATING") == 1


def test_manual_entries_count_items_and_the_organisation_filter_limits_every_number() -> None:
    people, bodies = fold(ta_at_target("TA-UNIT"))
    entries = [
        {
            "entry_id": "e1",
            "indicator": "TA-MODEL",
            "quantity": 1,
            "on": "2014-10-01",
            "organisation_id": "fundacja-eudajmonia",
        }
    ]
    whole = project_report(PROJECT, template("trener-aktywnosci"), people, bodies, entries, AS_OF)
    partner = project_report(
        PROJECT, template("trener-aktywnosci"), people, bodies, entries, AS_OF, "fundacja-rozwoju-demokracji-lokalnej"
    )
    assert value(whole, "TA-MODEL") == 1
    assert value(partner, "TA-ON-SUPPORTED") == 10
    assert value(partner, "TA-MOPS-TRAINED") == 10
    assert value(partner, "TA-MODEL") == 0
    rows = monthly_rows(whole)
    assert sum(r[5] for r in rows if r[0] == "TA-ON-SUPPORTED") == 30
    assert {r[4] for r in rows if r[0] == "TA-ON-SUPPORTED"} == {"Kobiety", "Mężczyźni"}


def _definition(**changes: Any) -> dict[str, Any]:
    return {**TA_INDICATORS[1], **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target": -1}, ("indicators", 0, "target")),
        ({"breakdowns": ["sex", "shoe_size"]}, ("indicators", 0, "breakdowns", 1)),
        ({"monthly_plan": {"2012-13": 3}}, ("indicators", 0, "monthly_plan", "2012-13", "[key]")),
        ({"unit": "bodies"}, ("indicators", 0)),
        ({"code": "lower case"}, ("indicators", 0, "code")),
    ],
)
def test_a_bad_definition_is_refused_naming_the_field(changes: dict[str, Any], field: tuple[Any, ...]) -> None:
    with pytest.raises(ValidationError) as error:
        IndicatorSet.model_validate({"indicators": [_definition(**changes)]})
    assert error.value.errors()[0]["loc"] == field


def test_forecast_extrapolates_the_pace_to_the_end_of_the_project() -> None:
    half = forecast(10, 30, date(2026, 1, 1), date(2026, 12, 31), date(2026, 7, 1))
    assert 19 <= half.expected_at_end <= 21
    assert not half.will_meet_target
    ended = forecast(30, 30, date(2012, 2, 1), date(2015, 1, 31), date(2020, 1, 1))
    assert ended.expected_at_end == 30
    assert ended.will_meet_target


def test_an_item_with_target_one_is_forecast_by_the_plan_and_the_chart_stops_at_today() -> None:
    people, bodies = fold(ta_at_target("TA-UNIT"))
    entries = [
        {
            "entry_id": "e1",
            "indicator": "TA-MODEL",
            "quantity": 1,
            "on": "2012-10-01",
            "organisation_id": "fundacja-eudajmonia",
        }
    ]
    mid_project = date(2013, 1, 15)
    report = project_report(PROJECT, template("trener-aktywnosci"), people, bodies, entries, mid_project)
    model = next(i for i in report.indicators if i.code == "TA-MODEL")
    assert model.target == 1
    assert model.value == 1
    assert model.forecast.expected_at_end == 1  # a pace would have said 3
    assert model.forecast.will_meet_target
    assert [m.month for m in model.months if m.elapsed][-1] == "2013-01"
    assert not any(m.elapsed for m in model.months if m.month > "2013-01")
    planned = forecast_by_plan(0, 2, {"2013-03": 1, "2014-06": 1}, date(2015, 1, 31), mid_project)
    assert planned.expected_at_end == 2
    assert planned.will_meet_target


def test_signals_announce_only_changes() -> None:
    report = report_of(ta_at_target("TA-UNIT"))
    state, events = signals(report, {})
    kinds = sorted({type(e).__name__ for e in events})
    assert kinds == ["IndicatorProgressedV1", "TargetAtRiskV1", "TargetReachedV1"]
    assert sum(type(e).__name__ == "TargetReachedV1" for e in events) == 6
    again, none = signals(report, state)
    assert none == []
    assert again == state

"""The project's rule of path completion per category, as the domain applies it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from aktywni_shared.contracts.vocabulary import ParticipantCategory, SupportForm
from enrolment.domain import completion
from enrolment.domain.projects import Project, RegisterProject, UpdateProject

ON = ParticipantCategory.PERSON_WITH_DISABILITY
ON_RULE = {SupportForm.TRAINING: 1, SupportForm.INDIVIDUAL_MEETING: 2, SupportForm.EDUCATIONAL_TRIP: 1}


def _command(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "project_id": "TA-2012",
        "title": "Trener aktywności",
        "funding_programme": "PO KL",
        "starts_on": "2012-04-01",
        "ends_on": "2013-03-31",
        "target_groups": ["person_with_disability", "environment_person"],
    }
    return body | changes


def test_one_individual_meeting_does_not_complete_an_on_whose_rule_asks_for_more() -> None:
    assert not completion.is_met(ON_RULE, [SupportForm.INDIVIDUAL_MEETING])
    assert not completion.is_met(ON_RULE, [SupportForm.TRAINING, SupportForm.INDIVIDUAL_MEETING])
    assert not completion.is_met(ON_RULE, [SupportForm.INDIVIDUAL_MEETING] * 5), "no number of one form stands in"


def test_the_rule_is_met_with_every_form_in_its_number_and_more_is_fine() -> None:
    done = [SupportForm.TRAINING, SupportForm.INDIVIDUAL_MEETING, SupportForm.INDIVIDUAL_MEETING]
    assert not completion.is_met(ON_RULE, done)
    assert completion.is_met(ON_RULE, [*done, SupportForm.EDUCATIONAL_TRIP])
    assert completion.is_met(ON_RULE, [*done, SupportForm.EDUCATIONAL_TRIP, SupportForm.WORKSHOP])


def test_without_a_rule_no_completed_activity_completes_the_path_on_its_own() -> None:
    assert not completion.is_met(None, [])
    assert not completion.is_met(None, [SupportForm.WORKSHOP])
    assert not completion.is_met(None, list(SupportForm) * 3), "one path in a project with no rule stays open"


def test_a_project_keeps_its_rule_per_category_and_the_default_elsewhere() -> None:
    command = RegisterProject.model_validate(_command(path_completion={"person_with_disability": ON_RULE}))
    project = Project(leader_organisation_id="eudajmonia", **command.model_dump())

    assert project.path_rule(ON) == ON_RULE
    assert project.path_rule(ParticipantCategory.ENVIRONMENT_PERSON) is None
    assert Project.model_validate(project.model_dump(mode="json")).path_rule(ON) == ON_RULE, "stored and read back"


def test_a_project_without_rules_reads_as_the_default() -> None:
    command = RegisterProject.model_validate(_command())
    legacy = Project(leader_organisation_id="eudajmonia", **command.model_dump()).model_dump(mode="json")
    del legacy["path_completion"]

    assert Project.model_validate(legacy).path_rule(ON) is None


@pytest.mark.parametrize(
    ("rules", "loc"),
    [
        ({"person_with_disability": {"training": 0}}, ("path_completion", "person_with_disability", "training")),
        ({"person_with_disability": {"training": 101}}, ("path_completion", "person_with_disability", "training")),
        ({"person_with_disability": {"cooking": 1}}, ("path_completion", "person_with_disability", "cooking", "[key]")),
        ({"person_with_disability": {}}, ("path_completion", "person_with_disability")),
        ({"nobody": {"training": 1}}, ("path_completion", "nobody", "[key]")),
        ({"staff_trainee": {"training": 1}}, ("path_completion",)),
    ],
)
def test_a_wrong_rule_is_refused_naming_its_field(rules: dict[str, Any], loc: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as raised:
        RegisterProject.model_validate(_command(path_completion=rules))

    assert [error["loc"] for error in raised.value.errors()] == [loc]


def test_a_changed_rule_names_only_served_categories() -> None:
    command = RegisterProject.model_validate(_command())
    project = Project(leader_organisation_id="eudajmonia", **command.model_dump())
    update = UpdateProject.model_validate({"path_completion": {"staff_trainee": {"training": 1}}})
    assert update.path_completion is not None

    with pytest.raises(ValueError, match="staff_trainee"):
        project.set_path_completion(update.path_completion)
    assert project.path_completion == {}, "nothing half-changed"

    project.set_path_completion({ON: ON_RULE})
    assert project.path_rule(ON) == ON_RULE
    assert project.starts_on == date(2012, 4, 1)

"""Projects (registration, partners, roles) and eligibility at enrolment: every failed rule, each named."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from aktywni_shared.contracts.events import PartnerJoinedV1, ProjectRegisteredV1
from aktywni_shared.contracts.vocabulary import ParticipantCategory, PartnerRole
from enrolment.domain.eligibility import FailedRule, LinkedPerson, evaluate
from enrolment.domain.participants import REQUIRED_CONSENT_SCOPE, EnrolParticipant
from enrolment.domain.projects import CategoryRule, PartnerIn, Project, RegisterProject, register

LEADER = "mops-wroclaw"
PARTNER = "fundacja-eudajmonia"
STARTS = date(2012, 1, 1)
ENDS = date(2013, 12, 31)
ENROLLED_ON = date(2012, 6, 4)
ON_ID = uuid.UUID("0190a8f2-7c1e-7d4a-9b2e-3f5a6c7d8e9f")


def project_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project_id": "TA-2012",
        "title": "Trener aktywności",
        "funding_programme": "PO KL 2007-2013",
        "starts_on": STARTS.isoformat(),
        "ends_on": ENDS.isoformat(),
        "target_groups": [c.value for c in ParticipantCategory],
        "eligibility": {
            "client_at_risk": {"min_age": 18, "max_age": 64, "requires_social_assistance_client": True},
            "person_with_disability": {"requires_disability_certificate": True},
            "staff_trainee": {"requires_mops_employee": True},
        },
        "required_consents": [REQUIRED_CONSENT_SCOPE, "image_use"],
        "partners": [{"organisation_id": PARTNER, "role": "partner", "agreement_reference": "UP/1/2012"}],
    }
    data.update(overrides)
    return data


def project(**overrides: Any) -> Project:
    return register(RegisterProject.model_validate(project_data(**overrides)), LEADER)


def candidate(**overrides: Any) -> EnrolParticipant:
    data: dict[str, Any] = {
        "organisation_id": PARTNER,
        "category": "client_at_risk",
        "first_name": "Anna",
        "last_name": "Kowalska",
        "pesel": None,
        "birth_date": "1971-03-05",
        "sex": "K",
        "social_assistance_client": True,
        "consent": {"given": True, "given_on": "2012-06-01", "scope": [REQUIRED_CONSENT_SCOPE, "image_use"]},
    }
    data.update(overrides)
    return EnrolParticipant.model_validate(data)


def linked_on(**overrides: Any) -> LinkedPerson:
    values: dict[str, Any] = {
        "project_id": "TA-2012",
        "category": ParticipantCategory.PERSON_WITH_DISABILITY,
        "active": True,
    }
    values.update(overrides)
    return LinkedPerson(**values)


def environment_person() -> EnrolParticipant:
    return candidate(category="environment_person", linked_participant_id=str(ON_ID), social_assistance_client=False)


def rules(failures: list[FailedRule]) -> list[str]:
    return [failure.rule for failure in failures]


def registration_error(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        RegisterProject.model_validate(project_data(**overrides))
    (error,) = caught.value.errors()
    return str(error["msg"])


# --- registering a project --------------------------------------------------------------------------


def test_register_makes_the_registering_organisation_the_leader() -> None:
    registered = project()

    assert registered.project_id == "TA-2012"
    assert registered.leader_organisation_id == LEADER
    assert registered.starts_on == STARTS
    assert registered.ends_on == ENDS
    assert registered.eligibility[ParticipantCategory.CLIENT_AT_RISK] == CategoryRule(
        min_age=18, max_age=64, requires_social_assistance_client=True
    )
    assert registered.partners == [
        PartnerIn(organisation_id=PARTNER, role=PartnerRole.PARTNER, agreement_reference="UP/1/2012")
    ]


def test_registered_event_names_the_leader_and_the_period() -> None:
    assert project().registered_event() == ProjectRegisteredV1(
        title="Trener aktywności", leader_organisation_id=LEADER, starts_on=STARTS, ends_on=ENDS
    )


def test_required_consents_default_to_processing_for_the_project() -> None:
    data = project_data()
    del data["required_consents"]

    assert RegisterProject.model_validate(data).required_consents == [REQUIRED_CONSENT_SCOPE]


def test_registration_rejects_a_project_that_ends_before_it_starts() -> None:
    assert "ends_on is before starts_on" in registration_error(starts_on="2013-01-01", ends_on="2012-12-31")


def test_registration_accepts_a_project_of_one_day() -> None:
    one_day = RegisterProject.model_validate(project_data(starts_on="2012-01-01", ends_on="2012-01-01"))

    assert one_day.starts_on == one_day.ends_on


def test_registration_rejects_eligibility_for_a_category_that_is_not_a_target_group() -> None:
    message = registration_error(
        target_groups=["client_at_risk"], eligibility={"client_at_risk": {}, "staff_trainee": {}}
    )

    assert "not target groups: staff_trainee" in message


def test_registration_rejects_a_partner_listed_as_leader() -> None:
    message = registration_error(partners=[{"organisation_id": PARTNER, "role": "leader"}])

    assert "list only the other partners" in message


def test_registration_requires_a_target_group() -> None:
    with pytest.raises(ValidationError) as caught:
        RegisterProject.model_validate(project_data(target_groups=[], eligibility={}))

    assert [tuple(e["loc"]) for e in caught.value.errors()] == [("target_groups",)]


@pytest.mark.parametrize("rule", [{"min_age": -1}, {"max_age": 121}, {"requires_mops": True}])
def test_registration_rejects_malformed_category_rules(rule: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        RegisterProject.model_validate(project_data(eligibility={"client_at_risk": rule}))

    assert caught.value.errors()[0]["loc"][:2] == ("eligibility", "client_at_risk")


# --- roles and partners -----------------------------------------------------------------------------


def test_role_of_names_the_leader_the_partners_and_nobody_else() -> None:
    registered = project()

    assert registered.role_of(LEADER) is PartnerRole.LEADER
    assert registered.role_of(PARTNER) is PartnerRole.PARTNER
    assert registered.role_of("stowarzyszenie-obcy") is None


def test_add_partner_joins_the_organisation_and_emits_partner_joined() -> None:
    registered = project()
    newcomer = PartnerIn(organisation_id="firma-sprzatajaca", role=PartnerRole.NON_PROJECT_PARTNER)

    event = registered.add_partner(newcomer)

    assert event == PartnerJoinedV1(
        partner_organisation_id="firma-sprzatajaca", role=PartnerRole.NON_PROJECT_PARTNER, agreement_reference=None
    )
    assert registered.role_of("firma-sprzatajaca") is PartnerRole.NON_PROJECT_PARTNER
    assert len(registered.partners) == 2


@pytest.mark.parametrize("organisation_id", [PARTNER, LEADER])
def test_add_partner_refuses_an_organisation_already_in_the_project(organisation_id: str) -> None:
    registered = project()

    with pytest.raises(ValueError, match=f"{organisation_id} already takes part in TA-2012"):
        registered.add_partner(PartnerIn(organisation_id=organisation_id, role=PartnerRole.PARTNER))

    assert len(registered.partners) == 1


def test_add_partner_refuses_a_second_leader() -> None:
    registered = project()

    with pytest.raises(ValueError, match="one leader"):
        registered.add_partner(PartnerIn(organisation_id="gmina-olawa", role=PartnerRole.LEADER))

    assert registered.role_of("gmina-olawa") is None


# --- eligibility: the eligible ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enrolment", "linked"),
    [
        pytest.param({}, None, id="client at risk"),
        pytest.param(
            {"category": "person_with_disability", "disability_degree": "severe", "social_assistance_client": False},
            None,
            id="person with a disability",
        ),
        pytest.param(
            {"category": "staff_trainee", "mops_employee": True, "social_assistance_client": False},
            None,
            id="staff trainee",
        ),
        pytest.param(
            {"category": "environment_person", "linked_participant_id": str(ON_ID)},
            linked_on(),
            id="environment person",
        ),
    ],
)
def test_an_eligible_candidate_fails_no_rule(enrolment: dict[str, Any], linked: LinkedPerson | None) -> None:
    assert evaluate(project(), candidate(**enrolment), ENROLLED_ON, linked) == []


@pytest.mark.parametrize("on", [STARTS, ENDS])
def test_the_first_and_last_day_of_the_project_are_within_its_period(on: date) -> None:
    assert evaluate(project(), candidate(), on, None) == []


# --- eligibility: each rule -------------------------------------------------------------------------


@pytest.mark.parametrize("on", [date(2011, 12, 31), date(2014, 1, 1)])
def test_enrolment_outside_the_project_period_fails(on: date) -> None:
    failures = evaluate(project(), candidate(), on, None)

    assert failures == [
        FailedRule(
            "within_project_period",
            "enrolled_on",
            f"{on} is outside the project's period 2012-01-01 – 2013-12-31",
        )
    ]


def test_a_category_that_is_not_a_target_group_fails() -> None:
    narrow = project(target_groups=["client_at_risk"], eligibility={})

    failures = evaluate(narrow, candidate(category="staff_trainee"), ENROLLED_ON, None)

    assert failures == [FailedRule("target_group", "category", "staff_trainee is not a target group of the project")]


def test_a_consent_without_a_required_scope_fails_naming_the_scope() -> None:
    consent = {"given": True, "given_on": "2012-06-01", "scope": [REQUIRED_CONSENT_SCOPE]}

    failures = evaluate(project(), candidate(consent=consent), ENROLLED_ON, None)

    assert failures == [FailedRule("required_consents", "consent.scope", "consent must cover image_use")]


def test_a_consent_must_cover_every_required_scope() -> None:
    consent = {"given": True, "given_on": "2012-06-01", "scope": [REQUIRED_CONSENT_SCOPE]}
    demanding = project(required_consents=[REQUIRED_CONSENT_SCOPE, "image_use", "data_sharing"])

    (failure,) = evaluate(demanding, candidate(consent=consent), ENROLLED_ON, None)

    assert failure.message == "consent must cover image_use, data_sharing"


def test_a_candidate_under_the_minimum_age_at_the_enrolment_date_fails() -> None:
    minor = candidate(birth_date="1994-06-05")  # 18 on 2012-06-05, the day after enrolment

    assert evaluate(project(), minor, ENROLLED_ON, None) == [
        FailedRule("min_age", "birth_date", "aged 17 at enrolment; the minimum is 18")
    ]
    assert evaluate(project(), minor, date(2012, 6, 5), None) == []


def test_a_candidate_over_the_maximum_age_at_the_enrolment_date_fails() -> None:
    senior = candidate(birth_date="1947-06-04")  # 65 on the day of enrolment

    assert evaluate(project(), senior, ENROLLED_ON, None) == [
        FailedRule("max_age", "birth_date", "aged 65 at enrolment; the maximum is 64")
    ]
    assert evaluate(project(), senior, date(2012, 6, 3), None) == []


def test_a_candidate_who_is_not_a_social_assistance_client_fails_where_required() -> None:
    failures = evaluate(project(), candidate(social_assistance_client=False), ENROLLED_ON, None)

    assert failures == [
        FailedRule("social_assistance_client", "social_assistance_client", "must be a client of social assistance")
    ]


def test_a_candidate_without_a_disability_certificate_fails_where_required() -> None:
    strict = project(eligibility={"client_at_risk": {"requires_disability_certificate": True}})

    assert evaluate(strict, candidate(), ENROLLED_ON, None) == [
        FailedRule("disability_certificate", "disability_degree", "needs a certified disability")
    ]
    assert evaluate(strict, candidate(disability_degree="light"), ENROLLED_ON, None) == []


def test_a_staff_trainee_who_is_not_a_mops_employee_fails_where_required() -> None:
    trainee = candidate(category="staff_trainee", mops_employee=False)

    assert evaluate(project(), trainee, ENROLLED_ON, None) == [
        FailedRule("mops_employee", "mops_employee", "must be an employee of the MOPS")
    ]


def test_a_mops_employee_fails_where_the_project_wants_outsiders() -> None:
    outsiders_only = project(eligibility={"staff_trainee": {"requires_mops_employee": False}})

    assert evaluate(outsiders_only, candidate(category="staff_trainee", mops_employee=True), ENROLLED_ON, None) == [
        FailedRule("mops_employee", "mops_employee", "must be not an employee of the MOPS")
    ]
    assert evaluate(outsiders_only, candidate(category="staff_trainee", mops_employee=False), ENROLLED_ON, None) == []


def test_a_category_without_rules_is_held_to_none() -> None:
    lenient = project(eligibility={})

    child = candidate(birth_date="2010-01-01", social_assistance_client=False)

    assert evaluate(lenient, child, ENROLLED_ON, None) == []


# --- eligibility: the environment person's link -----------------------------------------------------


@pytest.mark.parametrize(
    ("linked", "message"),
    [
        pytest.param(None, "must be a participant of this project (none found)", id="linked to nobody"),
        pytest.param(
            linked_on(project_id="TA-2013"),
            "must be a participant of this project (none found)",
            id="a participant of another project",
        ),
        pytest.param(
            linked_on(category=ParticipantCategory.CLIENT_AT_RISK),
            "must be linked to a person with a disability (ON)",
            id="not an ON",
        ),
        pytest.param(
            linked_on(category=ParticipantCategory.ENVIRONMENT_PERSON),
            "must be linked to a person with a disability (ON)",
            id="another environment person",
        ),
        pytest.param(linked_on(active=False), "the linked ON is withdrawn or erased", id="a withdrawn ON"),
    ],
)
def test_an_environment_person_must_be_linked_to_an_active_on_of_the_project(
    linked: LinkedPerson | None, message: str
) -> None:
    failures = evaluate(project(), environment_person(), ENROLLED_ON, linked)

    assert failures == [FailedRule("linked_person", "linked_participant_id", message)]


def test_the_link_is_checked_only_for_environment_persons() -> None:
    assert evaluate(project(), candidate(), ENROLLED_ON, linked_on(active=False)) == []


# --- eligibility: all failures at once --------------------------------------------------------------


def test_every_failed_rule_is_listed_not_only_the_first() -> None:
    consent = {"given": True, "given_on": "2011-06-01", "scope": [REQUIRED_CONSENT_SCOPE]}
    minor_non_client = candidate(birth_date="1995-01-01", social_assistance_client=False, consent=consent)

    failures = evaluate(project(), minor_non_client, date(2011, 6, 1), None)

    assert rules(failures) == ["within_project_period", "required_consents", "min_age", "social_assistance_client"]
    assert [f.field for f in failures] == ["enrolled_on", "consent.scope", "birth_date", "social_assistance_client"]


def test_an_unwanted_environment_person_hears_of_the_category_and_the_link_together() -> None:
    narrow = project(target_groups=["client_at_risk"], eligibility={})
    consent = {"given": True, "given_on": "2012-06-01", "scope": [REQUIRED_CONSENT_SCOPE]}
    person = candidate(category="environment_person", linked_participant_id=str(ON_ID), consent=consent)

    failures = evaluate(narrow, person, date(2014, 2, 1), linked_on(active=False))

    assert rules(failures) == ["within_project_period", "target_group", "required_consents", "linked_person"]

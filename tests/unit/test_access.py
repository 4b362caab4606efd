"""Who may see, enrol and manage which participants and projects: by role, organisation and leadership."""

from __future__ import annotations

from datetime import date

import pytest

from aktywni_shared.auth import Principal, Role
from aktywni_shared.contracts.vocabulary import ParticipantCategory, PartnerRole
from enrolment.domain.access import (
    Scope,
    may_enrol_for,
    may_manage_project,
    may_read_project,
    may_see,
    participant_scope,
)
from enrolment.domain.projects import PartnerIn, Project

LEADER = "mops-wroclaw"
PARTNER = "fundacja-eudajmonia"
OTHER_PARTNER = "spoldzielnia-socjalna"
OUTSIDER = "stowarzyszenie-obcy"
PARTICIPATING = (LEADER, PARTNER, OTHER_PARTNER)
NO_PERSONAL_DATA_ROLES = (Role.TRAINER, Role.AUDITOR, Role.ADMINISTRATOR)


@pytest.fixture
def project() -> Project:
    return Project(
        project_id="TA-2012",
        title="Trener aktywności",
        funding_programme="PO KL",
        priority=None,
        starts_on=date(2012, 1, 1),
        ends_on=date(2013, 12, 31),
        leader_organisation_id=LEADER,
        target_groups=list(ParticipantCategory),
        eligibility={},
        required_consents=["processing_for_project"],
        partners=[
            PartnerIn(organisation_id=PARTNER, role=PartnerRole.PARTNER),
            PartnerIn(organisation_id=OTHER_PARTNER, role=PartnerRole.NON_PROJECT_PARTNER),
        ],
    )


def who(role: Role, organisation_id: str) -> Principal:
    return Principal(user=f"{role.value}@{organisation_id}", organisation_id=organisation_id, role=role)


# --- scope ------------------------------------------------------------------------------------------


def test_the_leaders_coordinator_sees_the_whole_project(project: Project) -> None:
    coordinator = who(Role.COORDINATOR, LEADER)

    assert participant_scope(coordinator, project) is Scope.WHOLE_PROJECT
    assert all(may_see(coordinator, project, organisation) for organisation in PARTICIPATING)


@pytest.mark.parametrize(
    ("role", "organisation_id"),
    [
        (Role.PARTNER_STAFF, PARTNER),
        (Role.COORDINATOR, PARTNER),
        (Role.PARTNER_STAFF, OTHER_PARTNER),
        (Role.PARTNER_STAFF, LEADER),
    ],
)
def test_partner_staff_and_partner_coordinators_see_only_their_organisation(
    project: Project, role: Role, organisation_id: str
) -> None:
    caller = who(role, organisation_id)

    assert participant_scope(caller, project) is Scope.OWN_ORGANISATION
    assert may_see(caller, project, organisation_id)
    assert not any(may_see(caller, project, other) for other in PARTICIPATING if other != organisation_id)


@pytest.mark.parametrize("role", NO_PERSONAL_DATA_ROLES)
@pytest.mark.parametrize("organisation_id", [LEADER, PARTNER])
def test_trainers_auditors_and_administrators_see_no_personal_data(
    project: Project, role: Role, organisation_id: str
) -> None:
    caller = who(role, organisation_id)

    assert participant_scope(caller, project) is Scope.NONE
    assert not any(may_see(caller, project, organisation) for organisation in PARTICIPATING)


@pytest.mark.parametrize("role", list(Role))
def test_an_organisation_not_in_the_project_sees_nothing(project: Project, role: Role) -> None:
    caller = who(role, OUTSIDER)

    assert participant_scope(caller, project) is Scope.NONE
    assert not may_see(caller, project, OUTSIDER)
    assert not any(may_see(caller, project, organisation) for organisation in PARTICIPATING)


# --- enrolling --------------------------------------------------------------------------------------


def test_staff_enrol_for_their_own_organisation_only(project: Project) -> None:
    staff = who(Role.PARTNER_STAFF, PARTNER)

    assert may_enrol_for(staff, project, PARTNER)
    assert not may_enrol_for(staff, project, OTHER_PARTNER)
    assert not may_enrol_for(staff, project, LEADER)


def test_the_leaders_coordinator_enrols_for_any_organisation_of_the_project(project: Project) -> None:
    coordinator = who(Role.COORDINATOR, LEADER)

    assert all(may_enrol_for(coordinator, project, organisation) for organisation in PARTICIPATING)


def test_nobody_enrols_for_an_organisation_that_is_not_in_the_project(project: Project) -> None:
    assert not may_enrol_for(who(Role.COORDINATOR, LEADER), project, OUTSIDER)
    assert not may_enrol_for(who(Role.PARTNER_STAFF, OUTSIDER), project, OUTSIDER)
    assert not may_enrol_for(who(Role.COORDINATOR, OUTSIDER), project, OUTSIDER)


@pytest.mark.parametrize("role", NO_PERSONAL_DATA_ROLES)
def test_roles_without_personal_data_do_not_enrol(project: Project, role: Role) -> None:
    assert not may_enrol_for(who(role, LEADER), project, LEADER)


# --- managing and reading the project ---------------------------------------------------------------


def test_only_the_leaders_coordinator_manages_the_project(project: Project) -> None:
    assert may_manage_project(who(Role.COORDINATOR, LEADER), project)


@pytest.mark.parametrize(
    ("role", "organisation_id"),
    [
        (Role.COORDINATOR, PARTNER),
        (Role.COORDINATOR, OUTSIDER),
        (Role.PARTNER_STAFF, LEADER),
        (Role.ADMINISTRATOR, LEADER),
        (Role.AUDITOR, LEADER),
        (Role.TRAINER, LEADER),
    ],
)
def test_nobody_else_manages_the_project(project: Project, role: Role, organisation_id: str) -> None:
    assert not may_manage_project(who(role, organisation_id), project)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR])
def test_auditors_and_administrators_read_any_project(project: Project, role: Role) -> None:
    assert may_read_project(who(role, OUTSIDER), project)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER])
@pytest.mark.parametrize("organisation_id", PARTICIPATING)
def test_participating_organisations_read_the_project(project: Project, role: Role, organisation_id: str) -> None:
    assert may_read_project(who(role, organisation_id), project)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER])
def test_other_organisations_do_not_read_the_project(project: Project, role: Role) -> None:
    assert not may_read_project(who(role, OUTSIDER), project)

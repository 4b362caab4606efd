"""Scheduling's access policy for its participant list and for callers outside a project."""

from __future__ import annotations

from datetime import date

import pytest

from aktywni_shared.auth import Principal, Role
from aktywni_shared.contracts.vocabulary import PartnerRole
from scheduling.domain import access
from scheduling.domain.errors import Forbidden, NotFound
from scheduling.domain.projects import ProjectView

PROJECT = ProjectView(
    project_id="TA-2012",
    leader_organisation_id="lider",
    starts_on=date(2012, 2, 1),
    ends_on=date(2015, 1, 31),
    partners={"partner": PartnerRole.PARTNER},
)


def _who(role: Role, organisation_id: str, user: str = "someone") -> Principal:
    return Principal(user=user, organisation_id=organisation_id, role=role)


def test_the_leaders_coordinator_lists_everyone_a_partner_its_own_and_a_trainer_their_sessions_people() -> None:
    leader = access.participant_list_scope(_who(Role.COORDINATOR, "lider"), PROJECT, "TA-2012")
    partner = access.participant_list_scope(_who(Role.PARTNER_STAFF, "partner"), PROJECT, "TA-2012")
    leaders_staff = access.participant_list_scope(_who(Role.PARTNER_STAFF, "lider"), PROJECT, "TA-2012")
    trainer = access.participant_list_scope(_who(Role.TRAINER, "lider"), PROJECT, "TA-2012")

    assert leader == access.ParticipantListScope(None, trainer_sessions_only=False)
    assert partner == access.ParticipantListScope("partner", trainer_sessions_only=False)
    assert leaders_staff == access.ParticipantListScope("lider", trainer_sessions_only=False)
    assert trainer == access.ParticipantListScope(None, trainer_sessions_only=True)


def test_an_outsider_finds_no_project_and_a_role_that_books_nobody_is_refused() -> None:
    for role in (Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER):
        with pytest.raises(NotFound):
            access.participant_list_scope(_who(role, "obcy"), PROJECT, "TA-2012")
        with pytest.raises(NotFound):
            access.participant_list_scope(_who(role, "lider"), None, "TA-2012")
    with pytest.raises(Forbidden):
        access.participant_list_scope(_who(Role.AUDITOR, "lider"), PROJECT, "TA-2012")
    assert access.outside(_who(Role.COORDINATOR, "obcy"), PROJECT)
    assert not access.outside(_who(Role.AUDITOR, "obcy"), PROJECT)
    assert not access.outside(_who(Role.TRAINER, "partner"), PROJECT)


def test_a_trainer_sees_only_the_people_booked_into_the_sessions_they_lead() -> None:
    trainer = _who(Role.TRAINER, "lider", user="trener@lider")
    sessions = [
        (["trener@lider"], "lider", ["p1", "p2"]),  # their session: partner's people included
        (["inny@lider"], "lider", ["p3"]),  # a colleague's session
        (["trener@lider"], "partner", ["p4"]),  # a session of another organisation (not theirs to lead)
    ]

    assert access.trainees_of(trainer, sessions) == {"p1", "p2"}
    assert access.trainees_of(_who(Role.COORDINATOR, "lider", user="trener@lider"), sessions) == set()

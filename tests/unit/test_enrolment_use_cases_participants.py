"""Enrolment's participant use cases on in-memory ports: enrol, duplicates, consent, eligibility, who sees whom."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import date
from typing import Any

import pytest

from aktywni_shared.contracts.vocabulary import ParticipantCategory
from aktywni_shared.identity import Principal
from aktywni_stack import demo_data
from enrolment.domain.eligibility import Ineligible
from enrolment.domain.errors import Conflict, DomainError, Forbidden, NotFound
from enrolment.domain.participants import EnrolParticipant, ParticipantDetails, Status
from enrolment.domain.projects import RegisterProject
from enrolment.use_cases import participants, projects
from enrolment.use_cases.ports import StoredParticipant
from tests.unit.enrolment_fakes import (
    AUDITOR,
    LEADER,
    LEADER_STAFF,
    OUTSIDER,
    PARTNER,
    TRAINER,
    anna,
    jan,
    ta_world,
)

pytestmark = pytest.mark.unit
Page = tuple[int, list[tuple[StoredParticipant, dict[str, Any]]]]


async def test_an_enrolment_is_stored_with_its_event_and_audited_by_field_name() -> None:
    world = await ta_world()

    enrolled = await participants.enrol(world.enrolment, LEADER_STAFF, "TA-2012", anna())

    stored = await world.participants.get(enrolled.participant_id)
    assert stored is not None
    assert stored.participant.status is Status.ENROLLED
    assert world.outbox.types == ["ParticipantEnrolled"]
    assert world.outbox.envelopes[0].payload["participant_id"] == str(enrolled.participant_id)
    (entry,) = world.audit.entries
    assert (entry.action, entry.participant_ids) == ("enrol", (str(enrolled.participant_id),))
    assert {"first_name", "last_name", "pesel"} <= entry.fields
    assert demo_data.person_with_disability()["pesel"] not in str(world.outbox.envelopes[0].payload)


async def test_the_same_pesel_twice_is_a_conflict_naming_the_participant_to_whom_may_see_them() -> None:
    world = await ta_world()
    first = await participants.enrol(world.enrolment, LEADER_STAFF, "TA-2012", anna())

    with pytest.raises(Conflict) as again:
        await participants.enrol(world.enrolment, LEADER, "TA-2012", anna(first_name="Anna Maria"))

    assert again.value.existing_participant_id == str(first.participant_id)
    assert again.value.body() == {
        "detail": f"this person is already registered in TA-2012 by {demo_data.EUDAJMONIA}",
        "existing_participant_id": str(first.participant_id),
    }
    assert again.value.status == 409
    assert world.outbox.types == ["ParticipantEnrolled"]


async def test_a_partner_enrolling_someone_the_leader_enrolled_learns_no_more_than_the_conflict() -> None:
    world = await ta_world()
    await participants.enrol(world.enrolment, LEADER, "TA-2012", jan(organisation_id=demo_data.EUDAJMONIA))

    with pytest.raises(Conflict) as again:
        await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())

    assert again.value.existing_participant_id is None
    assert again.value.body() == {"detail": "this person is already registered in TA-2012"}


async def test_without_a_pesel_a_person_is_the_same_by_name_and_birth_date_whatever_the_case() -> None:
    world = await ta_world()
    await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())

    with pytest.raises(Conflict):
        await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan(first_name="JAN", last_name="testowy"))
    other = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan(birth_date="1980-02-15"))

    assert other.status is Status.ENROLLED


async def test_an_ineligible_person_is_refused_with_every_failed_rule_and_nothing_is_stored() -> None:
    world = await ta_world()
    too_young_and_unlinked = EnrolParticipant.model_validate(
        demo_data.environment_person(str(uuid.uuid4()), birth_date="2000-01-01")
    )

    with pytest.raises(Ineligible) as refused:
        await participants.enrol(world.enrolment, LEADER, "TA-2012", too_young_and_unlinked)

    assert {f.rule for f in refused.value.failures} == {"min_age", "linked_person"}
    assert refused.value.status == 422
    assert {
        "loc": ["body", "birth_date"],
        "msg": "aged 12 at enrolment; the minimum is 16",
        "type": "eligibility.min_age",
    } in refused.value.body()["detail"]
    assert world.participants.records == {}
    assert world.outbox.envelopes == []
    assert world.audit.entries == []


async def test_a_consent_short_of_the_projects_required_scope_is_refused_naming_consent_scope() -> None:
    world = await ta_world()
    body = {**demo_data.ta_project("TA-2013"), "required_consents": ["processing_for_project", "image"]}
    await projects.register_project(world.enrolment, LEADER, RegisterProject.model_validate(body))

    with pytest.raises(Ineligible) as refused:
        await participants.enrol(world.enrolment, LEADER, "TA-2013", anna())

    assert refused.value.body()["detail"] == [
        {
            "loc": ["body", "consent", "scope"],
            "msg": "consent must cover image",
            "type": "eligibility.required_consents",
        }
    ]
    consenting = anna(consent={**demo_data.CONSENT, "scope": ["processing_for_project", "image"]})
    assert (await participants.enrol(world.enrolment, LEADER, "TA-2013", consenting)).status is Status.ENROLLED


async def test_an_enrolment_dated_tomorrow_is_a_domain_error_naming_the_date() -> None:
    world = await ta_world(date(2012, 6, 3))

    with pytest.raises(DomainError) as refused:
        await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())

    assert refused.value.field == "enrolled_on"
    assert refused.value.body()["detail"][0]["loc"] == ["body", "enrolled_on"]


async def test_a_partner_enrols_only_for_its_own_organisation_the_leader_for_any() -> None:
    world = await ta_world()

    with pytest.raises(Forbidden):
        await participants.enrol(world.enrolment, PARTNER, "TA-2012", anna())
    assert (await participants.enrol(world.enrolment, LEADER, "TA-2012", jan())).organisation_id == demo_data.FRDL


async def test_an_outsider_learns_nothing_of_the_project_nor_its_participants() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())

    with pytest.raises(NotFound) as no_project:
        await participants.enrol(world.enrolment, OUTSIDER, "TA-2012", anna())
    with pytest.raises(NotFound) as no_participant:
        await participants.participant(world.enrolment, OUTSIDER, enrolled.participant_id)

    assert no_project.value.body() == {"detail": "project TA-2012 not found"}
    assert no_participant.value.status == 404


async def test_a_partner_sees_only_its_own_participants_and_the_leader_all() -> None:
    world = await ta_world()
    leaders = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())
    partners = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())

    def page(principal: Principal, organisation_id: str | None = None) -> Awaitable[Page]:
        return participants.participants_page(
            world.enrolment,
            principal,
            "TA-2012",
            organisation_id=organisation_id,
            status=None,
            category=None,
            pesel=None,
            page=1,
            page_size=50,
        )

    total, rows = await page(PARTNER)
    assert (total, [r.participant.participant_id for r, _ in rows]) == (1, [partners.participant_id])
    with pytest.raises(Forbidden):
        await page(PARTNER, demo_data.EUDAJMONIA)
    with pytest.raises(NotFound):
        await participants.participant(world.enrolment, PARTNER, leaders.participant_id)
    total, _ = await page(LEADER)
    assert total == 2
    for nobody in (TRAINER, AUDITOR):
        with pytest.raises(Forbidden):
            await page(nobody)


async def test_a_page_filters_by_pesel_and_category_and_audits_every_row_it_shows() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())
    await participants.enrol(world.enrolment, LEADER, "TA-2012", jan())
    world.audit.entries.clear()

    total, rows = await participants.participants_page(
        world.enrolment,
        LEADER,
        "TA-2012",
        organisation_id=None,
        status=Status.ENROLLED,
        category=ParticipantCategory.PERSON_WITH_DISABILITY,
        pesel=demo_data.person_with_disability()["pesel"],
        page=1,
        page_size=10,
    )

    assert total == 1
    assert rows[0][1]["first_name"] == "Anna"
    (entry,) = world.audit.entries
    assert (entry.action, entry.participant_ids) == ("list", (str(enrolled.participant_id),))


async def test_reading_a_participant_opens_their_personal_data_and_is_audited() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())

    _, personal = await participants.participant(world.enrolment, LEADER, enrolled.participant_id)

    assert personal["pesel"] == demo_data.person_with_disability()["pesel"]
    assert world.audit.actions == ["enrol", "read"]


async def test_an_update_saves_the_event_and_the_new_personal_values() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())

    await participants.update(
        world.enrolment, LEADER, enrolled.participant_id, ParticipantDetails(phone="+48 600 100 200")
    )

    _, personal = await participants.participant(world.enrolment, LEADER, enrolled.participant_id)
    assert personal["phone"] == "+48 600 100 200"
    assert world.audit.entries[1].fields == frozenset({"phone"})


async def test_erasure_leaves_nothing_readable_and_frees_the_identity() -> None:
    world = await ta_world()
    enrolled = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())

    erased = await participants.erase(world.enrolment, LEADER, enrolled.participant_id)

    assert erased.status is Status.ERASED
    assert world.outbox.types == ["ParticipantEnrolled", "ParticipantErased"]
    _, personal = await participants.participant(world.enrolment, LEADER, enrolled.participant_id)
    assert personal == {}
    with pytest.raises(DomainError):
        await participants.erase(world.enrolment, LEADER, enrolled.participant_id)
    again = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())
    assert again.participant_id != enrolled.participant_id


async def test_a_batch_enrols_row_by_row_and_names_each_refusal() -> None:
    world = await ta_world()
    await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())

    outcomes = await participants.enrol_batch(
        world.enrolment,
        PARTNER,
        "TA-2012",
        [(2, jan()), (3, anna(organisation_id=demo_data.FRDL)), (4, jan(pesel=None, first_name="Ewa", sex="K"))],
    )

    assert outcomes[2] is None
    assert isinstance(outcomes[3], Conflict)
    assert outcomes[4] is None
    assert world.outbox.types.count("ParticipantEnrolled") == 3
    assert await participants.participant_id_by_pesel(world.enrolment, "TA-2012", "00000000000") is None


async def test_an_unknown_participant_is_not_found() -> None:
    world = await ta_world()

    with pytest.raises(NotFound):
        await participants.participant(world.enrolment, LEADER, uuid.uuid4())

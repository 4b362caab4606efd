"""Organisations, projects, declarations and the funder's export through enrolment's use cases on fakes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ProjectAmendedV1
from aktywni_shared.contracts.vocabulary import DeclarationKind, OrganisationKind, ParticipantCategory
from aktywni_shared.errors import PreconditionFailed
from aktywni_stack import demo_data
from enrolment.domain.declarations import RecordDeclaration
from enrolment.domain.errors import Conflict, DomainError, Forbidden, NotFound
from enrolment.domain.organisations import Organisation
from enrolment.domain.projects import PartnerIn, Project, RegisterProject, SettingError, UpdateProject, check_period
from enrolment.use_cases import declarations, exports, organisations, participants, projects
from tests.unit.enrolment_fakes import (
    ADMIN,
    AUDITOR,
    LEADER,
    MOPS_COORDINATOR,
    OUTSIDER,
    PARTNER,
    PARTNER_COORDINATOR,
    TA_DAY,
    anna,
    fake_enrolment,
    jan,
    ta_world,
)

pytestmark = pytest.mark.unit

NEW_ORGANISATION = Organisation(organisation_id="nowa-fundacja", name="Nowa Fundacja", kind=OrganisationKind.NGO)


async def test_only_an_administrator_registers_an_organisation_and_only_once() -> None:
    world = fake_enrolment(TA_DAY)

    with pytest.raises(Forbidden):
        await organisations.register_organisation(world.enrolment, LEADER, NEW_ORGANISATION)
    await organisations.register_organisation(world.enrolment, ADMIN, NEW_ORGANISATION)
    with pytest.raises(Conflict):
        await organisations.register_organisation(world.enrolment, ADMIN, NEW_ORGANISATION)

    assert await organisations.organisations(world.enrolment, PARTNER) == [NEW_ORGANISATION]


async def test_a_project_is_registered_with_one_event_for_itself_and_one_per_partner() -> None:
    world = await ta_world()
    body = demo_data.ta_project("TA-2013")

    registered = await projects.register_project(world.enrolment, LEADER, RegisterProject.model_validate(body))

    assert registered.leader_organisation_id == demo_data.EUDAJMONIA
    assert world.outbox.types == ["ProjectRegistered", "PartnerJoined", "PartnerJoined"]
    assert {e.project_id for e in world.outbox.envelopes} == {"TA-2013"}
    with pytest.raises(Conflict):
        await projects.register_project(world.enrolment, LEADER, RegisterProject.model_validate(body))


async def test_a_project_needs_a_coordinator_and_registered_partners() -> None:
    world = await ta_world()
    stray = {**demo_data.ta_project("TA-2014"), "partners": [{"organisation_id": "nieznana", "role": "partner"}]}

    with pytest.raises(Forbidden):
        await projects.register_project(world.enrolment, PARTNER, RegisterProject.model_validate(stray))
    with pytest.raises(DomainError) as unknown:
        await projects.register_project(world.enrolment, LEADER, RegisterProject.model_validate(stray))

    assert unknown.value.field == "organisation_id"


async def test_partners_see_the_project_auditors_see_every_project_outsiders_none() -> None:
    world = await ta_world()

    assert [p.project_id for p in await projects.visible_projects(world.enrolment, PARTNER)] == ["TA-2012"]
    assert [p.project_id for p in await projects.visible_projects(world.enrolment, AUDITOR)] == ["TA-2012"]
    assert await projects.visible_projects(world.enrolment, OUTSIDER) == []
    with pytest.raises(NotFound):
        await projects.project(world.enrolment, OUTSIDER, "TA-2012")


async def test_the_leaders_coordinator_adds_a_partner_once() -> None:
    world = await ta_world()
    partner = PartnerIn.model_validate({"organisation_id": "fundacja-obca", "role": "partner"})

    with pytest.raises(Forbidden):
        await projects.add_partner(world.enrolment, PARTNER_COORDINATOR, "TA-2012", partner)
    added = await projects.add_partner(world.enrolment, LEADER, "TA-2012", partner)
    with pytest.raises(Conflict):
        await projects.add_partner(world.enrolment, LEADER, "TA-2012", partner)

    assert added.role_of("fundacja-obca") is not None
    assert world.outbox.types == ["PartnerJoined"]
    assert [p.project_id for p in await projects.visible_projects(world.enrolment, OUTSIDER)] == ["TA-2012"]


async def test_path_completion_rules_are_the_leaders_to_change_and_name_the_field_when_wrong() -> None:
    world = await ta_world()
    stray = UpdateProject.model_validate({"path_completion": {"client_at_risk": {"training": 1}}})

    with pytest.raises(Forbidden):
        await projects.update_project(world.enrolment, MOPS_COORDINATOR, "TA-2012", stray)
    with pytest.raises(DomainError) as refused:
        await projects.update_project(world.enrolment, LEADER, "TA-2012", stray)

    assert refused.value.field == "path_completion"


async def test_the_leader_changes_target_groups_eligibility_and_consents_without_an_event() -> None:
    world = await ta_world()
    change = UpdateProject.model_validate(
        {
            "target_groups": ["person_with_disability", "staff_trainee"],
            "eligibility": {"person_with_disability": {"min_age": 25}},
            "required_consents": ["processing_for_project", "image", "image"],
            "path_completion": {"person_with_disability": {"training": 2}},
        }
    )

    changed = await projects.update_project(world.enrolment, LEADER, "TA-2012", change)
    stored = await projects.project(world.enrolment, PARTNER, "TA-2012")

    assert changed.target_groups == stored.target_groups == ["person_with_disability", "staff_trainee"]
    assert stored.eligibility[ParticipantCategory.PERSON_WITH_DISABILITY].min_age == 25
    assert stored.required_consents == ["processing_for_project", "image"]
    assert stored.path_completion == {"person_with_disability": {"training": 2}}
    assert (stored.starts_on.isoformat(), stored.ends_on.isoformat()) == ("2012-02-01", "2015-01-31")
    assert world.outbox.types == [], "no other service reads these settings"


async def test_a_project_change_that_does_not_fit_together_names_its_field_and_changes_nothing() -> None:
    world = await ta_world()
    before = (await projects.project(world.enrolment, LEADER, "TA-2012")).model_dump()
    # environment_person dropped while its eligibility rule stays: refused, nothing saved
    dropped = UpdateProject.model_validate({"target_groups": ["person_with_disability", "staff_trainee"]})

    with pytest.raises(DomainError) as refused:
        await projects.update_project(world.enrolment, LEADER, "TA-2012", dropped)
    with pytest.raises(Forbidden):
        await projects.update_project(world.enrolment, PARTNER, "TA-2012", dropped)

    assert refused.value.field == "eligibility"
    assert "environment_person" in str(refused.value)
    assert (await projects.project(world.enrolment, LEADER, "TA-2012")).model_dump() == before
    with pytest.raises(ValueError, match="processing_for_project"):
        UpdateProject.model_validate({"required_consents": ["image"]})
    with pytest.raises(ValueError, match="at least 1"):
        UpdateProject.model_validate({"target_groups": []})


def _declaration(**changes: object) -> RecordDeclaration:
    body = {
        "kind": DeclarationKind.IMPLEMENT_MODEL,
        "institution_name": "MOPS Wrocław",
        "institution_kind": OrganisationKind.SOCIAL_ASSISTANCE_CENTRE,
        "declared_on": "2012-09-01",
        "document_reference": "DEK/1/2012",
        **changes,
    }
    return RecordDeclaration.model_validate(body)


async def test_a_participating_coordinator_records_a_declaration_with_its_event() -> None:
    world = await ta_world()

    recorded = await declarations.record_declaration(world.enrolment, MOPS_COORDINATOR, "TA-2012", _declaration())

    assert recorded["project_id"] == "TA-2012"
    assert world.outbox.types == ["DeclarationRecorded"]
    listed = await declarations.project_declarations(world.enrolment, PARTNER, "TA-2012")
    assert [d["document_reference"] for d in listed] == ["DEK/1/2012"]


async def test_a_declaration_is_refused_to_staff_and_for_the_wrong_kind_of_institution() -> None:
    world = await ta_world()

    with pytest.raises(Forbidden):
        await declarations.record_declaration(world.enrolment, PARTNER, "TA-2012", _declaration())
    with pytest.raises(DomainError) as refused:
        await declarations.record_declaration(
            world.enrolment, LEADER, "TA-2012", _declaration(institution_kind=OrganisationKind.NGO)
        )
    with pytest.raises(NotFound):
        await declarations.project_declarations(world.enrolment, OUTSIDER, "TA-2012")

    assert refused.value.field == "institution_kind"
    assert world.outbox.envelopes == []


async def test_the_export_is_the_leaders_coordinators_alone_and_audited_with_every_row() -> None:
    world = await ta_world()
    first = await participants.enrol(world.enrolment, LEADER, "TA-2012", anna())
    second = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())

    for refused in (PARTNER_COORDINATOR, MOPS_COORDINATOR, AUDITOR):
        with pytest.raises((Forbidden, NotFound)):
            await exports.participants_csv(world.enrolment, refused, "TA-2012")
    text = await exports.participants_csv(world.enrolment, LEADER, "TA-2012")

    assert "Fundacja Rozwoju Demokracji Lokalnej" in text
    assert "Przykładowa" in text
    entry = world.audit.entries[-1]
    assert entry.action == "export"
    assert set(entry.participant_ids) == {str(first.participant_id), str(second.participant_id)}


async def test_the_leader_amends_the_title_and_period_with_one_project_amended_event() -> None:
    world = await ta_world()
    change = UpdateProject.model_validate({"title": "Trener Aktywności II", "ends_on": "2015-06-30"})

    changed = await projects.update_project(world.enrolment, LEADER, "TA-2012", change)
    stored = await projects.project(world.enrolment, PARTNER, "TA-2012")

    assert (stored.title, stored.starts_on, stored.ends_on) == (
        "Trener Aktywności II",
        date(2012, 2, 1),
        date(2015, 6, 30),
    )
    assert changed.model_dump() == stored.model_dump()
    assert world.outbox.types == ["ProjectAmended"]
    (amended,) = world.outbox.envelopes
    assert amended.project_id == "TA-2012"
    assert amended.organisation_id == LEADER.organisation_id
    assert amended.payload == {"title": "Trener Aktywności II", "starts_on": "2012-02-01", "ends_on": "2015-06-30"}
    # the same values again, or only enrolment's own settings: nothing for the other services
    await projects.update_project(world.enrolment, LEADER, "TA-2012", change)
    await projects.update_project(
        world.enrolment,
        LEADER,
        "TA-2012",
        UpdateProject.model_validate({"required_consents": ["processing_for_project", "image"]}),
    )
    assert world.outbox.types == ["ProjectAmended"]


async def test_a_period_ending_before_its_start_names_ends_on_and_changes_nothing() -> None:
    world = await ta_world()
    before = (await projects.project(world.enrolment, LEADER, "TA-2012")).model_dump()

    with pytest.raises(DomainError) as refused:
        await projects.update_project(
            world.enrolment, LEADER, "TA-2012", UpdateProject.model_validate({"ends_on": "2012-01-31"})
        )
    with pytest.raises(Forbidden):
        await projects.update_project(
            world.enrolment, PARTNER, "TA-2012", UpdateProject.model_validate({"title": "Inny tytuł"})
        )

    assert refused.value.field == "ends_on"
    assert "before starts_on 2012-02-01" in str(refused.value)
    assert (await projects.project(world.enrolment, LEADER, "TA-2012")).model_dump() == before
    assert world.outbox.types == []


async def test_a_period_leaving_out_an_enrolment_names_the_date_at_fault() -> None:
    world = await ta_world()
    await participants.enrol(world.enrolment, LEADER, "TA-2012", anna(enrolled_on="2012-06-04"))
    await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan(enrolled_on="2012-09-10"))
    world.outbox.envelopes.clear()

    for body, field, day in (
        ({"starts_on": "2012-07-01"}, "starts_on", "2012-06-04"),
        ({"starts_on": "2012-01-01", "ends_on": "2012-08-31"}, "ends_on", "2012-09-10"),
    ):
        with pytest.raises(DomainError) as refused:
            await projects.update_project(world.enrolment, LEADER, "TA-2012", UpdateProject.model_validate(body))
        assert refused.value.field == field
        assert f"would leave out a participant enrolled on {day}" in str(refused.value)
    assert world.outbox.types == []

    # a period still covering 2012-06-04 .. 2012-09-10 is taken
    exact = UpdateProject.model_validate({"starts_on": "2012-06-04", "ends_on": "2012-09-10"})
    changed = await projects.update_project(world.enrolment, LEADER, "TA-2012", exact)
    assert (changed.starts_on, changed.ends_on) == (date(2012, 6, 4), date(2012, 9, 10))
    assert world.outbox.types == ["ProjectAmended"]


def test_the_period_rule_holds_without_participants_and_at_the_edges() -> None:
    check_period(date(2026, 1, 1), date(2026, 1, 1), None)
    check_period(date(2026, 1, 1), date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 31)))
    with pytest.raises(SettingError) as refused:
        check_period(date(2026, 1, 2), date(2026, 1, 1), None)
    assert refused.value.field == "ends_on"
    with pytest.raises(SettingError) as refused:
        check_period(date(2026, 1, 2), date(2026, 12, 31), (date(2026, 1, 1), date(2026, 3, 1)))
    assert refused.value.field == "starts_on"
    with pytest.raises(ValueError, match="ends_on is before starts_on"):
        ProjectAmendedV1(title="T", starts_on=date(2026, 1, 2), ends_on=date(2026, 1, 1))


async def test_an_edit_made_on_the_revision_read_is_saved_and_one_made_on_an_older_is_refused() -> None:
    world = await ta_world()
    read = await projects.project(world.enrolment, LEADER, "TA-2012")
    title = UpdateProject.model_validate({"title": "Trener Aktywności II"})

    saved = await projects.update_project(world.enrolment, LEADER, "TA-2012", title, revision=read.revision)
    assert saved.revision == read.revision + 1
    consents = UpdateProject.model_validate({"required_consents": ["processing_for_project", "image"]})
    with pytest.raises(PreconditionFailed) as refused:
        await projects.update_project(world.enrolment, LEADER, "TA-2012", consents, revision=read.revision)

    assert refused.value.field == "If-Match"
    assert refused.value.status == 412
    stored = await projects.project(world.enrolment, LEADER, "TA-2012")
    assert stored.required_consents == read.required_consents, "nothing of the refused edit is saved"
    assert (stored.title, stored.revision) == ("Trener Aktywności II", saved.revision)
    # an edit that changes nothing keeps the revision; a partner added moves it on
    await projects.update_project(world.enrolment, LEADER, "TA-2012", title, revision=stored.revision)
    assert (await projects.project(world.enrolment, LEADER, "TA-2012")).revision == stored.revision
    await organisations.register_organisation(world.enrolment, ADMIN, NEW_ORGANISATION)
    joined = await projects.add_partner(
        world.enrolment, LEADER, "TA-2012", PartnerIn(organisation_id="nowa-fundacja", role="partner")
    )
    assert (
        joined.revision == stored.revision + 1 == (await projects.project(world.enrolment, LEADER, "TA-2012")).revision
    )


async def test_an_edit_without_if_match_is_applied_again_to_a_change_that_landed_in_between() -> None:
    world = await ta_world()
    store = world.projects
    save = store.save_settings
    landed: list[int] = []

    async def others_first(
        project: Project, fields: Sequence[str], events: Sequence[Envelope] = (), *, revision: int
    ) -> bool:
        if not landed:  # somebody else's change lands between this edit's read and its write
            other = await store.get(project.project_id)
            assert other is not None
            other.required_consents = ["processing_for_project", "image"]
            landed.append(await save(other, ["required_consents"], revision=revision) and revision)
        return await save(project, fields, events, revision=revision)

    store.save_settings = others_first  # type: ignore[method-assign]
    title = UpdateProject.model_validate({"title": "Trener Aktywności II"})
    saved = await projects.update_project(world.enrolment, LEADER, "TA-2012", title)

    stored = await projects.project(world.enrolment, LEADER, "TA-2012")
    assert stored.title == "Trener Aktywności II"
    assert stored.required_consents == ["processing_for_project", "image"], "the other change is kept"
    assert saved.revision == stored.revision == 2
    landed.clear()
    again = UpdateProject.model_validate({"title": "Trener Aktywności III"})
    with pytest.raises(PreconditionFailed):  # the same race with If-Match: refused, not applied again
        await projects.update_project(world.enrolment, LEADER, "TA-2012", again, revision=stored.revision)
    assert (await projects.project(world.enrolment, LEADER, "TA-2012")).title == "Trener Aktywności II"

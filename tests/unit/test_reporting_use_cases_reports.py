"""Reports per role on in-memory fakes: who sees the whole project, who their own organisation, who nothing."""

from __future__ import annotations

import pytest

from aktywni_shared.identity import Role
from aktywni_stack import demo_data
from reporting.domain.access import Forbidden, NotFound
from reporting.domain.report import ProjectReport
from reporting.domain.templates import template
from tests.support.reporting import Person, decoded, project_events
from tests.unit.reporting_fakes import Reporting, principal

PROJECT = "TA-ROLES"
OUTSIDER = "stowarzyszenie-obce"


async def _reporting() -> Reporting:
    """Three ON supported: two by the leader (K, M), one by the partner FRDL (K)."""
    reporting = Reporting()
    await reporting.definitions.replace(PROJECT, template("trener-aktywnosci"), "test")
    people = [
        Person(PROJECT, "person_with_disability", "K"),
        Person(PROJECT, "person_with_disability", "M"),
        Person(PROJECT, "person_with_disability", "K", organisation_id=demo_data.FRDL),
    ]
    events = [*project_events(PROJECT), *(e for p in people for e in (p.enrolled(), p.started()))]
    await reporting.projector.apply([decoded(e) for e in events])
    return reporting


def _supported(report: ProjectReport) -> int:
    return next(i.value for i in report.indicators if i.code == "TA-ON-SUPPORTED")


@pytest.mark.parametrize(
    ("organisation", "role"),
    [
        (demo_data.MOPS, Role.AUDITOR),
        (OUTSIDER, Role.AUDITOR),  # a funder needs no part in the project
        (demo_data.MOPS, Role.ADMINISTRATOR),
        (demo_data.EUDAJMONIA, Role.COORDINATOR),
        (demo_data.EUDAJMONIA, Role.TRAINER),  # any user of the leader
    ],
)
async def test_auditors_administrators_and_the_leader_see_the_whole_project(organisation: str, role: Role) -> None:
    reporting = await _reporting()
    report = await reporting.reports.report(principal(organisation, role), PROJECT)
    assert report.organisation is None
    assert _supported(report) == 3
    filtered = await reporting.reports.report(principal(organisation, role), PROJECT, demo_data.FRDL)
    assert (filtered.organisation, _supported(filtered)) == (demo_data.FRDL, 1)


async def test_a_partner_sees_its_own_organisation_only() -> None:
    reporting = await _reporting()
    partner = principal(demo_data.FRDL, Role.COORDINATOR)
    report = await reporting.reports.report(partner, PROJECT)
    assert (report.organisation, _supported(report)) == (demo_data.FRDL, 1)
    assert (await reporting.reports.report(partner, PROJECT, demo_data.FRDL)).organisation == demo_data.FRDL
    with pytest.raises(Forbidden, match="only your organisation"):
        await reporting.reports.report(partner, PROJECT, demo_data.EUDAJMONIA)
    count = await reporting.reports.participant_count(partner, PROJECT)
    assert (count.organisation, count.participants, count.by_sex) == (demo_data.FRDL, 1, {"K": 1})


async def test_an_organisation_outside_the_project_finds_no_project() -> None:
    reporting = await _reporting()
    outsider = principal(OUTSIDER, Role.COORDINATOR)
    with pytest.raises(NotFound, match=f"project {PROJECT} not found"):
        await reporting.reports.report(outsider, PROJECT)
    with pytest.raises(NotFound):
        await reporting.reports.participant_count(outsider, PROJECT)
    with pytest.raises(NotFound):
        await reporting.reports.indicators(outsider, PROJECT)


async def test_an_organisation_filter_must_name_a_member_and_unknown_projects_are_not_found() -> None:
    reporting = await _reporting()
    auditor = principal(demo_data.MOPS, Role.AUDITOR)
    with pytest.raises(NotFound, match=f"organisation {OUTSIDER} does not take part"):
        await reporting.reports.report(auditor, PROJECT, OUTSIDER)
    with pytest.raises(NotFound, match="not known to reporting"):
        await reporting.reports.report(auditor, "TA-NOWHERE")


async def test_the_whole_project_counts_its_participants_by_category_and_sex() -> None:
    reporting = await _reporting()
    count = await reporting.reports.participant_count(principal(demo_data.MOPS, Role.AUDITOR), PROJECT)
    assert (count.organisation, count.participants) == (None, 3)
    assert count.by_category == {"person_with_disability": 3}
    assert count.by_sex == {"K": 2, "M": 1}


async def test_only_the_leaders_coordinator_lists_the_participants() -> None:
    reporting = await _reporting()
    rows = await reporting.reports.participant_list(principal(demo_data.EUDAJMONIA, Role.COORDINATOR), PROJECT)
    assert len(rows) == 3
    assert {r["organisation_id"] for r in rows} == {demo_data.EUDAJMONIA, demo_data.FRDL}
    assert all(r["status"] == "enrolled" and r["support_started_on"] for r in rows)
    for refused in (
        principal(demo_data.MOPS, Role.AUDITOR),
        principal(demo_data.MOPS, Role.ADMINISTRATOR),
        principal(demo_data.FRDL, Role.COORDINATOR),
        principal(demo_data.EUDAJMONIA, Role.PARTNER_STAFF),
    ):
        with pytest.raises(Forbidden, match="exports the participant list"):
            await reporting.reports.participant_list(refused, PROJECT)
    with pytest.raises(NotFound):
        await reporting.reports.participant_list(principal(OUTSIDER, Role.COORDINATOR), PROJECT)


async def test_an_erased_person_keeps_counting_but_leaves_the_participant_list() -> None:
    reporting = await _reporting()
    erased = Person(PROJECT, "person_with_disability", "M")
    await reporting.projector.apply([decoded(e) for e in (erased.enrolled(), erased.started(), erased.erased())])
    leader = principal(demo_data.EUDAJMONIA, Role.COORDINATOR)
    assert _supported(await reporting.reports.report(leader, PROJECT)) == 4
    assert len(await reporting.reports.participant_list(leader, PROJECT)) == 3


async def test_a_report_is_cached_until_the_project_changes() -> None:
    reporting = await _reporting()
    auditor = principal(demo_data.MOPS, Role.AUDITOR)
    first = await reporting.reports.report(auditor, PROJECT)
    assert await reporting.reports.report(auditor, PROJECT) is first
    late = Person(PROJECT, "person_with_disability", "M")
    await reporting.projector.apply([decoded(late.enrolled()), decoded(late.started())])
    assert _supported(await reporting.reports.report(auditor, PROJECT)) == 4

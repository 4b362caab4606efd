"""Enrolment's audit log read on in-memory ports: who may read it, its filters, its pages, no personal data."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from aktywni_stack import demo_data
from enrolment.domain.audit import AuditAction
from enrolment.domain.errors import DomainError, Forbidden, NotFound
from enrolment.use_cases import audit, participants
from tests.unit.enrolment_fakes import (
    ADMIN,
    AUDITOR,
    LEADER,
    LEADER_STAFF,
    OUTSIDER,
    PARTNER,
    PARTNER_COORDINATOR,
    TRAINER,
    FakeEnrolment,
    anna,
    jan,
    ta_world,
)

pytestmark = pytest.mark.unit


async def _world_with_history() -> tuple[FakeEnrolment, uuid.UUID, uuid.UUID]:
    """Anna enrolled by the leader's recruiter on 1 Sept (Warsaw), Jan by the partner on 10 Sept, Anna read."""
    world = await ta_world()
    world.audit.now = datetime(2012, 8, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 September in Warsaw
    anna_id = (await participants.enrol(world.enrolment, LEADER_STAFF, "TA-2012", anna())).participant_id
    world.audit.now = datetime(2012, 9, 10, 9, tzinfo=UTC)
    jan_id = (await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())).participant_id
    world.audit.now = datetime(2012, 9, 14, 12, tzinfo=UTC)
    await participants.participant(world.enrolment, LEADER, anna_id)
    return world, anna_id, jan_id


async def test_the_leaders_coordinator_and_the_auditor_read_every_entry_the_newest_first() -> None:
    world, anna_id, jan_id = await _world_with_history()

    for reader in (LEADER, AUDITOR):
        total, entries = await audit.audit_page(world.enrolment, reader, "TA-2012")

        assert total == 3
        assert [(e.user, e.action) for e in entries] == [
            ("leader", "read"),
            ("partner", "enrol"),
            ("recruiter", "enrol"),
        ]
        assert [e.participant_ids for e in entries] == [(str(anna_id),), (str(jan_id),), (str(anna_id),)]
        assert entries[0].organisation_id == demo_data.EUDAJMONIA
        assert entries[0].role == "coordinator"
        assert "first_name" in entries[0].fields


async def test_the_entries_name_fields_and_ids_never_the_persons_data() -> None:
    world, _, _ = await _world_with_history()

    _, entries = await audit.audit_page(world.enrolment, AUDITOR, "TA-2012")

    person = demo_data.person_with_disability()
    text = repr(entries)
    for value in (person["pesel"], person["first_name"], person["last_name"]):
        assert value not in text


async def test_filters_by_participant_actor_action_and_warsaw_days() -> None:
    world, anna_id, jan_id = await _world_with_history()
    enrolment = world.enrolment

    async def users(**filters: object) -> list[str]:
        _, entries = await audit.audit_page(enrolment, LEADER, "TA-2012", **filters)  # type: ignore[arg-type]
        return [e.user for e in entries]

    assert await users(participant_id=anna_id) == ["leader", "recruiter"]
    assert await users(participant_id=jan_id) == ["partner"]
    assert await users(actor="partner") == ["partner"]
    assert await users(action=AuditAction.ENROL) == ["partner", "recruiter"]
    assert await users(action=AuditAction.ERASE) == []
    # 00:30 on 1 September in Warsaw is still 31 August in UTC: the day is Warsaw's
    assert await users(day_from=date(2012, 9, 1), day_to=date(2012, 9, 1)) == ["recruiter"]
    assert await users(day_to=date(2012, 8, 31)) == []
    assert await users(day_from=date(2012, 9, 10), day_to=date(2012, 9, 14)) == ["leader", "partner"]
    assert await users(day_from=date(2012, 9, 15)) == []


async def test_pages() -> None:
    world, _, _ = await _world_with_history()

    total, first = await audit.audit_page(world.enrolment, AUDITOR, "TA-2012", page=1, page_size=2)
    _, second = await audit.audit_page(world.enrolment, AUDITOR, "TA-2012", page=2, page_size=2)

    assert total == 3
    assert [e.user for e in first] == ["leader", "partner"]
    assert [e.user for e in second] == ["recruiter"]


async def test_other_roles_are_refused_and_outsiders_find_no_project() -> None:
    world, _, _ = await _world_with_history()

    for caller in (PARTNER_COORDINATOR, PARTNER, LEADER_STAFF, TRAINER, ADMIN):
        with pytest.raises(Forbidden):
            await audit.audit_page(world.enrolment, caller, "TA-2012")
    with pytest.raises(NotFound):
        await audit.audit_page(world.enrolment, OUTSIDER, "TA-2012")
    with pytest.raises(NotFound):
        await audit.audit_page(world.enrolment, AUDITOR, "NO-SUCH-PROJECT")


async def test_a_period_ending_before_it_starts_is_refused() -> None:
    world, _, _ = await _world_with_history()

    with pytest.raises(DomainError):
        await audit.audit_page(world.enrolment, LEADER, "TA-2012", day_from=date(2012, 9, 2), day_to=date(2012, 9, 1))

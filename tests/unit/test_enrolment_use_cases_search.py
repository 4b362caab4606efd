"""Enrolment's participant search on in-memory ports: by name (decrypted page by page), PESEL, scope, audit."""

from __future__ import annotations

import pytest

from enrolment.domain.errors import Forbidden, NotFound
from enrolment.domain.participants import Status
from enrolment.domain.search import name_matches
from enrolment.use_cases import participants
from enrolment.use_cases.participants import Search
from tests.unit.enrolment_fakes import (
    AUDITOR,
    LEADER,
    LEADER_STAFF,
    OUTSIDER,
    PARTNER,
    TRAINER,
    FakeEnrolment,
    anna,
    jan,
    ta_world,
)

pytestmark = pytest.mark.unit
ANNA_PESEL = "71030512348"


async def _world() -> FakeEnrolment:
    world = await ta_world()
    await participants.enrol(world.enrolment, LEADER_STAFF, "TA-2012", anna())
    await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())
    world.audit.entries.clear()
    return world


def _names(found: tuple[int, list[tuple[object, dict[str, object]]]]) -> list[object]:
    return sorted(personal["last_name"] for _, personal in found[1])


def test_a_name_matches_by_the_beginnings_of_words_in_any_case_and_without_diacritics() -> None:
    assert name_matches("przykł", "Anna", "Przykładowa")
    assert name_matches("PRZYKLADOWA anna", "Anna", "Przykładowa")
    assert name_matches("kowal", "Łucja", "Nowak-Kowalska")
    assert name_matches("lucja", "Łucja", "Nowak")
    assert not name_matches("owa", "Anna", "Przykładowa")
    assert not name_matches("anna jan", "Anna", "Przykładowa")
    assert not name_matches("  ", "Anna", "Przykładowa")


async def test_the_leader_finds_anyone_by_name_and_by_pesel() -> None:
    world = await _world()

    by_name = await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="testo"), page=1, page_size=50)
    by_pesel = await participants.search(
        world.enrolment, LEADER, "TA-2012", Search(pesel=ANNA_PESEL), page=1, page_size=50
    )
    everyone = await participants.search(world.enrolment, LEADER, "TA-2012", Search(), page=1, page_size=50)

    assert (by_name[0], _names(by_name)) == (1, ["Testowy"])
    assert (by_pesel[0], _names(by_pesel)) == (1, ["Przykładowa"])
    assert (everyone[0], _names(everyone)) == (2, ["Przykładowa", "Testowy"])


async def test_a_partner_finds_only_its_own_organisations_participants() -> None:
    world = await _world()

    mine = await participants.search(world.enrolment, PARTNER, "TA-2012", Search(name="jan"), page=1, page_size=50)
    theirs = await participants.search(world.enrolment, PARTNER, "TA-2012", Search(name="anna"), page=1, page_size=50)
    by_pesel = await participants.search(
        world.enrolment, PARTNER, "TA-2012", Search(pesel=ANNA_PESEL), page=1, page_size=50
    )

    assert _names(mine) == ["Testowy"]
    assert theirs == (0, [])
    assert by_pesel == (0, [])
    with pytest.raises(Forbidden):
        await participants.search(
            world.enrolment, PARTNER, "TA-2012", Search(organisation_id=LEADER.organisation_id), page=1, page_size=50
        )


async def test_filters_combine_with_the_name_and_the_matches_are_paged() -> None:
    world = await _world()
    for n in range(5):
        await participants.enrol(
            world.enrolment,
            LEADER_STAFF,
            "TA-2012",
            anna(pesel=None, sex="K", birth_date="1971-03-05", last_name=f"Nowak{n}", first_name="Ewa"),
        )

    first = await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="ewa"), page=1, page_size=2)
    third = await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="ewa"), page=3, page_size=2)
    withdrawn = await participants.search(
        world.enrolment, LEADER, "TA-2012", Search(name="ewa", status=Status.WITHDRAWN), page=1, page_size=50
    )

    assert first[0] == 5
    assert len(first[1]) == 2
    assert (third[0], len(third[1])) == (5, 1)
    assert withdrawn == (0, [])


async def test_a_name_search_reads_the_project_a_chunk_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    world = await _world()
    monkeypatch.setattr(participants, "SEARCH_CHUNK", 1)
    limits: list[int] = []
    page = world.participants.page

    async def spy(query: participants.ParticipantQuery, *, skip: int, limit: int) -> object:
        limits.append(limit)
        return await page(query, skip=skip, limit=limit)

    monkeypatch.setattr(world.participants, "page", spy)

    found = await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="testowy"), page=1, page_size=50)

    assert _names(found) == ["Testowy"]
    assert limits == [1, 1]


async def test_every_search_is_audited_by_criteria_names_never_their_values() -> None:
    world = await _world()

    found = await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="anna"), page=1, page_size=50)
    await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="nikt"), page=1, page_size=50)

    first, empty = world.audit.entries
    assert first.action == "search"
    assert first.participant_ids == (str(found[1][0][0].participant.participant_id),)
    assert {"by:name", "first_name", "last_name"} <= first.fields
    assert (empty.action, empty.participant_ids, empty.fields) == ("search", (), frozenset({"by:name"}))
    assert not [f for e in world.audit.entries for f in e.fields if "anna" in f.casefold() or "nikt" in f]


async def test_roles_without_personal_data_and_outsiders_are_refused() -> None:
    world = await _world()

    for caller in (TRAINER, AUDITOR):
        with pytest.raises(Forbidden):
            await participants.search(world.enrolment, caller, "TA-2012", Search(name="anna"), page=1, page_size=50)
    with pytest.raises(NotFound):
        await participants.search(world.enrolment, OUTSIDER, "TA-2012", Search(name="anna"), page=1, page_size=50)

"""Enrolment's participant search: by name (through its blind index), PESEL, scope, audit."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.messaging.outbox import Outbox
from enrolment.domain.errors import Forbidden, NotFound
from enrolment.domain.participants import Status
from enrolment.domain.search import name_matches, name_prefixes, words
from enrolment.store.crypto import Keyring, new_key
from enrolment.store.participants import ParticipantStore
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


def test_the_prefixes_are_every_beginning_of_every_normalised_word_of_both_names() -> None:
    assert name_prefixes("Łucja", "Nowak-Kowalska") == sorted(
        {"l", "lu", "luc", "lucj", "lucja", "n", "no", "now", "nowa", "nowak"}
        | {"k", "ko", "kow", "kowa", "kowal", "kowals", "kowalsk", "kowalska"}
    )
    assert name_prefixes("Anna", "Ann") == ["a", "an", "ann", "anna"]


QUERIES = ("przykł", "PRZYKLADOWA anna", "kowal", "nowak kow", "lucja", "owa", "anna jan", "a", "ska", "łu NO")
NAMES = (("Anna", "Przykładowa"), ("Łucja", "Nowak-Kowalska"), ("Jan", "O'Brien"))


def _store() -> ParticipantStore:
    """The store without a database: its blind index is computed, not read."""
    collections: dict[str, Any] = {"participants": None, "participant_keys": None, "participant_identities": None}
    return ParticipantStore(cast(AsyncDatabase[Any], collections), Keyring.from_config(new_key()), cast(Outbox, None))


def test_the_stores_name_index_finds_exactly_whom_name_matches_finds() -> None:
    store = _store()
    for first, last in NAMES:
        index = set(store.name_index(first, last))
        assert len(index) == len(name_prefixes(first, last))
        for query in QUERIES:
            wanted = {store.keyring.lookup_hash(f"name:{word}") for word in words(query)}
            assert (wanted <= index) is name_matches(query, first, last), (query, first, last)


def test_a_name_hash_never_equals_the_pesel_hash_of_the_same_text() -> None:
    store = _store()

    assert store.keyring.lookup_hash(ANNA_PESEL) not in store.name_index(ANNA_PESEL, "Przykładowa")


async def test_a_name_is_found_by_the_beginnings_of_first_last_and_double_surnames() -> None:
    world = await _world()
    await participants.enrol(
        world.enrolment,
        LEADER_STAFF,
        "TA-2012",
        anna(pesel=None, sex="K", birth_date="1980-01-02", first_name="Łucja", last_name="Nowak-Kowalska"),
    )

    async def found(name: str) -> list[object]:
        return _names(
            await participants.search(world.enrolment, LEADER, "TA-2012", Search(name=name), page=1, page_size=50)
        )

    assert await found("kowal") == ["Nowak-Kowalska"]
    assert await found("NOWAK luc") == ["Nowak-Kowalska"]
    assert await found("łu") == ["Nowak-Kowalska"]
    assert await found("PRZYKLAD") == ["Przykładowa"]
    assert await found("an") == ["Przykładowa"]
    assert await found("j tes") == ["Testowy"]
    assert await found("owa") == []
    assert await found("anna jan") == []
    assert await found("kowalskaa") == []


async def test_a_name_without_words_finds_nobody_and_is_audited_as_a_name_search() -> None:
    world = await _world()

    found = await participants.search(world.enrolment, LEADER, "TA-2012", Search(name=" - '"), page=1, page_size=50)

    assert found == (0, [])
    assert [(e.action, e.fields) for e in world.audit.entries] == [("search", frozenset({"by:name"}))]


async def test_the_erased_are_not_found_by_name() -> None:
    world = await _world()
    everyone = await participants.search(world.enrolment, LEADER, "TA-2012", Search(), page=1, page_size=50)
    anna_id = next(r.participant.participant_id for r, p in everyone[1] if p["last_name"] == "Przykładowa")

    await participants.erase(world.enrolment, LEADER, anna_id)

    assert await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="anna"), page=1, page_size=50) == (
        0,
        [],
    )
    assert (await participants.search(world.enrolment, LEADER, "TA-2012", Search(), page=1, page_size=50))[0] == 2


async def test_a_name_search_is_one_page_read_of_the_page_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    world = await _world()
    calls: list[tuple[str | None, int, int]] = []
    page = world.participants.page

    async def spy(query: participants.ParticipantQuery, *, skip: int, limit: int) -> object:
        calls.append((query.name, skip, limit))
        return await page(query, skip=skip, limit=limit)

    monkeypatch.setattr(world.participants, "page", spy)

    found = await participants.search(world.enrolment, LEADER, "TA-2012", Search(name="testowy"), page=2, page_size=7)

    assert found == (1, [])
    assert calls == [("testowy", 7, 7)]


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

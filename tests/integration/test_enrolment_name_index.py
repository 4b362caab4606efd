"""Enrolment's name search on the real database: the blind index of name beginnings, its filter
(``$all``), its removal at erasure and its one-time back-fill for participants stored before it."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.clock import FixedClock
from aktywni_shared.contracts.vocabulary import OrganisationKind, ParticipantCategory, WithdrawalReason
from aktywni_shared.messaging.outbox import Outbox
from aktywni_shared.mongo import Document
from aktywni_stack import demo_data
from enrolment.domain.organisations import Organisation
from enrolment.domain.participants import EnrolParticipant, Status
from enrolment.domain.projects import RegisterProject
from enrolment.store.audit import AuditLog
from enrolment.store.completions import SupportCompletions
from enrolment.store.crypto import Keyring, new_key
from enrolment.store.declarations import DeclarationStore
from enrolment.store.imports import ImportSummaries
from enrolment.store.participants import FEW_CANDIDATES, NAMES_MARKER, ParticipantStore
from enrolment.store.projects import ProjectStore
from enrolment.use_cases import Enrolment, lifecycle, organisations, participants, projects
from enrolment.use_cases.participants import Search
from tests.support.people import person
from tests.unit.enrolment_fakes import ADMIN, LEADER, ORGANISATIONS, TA_DAY

NAMES = (("Anna", "Przykładowa"), ("Łucja", "Nowak-Kowalska"), ("Jan", "Testowy"))


async def _enrolment(db: AsyncDatabase[Document], keyring: Keyring) -> Enrolment:
    outbox = Outbox(db)
    store = ParticipantStore(db, keyring, outbox)
    project_store = ProjectStore(db, outbox)
    audit = AuditLog(db)
    for indexed in (store, project_store, audit):
        await indexed.create_indexes()
    return Enrolment(
        project_store,
        store,
        DeclarationStore(db, outbox),
        SupportCompletions(db),
        audit,
        FixedClock(datetime.combine(TA_DAY, time(10), tzinfo=UTC)),
        ImportSummaries(db),
    )


async def _world(db: AsyncDatabase[Document], keyring: Keyring) -> tuple[Enrolment, str, dict[str, str]]:
    """Three participants of a TA project; their ids by last name."""
    enrolment = await _enrolment(db, keyring)
    for organisation_id, name in ORGANISATIONS.items():
        organisation = Organisation(organisation_id=organisation_id, name=name, kind=OrganisationKind.FOUNDATION)
        await organisations.register_organisation(enrolment, ADMIN, organisation)
    project = await projects.register_project(enrolment, LEADER, RegisterProject.model_validate(demo_data.ta_project()))
    rng = random.Random(11)
    ids = {}
    for n, (first, last) in enumerate(NAMES):
        who = {**person(rng, n), "first_name": first, "last_name": last, "organisation_id": demo_data.EUDAJMONIA}
        enrolled = await participants.enrol(
            enrolment, LEADER, project.project_id, EnrolParticipant.model_validate(demo_data.staff_trainee(**who))
        )
        ids[last] = str(enrolled.participant_id)
    return enrolment, project.project_id, ids


async def _found(enrolment: Enrolment, project_id: str, name: str) -> list[str]:
    total, rows = await participants.search(enrolment, LEADER, project_id, Search(name=name), page=1, page_size=50)
    assert total == len(rows)
    return sorted(str(personal["last_name"]) for _, personal in rows)


async def test_names_are_found_by_their_beginnings_through_the_index(db: AsyncDatabase[Document]) -> None:
    enrolment, project_id, _ = await _world(db, Keyring.from_config(new_key()))

    assert await _found(enrolment, project_id, "kowal") == ["Nowak-Kowalska"]
    assert await _found(enrolment, project_id, "NOWAK luc") == ["Nowak-Kowalska"]
    assert await _found(enrolment, project_id, "przykladowa ANN") == ["Przykładowa"]
    assert await _found(enrolment, project_id, "a") == ["Przykładowa"]
    assert await _found(enrolment, project_id, "owa") == []
    assert await _found(enrolment, project_id, "anna jan") == []
    assert await _found(enrolment, project_id, " - ") == []
    everyone = await participants.search(enrolment, LEADER, project_id, Search(), page=1, page_size=50)
    assert everyone[0] == 3


async def test_erasure_removes_the_index_and_the_erased_are_not_found(db: AsyncDatabase[Document]) -> None:
    enrolment, project_id, ids = await _world(db, Keyring.from_config(new_key()))

    await participants.erase(enrolment, LEADER, uuid.UUID(ids["Nowak-Kowalska"]))

    assert await _found(enrolment, project_id, "kowal") == []
    erased = await db["participant_keys"].find_one({"_id": ids["Nowak-Kowalska"]})
    kept = await db["participant_keys"].find_one({"_id": ids["Testowy"]})
    assert erased is not None
    assert "name_prefixes" not in erased
    assert kept is not None
    assert len(kept["name_prefixes"]) == len("jan") + len("testowy")
    assert await db["participants"].count_documents({"name_prefixes": {"$exists": True}}) == 0


def _indexes(docs: list[Document]) -> dict[str, list[str]]:
    return {doc["_id"]: doc["name_prefixes"] for doc in docs if "name_prefixes" in doc}


async def test_participants_stored_before_the_index_get_theirs_once_at_start(db: AsyncDatabase[Document]) -> None:
    keyring = Keyring.from_config(new_key())
    _, project_id, ids = await _world(db, keyring)
    keys = db["participant_keys"]
    written = _indexes(await keys.find({"wrapped": {"$exists": True}}).to_list())
    assert set(written) == set(ids.values())
    # As the version before the index left them: no index anywhere, no marker saying the back-fill ran.
    await keys.update_many({}, {"$unset": {"name_prefixes": ""}})
    await keys.delete_one({"_id": NAMES_MARKER})

    restarted = await _enrolment(db, keyring)

    assert await _found(restarted, project_id, "kowal") == ["Nowak-Kowalska"]
    assert _indexes(await keys.find().to_list()) == written
    # Once: with the marker in place, a later start does not pass over the participants again.
    await keys.update_one({"_id": ids["Testowy"]}, {"$unset": {"name_prefixes": ""}})
    again = await _enrolment(db, keyring)
    assert await _found(again, project_id, "testowy") == []
    assert await keys.count_documents({"_id": NAMES_MARKER}) == 1


async def test_an_index_kept_in_the_participant_document_moves_to_its_key(db: AsyncDatabase[Document]) -> None:
    keyring = Keyring.from_config(new_key())
    _, project_id, _ = await _world(db, keyring)
    keys, people = db["participant_keys"], db["participants"]
    written = _indexes(await keys.find().to_list())
    # As the version before this one left them: the index in the participant documents, the old marker.
    for pid, index in written.items():
        await people.update_one({"_id": pid}, {"$set": {"name_prefixes": index}})
        await keys.update_one({"_id": pid}, {"$unset": {"name_prefixes": ""}})
    await keys.delete_one({"_id": NAMES_MARKER})
    await keys.insert_one({"_id": "names:prefixes-indexed"})

    restarted = await _enrolment(db, keyring)

    assert await _found(restarted, project_id, "nowak") == ["Nowak-Kowalska"]
    assert _indexes(await keys.find().to_list()) == written
    assert _indexes(await people.find().to_list()) == {}


async def test_a_name_or_pesel_narrowed_by_category_status_and_organisation(db: AsyncDatabase[Document]) -> None:
    """A name or PESEL found in the keys, then checked on the participants (by ``_id`` if few, else one pass)."""
    enrolment, project_id, ids = await _world(db, Keyring.from_config(new_key()))
    rng = random.Random(12)
    many = FEW_CANDIDATES + 3
    pesels = []
    for n in range(many):
        make = demo_data.person_with_disability if n < 2 else demo_data.staff_trainee
        who = {**person(rng, 100 + n), "first_name": "Ewa", "last_name": f"Wzorcowa{n}"}
        command = EnrolParticipant.model_validate(make(**who, organisation_id=demo_data.EUDAJMONIA))
        await participants.enrol(enrolment, LEADER, project_id, command)
        pesels.append(who["pesel"])
    await lifecycle.withdraw(enrolment, LEADER, uuid.UUID(ids["Testowy"]), TA_DAY, WithdrawalReason.HEALTH)

    async def found(**criteria: Any) -> int:
        total, rows = await participants.search(enrolment, LEADER, project_id, Search(**criteria), page=1, page_size=5)
        assert len(rows) == min(total, 5)
        return total

    disability, trainee = ParticipantCategory.PERSON_WITH_DISABILITY, ParticipantCategory.STAFF_TRAINEE
    assert await found(name="ewa") == many
    assert await found(name="ewa", category=disability) == 2  # many candidates: one pass
    assert await found(name="ewa", category=trainee) == many - 2
    assert await found(name="jan", status=Status.WITHDRAWN) == 1  # a few: read by _id
    assert await found(name="jan", status=Status.ENROLLED) == 0
    assert await found(name="ewa", organisation_id=demo_data.FRDL) == 0
    assert await found(pesel=pesels[0], category=disability) == 1
    assert await found(pesel=pesels[0], category=trainee) == 0
    assert await found(pesel=pesels[0], name="wzorcowa0") == 1
    assert await found(pesel=pesels[0], name="wzorcowa1") == 0
    assert await found(pesel=pesels[0], organisation_id=demo_data.FRDL) == 0
    assert await found(status=Status.WITHDRAWN) == 1
    assert await found(category=trainee) == many - 2 + len(NAMES)

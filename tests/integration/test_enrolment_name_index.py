"""Enrolment's name search on the real database: the blind index of name beginnings, its filter
(``$all``), its removal at erasure and its one-time back-fill for participants stored before it."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time

from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.clock import FixedClock
from aktywni_shared.contracts.vocabulary import OrganisationKind
from aktywni_shared.messaging.outbox import Outbox
from aktywni_shared.mongo import Document
from aktywni_stack import demo_data
from enrolment.domain.organisations import Organisation
from enrolment.domain.participants import EnrolParticipant
from enrolment.domain.projects import RegisterProject
from enrolment.store.audit import AuditLog
from enrolment.store.completions import SupportCompletions
from enrolment.store.crypto import Keyring, new_key
from enrolment.store.declarations import DeclarationStore
from enrolment.store.imports import ImportSummaries
from enrolment.store.participants import NAMES_MARKER, ParticipantStore
from enrolment.store.projects import ProjectStore
from enrolment.use_cases import Enrolment, organisations, participants, projects
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
    erased = await db["participants"].find_one({"_id": ids["Nowak-Kowalska"]})
    kept = await db["participants"].find_one({"_id": ids["Testowy"]})
    assert erased is not None
    assert "name_prefixes" not in erased
    assert kept is not None
    assert len(kept["name_prefixes"]) == len("jan") + len("testowy")


async def test_participants_stored_before_the_index_get_theirs_once_at_start(db: AsyncDatabase[Document]) -> None:
    keyring = Keyring.from_config(new_key())
    _, project_id, ids = await _world(db, keyring)
    written = {doc["_id"]: doc["name_prefixes"] async for doc in db["participants"].find({}, {"name_prefixes": 1})}
    # As an earlier version left them: no index, and no marker saying the back-fill ran.
    await db["participants"].update_many({}, {"$unset": {"name_prefixes": ""}})
    await db["participant_keys"].delete_one({"_id": NAMES_MARKER})

    restarted = await _enrolment(db, keyring)

    assert await _found(restarted, project_id, "kowal") == ["Nowak-Kowalska"]
    filled = {doc["_id"]: doc["name_prefixes"] async for doc in db["participants"].find({}, {"name_prefixes": 1})}
    assert filled == written
    # Once: with the marker in place, a later start does not pass over the participants again.
    await db["participants"].update_one({"_id": ids["Testowy"]}, {"$unset": {"name_prefixes": ""}})
    again = await _enrolment(db, keyring)
    assert await _found(again, project_id, "testowy") == []
    assert await db["participant_keys"].count_documents({"_id": NAMES_MARKER}) == 1

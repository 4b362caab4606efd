"""Enrolment through HTTP on the real stack: eligibility, duplicates, lifecycle, erasure, declarations, audit."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, ENROLMENT_PROJECTS
from aktywni_stack import demo_data
from aktywni_stack.demo_scheduling import at
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.e2e.test_scheduling_booking import _training
from tests.support.kafka import read_topic
from tests.support.scheduling import coordinator as scheduling_coordinator
from tests.support.scheduling import project_known

ANNA_PESEL = "71030512348"  # demo_data.person_with_disability(): born 1971-03-05, female
ANNA_SECRETS = (ANNA_PESEL, "Anna", "Przykładowa", "ul. Przykładowa", "1971-03-05")
PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
DATABASE = "aktywni_enrolment"


# --- helpers ---------------------------------------------------------------------------------------


def pesel(born: date, sex: str, serial: int = 123) -> str:
    """A PESEL with a valid checksum for ``born`` and ``sex`` ("K" or "M")."""
    month = born.month + {1800: 80, 1900: 0, 2000: 20}[born.year // 100 * 100]
    sex_digit = 4 if sex == "K" else 5
    digits = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial % 1000:03d}{sex_digit}"
    return digits + _control_digit(digits)


def _control_digit(first_ten: str) -> str:
    return str((10 - sum(w * int(d) for w, d in zip(PESEL_WEIGHTS, first_ten, strict=True)) % 10) % 10)


def leader(system: RunningSystem) -> httpx.Client:
    return system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR)


def partner_staff(system: RunningSystem) -> httpx.Client:
    return system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF)


def enrol(client: httpx.Client, project_id: str, body: dict[str, Any]) -> str:
    response = client.post(f"/projects/{project_id}/participants", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["participant_id"])


def new_project(system: RunningSystem) -> str:
    """A second project of the same shape (what the ``project_id`` fixture does)."""
    project = demo_data.ta_project(f"TEST-{uuid.uuid4().hex[:10]}")
    with leader(system) as client:
        response = client.post("/projects", json=project)
    assert response.status_code == 201, response.text
    return str(project["project_id"])


def failures(response: httpx.Response) -> set[tuple[str, ...]]:
    return {tuple(d["loc"]) for d in response.json()["detail"]}


def stays(check: Callable[[], bool], seconds: float = 1.5, interval: float = 0.3) -> bool:
    """``check`` holds now and for the next ``seconds`` (a later duplicate would break it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            return False
        time.sleep(interval)
    return check()


def _envelope(value: bytes | None) -> dict[str, Any] | None:
    try:
        decoded = json.loads(value or b"")
    except ValueError:
        return None  # another test's poison record
    return decoded if isinstance(decoded, dict) and isinstance(decoded.get("payload"), dict) else None


async def _topic_size(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            return 0
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        return sum(ends[p] - starts[p] for p in partitions)
    finally:
        await consumer.stop()


async def events(
    system: RunningSystem, topic: str, matches: Callable[[dict[str, Any]], bool], *, at_least: int, timeout: float = 20
) -> list[tuple[bytes | None, dict[str, Any]]]:
    """(key, envelope) of every record of ``topic`` that ``matches``, once at least ``at_least`` are there."""
    bootstrap = system.infra.kafka_bootstrap_servers
    deadline = time.monotonic() + timeout
    while True:
        records = await read_topic(bootstrap, topic, at_least=await _topic_size(bootstrap, topic))
        mine = [(r.key, e) for r in records if (e := _envelope(r.value)) is not None and matches(e)]
        if len(mine) >= at_least or time.monotonic() > deadline:
            return mine
        await asyncio.sleep(0.3)


async def participant_events(
    system: RunningSystem, participant_id: str, *, at_least: int
) -> list[tuple[bytes | None, dict[str, Any]]]:
    return await events(
        system,
        ENROLMENT_PARTICIPANTS.name,
        lambda e: e["payload"].get("participant_id") == participant_id,
        at_least=at_least,
    )


def types(recorded: list[tuple[bytes | None, dict[str, Any]]]) -> list[str]:
    return [envelope["type"] for _, envelope in recorded]


# --- eligibility -----------------------------------------------------------------------------------


def test_a_candidate_failing_several_rules_is_refused_with_every_failed_rule_and_its_field(
    system: RunningSystem, project_id: str
) -> None:
    teenager = pesel(date(2000, 5, 5), "K")  # 15 at enrolment; the project wants adults
    candidate = demo_data.person_with_disability(
        pesel=teenager, enrolled_on="2016-03-01", social_assistance_client=False
    )
    with leader(system) as client:
        response = client.post(f"/projects/{project_id}/participants", json=candidate)
        listed = client.get(f"/projects/{project_id}/participants").json()

    assert response.status_code == 422, response.text
    detail = {tuple(d["loc"]): d["type"] for d in response.json()["detail"]}
    assert detail == {
        ("body", "enrolled_on"): "eligibility.within_project_period",
        ("body", "birth_date"): "eligibility.min_age",
        ("body", "social_assistance_client"): "eligibility.social_assistance_client",
    }
    assert all(d["msg"] for d in response.json()["detail"]), "each failure says why"
    assert teenager not in response.text
    assert listed["total"] == 0, "a refused candidate is not stored"


def test_an_environment_person_must_be_linked_to_an_active_on_of_the_same_project(
    system: RunningSystem, project_id: str
) -> None:
    other_project = new_project(system)
    url = f"/projects/{project_id}/participants"
    with leader(system) as client:
        on_here = enrol(client, project_id, demo_data.person_with_disability())
        trainee_here = enrol(client, project_id, demo_data.staff_trainee())
        on_elsewhere = enrol(client, other_project, demo_data.person_with_disability())
        on_withdrawn = enrol(client, project_id, demo_data.person_with_disability(pesel=pesel(date(1960, 1, 2), "M")))
        assert client.post(
            f"/participants/{on_withdrawn}/withdrawal", json={"withdrawn_on": "2012-07-01", "reason": "own_decision"}
        ).is_success
        to_trainee = client.post(url, json=demo_data.environment_person(trainee_here))
        to_other_project = client.post(url, json=demo_data.environment_person(on_elsewhere))
        to_nobody = client.post(url, json=demo_data.environment_person(str(uuid.uuid4())))
        to_withdrawn = client.post(url, json=demo_data.environment_person(on_withdrawn))
        to_on = client.post(url, json=demo_data.environment_person(on_here))

    for refused in (to_trainee, to_other_project, to_nobody, to_withdrawn):
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"] == [
            {
                "loc": ["body", "linked_participant_id"],
                "msg": refused.json()["detail"][0]["msg"],
                "type": "eligibility.linked_person",
            }
        ]
    assert "person with a disability" in to_trainee.json()["detail"][0]["msg"]
    assert "this project" in to_other_project.json()["detail"][0]["msg"]
    assert "this project" in to_nobody.json()["detail"][0]["msg"]
    assert "withdrawn" in to_withdrawn.json()["detail"][0]["msg"]
    assert to_on.status_code == 201, to_on.text


def test_a_person_with_a_disability_needs_a_disability_degree(system: RunningSystem, project_id: str) -> None:
    with leader(system) as client:
        response = client.post(
            f"/projects/{project_id}/participants", json=demo_data.person_with_disability(disability_degree=None)
        )

    assert response.status_code == 422, response.text
    assert any("disability_degree" in d["loc"] or "disability_degree" in d["msg"] for d in response.json()["detail"]), (
        f"the answer names disability_degree: {response.text}"
    )


def test_a_sex_that_contradicts_the_pesel_is_refused_without_echoing_the_pesel(
    system: RunningSystem, project_id: str
) -> None:
    with leader(system) as client:
        response = client.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability(sex="M"))

    assert response.status_code == 422, response.text
    assert any("sex" in d["msg"] or d["loc"][-1] == "sex" for d in response.json()["detail"]), response.text
    assert ANNA_PESEL not in response.text


@pytest.mark.parametrize(
    "first_ten",
    [
        pytest.param("7102301234", id="1971-02-30"),
        pytest.param("7102291234", id="1971-02-29 (not a leap year)"),
        pytest.param("0122291234", id="2001-02-29 (not a leap year)"),
        pytest.param("7104311234", id="1971-04-31"),
    ],
)
def test_a_pesel_encoding_a_date_that_does_not_exist_is_refused(
    system: RunningSystem, project_id: str, first_ten: str
) -> None:
    impossible = first_ten + _control_digit(first_ten)
    with leader(system) as client:
        response = client.post(
            f"/projects/{project_id}/participants", json=demo_data.person_with_disability(pesel=impossible)
        )

    assert response.status_code == 422, response.text
    [detail] = response.json()["detail"]
    assert detail["loc"] == ["body", "pesel"]
    assert "birth date" in detail["msg"]
    assert impossible not in response.text


# --- duplicates ------------------------------------------------------------------------------------


def test_the_same_pesel_twice_in_a_project_is_a_conflict_naming_the_organisation_only_to_itself(
    system: RunningSystem, project_id: str
) -> None:
    url = f"/projects/{project_id}/participants"
    with leader(system) as client:
        first = enrol(client, project_id, demo_data.person_with_disability())
        again = client.post(url, json=demo_data.person_with_disability(first_name="Anna Maria"))
    with partner_staff(system) as staff:
        by_partner = staff.post(url, json=demo_data.person_with_disability(organisation_id=demo_data.FRDL))
        trainee = enrol(staff, project_id, demo_data.staff_trainee(pesel=pesel(date(1980, 2, 14), "M")))
        own_again = staff.post(url, json=demo_data.staff_trainee(pesel=pesel(date(1980, 2, 14), "M")))

    assert again.status_code == 409, again.text
    assert demo_data.EUDAJMONIA in again.json()["detail"]
    assert again.json()["existing_participant_id"] == first
    assert by_partner.status_code == 409, by_partner.text
    assert demo_data.EUDAJMONIA not in by_partner.text, "the partner does not learn who enrolled the person"
    assert first not in by_partner.text
    assert "existing_participant_id" not in by_partner.json()
    assert own_again.status_code == 409, own_again.text
    assert demo_data.FRDL in own_again.json()["detail"], "its own earlier enrolment is named to the partner"
    assert own_again.json()["existing_participant_id"] == trainee


def test_the_same_pesel_may_be_enrolled_in_another_project(system: RunningSystem, project_id: str) -> None:
    other_project = new_project(system)
    with leader(system) as client:
        here = enrol(client, project_id, demo_data.person_with_disability())
        there = client.post(f"/projects/{other_project}/participants", json=demo_data.person_with_disability())
        found = client.get(f"/projects/{other_project}/participants", params={"pesel": ANNA_PESEL}).json()

    assert there.status_code == 201, there.text
    assert there.json()["participant_id"] != here
    assert [p["participant_id"] for p in found["items"]] == [there.json()["participant_id"]]


# --- lifecycle -------------------------------------------------------------------------------------


async def test_withdrawal_and_re_enrolment_emit_one_event_each_in_order_and_the_person_counts_once(
    system: RunningSystem, project_id: str
) -> None:
    with leader(system) as client:
        participant_id = enrol(client, project_id, demo_data.person_with_disability())
        withdrawn = client.post(
            f"/participants/{participant_id}/withdrawal", json={"withdrawn_on": "2013-01-15", "reason": "health"}
        )
        twice = client.post(
            f"/participants/{participant_id}/withdrawal", json={"withdrawn_on": "2013-01-20", "reason": "other"}
        )
        back = client.post(f"/participants/{participant_id}/re-enrolment", json={"enrolled_on": "2013-03-01"})
        now = client.get(f"/participants/{participant_id}").json()

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert twice.status_code == 422, twice.text
    assert twice.json()["detail"][0]["loc"] == ["body", "status"]
    assert back.status_code == 200, back.text
    assert now["status"] == "enrolled"
    assert now["enrolled_on"] == "2013-03-01"
    assert [h["status"] for h in now["history"]] == ["enrolled", "withdrawn", "enrolled"]

    recorded = await participant_events(system, participant_id, at_least=3)
    assert types(recorded) == ["ParticipantEnrolled", "ParticipantWithdrawn", "ParticipantEnrolled"]
    assert all(key == participant_id.encode() for key, _ in recorded)
    assert recorded[1][1]["payload"]["reason"] == "health"
    assert recorded[2][1]["payload"]["enrolled_on"] == "2013-03-01"
    assert eventually(lambda: participant_count(system, project_id) == 1)
    assert stays(lambda: participant_count(system, project_id) == 1), "a person counts once"


async def test_changing_the_labour_market_status_emits_one_update_and_a_new_phone_none(
    system: RunningSystem, project_id: str
) -> None:
    new_phone = "+48 600 100 200"
    with leader(system) as client:
        participant_id = enrol(client, project_id, demo_data.person_with_disability())
        phone = client.patch(f"/participants/{participant_id}", json={"phone": new_phone})
        status = client.patch(f"/participants/{participant_id}", json={"labour_market_status": "employed"})
        now = client.get(f"/participants/{participant_id}").json()

    assert phone.status_code == 200, phone.text
    assert status.status_code == 200, status.text
    assert now["personal"]["phone"] == new_phone, "the phone is stored and read back decrypted"
    assert now["profile"]["labour_market_status"] == "employed"
    # Both changes go through the same outbox in order: an event for the phone would come first.
    recorded = await participant_events(system, participant_id, at_least=2)
    assert types(recorded) == ["ParticipantEnrolled", "ParticipantUpdated"]
    assert recorded[1][1]["payload"]["labour_market_status"] == "employed"
    assert new_phone not in json.dumps([envelope for _, envelope in recorded])
    with MongoClient(system.infra.mongodb_uri) as mongo:
        stored = mongo[DATABASE]["participants"].find_one({"_id": participant_id})
    assert stored is not None
    assert new_phone not in json.dumps(stored, default=str), "the phone is encrypted at rest"


# --- erasure ---------------------------------------------------------------------------------------


async def test_erasure_removes_personal_data_and_key_but_the_person_stays_counted(
    system: RunningSystem, project_id: str
) -> None:
    with leader(system) as client:
        participant_id = enrol(client, project_id, demo_data.person_with_disability(phone="+48 700 800 900"))
        assert eventually(lambda: participant_count(system, project_id) == 1)
        erased = client.delete(f"/participants/{participant_id}/personal-data")
        after = client.get(f"/participants/{participant_id}")
        url = f"/projects/{project_id}/participants"
        listed = client.get(url).json()
        by_category = client.get(url, params={"category": after.json()["profile"]["category"]}).json()
        by_status = client.get(url, params={"status": "erased"}).json()

    assert erased.status_code == 204, erased.text
    assert after.status_code == 200, after.text
    assert after.json()["status"] == "erased"
    assert after.json().get("personal") is None
    for found in (listed, by_category, by_status):
        assert [(item["participant_id"], item["status"]) for item in found["items"]] == [(participant_id, "erased")]
        assert "personal" not in found["items"][0] or found["items"][0]["personal"] is None
    for secret in (*ANNA_SECRETS, "700 800 900"):
        assert secret not in after.text
    with MongoClient(system.infra.mongodb_uri) as mongo:
        stored = mongo[DATABASE]["participants"].find_one({"_id": participant_id})
        key = mongo[DATABASE]["participant_keys"].find_one({"_id": participant_id})
    assert stored is not None, "the anonymous record stays"
    assert "pii" not in stored
    assert stored.get("pesel_hash") is None
    raw = json.dumps(stored, default=str, ensure_ascii=False)
    assert "v1:" not in raw, "no ciphertext is left behind"
    for secret in (*ANNA_SECRETS, "700 800 900"):
        assert secret not in raw
    assert key is not None, "the roster entry stays"
    assert not {"key_id", "wrapped"} & set(key), "the data key is shredded"
    recorded = await participant_events(system, participant_id, at_least=2)
    assert types(recorded) == ["ParticipantEnrolled", "ParticipantErased"]
    assert stays(lambda: participant_count(system, project_id) == 1), "anonymous facts stay countable"


# --- declarations ----------------------------------------------------------------------------------


def declaration(kind: str, institution_kind: str, name: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "institution_name": name,
        "institution_kind": institution_kind,
        "declared_on": "2014-06-30",
        "document_reference": f"DEKL/{uuid.uuid4().hex[:6]}/2014",
    }


async def test_declarations_are_recorded_and_each_published_keyed_by_the_project(
    system: RunningSystem, project_id: str
) -> None:
    url = f"/projects/{project_id}/declarations"
    with system.client("enrolment", demo_data.MOPS, Role.COORDINATOR) as mops:
        implement = mops.post(url, json=declaration("implement_model", "social_assistance_centre", "MOPS Wrocław"))
    with leader(system) as client:
        cooperate = client.post(url, json=declaration("cooperate", "ngo", "Stowarzyszenie Razem"))
        by_employer = client.post(url, json=declaration("implement_model", "employer", "Zakład Pracy"))
        listed = client.get(url).json()

    assert implement.status_code == 201, implement.text
    assert cooperate.status_code == 201, cooperate.text
    assert by_employer.status_code == 422, by_employer.text
    assert by_employer.json()["detail"][0]["loc"] == ["body", "institution_kind"]
    declared = {implement.json()["declaration_id"], cooperate.json()["declaration_id"]}
    assert {d["declaration_id"] for d in listed} == declared

    recorded = await events(
        system,
        ENROLMENT_PROJECTS.name,
        lambda e: e["project_id"] == project_id and e["type"] == "DeclarationRecorded",
        at_least=2,
    )
    assert sorted(e["payload"]["declaration_id"] for _, e in recorded) == sorted(declared)
    assert all(key == project_id.encode() for key, _ in recorded)


# --- listing ---------------------------------------------------------------------------------------


def test_the_leader_pages_and_filters_all_participants_and_a_partner_sees_only_its_own(
    system: RunningSystem, project_id: str
) -> None:
    url = f"/projects/{project_id}/participants"
    leaders_people = [pesel(date(1970 + i, 4, 10), "K", serial=100 + i) for i in range(3)]
    with leader(system) as client:
        ons = [enrol(client, project_id, demo_data.person_with_disability(pesel=p)) for p in leaders_people]
        assert client.post(
            f"/participants/{ons[0]}/withdrawal", json={"withdrawn_on": "2013-01-15", "reason": "moved_away"}
        ).is_success
    with partner_staff(system) as staff:
        trainees = [enrol(staff, project_id, demo_data.staff_trainee(first_name=name)) for name in ("Jan", "Olaf")]
        partners_view = staff.get(url).json()
        partner_asks_for_leaders = staff.get(url, params={"organisation_id": demo_data.EUDAJMONIA})
    with leader(system) as client:
        pages = [client.get(url, params={"page": n, "page_size": 2}).json() for n in (1, 2, 3)]
        withdrawn = client.get(url, params={"status": "withdrawn"}).json()
        trainee_rows = client.get(url, params={"category": "staff_trainee"}).json()
        by_pesel = client.get(url, params={"pesel": leaders_people[1]}).json()

    everyone = {*ons, *trainees}
    assert [p["total"] for p in pages] == [5, 5, 5]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    paged = [item["participant_id"] for p in pages for item in p["items"]]
    assert len(paged) == len(set(paged)) == 5
    assert set(paged) == everyone
    assert [p["participant_id"] for p in withdrawn["items"]] == [ons[0]]
    assert withdrawn["total"] == 1
    assert {p["participant_id"] for p in trainee_rows["items"]} == set(trainees)
    assert [p["participant_id"] for p in by_pesel["items"]] == [ons[1]]
    assert by_pesel["items"][0]["personal"]["pesel"] == leaders_people[1]
    assert partners_view["total"] == 2
    assert {p["participant_id"] for p in partners_view["items"]} == set(trainees)
    assert {p["organisation_id"] for p in partners_view["items"]} == {demo_data.FRDL}
    assert partner_asks_for_leaders.status_code == 403


# --- audit -----------------------------------------------------------------------------------------


def test_reading_a_participant_is_audited_without_personal_values(system: RunningSystem, project_id: str) -> None:
    with leader(system) as client:
        participant_id = enrol(client, project_id, demo_data.person_with_disability())
        read = client.get(f"/participants/{participant_id}")

    assert read.status_code == 200, read.text
    assert read.json()["personal"]["pesel"] == ANNA_PESEL
    with MongoClient(system.infra.mongodb_uri) as mongo:
        entries = list(mongo[DATABASE]["audit_log"].find({"participant_ids": participant_id, "action": "read"}))
    assert len(entries) == 1
    [entry] = entries
    assert entry["user"] == f"coordinator@{demo_data.EUDAJMONIA}"
    assert entry["organisation_id"] == demo_data.EUDAJMONIA
    assert entry["project_id"] == project_id
    assert entry["participant_ids"] == [participant_id]
    assert "pesel" in entry["fields"], "the audit names the fields that were read"
    raw = json.dumps(entry, default=str, ensure_ascii=False)
    for secret in ANNA_SECRETS:
        assert secret not in raw, f"{secret} is in the audit log"


def test_the_leader_changes_eligibility_consents_and_target_groups_and_the_next_enrolment_follows_them(
    system: RunningSystem, project_id: str
) -> None:
    not_a_client = demo_data.person_with_disability(social_assistance_client=False)
    looser = {
        "eligibility": {"person_with_disability": {"min_age": 18}, "environment_person": {"min_age": 16}},
        "required_consents": ["processing_for_project"],
    }
    with leader(system) as client:
        before = client.post(f"/projects/{project_id}/participants", json=not_a_client)
        stray = client.patch(f"/projects/{project_id}", json={"target_groups": ["person_with_disability"]})
        changed = client.patch(f"/projects/{project_id}", json=looser)
        after = client.post(f"/projects/{project_id}/participants", json=not_a_client)
        card = client.get(f"/participants/{after.json().get('participant_id')}")
        stricter = client.patch(
            f"/projects/{project_id}", json={"required_consents": ["processing_for_project", "image"]}
        )
        other = demo_data.person_with_disability(pesel=pesel(date(1980, 1, 2), "K"))
        refused = client.post(f"/projects/{project_id}/participants", json=other)
    with partner_staff(system) as client:
        partner = client.patch(f"/projects/{project_id}", json=looser)

    assert before.status_code == 422, before.text
    assert stray.status_code == 422, stray.text
    assert stray.json()["detail"][0]["loc"] == ["body", "eligibility"]
    assert changed.status_code == 200, changed.text
    assert changed.json()["eligibility"]["person_with_disability"]["requires_social_assistance_client"] is False
    assert changed.json()["ends_on"] == "2015-01-31"
    assert after.status_code == 201, after.text
    assert card.json()["consents"] == ["processing_for_project"], "the card names the consents given"
    assert stricter.json()["required_consents"] == ["processing_for_project", "image"]
    assert refused.status_code == 422
    assert ["body", "consent", "scope"] in [d["loc"] for d in refused.json()["detail"]]
    assert partner.status_code == 403


async def test_the_leader_amends_the_period_and_reporting_and_scheduling_follow_it(
    system: RunningSystem, project_id: str
) -> None:
    """ProjectAmended over Kafka: the report shows the new period, scheduling plans within it."""
    assert project_known(system, project_id)
    in_the_new_months = {**at(date(2015, 3, 3), "10:00", 2), "off_site": True}  # a Tuesday after 2015-01-31
    with scheduling_coordinator(system) as planner:
        activity = _training(planner, project_id)
        before = planner.post(f"/activities/{activity}/sessions", json=in_the_new_months)
    with leader(system) as client:
        enrol(client, project_id, demo_data.person_with_disability())  # enrolled on 2012-06-04
        backwards = client.patch(f"/projects/{project_id}", json={"starts_on": "2015-07-01"})
        leaves_out = client.patch(f"/projects/{project_id}", json={"starts_on": "2012-07-01"})
        amended = client.patch(
            f"/projects/{project_id}", json={"title": "Trener Aktywności (aneks)", "ends_on": "2015-06-30"}
        )
        shown = client.get(f"/projects/{project_id}").json()
    with partner_staff(system) as client:
        partner = client.patch(f"/projects/{project_id}", json={"ends_on": "2016-12-31"})

    assert before.status_code == 409, before.text
    assert "conflict.outside_project_period" in {d["type"] for d in before.json()["detail"]}
    assert backwards.status_code == 422, backwards.text
    assert backwards.json()["detail"][0]["loc"] == ["body", "ends_on"]
    assert leaves_out.status_code == 422, leaves_out.text
    assert leaves_out.json()["detail"][0]["loc"] == ["body", "starts_on"]
    assert "enrolled on 2012-06-04" in leaves_out.json()["detail"][0]["msg"]
    assert amended.status_code == 200, amended.text
    assert (shown["title"], shown["starts_on"], shown["ends_on"]) == (
        "Trener Aktywności (aneks)",
        "2012-02-01",
        "2015-06-30",
    )
    assert partner.status_code == 403
    sent = await events(system, ENROLMENT_PROJECTS.name, lambda e: e["project_id"] == project_id, at_least=4)
    assert [e["payload"] for _, e in sent if e["type"] == "ProjectAmended"] == [
        {"title": "Trener Aktywności (aneks)", "starts_on": "2012-02-01", "ends_on": "2015-06-30"}
    ], "one event, only for the change that was taken"

    def report_period() -> tuple[str, str, str] | None:
        with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:
            response = auditor.get(f"/projects/{project_id}/report")
        if response.status_code != 200:
            return None
        body = response.json()
        period = (body["title"], body["starts_on"], body["ends_on"])
        return period if period[2] == "2015-06-30" else None

    assert eventually(report_period, timeout=60) == ("Trener Aktywności (aneks)", "2012-02-01", "2015-06-30")

    def scheduled() -> httpx.Response | None:
        with scheduling_coordinator(system) as planner:
            response = planner.post(f"/activities/{activity}/sessions", json=in_the_new_months)
        return response if response.status_code == 201 else None

    accepted = eventually(scheduled, timeout=60)
    assert accepted is not None, "scheduling plans within the amended period"
    with scheduling_coordinator(system) as planner:
        after_the_end = planner.post(
            f"/activities/{activity}/sessions", json={**at(date(2015, 7, 7), "10:00", 2), "off_site": True}
        )
    assert after_the_end.status_code == 409, after_the_end.text
    assert "conflict.outside_project_period" in {d["type"] for d in after_the_end.json()["detail"]}


def test_an_edit_on_a_revision_changed_since_is_refused_and_leaves_the_other_change(
    system: RunningSystem, project_id: str
) -> None:
    """Two coordinators edit one project: the second, made on what they read before the first landed, gets 412."""
    with leader(system) as client:
        read = client.get(f"/projects/{project_id}")
        tag = read.headers["ETag"]
        first = client.patch(
            f"/projects/{project_id}",
            json={"required_consents": ["processing_for_project", "image"]},
            headers={"If-Match": tag},
        )
        second = client.patch(f"/projects/{project_id}", json={"title": "Nadpisany tytuł"}, headers={"If-Match": tag})
        weak = client.patch(
            f"/projects/{project_id}",
            json={"title": "Tytuł po aneksie"},
            headers={"If-Match": f"W/{first.headers['ETag']}"},
        )
        unreadable = client.patch(f"/projects/{project_id}", json={"title": "X"}, headers={"If-Match": '"abc"'})
        blind = client.patch(f"/projects/{project_id}", json={"title": "Bez nagłówka"})
        shown = client.get(f"/projects/{project_id}")

    assert read.status_code == 200
    assert tag == f'"{read.json()["revision"]}"'
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == f'"{read.json()["revision"] + 1}"'
    assert second.status_code == 412, second.text
    assert second.json()["detail"][0]["loc"] == ["header", "If-Match"]
    assert weak.status_code == 200, weak.text
    assert unreadable.status_code == 412
    assert blind.status_code == 200, "without If-Match the change is applied to the project as it is"
    body = shown.json()
    assert body["required_consents"] == ["processing_for_project", "image"], "the first change is kept"
    assert body["title"] == "Bez nagłówka"
    assert shown.headers["ETag"] == f'"{read.json()["revision"] + 3}"'

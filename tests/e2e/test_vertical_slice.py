"""HTTP → enrolment → outbox → Kafka → scheduling and reporting, all real processes."""

from __future__ import annotations

import json

import httpx
from pymongo import MongoClient

from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, dead_letter
from tests.e2e.conftest import RunningSystem, eventually, participant_body, participant_count
from tests.support.kafka import read_topic

VALID_PESEL = "85021478968"  # born 1985-02-14, female (10th digit even)


async def test_an_enrolled_participant_reaches_scheduling_and_reporting(system: RunningSystem, project_id: str) -> None:
    response = httpx.post(
        f"{system.url('enrolment')}/projects/{project_id}/participants",
        json=participant_body(pesel=VALID_PESEL, birth_date=None, sex=None),
        timeout=10,
    )

    assert response.status_code == 201, response.text
    participant_id = response.json()["participant_id"]
    assert eventually(lambda: participant_count(system, project_id) == 1)
    report = httpx.get(f"{system.url('reporting')}/projects/{project_id}/participants/count", timeout=5).json()
    assert report["by_sex"] == {"K": 1}
    assert report["by_category"] == {"client_at_risk": 1}
    bookable = httpx.get(f"{system.url('scheduling')}/projects/{project_id}/participants", timeout=5).json()
    assert [p["participant_id"] for p in bookable] == [participant_id]

    records = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=1)
    mine = [r for r in records if json.loads(r.value)["project_id"] == project_id]
    assert len(mine) == 1
    assert mine[0].key == participant_id.encode()
    for secret in (VALID_PESEL, "Kowalczyk", "Zofia", "Strzegomska", "600 100 200", "1985-02-14"):
        assert secret.encode() not in mine[0].value, f"{secret} leaked into an event"

    with MongoClient(system.infra.mongodb_uri) as client:
        stored = client["aktywni_enrolment"]["participants"].find_one({"_id": participant_id})
    assert stored is not None
    raw = json.dumps(stored, default=str)
    for secret in (VALID_PESEL, "Kowalczyk", "Zofia", "Strzegomska", "600 100 200"):
        assert secret not in raw, f"{secret} stored in clear text"
    assert stored["outbox"] == [], "the relay emptied the outbox"


async def test_invalid_participant_is_refused_naming_the_field_and_leaves_nothing_behind(
    system: RunningSystem, project_id: str
) -> None:
    url = f"{system.url('enrolment')}/projects/{project_id}/participants"
    bad_pesel = httpx.post(url, json=participant_body(pesel="85021478969"), timeout=10)
    no_consent = httpx.post(url, json={**participant_body(), "consent": None}, timeout=10)
    not_json = httpx.post(url, content=b"{not json", headers={"Content-Type": "application/json"}, timeout=10)

    assert bad_pesel.status_code == 422
    assert bad_pesel.json()["detail"][0]["loc"] == ["body", "pesel"]
    assert "checksum" in bad_pesel.json()["detail"][0]["msg"]
    assert "85021478969" not in bad_pesel.text, "the submitted PESEL is not echoed back"
    assert no_consent.status_code == 422
    assert no_consent.json()["detail"][0]["loc"] == ["body", "consent"]
    assert not_json.status_code == 422

    # A valid enrolment afterwards shows the pipeline is live; the refused ones never reached it.
    assert httpx.post(url, json=participant_body(), timeout=10).status_code == 201
    assert eventually(lambda: participant_count(system, project_id) == 1)
    with MongoClient(system.infra.mongodb_uri) as client:
        assert client["aktywni_enrolment"]["participants"].count_documents({"project_id": project_id}) == 1
    records = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=1)
    assert sum(json.loads(r.value)["project_id"] == project_id for r in records) == 1


def test_the_same_pesel_twice_in_one_project_is_a_conflict(system: RunningSystem, project_id: str) -> None:
    url = f"{system.url('enrolment')}/projects/{project_id}/participants"
    first = httpx.post(url, json=participant_body(pesel=VALID_PESEL, birth_date=None, sex=None), timeout=10)
    other_org = httpx.post(
        url, json=participant_body("fundacja-eudajmonia", pesel=VALID_PESEL, birth_date=None, sex=None), timeout=10
    )
    same_org = httpx.post(url, json=participant_body(pesel=VALID_PESEL, birth_date=None, sex=None), timeout=10)

    assert first.status_code == 201
    assert other_org.status_code == 409
    assert "mops-wroclaw" not in other_org.text, "another organisation's enrolment is not revealed"
    assert same_org.status_code == 409
    assert "mops-wroclaw" in same_org.text


async def test_a_poison_record_is_dead_lettered_and_the_consumers_go_on(system: RunningSystem, project_id: str) -> None:
    from aiokafka import AIOKafkaProducer

    poison = f"poison for {project_id}".encode()
    producer = AIOKafkaProducer(bootstrap_servers=system.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(ENROLMENT_PARTICIPANTS.name, poison, key=b"poison")
    finally:
        await producer.stop()

    url = f"{system.url('enrolment')}/projects/{project_id}/participants"
    assert httpx.post(url, json=participant_body(), timeout=10).status_code == 201
    assert eventually(lambda: participant_count(system, project_id) == 1)
    for consumer in ("reporting", "scheduling"):
        dead = await read_topic(system.infra.kafka_bootstrap_servers, dead_letter(consumer).name, at_least=1)
        mine = [d for d in dead if d.value == poison]
        assert len(mine) == 1, f"{consumer} dead-lettered the poison record once"
        headers = dict(mine[0].headers)
        assert headers["dlq_reason"].startswith(b"not JSON")
        assert headers["source_topic"] == ENROLMENT_PARTICIPANTS.name.encode()


def test_every_service_reports_health_readiness_and_its_contracts(system: RunningSystem) -> None:
    for name in system.services:
        base = system.url(name)
        assert httpx.get(f"{base}/health", timeout=5).json()["status"] == "ok"
        ready = httpx.get(f"{base}/ready", timeout=5)
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"kafka": True, "database": True}
        openapi = httpx.get(f"{base}/openapi.json", timeout=5).json()
        assert "/health" in openapi["paths"]
        asyncapi = httpx.get(f"{base}/asyncapi.json", timeout=5).json()
        assert asyncapi["asyncapi"].startswith("3.")
        assert asyncapi["channels"], f"{name} documents its channels"

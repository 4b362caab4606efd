"""HTTP → enrolment → outbox → Kafka → scheduling and reporting, all real processes."""

from __future__ import annotations

import json

from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, dead_letter
from aktywni_stack import demo_data
from aktywni_stack.services import SERVICES
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.support.kafka import envelope_of, events_of, read_topic

PESEL = "71030512348"  # born 1971-03-05, female (10th digit even)
SECRETS = (PESEL, "Przykładowa", "Anna", "ul. Przykładowa", "1971-03-05")


async def test_an_enrolled_participant_reaches_scheduling_and_reporting(system: RunningSystem, project_id: str) -> None:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability())

    assert response.status_code == 201, response.text
    participant_id = response.json()["participant_id"]
    assert eventually(lambda: participant_count(system, project_id) == 1)
    with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:
        report = auditor.get(f"/projects/{project_id}/participants/count").json()
    assert report["by_sex"] == {"K": 1}
    assert report["by_category"] == {"person_with_disability": 1}
    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as scheduler:
        bookable = eventually(lambda: scheduler.get(f"/projects/{project_id}/participants").json())
    assert [p["participant_id"] for p in bookable] == [participant_id]

    records = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=1)
    mine = [r for r in records if (e := envelope_of(r)) is not None and e["project_id"] == project_id]
    assert len(mine) == 1
    assert mine[0].key == participant_id.encode()
    for secret in SECRETS:
        assert secret.encode() not in mine[0].value, f"{secret} leaked into an event"

    with MongoClient(system.infra.mongodb_uri) as client:
        stored = client["aktywni_enrolment"]["participants"].find_one({"_id": participant_id})
    assert stored is not None
    raw = json.dumps(stored, default=str, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in raw, f"{secret} stored in clear text"
    assert set(stored["pii"]) >= {"first_name", "last_name", "pesel", "birth_date", "residence", "sensitive"}
    assert all(token.startswith("v1:") for token in stored["pii"].values())
    assert stored["outbox"] == [], "the relay emptied the outbox"


async def test_invalid_participant_is_refused_naming_the_field_and_leaves_nothing_behind(
    system: RunningSystem, project_id: str
) -> None:
    url = f"/projects/{project_id}/participants"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        bad_pesel = leader.post(url, json=demo_data.person_with_disability(pesel="71030512349"))
        no_consent = leader.post(url, json={**demo_data.person_with_disability(), "consent": None})
        not_json = leader.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
        unknown_field = leader.post(url, json={**demo_data.person_with_disability(), "nickname": "Ania"})
        assert leader.post(url, json=demo_data.person_with_disability()).status_code == 201

    assert bad_pesel.status_code == 422
    assert bad_pesel.json()["detail"][0]["loc"] == ["body", "pesel"]
    assert "checksum" in bad_pesel.json()["detail"][0]["msg"]
    assert "71030512349" not in bad_pesel.text, "the submitted PESEL is not echoed back"
    assert no_consent.status_code == 422
    assert no_consent.json()["detail"][0]["loc"] == ["body", "consent"]
    assert not_json.status_code == 422
    assert unknown_field.status_code == 422
    assert unknown_field.json()["detail"][0]["loc"] == ["body", "nickname"]
    # The valid enrolment afterwards shows the pipeline is live; the refused ones never reached it.
    assert eventually(lambda: participant_count(system, project_id) == 1)
    with MongoClient(system.infra.mongodb_uri) as client:
        assert client["aktywni_enrolment"]["participants"].count_documents({"project_id": project_id}) == 1
    records = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=1)
    assert len(events_of(records, project_id)) == 1


async def test_a_poison_record_is_dead_lettered_and_the_consumers_go_on(system: RunningSystem, project_id: str) -> None:
    from aiokafka import AIOKafkaProducer

    poison = f"poison for {project_id}".encode()
    producer = AIOKafkaProducer(bootstrap_servers=system.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(ENROLMENT_PARTICIPANTS.name, poison, key=b"poison")
    finally:
        await producer.stop()

    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability())
    assert response.status_code == 201, response.text
    assert eventually(lambda: participant_count(system, project_id) == 1)
    for consumer in ("reporting", "scheduling"):
        dead = await read_topic(system.infra.kafka_bootstrap_servers, dead_letter(consumer).name, at_least=1)
        mine = [d for d in dead if d.value == poison]
        assert len(mine) == 1, f"{consumer} dead-lettered the poison record once"
        headers = dict(mine[0].headers)
        assert headers["dlq_reason"].startswith(b"not JSON")
        assert headers["source_topic"] == ENROLMENT_PARTICIPANTS.name.encode()


def test_every_service_reports_health_readiness_and_its_contracts(system: RunningSystem) -> None:
    for name in SERVICES:  # the three that hold data and speak Kafka (the web application holds neither)
        with system.client(name, demo_data.MOPS, Role.AUDITOR) as client:
            assert client.get("/health").json()["status"] == "ok"
            ready = client.get("/ready")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {"kafka": True, "database": True}
            openapi = client.get("/openapi.json").json()
            assert "/health" in openapi["paths"]
            asyncapi = client.get("/asyncapi.json").json()
        assert asyncapi["asyncapi"].startswith("3.")
        assert asyncapi["channels"], f"{name} documents its channels"

"""Kafka down while people are being enrolled: nothing is lost, nothing is published twice."""

from __future__ import annotations

import httpx
import pytest
from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.support.kafka import envelope_of, read_topic


def _all_ready(system: RunningSystem) -> bool:
    return all(httpx.get(f"{s.url}/ready", timeout=5).status_code == 200 for s in system.services.values())


async def test_enrolments_made_while_kafka_is_down_are_published_once_it_is_back(
    system: RunningSystem, project_id: str
) -> None:
    stack = system.infra.embedded
    if stack is None:
        pytest.skip(f"stopping the broker needs the embedded stack; this run uses {system.infra.source}")
    url = f"/projects/{project_id}/participants"
    people = [demo_data.staff_trainee(first_name=name) for name in ("Ewa", "Olga", "Igor")]

    stack.kafka.stop()
    try:
        with system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF) as staff:
            accepted = [staff.post(url, json=person) for person in people]
        assert [r.status_code for r in accepted] == [201, 201, 201], [r.text for r in accepted]
        ids = {r.json()["participant_id"] for r in accepted}
        with MongoClient(system.infra.mongodb_uri) as client:
            pending = client["aktywni_enrolment"]["participants"].count_documents(
                {"project_id": project_id, "outbox.0": {"$exists": True}}
            )
        assert pending == 3, "stored with their events waiting in the outbox"
        assert participant_count(system, project_id) == 0
    finally:
        stack.kafka.start()

    assert eventually(lambda: participant_count(system, project_id) == 3, timeout=60)
    records = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=3)
    published = [e["payload"].get("participant_id") for r in records if (e := envelope_of(r)) is not None]
    mine = [p for p in published if p in ids]
    assert sorted(mine) == sorted(ids), "each enrolment published exactly once"
    assert eventually(lambda: _all_ready(system), timeout=60), "every service is ready again"

"""A participant's path completes by their category's rule, set per project, not at the first completed activity.

Scheduling's ``SupportCompleted`` facts are published to its real topic here (each activity once, and
again as a redelivery would), so that enrolment's counting is tested over Kafka; the rule is set and
refused over enrolment's HTTP API.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_shared.contracts import Envelope, encode
from aktywni_shared.contracts.events import SupportCompletedV1, SupportStartedV1
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, SCHEDULING_ATTENDANCE
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem, eventually
from tests.support.kafka import read_topic
from tests.support.people import pesel

ON_RULE = {"training": 1, "individual_meeting": 2, "educational_trip": 1}
ENROLMENT_DATABASE = "aktywni_enrolment"


@pytest.fixture
def ruled_project(system: RunningSystem) -> str:
    """A TA-shaped project whose ON complete with 1 training, 2 individual meetings and 1 trip."""
    project = demo_data.ta_project(f"PATH-{uuid.uuid4().hex[:10]}") | {
        "path_completion": {"person_with_disability": ON_RULE}
    }
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post("/projects", json=project)
    assert response.status_code == 201, response.text
    assert response.json()["path_completion"] == {"person_with_disability": ON_RULE}
    return str(project["project_id"])


@pytest.fixture
def completions(system: RunningSystem) -> Iterator[Any]:
    client: MongoClient[dict[str, Any]] = MongoClient(system.infra.mongodb_uri, serverSelectionTimeoutMS=10_000)
    try:
        yield client[ENROLMENT_DATABASE]["support_completions"]
    finally:
        client.close()


def _fact(
    kind: type[SupportStartedV1 | SupportCompletedV1], pid: str, project_id: str, form: str, activity: int
) -> Envelope:
    facts: dict[str, Any] = {
        "participant_id": pid,
        "activity_id": str(uuid.UUID(int=activity)),
        "form": form,
        "category": "person_with_disability",
        "sex": "K",
        "birth_year": 1978,
        "disability_degree": "moderate",
    }
    payload: SupportStartedV1 | SupportCompletedV1
    if kind is SupportStartedV1:
        payload = SupportStartedV1(**facts, started_on=date(2012, 6, 12))
    else:
        payload = SupportCompletedV1(**facts, completed_on=date(2012, 6, 10 + activity), hours_attended=2)
    return Envelope.wrap(payload, producer="scheduling", organisation_id=demo_data.EUDAJMONIA, project_id=project_id)


async def _publish(system: RunningSystem, *envelopes: Envelope) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        for envelope in envelopes:
            key = str(envelope.payload["participant_id"]).encode()
            await producer.send_and_wait(SCHEDULING_ATTENDANCE.name, encode(envelope), key=key)
    finally:
        await producer.stop()


def _enrol(system: RunningSystem, project_id: str, serial: int) -> str:
    body = demo_data.person_with_disability(pesel=pesel(date(1978, 3, 14), serial, female=True))
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        enrolled = leader.post(f"/projects/{project_id}/participants", json=body)
    assert enrolled.status_code == 201, enrolled.text
    return str(enrolled.json()["participant_id"])


def _status(system: RunningSystem, pid: str) -> str:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        return str(leader.get(f"/participants/{pid}").json()["status"])


def _counted(completions: Any, pid: str, activities: int) -> bool:
    doc = completions.find_one({"_id": pid})
    return doc is not None and len(doc.get("activities", {})) == activities


async def test_an_on_with_one_completed_individual_meeting_stays_active_and_can_withdraw(
    system: RunningSystem, ruled_project: str, completions: Any
) -> None:
    pid = _enrol(system, ruled_project, 61)
    started = _fact(SupportStartedV1, pid, ruled_project, "individual_meeting", 1)
    meeting = _fact(SupportCompletedV1, pid, ruled_project, "individual_meeting", 1)
    workshop = _fact(SupportCompletedV1, pid, ruled_project, "workshop", 2)
    await _publish(system, started, meeting, meeting, workshop)

    # The workshop counted means the meetings before it on the participant's partition were handled.
    assert eventually(lambda: _counted(completions, pid, 2)), "enrolment counted the meeting once"
    assert _status(system, pid) == "active", "one meeting is not the ON's whole path"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        withdrawn = leader.post(
            f"/participants/{pid}/withdrawal", json={"withdrawn_on": "2012-06-20", "reason": "own_decision"}
        )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"


async def test_an_on_meeting_the_rule_is_completed_once_whatever_is_delivered_twice(
    system: RunningSystem, ruled_project: str, completions: Any
) -> None:
    pid = _enrol(system, ruled_project, 62)
    training = _fact(SupportCompletedV1, pid, ruled_project, "training", 1)
    meeting = _fact(SupportCompletedV1, pid, ruled_project, "individual_meeting", 2)
    trip = _fact(SupportCompletedV1, pid, ruled_project, "educational_trip", 3)
    second_meeting = _fact(SupportCompletedV1, pid, ruled_project, "individual_meeting", 4)
    workshop = _fact(SupportCompletedV1, pid, ruled_project, "workshop", 5)
    started = _fact(SupportStartedV1, pid, ruled_project, "training", 1)
    await _publish(system, started, training, meeting, meeting, trip, workshop)

    assert eventually(lambda: _counted(completions, pid, 4)), "the workshop after them counted: all were handled"
    assert _status(system, pid) == "active", "the same meeting delivered twice is one meeting"

    await _publish(system, second_meeting, second_meeting, training, meeting, trip)
    assert eventually(lambda: _status(system, pid) == "completed")
    await _publish(system, second_meeting, workshop)  # a replay after completion changes nothing
    assert eventually(lambda: _counted(completions, pid, 5))

    records = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=1)
    mine = [json.loads(r.value) for r in records if r.key == pid.encode()]
    done = [e for e in mine if e["type"] == "ParticipantCompleted"]
    assert len(done) == 1, [e["type"] for e in mine]
    assert done[0]["payload"]["activity_id"] == str(uuid.UUID(int=4))
    assert done[0]["payload"]["completed_on"] == "2012-06-14"

    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as scheduler:
        assert eventually(
            lambda: (
                {
                    p["participant_id"]: p["status"]
                    for p in scheduler.get(f"/projects/{ruled_project}/participants").json()
                }.get(pid)
                == "completed"
            )
        ), "scheduling learned the completion: the participant is booked into no new session"


async def test_a_category_without_a_rule_stays_active_until_a_coordinator_closes_the_path(
    system: RunningSystem, project_id: str, completions: Any
) -> None:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert leader.patch(f"/projects/{project_id}", json={"path_completion": {}}).status_code == 200
    pid = _enrol(system, project_id, 63)
    started = _fact(SupportStartedV1, pid, project_id, "individual_meeting", 1)
    forms = ["individual_meeting", "training", "educational_trip", "workshop"]
    done = [_fact(SupportCompletedV1, pid, project_id, form, n) for n, form in enumerate(forms, start=1)]
    await _publish(system, started, *done)

    assert eventually(lambda: _counted(completions, pid, len(forms))), "enrolment noted every activity"
    assert _status(system, pid) == "active", "no rule: no number of completed activities closes the path"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        closed = leader.post(f"/participants/{pid}/completion", json={"completed_on": "2012-06-20"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "completed"


def test_the_rule_is_changed_by_the_leader_and_a_wrong_one_is_refused_naming_its_field(
    system: RunningSystem, project_id: str
) -> None:
    wrong_create = demo_data.ta_project(f"PATH-{uuid.uuid4().hex[:10]}") | {
        "path_completion": {"person_with_disability": {"individual_meeting": 0}}
    }
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        refused = leader.post("/projects", json=wrong_create)
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"][0]["loc"] == [
            "body",
            "path_completion",
            "person_with_disability",
            "individual_meeting",
        ]
        assert leader.get(f"/projects/{wrong_create['project_id']}").status_code == 404, "nothing written"

        stray = leader.patch(f"/projects/{project_id}", json={"path_completion": {"nobody": {"training": 1}}})
        assert stray.status_code == 422, stray.text
        assert stray.json()["detail"][0]["loc"][:2] == ["body", "path_completion"]
        unknown = leader.patch(f"/projects/{project_id}", json={"path_completion": {"client_at_risk": {"training": 1}}})
        assert unknown.status_code == 422, unknown.text
        assert unknown.json()["detail"][0]["loc"] == ["body", "path_completion"]
        assert "client_at_risk" in unknown.json()["detail"][0]["msg"]
        demo_rule = demo_data.ta_project()["path_completion"]
        assert leader.get(f"/projects/{project_id}").json()["path_completion"] == demo_rule, "nothing half-written"

        changed = leader.patch(f"/projects/{project_id}", json={"path_completion": {"person_with_disability": ON_RULE}})
        assert changed.status_code == 200, changed.text
        assert leader.get(f"/projects/{project_id}").json()["path_completion"] == {"person_with_disability": ON_RULE}

        schema = leader.get("/openapi.json").json()["components"]["schemas"]
        assert "path_completion" in schema["RegisterProject"]["properties"]
        assert "path_completion" in schema["UpdateProject"]["properties"]
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.PARTNER_STAFF) as staff:
        assert staff.patch(f"/projects/{project_id}", json={"path_completion": {}}).status_code == 403

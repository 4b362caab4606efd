"""A participant's whole path through the real services: candidate → qualified → enrolled → active → completed.

Scheduling's support facts are published to its real topic here (as scheduling does after the first
attendance and after a completion), so that enrolment's reaction is tested on its own.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from aiokafka import AIOKafkaProducer

from aktywni_shared.auth import Role
from aktywni_shared.contracts import Envelope, encode
from aktywni_shared.contracts.events import SupportCompletedV1, SupportStartedV1
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, SCHEDULING_ATTENDANCE, dead_letter
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem, eventually
from tests.support.kafka import read_topic
from tests.support.people import pesel


def _support(kind: type[SupportStartedV1 | SupportCompletedV1], participant_id: str, project_id: str) -> Envelope:
    facts: dict[str, Any] = {
        "participant_id": participant_id,
        "activity_id": str(uuid.UUID(int=7)),
        "form": "training",
        "category": "person_with_disability",
        "sex": "M",
        "birth_year": 1975,
        "disability_degree": "light",
    }
    if kind is SupportStartedV1:
        payload: SupportStartedV1 | SupportCompletedV1 = SupportStartedV1(**facts, started_on=date(2012, 6, 12))
    else:
        payload = SupportCompletedV1(**facts, completed_on=date(2012, 9, 28), hours_attended=20)
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


def _status(system: RunningSystem, participant_id: str) -> str:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        return str(leader.get(f"/participants/{participant_id}").json()["status"])


async def test_candidate_is_qualified_enrolled_activated_and_completed_with_one_event_each(
    system: RunningSystem, project_id: str
) -> None:
    identity = pesel(date(1975, 4, 2), 41, female=False)
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        rule = {"path_completion": {"person_with_disability": {"training": 1}}}  # the one training completes
        assert leader.patch(f"/projects/{project_id}", json=rule).status_code == 200
        registered = leader.post(
            f"/projects/{project_id}/candidates",
            json=demo_data.person_with_disability(pesel=identity, first_name="Kandydat", enrolled_on="2012-05-21"),
        )
        assert registered.status_code == 201, registered.text
        pid = registered.json()["participant_id"]
        assert registered.json()["status"] == "candidate"
        assert registered.json()["eligibility"] == []
        again = leader.post(f"/projects/{project_id}/candidates", json=demo_data.person_with_disability(pesel=identity))
        assert again.status_code == 409, "a person is a candidate once per project"

        not_yet = leader.post(f"/participants/{pid}/enrolment", json={"enrolled_on": "2012-06-04"})
        assert not_yet.status_code == 422, not_yet.text
        assert not_yet.json()["detail"][0]["loc"] == ["body", "status"]
        qualified = leader.post(f"/participants/{pid}/qualification", json={"qualified_on": "2012-05-28"})
        assert qualified.status_code == 200, qualified.text
        enrolled = leader.post(f"/participants/{pid}/enrolment", json={"enrolled_on": "2012-06-04"})
        assert enrolled.status_code == 200, enrolled.text
        assert enrolled.json()["status"] == "enrolled"
        assert [h["status"] for h in enrolled.json()["history"]] == ["candidate", "qualified", "enrolled"]

    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as scheduler:
        assert eventually(
            lambda: pid in {p["participant_id"] for p in scheduler.get(f"/projects/{project_id}/participants").json()}
        )

    started = _support(SupportStartedV1, pid, project_id)
    await _publish(system, started, started)  # a redelivery, as at-least-once allows
    assert eventually(lambda: _status(system, pid) == "active")
    completed = _support(SupportCompletedV1, pid, project_id)
    await _publish(system, completed, completed)
    assert eventually(lambda: _status(system, pid) == "completed")

    records = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=5)
    mine = [json.loads(r.value)["type"] for r in records if r.key == pid.encode()]
    assert mine == [
        "CandidateRegistered",
        "CandidateQualified",
        "ParticipantEnrolled",
        "ParticipantActivated",
        "ParticipantCompleted",
    ], "every transition once, in order, duplicates of scheduling's facts changing nothing"


async def test_a_candidate_failing_the_rules_is_not_qualified_and_every_failed_rule_is_named(
    system: RunningSystem, project_id: str
) -> None:
    body = demo_data.person_with_disability(
        pesel=pesel(date(1977, 8, 9), 42, female=True), social_assistance_client=False, enrolled_on="2012-05-21"
    )
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        registered = leader.post(f"/projects/{project_id}/candidates", json=body)
        assert registered.status_code == 201, registered.text
        assert [f["rule"] for f in registered.json()["eligibility"]] == ["social_assistance_client"]
        pid = registered.json()["participant_id"]

        refused = leader.post(f"/participants/{pid}/qualification", json={"qualified_on": "2012-05-28"})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "social_assistance_client"]
        assert refused.json()["detail"][0]["type"] == "eligibility.social_assistance_client"
        assert leader.get(f"/participants/{pid}").json()["status"] == "candidate", "nothing half-written"

        withdrawn = leader.post(
            f"/participants/{pid}/withdrawal", json={"withdrawn_on": "2012-05-29", "reason": "not_eligible"}
        )
        assert withdrawn.status_code == 200, withdrawn.text


async def test_a_partner_may_not_close_a_path_and_a_stranger_cannot_see_it(
    system: RunningSystem, project_id: str
) -> None:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        enrolled = leader.post(
            f"/projects/{project_id}/participants",
            json=demo_data.person_with_disability(pesel=pesel(date(1979, 1, 3), 43, female=True)),
        )
        pid = enrolled.json()["participant_id"]
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.PARTNER_STAFF) as staff:
        assert staff.post(f"/participants/{pid}/completion", json={"completed_on": "2012-09-01"}).status_code == 403
    with system.client("enrolment", "stowarzyszenie-obce", Role.COORDINATOR) as stranger:
        hidden = stranger.post(f"/participants/{pid}/completion", json={"completed_on": "2012-09-01"})
        assert hidden.status_code == 404
        assert pid not in hidden.text or "not found" in hidden.text
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        closed = leader.post(f"/participants/{pid}/completion", json={"completed_on": "2012-09-01"})
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "completed"


async def test_support_for_a_participant_enrolment_does_not_know_is_dead_lettered_with_the_reason(
    system: RunningSystem, project_id: str
) -> None:
    stranger = str(uuid.uuid4())
    await _publish(system, _support(SupportStartedV1, stranger, project_id))

    records = await read_topic(system.infra.kafka_bootstrap_servers, dead_letter("enrolment").name, at_least=1)
    mine = [r for r in records if r.key == stranger.encode()]
    assert len(mine) == 1
    reason = dict(mine[0].headers)["dlq_reason"].decode()
    assert "SupportStarted" in reason
    assert "not known to enrolment" in reason

"""Bookings on the real stack: never overbooked under racing requests, the waitlist moves up first come
first served, a withdrawal cancels bookings, enrolment's events are applied once and in their order."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

import httpx
from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ParticipantEnrolledV2, ParticipantWithdrawnV1
from aktywni_shared.contracts.registry import encode
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_shared.contracts.vocabulary import ParticipantCategory, Sex, WithdrawalReason
from aktywni_stack import demo_data
from aktywni_stack.demo_scheduling import at
from tests.e2e.conftest import RunningSystem, eventually
from tests.support.scheduling import coordinator, enrol, known_to_scheduling, people, project_known

RACERS = 60
SEATS = 10


def _venue(capacity: int = 80) -> dict[str, Any]:
    """A venue of the test's own (rooms are shared by every test in the session otherwise)."""
    return {
        "venue_id": f"test-{uuid.uuid4().hex[:8]}",
        "name": "Sala testowa",
        "address": {"street": "ul. Testowa 1", "postal_code": "50-001", "city": "Wrocław"},
        "step_free_entrance": True,
        "lift": False,
        "rooms": [
            {"room_id": "duza", "name": "Duża sala", "capacity": capacity, "floor": 0},
            {"room_id": "gora", "name": "Sala na piętrze", "capacity": 10, "floor": 2},
        ],
        "opening_hours": {d: [{"opens": "08:00", "closes": "18:00"}] for d in ("mon", "tue", "wed", "thu", "fri")},
    }


def _training(client: httpx.Client, project_id: str, **changes: Any) -> str:
    body = {
        "form": "workshop",
        "title": "Warsztaty aktywizacyjne",
        "target_categories": ["person_with_disability"],
        "planned_hours": 2,
        "capacity": 100,
        **changes,
    }
    response = client.post(f"/projects/{project_id}/activities", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["activity_id"])


def _session(client: httpx.Client, activity_id: str, venue_id: str, day: date, capacity: int, **more: Any) -> str:
    body = {**at(day, "10:00", 2), "venue_id": venue_id, "room_id": "duza", "capacity": capacity, **more}
    response = client.post(f"/activities/{activity_id}/sessions", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])


def _book(client: httpx.Client, session_id: str, participant_id: str) -> httpx.Response:
    return client.post(f"/sessions/{session_id}/bookings", json={"participant_id": participant_id})


def test_racing_requests_for_the_last_seats_never_overbook(system: RunningSystem, project_id: str) -> None:
    racers = enrol(system, project_id, people("on", RACERS, seed=21))
    assert project_known(system, project_id)
    with coordinator(system) as client:
        venue = _venue()
        assert client.post("/venues", json=venue).status_code == 201
        session_id = _session(client, _training(client, project_id), venue["venue_id"], date(2012, 11, 5), SEATS)
        assert known_to_scheduling(system, project_id, racers)
        with ThreadPoolExecutor(RACERS) as pool:
            answers = list(pool.map(lambda pid: _book(client, session_id, pid), racers))
        session = client.get(f"/sessions/{session_id}").json()

    assert {a.status_code for a in answers} == {201}, [a.text for a in answers if a.status_code != 201][:3]
    states = [a.json()["state"] for a in answers]
    overbooked = max(0, states.count("confirmed") - SEATS)
    print(
        f"\n[race] {RACERS} requests for {SEATS} seats: {states.count('confirmed')} confirmed, "
        f"{states.count('waitlisted')} waitlisted, {overbooked} overbookings"
    )
    assert states.count("confirmed") == SEATS
    assert states.count("waitlisted") == RACERS - SEATS
    assert (session["confirmed"], session["waitlisted"], session["free"]) == (SEATS, RACERS - SEATS, 0)
    with MongoClient(system.infra.mongodb_uri) as mongo:
        stored = mongo["aktywni_scheduling"]["sessions"].find_one({"_id": session_id})
    assert stored is not None
    assert sum(b["state"] == "confirmed" for b in stored["bookings"].values()) == SEATS


def test_a_group_is_booked_in_one_request_all_or_nothing_and_never_overbooked(
    system: RunningSystem, project_id: str
) -> None:
    ids = enrol(system, project_id, people("on", 8, seed=24))
    trainee = enrol(system, project_id, people("trainee", 1, seed=25))[0]
    assert project_known(system, project_id)
    assert known_to_scheduling(system, project_id, [*ids, trainee])
    with coordinator(system) as client:
        venue = _venue()
        assert client.post("/venues", json=venue).status_code == 201
        activity = _training(client, project_id)
        roomy = _session(client, activity, venue["venue_id"], date(2012, 11, 12), 10)
        tight = _session(client, activity, venue["venue_id"], date(2012, 11, 13), 5)

        def group(session_id: str, pids: list[str]) -> httpx.Response:
            return client.post(f"/sessions/{session_id}/bookings/batch", json={"participant_ids": pids})

        refused = group(roomy, [ids[0], trainee])
        assert refused.status_code == 409
        assert [(e["loc"], e["type"]) for e in refused.json()["detail"]] == [
            (["body", "participant_ids", "1"], "conflict.category_not_targeted")
        ]
        assert client.get(f"/sessions/{roomy}").json()["confirmed"] == 0, "nobody of a refused group is booked"
        assert group(roomy, [ids[0], ids[0]]).status_code == 422
        assert group(roomy, [ids[0], str(uuid.uuid4())]).status_code == 404

        first = group(roomy, ids[:3])
        assert (first.status_code, [b["state"] for b in first.json()]) == (200, ["confirmed"] * 3)
        again = group(roomy, ids[:4])
        assert [b["booking_id"] for b in again.json()][:3] == [b["booking_id"] for b in first.json()]
        assert client.get(f"/sessions/{roomy}").json()["confirmed"] == 4, "those booked already keep their booking"

        # Eight for five seats: the group does not fit, so each is booked on its own, in order.
        crowded = group(tight, ids)
        assert [b["state"] for b in crowded.json()] == ["confirmed"] * 5 + ["waitlisted"] * 3
        session = client.get(f"/sessions/{tight}").json()
    assert (session["confirmed"], session["waitlisted"], session["free"]) == (5, 3, 0)


def test_the_waitlist_moves_up_in_order_on_cancellation_and_on_more_seats(
    system: RunningSystem, project_id: str
) -> None:
    ids = enrol(system, project_id, people("on", 5, seed=22))
    assert project_known(system, project_id)
    with coordinator(system) as client:
        venue = _venue()
        assert client.post("/venues", json=venue).status_code == 201
        session_id = _session(client, _training(client, project_id), venue["venue_id"], date(2012, 11, 6), 2)
        assert known_to_scheduling(system, project_id, ids)
        states = [_book(client, session_id, pid).json()["state"] for pid in ids]
        assert states == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
        again = _book(client, session_id, ids[0])
        assert (again.status_code, again.json()["state"]) == (200, "confirmed"), "booking twice is harmless"

        cancelled = client.delete(f"/sessions/{session_id}/bookings/{ids[0]}")
        assert cancelled.json()["state"] == "cancelled"
        bookings = {b["participant_id"]: b for b in client.get(f"/sessions/{session_id}").json()["bookings"]}
        assert bookings[ids[2]]["state"] == "confirmed"
        assert bookings[ids[2]]["from_waitlist"] is True, "the first in line got the seat"
        assert bookings[ids[3]]["state"] == bookings[ids[4]]["state"] == "waitlisted"

        grown = client.put(f"/sessions/{session_id}/capacity", json={"capacity": 3}).json()
        assert (grown["confirmed"], grown["waitlisted"]) == (3, 1)
        assert {b["participant_id"] for b in grown["bookings"] if b["state"] == "confirmed"} == {ids[1], ids[2], ids[3]}
        shrink = client.put(f"/sessions/{session_id}/capacity", json={"capacity": 2})
    assert shrink.status_code == 409
    assert shrink.json()["detail"][0]["loc"] == ["body", "capacity"]


def test_a_withdrawal_cancels_future_bookings_and_promotes_the_waitlist(system: RunningSystem, project_id: str) -> None:
    ids = enrol(system, project_id, people("on", 2, seed=23))
    assert project_known(system, project_id)
    with coordinator(system) as client:
        venue = _venue()
        assert client.post("/venues", json=venue).status_code == 201
        session_id = _session(client, _training(client, project_id), venue["venue_id"], date(2014, 11, 4), 1)
        assert known_to_scheduling(system, project_id, ids)
        assert [_book(client, session_id, pid).json()["state"] for pid in ids] == ["confirmed", "waitlisted"]
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        withdrawn = leader.post(
            f"/participants/{ids[0]}/withdrawal", json={"withdrawn_on": "2013-01-10", "reason": "employment"}
        )
    assert withdrawn.status_code == 200, withdrawn.text

    def moved_up() -> dict[str, str]:
        with coordinator(system) as client:
            bookings = client.get(f"/sessions/{session_id}").json()["bookings"]
        states = {b["participant_id"]: b["state"] for b in bookings}
        return states if states.get(ids[1]) == "confirmed" else {}

    assert eventually(moved_up) == {ids[0]: "cancelled", ids[1]: "confirmed"}
    with coordinator(system) as client:
        refused = _book(client, session_id, ids[0])
    assert refused.status_code == 409
    assert refused.json()["detail"][0]["type"] == "conflict.not_enrolled"


async def _publish(system: RunningSystem, envelopes: list[Envelope]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=system.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        for envelope in envelopes:
            key = str(envelope.payload["participant_id"]).encode()
            await producer.send_and_wait(ENROLMENT_PARTICIPANTS.name, encode(envelope), key=key)
    finally:
        await producer.stop()


async def test_a_withdrawal_before_the_enrolment_and_duplicates_leave_the_participant_withdrawn(
    system: RunningSystem, project_id: str
) -> None:
    assert project_known(system, project_id)
    pid = uuid.uuid4()
    enrolled = Envelope.wrap(
        ParticipantEnrolledV2(
            participant_id=pid,
            category=ParticipantCategory.PERSON_WITH_DISABILITY,
            sex=Sex.FEMALE,
            birth_year=1970,
            disability_degree="light",
            enrolled_on=date(2012, 6, 1),
        ),
        producer="enrolment",
        organisation_id=demo_data.EUDAJMONIA,
        project_id=project_id,
        occurred_at=datetime(2012, 6, 1, 9, 0, tzinfo=UTC),
    )
    withdrawn = Envelope.wrap(
        ParticipantWithdrawnV1(participant_id=pid, withdrawn_on=date(2012, 7, 1), reason=WithdrawalReason.HEALTH),
        producer="enrolment",
        organisation_id=demo_data.EUDAJMONIA,
        project_id=project_id,
        occurred_at=datetime(2012, 7, 1, 9, 0, tzinfo=UTC),
    )
    marker = enrol(system, project_id, people("on", 1, seed=24))
    await _publish(system, [withdrawn, enrolled, enrolled, withdrawn])
    marker += enrol(system, project_id, people("on", 1, seed=25))
    assert await asyncio.to_thread(known_to_scheduling, system, project_id, marker)

    def status() -> str | None:
        with coordinator(system) as client:
            found = [
                p for p in client.get(f"/projects/{project_id}/participants").json() if p["participant_id"] == str(pid)
            ]
        return found[0]["status"] if found else None

    assert await asyncio.to_thread(eventually, status) == "withdrawn"
    with MongoClient(system.infra.mongodb_uri) as mongo:
        doc = mongo["aktywni_scheduling"]["participants"].find_one({"_id": str(pid)})
    assert doc is not None
    assert doc["category"] == "person_with_disability", "the late enrolment's attributes are kept"
    assert sorted(doc["applied_events"]) == sorted([str(withdrawn.event_id), str(enrolled.event_id)])

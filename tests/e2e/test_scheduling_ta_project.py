"""The seed project through the real stack: "Trener Aktywności" scheduled at the seed venues, booked,
attended and completed; SupportStarted and SupportCompleted reach Kafka exactly once each."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx
from icalendar import Calendar

from aktywni_shared.auth import Role
from aktywni_shared.contracts.topics import SCHEDULING_ATTENDANCE, SCHEDULING_SESSIONS
from aktywni_stack import demo_data, demo_scheduling
from aktywni_stack.http_client import JsonApi
from tests.e2e.conftest import RunningSystem
from tests.support.kafka import read_topic
from tests.support.scheduling import coordinator, enrol, known_to_scheduling, people, project_known, trainer

FIRST_MONDAY = date(2012, 10, 1)


def _book(client: httpx.Client, session_id: str, participant_ids: list[str]) -> None:
    def one(pid: str) -> None:
        response = client.post(f"/sessions/{session_id}/bookings", json={"participant_id": pid})
        assert response.status_code == 201, response.text
        assert response.json()["state"] == "confirmed"

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, participant_ids))


def _attend(client: httpx.Client, session_id: str, statuses: dict[str, str]) -> list[dict[str, object]]:
    records = [{"participant_id": pid, "status": status} for pid, status in statuses.items()]
    response = client.post(f"/sessions/{session_id}/attendance", json={"records": records})
    assert response.status_code == 200, response.text
    result: list[dict[str, object]] = response.json()
    return result


async def test_the_ta_project_is_scheduled_booked_attended_and_completed_once(
    system: RunningSystem, project_id: str
) -> None:
    trainees = enrol(system, project_id, people("trainee", 15, seed=11))
    persons = enrol(system, project_id, people("on", 30, seed=12))
    family = enrol(system, project_id, people("environment", 30, seed=13, linked_to=persons))
    assert project_known(system, project_id)
    lines, sessions = demo_scheduling.set_up(JsonApi(system.url("scheduling")), system.tokens, project_id, FIRST_MONDAY)
    assert {k: len(v) for k, v in sessions.items()} == {
        "ta_training": 2,
        "on_training": 2,
        "environment_training": 2,
        "individual_meetings": 30,
    }, lines
    assert known_to_scheduling(system, project_id, trainees + persons + family)

    with coordinator(system) as client:
        for session_id in sessions["ta_training"]:
            _book(client, session_id, trainees)
        for session_id in sessions["on_training"]:
            _book(client, session_id, persons)
        for session_id in sessions["environment_training"]:
            _book(client, session_id, family)
        with ThreadPoolExecutor(8) as pool:
            list(
                pool.map(
                    lambda pair: _book(client, *pair),
                    zip(sessions["individual_meetings"], ([p] for p in persons), strict=True),
                )
            )
        full = client.get(f"/sessions/{sessions['on_training'][0]}").json()
    assert (full["confirmed"], full["capacity"], full["free"]) == (30, 30, 0)

    with trainer(system, "trener-ta-kowalska") as ta:
        for session_id in sessions["ta_training"]:
            _attend(ta, session_id, dict.fromkeys(trainees, "present"))
        again = _attend(ta, sessions["ta_training"][0], dict.fromkeys(trainees, "present"))
    assert not any(r["changed"] for r in again), "recording the same attendance twice changes nothing"
    with trainer(system, "trener-nowak") as nowak:
        for session_id in sessions["on_training"]:
            _attend(nowak, session_id, dict.fromkeys(persons, "present"))
        _attend(nowak, sessions["environment_training"][0], dict.fromkeys(family, "present"))
        # One carer is excused from the second day: 3 of 6 hours, below 80 %, so not completed.
        second = {**dict.fromkeys(family, "present"), family[0]: "excused"}
        results = _attend(nowak, sessions["environment_training"][1], second)
    assert [r["completed"] for r in results].count(False) == 1
    for n, (session_id, pid) in enumerate(zip(sessions["individual_meetings"], persons, strict=True)):
        specialist = "doradca-zawodowy-wisniewska" if n % 2 == 0 else "psycholog-zielinski"
        with trainer(system, specialist) as client:
            assert _attend(client, session_id, {pid: "present"})[0]["completed"] is True

    everyone = set(trainees + persons + family)
    records = await read_topic(system.infra.kafka_bootstrap_servers, SCHEDULING_ATTENDANCE.name, at_least=1)
    mine = [json.loads(r.value) for r in records if json.loads(r.value)["project_id"] == project_id]
    completed = [e for e in mine if e["type"] == "SupportCompleted"]
    started = [e for e in mine if e["type"] == "SupportStarted"]
    assert len(completed) == 15 + 30 + 29 + 30
    pairs = Counter((e["payload"]["participant_id"], e["payload"]["activity_id"]) for e in completed)
    assert set(pairs.values()) == {1}, "each completion reached Kafka exactly once"
    assert Counter(e["payload"]["participant_id"] for e in started) == Counter(dict.fromkeys(everyone, 1))
    by_category = Counter(e["payload"]["category"] for e in completed)
    assert by_category == {"staff_trainee": 15, "person_with_disability": 60, "environment_person": 29}
    mops = [e for e in completed if e["payload"]["category"] == "staff_trainee" and e["payload"]["mops_employee"]]
    assert len(mops) == 10, "MOPS staff among the trained TA are told apart"
    for record in records:
        value = json.loads(record.value)
        if value["type"] in ("SupportStarted", "SupportCompleted", "AttendanceRecorded"):
            assert record.key == value["payload"]["participant_id"].encode()

    planned = await read_topic(system.infra.kafka_bootstrap_servers, SCHEDULING_SESSIONS.name, at_least=1)
    types = Counter(json.loads(r.value)["type"] for r in planned if json.loads(r.value)["project_id"] == project_id)
    assert types["ActivityPlanned"] == 4
    assert types["SessionScheduled"] == 36
    assert types["BookingConfirmed"] == 30 + 60 + 60 + 30

    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as client:
        feed = client.get(f"/calendars/participants/{persons[0]}.ics")
        venue = client.get(f"/calendars/venues/{demo_scheduling.SOLIDARNOSCI['venue_id']}.ics")
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 3, "two trainings and one individual meeting"
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
    assert all(str(e["UID"]).endswith("@aktywni.scheduling") for e in events)
    meetings = [e for e in Calendar.from_ical(venue.content).walk("VEVENT") if "316" in str(e["LOCATION"])]
    assert len(meetings) >= 30

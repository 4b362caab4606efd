"""The seed project "Trener Aktywności" through the real stack, run once for this module.

Enrolled over enrolment's HTTP API; scheduled at the seed venues, booked, attended and completed over
scheduling's; the declarations over enrolment's; the model recorded on reporting. Then: SupportStarted and
SupportCompleted reached Kafka exactly once each, reporting shows exactly the seven indicators at target
split by sex, the XLSX export says the same, and neither a duplicate delivery of every event of the
project nor a replay of the whole view changes a number (the issue's acceptance scenario).
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from icalendar import Calendar

from aktywni_shared.auth import Role
from aktywni_shared.contracts.topics import (
    ENROLMENT_PARTICIPANTS,
    ENROLMENT_PROJECTS,
    SCHEDULING_ATTENDANCE,
    SCHEDULING_SESSIONS,
)
from aktywni_stack import demo_data, demo_scheduling
from aktywni_stack.http_client import JsonApi
from tests.e2e.conftest import RunningSystem, eventually
from tests.support.kafka import envelope_of, events_of, read_topic
from tests.support.reporting import all_records, consumed, numbers, redeliver, sex_of, values
from tests.support.scheduling import (
    coordinator,
    enrol,
    known_to_scheduling,
    people,
    project_known,
    trainer,
)

#: Not the demo's week (2012-10-01): the session's stack may hold the demo's TA-2012 sessions in the same
#: rooms and with the same staff, which would refuse these as conflicts. No public holiday in its ten days.
FIRST_MONDAY = date(2013, 4, 8)
SOURCE_TOPICS = [
    t.name for t in (ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SCHEDULING_SESSIONS, SCHEDULING_ATTENDANCE)
]
MODEL_ENTRY = {"entry_id": str(uuid.uuid4()), "quantity": 1, "on": "2014-12-15", "note": "Model TA przekazany"}


@dataclass
class TaRun:
    project_id: str
    trainees: list[str]
    persons: list[str]
    family: list[str]
    sessions: dict[str, list[str]]
    by_sex: dict[str, dict[str, int]]  # per indicator, from the enrolment bodies (not from any service)
    again: list[dict[str, Any]]  # the TA training's attendance recorded a second time
    environment_day_two: list[dict[str, Any]]
    individual: list[dict[str, Any]]
    seconds: float


def _book(client: httpx.Client, session_id: str, participant_ids: list[str]) -> None:
    """Book a group in one request (the bulk endpoint); every seat confirmed."""
    response = client.post(f"/sessions/{session_id}/bookings/batch", json={"participant_ids": participant_ids})
    assert response.status_code == 200, response.text
    assert [b["state"] for b in response.json()] == ["confirmed"] * len(participant_ids)


def _attend(client: httpx.Client, session_id: str, statuses: dict[str, str]) -> list[dict[str, Any]]:
    records = [{"participant_id": pid, "status": status} for pid, status in statuses.items()]
    response = client.post(f"/sessions/{session_id}/attendance", json={"records": records})
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def _declare(system: RunningSystem, project_id: str) -> None:
    """5 social-assistance units declare implementing the model, 5 other bodies cooperation (enrolment's API)."""
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        for n in range(5):
            for kind, name, institution_kind in (
                ("implement_model", f"Ośrodek Pomocy Społecznej nr {n + 1}", "social_assistance_centre"),
                ("cooperate", f"Stowarzyszenie Współpracy nr {n + 1}", "ngo"),
            ):
                declared = leader.post(
                    f"/projects/{project_id}/declarations",
                    json={
                        "kind": kind,
                        "institution_name": name,
                        "institution_kind": institution_kind,
                        "declared_on": "2014-05-10",
                        "document_reference": f"DEK/{n + 1}/{kind}",
                    },
                )
                assert declared.status_code == 201, declared.text


def _expected_by_sex(
    trainees: list[dict[str, Any]], persons: list[dict[str, Any]], family: list[dict[str, Any]]
) -> dict[str, dict[str, int]]:
    def split(bodies: list[dict[str, Any]]) -> dict[str, int]:
        counted = Counter(sex_of(b) for b in bodies)
        return {"K": counted["K"], "M": counted["M"]}

    return {
        "TA-ON-SUPPORTED": split(persons),
        "TA-ENV-SUPPORTED": split(family),
        "TA-MOPS-TRAINED": split([b for b in trainees if b["mops_employee"]]),
        "TA-OTHER-TRAINED": split([b for b in trainees if not b["mops_employee"]]),
    }


@pytest.fixture(scope="module")
def ta(system: RunningSystem) -> TaRun:
    started = time.monotonic()
    project_id = f"TEST-TA-{uuid.uuid4().hex[:8]}"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post("/projects", json=demo_data.ta_project(project_id))
    assert response.status_code == 201, response.text
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        template = {"template": "trener-aktywnosci"}
        assert eventually(
            lambda: reporting.post(f"/projects/{project_id}/indicators/template", json=template).status_code == 200
        ), "reporting learned the project"

    trainee_bodies = people("trainee", 15, seed=11)
    person_bodies = people("on", 30, seed=12)
    trainees = enrol(system, project_id, trainee_bodies)
    persons = enrol(system, project_id, person_bodies)
    family_bodies = people("environment", 30, seed=13, linked_to=persons)
    family = enrol(system, project_id, family_bodies)
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
        meetings = zip(sessions["individual_meetings"], persons, strict=True)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda pair: _book(client, pair[0], [pair[1]]), meetings))

    with trainer(system, "trener-ta-kowalska") as ta_trainer:
        for session_id in sessions["ta_training"]:
            _attend(ta_trainer, session_id, dict.fromkeys(trainees, "present"))
        again = _attend(ta_trainer, sessions["ta_training"][0], dict.fromkeys(trainees, "present"))
    with trainer(system, "trener-nowak") as nowak:
        for session_id in sessions["on_training"]:
            _attend(nowak, session_id, dict.fromkeys(persons, "present"))
        _attend(nowak, sessions["environment_training"][0], dict.fromkeys(family, "present"))
        # One carer is excused from the second day: 3 of 6 hours, below 80 %, so not completed.
        second = {**dict.fromkeys(family, "present"), family[0]: "excused"}
        environment_day_two = _attend(nowak, sessions["environment_training"][1], second)
    individual = []
    for n, (session_id, pid) in enumerate(zip(sessions["individual_meetings"], persons, strict=True)):
        specialist = "doradca-zawodowy-wisniewska" if n % 2 == 0 else "psycholog-zielinski"
        with trainer(system, specialist) as client:
            individual += _attend(client, session_id, {pid: "present"})

    _declare(system, project_id)
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        model = f"/projects/{project_id}/indicators/TA-MODEL/entries"
        assert reporting.post(model, json=MODEL_ENTRY).status_code == 201
        assert reporting.post(model, json=MODEL_ENTRY).status_code == 200, "the same entry again counts nothing"
    return TaRun(
        project_id,
        trainees,
        persons,
        family,
        sessions,
        _expected_by_sex(trainee_bodies, person_bodies, family_bodies),
        again,
        environment_day_two,
        individual,
        time.monotonic() - started,
    )


def test_the_ta_project_is_booked_attended_and_completed_with_events_once(ta: TaRun, system: RunningSystem) -> None:
    print(f"\n[ta] the scenario ran in {ta.seconds:.1f} s")
    assert not any(r["changed"] for r in ta.again), "recording the same attendance twice changes nothing"
    assert [r["completed"] for r in ta.environment_day_two].count(False) == 1
    assert [r["completed"] for r in ta.individual] == [True] * 30
    with coordinator(system) as client:
        full = client.get(f"/sessions/{ta.sessions['on_training'][0]}").json()
    assert (full["confirmed"], full["capacity"], full["free"]) == (30, 30, 0)

    bootstrap = system.infra.kafka_bootstrap_servers
    records = asyncio.run(read_topic(bootstrap, SCHEDULING_ATTENDANCE.name, at_least=1))
    mine = events_of(records, ta.project_id)
    completed = [e for e in mine if e["type"] == "SupportCompleted"]
    started = [e for e in mine if e["type"] == "SupportStarted"]
    assert len(completed) == 15 + 30 + 29 + 30
    pairs = Counter((e["payload"]["participant_id"], e["payload"]["activity_id"]) for e in completed)
    assert set(pairs.values()) == {1}, "each completion reached Kafka exactly once"
    everyone = set(ta.trainees + ta.persons + ta.family)
    assert Counter(e["payload"]["participant_id"] for e in started) == Counter(dict.fromkeys(everyone, 1))
    by_category = Counter(e["payload"]["category"] for e in completed)
    assert by_category == {"staff_trainee": 15, "person_with_disability": 60, "environment_person": 29}
    mops = [e for e in completed if e["payload"]["category"] == "staff_trainee" and e["payload"]["mops_employee"]]
    assert len(mops) == 10, "MOPS staff among the trained TA are told apart"
    recorded = Counter(e["type"] for e in mine)["AttendanceRecorded"]
    assert recorded == 2 * 15 + 2 * 30 + 2 * 30 + 30, "one AttendanceRecorded per record, none for the repeat"
    keyed = ("SupportStarted", "SupportCompleted", "AttendanceRecorded")
    for record in records:
        value = envelope_of(record)
        if value is not None and value["project_id"] == ta.project_id and value["type"] in keyed:
            assert record.key == value["payload"]["participant_id"].encode()

    planned = asyncio.run(read_topic(bootstrap, SCHEDULING_SESSIONS.name, at_least=1))
    types = Counter(e["type"] for e in events_of(planned, ta.project_id))
    assert types["ActivityPlanned"] == 4
    assert types["SessionScheduled"] == 36
    assert types["BookingConfirmed"] == 30 + 60 + 60 + 30

    with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as client:
        feed = client.get(f"/calendars/participants/{ta.persons[0]}.ics")
        venue = client.get(f"/calendars/venues/{demo_scheduling.SOLIDARNOSCI['venue_id']}.ics")
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert len(events) == 3, "two trainings and one individual meeting"
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
    assert all(str(e["UID"]).endswith("@aktywni.scheduling") for e in events)
    meetings = [e for e in Calendar.from_ical(venue.content).walk("VEVENT") if "316" in str(e["LOCATION"])]
    assert len(meetings) >= 30


def _expected(ta: TaRun) -> dict[str, tuple[int, dict[str, int]]]:
    return {
        "TA-MODEL": (1, {}),
        "TA-ON-SUPPORTED": (30, ta.by_sex["TA-ON-SUPPORTED"]),
        "TA-ENV-SUPPORTED": (30, ta.by_sex["TA-ENV-SUPPORTED"]),
        "TA-MOPS-TRAINED": (10, ta.by_sex["TA-MOPS-TRAINED"]),
        "TA-OTHER-TRAINED": (5, ta.by_sex["TA-OTHER-TRAINED"]),
        "TA-UNITS-DECLARING": (5, {}),
        "TA-BODIES-COOPERATING": (5, {}),
    }


def _report(system: RunningSystem, project_id: str) -> dict[str, Any]:
    with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:
        response = auditor.get(f"/projects/{project_id}/report")
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


@pytest.fixture(scope="module")
def at_target(ta: TaRun, system: RunningSystem) -> dict[str, Any]:
    """The project's report once reporting has caught up with the scenario."""
    expected = _expected(ta)

    def caught_up() -> dict[str, Any] | None:
        report = _report(system, ta.project_id)
        return report if values(report) == expected else None

    report = eventually(caught_up, timeout=60)
    assert report, values(_report(system, ta.project_id))
    # The exact age band comes later than the count: enrolment answers each first SupportStarted with
    # a ParticipantActivated carrying it. The report is final once reporting has consumed all 75.
    bootstrap = system.infra.kafka_bootstrap_servers

    def activations() -> list[Any] | None:
        records = asyncio.run(all_records(bootstrap, [ENROLMENT_PARTICIPANTS.name]))
        mine = [
            r
            for r in records
            if (e := envelope_of(r)) is not None
            and (e["project_id"], e["type"]) == (ta.project_id, "ParticipantActivated")
        ]
        return mine if len(mine) == len(ta.trainees) + len(ta.persons) + len(ta.family) else None

    activated = eventually(activations, timeout=60, interval=1.0)
    assert activated, "enrolment activated every supported participant"
    ends: dict[tuple[str, int], int] = {}
    for record in activated:
        place = (record.topic, record.partition)
        ends[place] = max(ends.get(place, 0), record.offset + 1)
    assert asyncio.run(consumed(bootstrap, "reporting", ends)), "reporting consumed every activation"
    report = _report(system, ta.project_id)
    assert values(report) == expected
    return report


def test_reporting_shows_exactly_the_seven_indicators_at_target_split_by_sex(
    ta: TaRun, at_target: dict[str, Any]
) -> None:
    assert values(at_target) == _expected(ta)
    assert {i["code"]: (i["value"], i["target"]) for i in at_target["indicators"]} == {
        code: (value, value) for code, (value, _) in _expected(ta).items()
    }, "every target met exactly"
    sexes = ta.by_sex["TA-ON-SUPPORTED"]
    assert min(sexes.values()) > 0, "the made-up people include women and men, so the split is tested"


def test_the_xlsx_export_has_the_same_numbers(ta: TaRun, at_target: dict[str, Any], system: RunningSystem) -> None:
    with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:
        exported = auditor.get(f"/projects/{ta.project_id}/exports/indicators.xlsx")
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content))["Wskaźniki"]
    assert [c.value for c in sheet[1]][:9] == [
        "Kod wskaźnika",
        "Nazwa wskaźnika",
        "Rodzaj wskaźnika",
        "Jednostka",
        "Wartość docelowa",
        "Wartość osiągnięta",
        "Stopień realizacji [%]",
        "Kobiety",
        "Mężczyźni",
    ]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {code: (row[4], row[5], row[7], row[8]) for code, row in rows.items()} == {
        code: (value, value, by_sex.get("K"), by_sex.get("M")) for code, (value, by_sex) in _expected(ta).items()
    }


def test_a_duplicate_delivery_of_every_event_of_the_project_changes_no_number(
    ta: TaRun, at_target: dict[str, Any], system: RunningSystem
) -> None:
    bootstrap = system.infra.kafka_bootstrap_servers
    records = asyncio.run(all_records(bootstrap, SOURCE_TOPICS))
    mine = [r for r in records if (e := envelope_of(r)) is not None and e["project_id"] == ta.project_id]
    kinds = Counter(e["type"] for e in events_of(mine, ta.project_id))
    assert (kinds["ParticipantEnrolled"], kinds["DeclarationRecorded"]) == (75, 10)
    assert (kinds["SupportStarted"], kinds["SupportCompleted"]) == (75, 104)
    ends = asyncio.run(redeliver(bootstrap, mine))
    assert asyncio.run(consumed(bootstrap, "reporting", ends)), "reporting consumed the duplicates"
    assert numbers(_report(system, ta.project_id)) == numbers(at_target)


def test_a_replay_of_the_view_changes_no_number(ta: TaRun, at_target: dict[str, Any], system: RunningSystem) -> None:
    command = Path(sys.executable).with_name("aktywni-reporting-replay")
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": system.infra.kafka_bootstrap_servers,
        "MONGODB_URI": system.infra.mongodb_uri,
    }
    done = subprocess.run(
        [str(command), "--grace", "1"], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "view rebuilt as generation" in done.stdout
    assert numbers(_report(system, ta.project_id)) == numbers(at_target)

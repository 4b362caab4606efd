"""The reporting service as a process on the real Kafka and database, fed by real events on the real topics.

One service with a database and consumer group of its own; each test uses a project of its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.contracts.topics import (
    ENROLMENT_PARTICIPANTS,
    REPORTING_INDICATORS,
    SCHEDULING_ATTENDANCE,
    dead_letter,
)
from aktywni_shared.mongo import Document
from aktywni_stack import demo_data
from aktywni_stack.ports import free_port
from aktywni_stack.selection import Infrastructure
from aktywni_stack.services import ServiceProcess, local_secret
from reporting.domain import facts
from reporting.store.view import View
from tests.e2e.conftest import eventually
from tests.support.kafka import read_topic
from tests.support.reporting import (
    TA_TARGETS,
    Person,
    decoded,
    encode,
    numbers,
    project_events,
    publish,
    ta_at_target,
    values,
)


@dataclass
class Reporting:
    process: ServiceProcess
    tokens: Tokens
    database: str

    def client(self, organisation_id: str, role: Role) -> httpx.Client:
        token = self.tokens.issue(
            Principal(user=f"{role.value}@{organisation_id}", organisation_id=organisation_id, role=role)
        )
        return httpx.Client(base_url=self.process.url, headers={"Authorization": f"Bearer {token}"}, timeout=15)

    def report(
        self, project_id: str, organisation_id: str = demo_data.EUDAJMONIA, role: Role = Role.COORDINATOR
    ) -> Any:
        with self.client(organisation_id, role) as client:
            response = client.get(f"/projects/{project_id}/report")
        return response.json() if response.status_code == 200 else None


@pytest.fixture(scope="module")
def reporting(infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reporting]:
    state: Path = tmp_path_factory.mktemp("reporting")
    database = f"reporting_{uuid.uuid4().hex[:8]}"
    process = ServiceProcess("reporting", state, free_port())
    process.launch(
        infra.kafka_bootstrap_servers,
        infra.mongodb_uri,
        extra_env={"REPORTING_DATABASE": database, "REPORTING_GROUP_ID": database},
        bound_to_parent=True,
    )
    try:
        process.wait_ready()
        yield Reporting(process, Tokens(local_secret(state, "AKTYWNI_JWT_SECRET")), database)
    finally:
        process.stop()


def _template(reporting: Reporting, project_id: str) -> None:
    with reporting.client(demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        applied = eventually(
            lambda: (
                leader.post(
                    f"/projects/{project_id}/indicators/template", json={"template": "trener-aktywnosci"}
                ).status_code
                == 200
            )
        )
    assert applied, "the project became known to reporting and took the template"


def _at_target(report: Any) -> bool:
    return report is not None and all(values(report).get(code) == expected for code, expected in TA_TARGETS.items())


async def test_events_become_exact_numbers_whatever_the_duplicates_order_or_unknown_project(
    infra: Infrastructure, reporting: Reporting
) -> None:
    project_id = f"TA-{uuid.uuid4().hex[:8]}"
    events = ta_at_target(project_id)
    project, facts = events[:4], events[4:]
    # Facts first (the project is unknown), then the project; then every event once more.
    await publish(infra.kafka_bootstrap_servers, facts)
    await publish(infra.kafka_bootstrap_servers, project)
    _template(reporting, project_id)
    await publish(infra.kafka_bootstrap_servers, events)

    report = eventually(lambda: (r := reporting.report(project_id)) and _at_target(r) and r, timeout=60)
    assert _at_target(report), values(report)
    partner = reporting.report(project_id, demo_data.FRDL, Role.PARTNER_STAFF)
    assert partner["organisation"] == demo_data.FRDL
    assert values(partner)["TA-ON-SUPPORTED"] == (10, {"K": 6, "M": 4})
    assert values(partner)["TA-MOPS-TRAINED"] == (10, {"K": 7, "M": 3})

    # The topic holds other tests' announcements too: read until this project's have all arrived.
    deadline = time.monotonic() + 60
    while True:
        announced = await read_topic(infra.kafka_bootstrap_servers, REPORTING_INDICATORS.name, at_least=1)
        mine = [json.loads(r.value) for r in announced if json.loads(r.value)["project_id"] == project_id]
        reached = sorted(e["payload"]["indicator_code"] for e in mine if e["type"] == "TargetReached")
        if len(reached) >= len(TA_TARGETS) or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    assert reached == sorted(TA_TARGETS), "each target reached is announced once"
    assert all(r.key == project_id.encode() for r in announced if json.loads(r.value)["project_id"] == project_id)


async def test_unknown_types_and_newer_versions_are_dead_lettered_with_the_reason(
    infra: Infrastructure, reporting: Reporting
) -> None:
    project_id = f"TA-{uuid.uuid4().hex[:8]}"
    anna = Person(project_id, "person_with_disability", "K")
    newer = json.loads(encode(anna.enrolled()))
    newer["version"] = 9
    unknown = json.loads(encode(anna.started()))
    unknown["type"] = "SupportTeleported"
    raw = [
        (ENROLMENT_PARTICIPANTS.name, json.dumps(newer).encode()),
        (SCHEDULING_ATTENDANCE.name, json.dumps(unknown).encode()),
    ]
    await publish(infra.kafka_bootstrap_servers, [*project_events(project_id), anna.started()], raw=raw)
    _template(reporting, project_id)

    report = eventually(lambda: (r := reporting.report(project_id)) and values(r)["TA-ON-SUPPORTED"][0] == 1 and r)
    assert values(report)["TA-ON-SUPPORTED"] == (1, {"K": 1, "M": 0}), "the good event after the bad ones counts"
    dead = await read_topic(infra.kafka_bootstrap_servers, dead_letter("reporting").name, at_least=2, timeout=30)
    reasons = {r.value: dict(r.headers)["dlq_reason"].decode() for r in dead}
    assert reasons[raw[0][1]] == "unknown event type 'ParticipantEnrolled' version 9"
    assert reasons[raw[1][1]] == "unknown event type 'SupportTeleported' version 1"


async def test_bad_definitions_and_other_organisations_data_are_refused(
    reporting: Reporting, infra: Infrastructure
) -> None:
    project_id = f"TA-{uuid.uuid4().hex[:8]}"
    await publish(infra.kafka_bootstrap_servers, project_events(project_id))
    _template(reporting, project_id)
    url = f"/projects/{project_id}/indicators"
    with reporting.client(demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        current = leader.get(url).json()["indicators"]
        negative = leader.put(url, json={"indicators": [{**current[1], "target": -5}]})
        unknown_breakdown = leader.put(url, json={"indicators": [{**current[1], "breakdowns": ["sex", "zodiac"]}]})
        model = {"entry_id": str(uuid.uuid4()), "quantity": 1, "on": "2014-12-01", "note": "Model TA przekazany"}
        first = leader.post(f"{url}/TA-MODEL/entries", json=model)
        again = leader.post(f"{url}/TA-MODEL/entries", json=model)
        wrong = leader.post(f"{url}/TA-ON-SUPPORTED/entries", json=model)
        leader_list = leader.get(f"/projects/{project_id}/exports/participants.csv")
    with reporting.client(demo_data.FRDL, Role.COORDINATOR) as partner:
        other_org = partner.get(f"/projects/{project_id}/exports/indicators.xlsx?organisation={demo_data.EUDAJMONIA}")
        own_org = partner.get(f"/projects/{project_id}/exports/indicators.xlsx")
        partner_list = partner.get(f"/projects/{project_id}/exports/participants.csv")
        partner_defines = partner.put(url, json={"indicators": current})
    with reporting.client(demo_data.MOPS, Role.AUDITOR) as auditor:
        auditor_list = auditor.get(f"/projects/{project_id}/exports/participants.csv")
        auditor_report = auditor.get(f"/projects/{project_id}/exports/indicators.csv")
    with reporting.client("stowarzyszenie-obce", Role.COORDINATOR) as stranger:
        stranger_report = stranger.get(f"/projects/{project_id}/report")

    assert negative.status_code == 422
    assert negative.json()["detail"][0]["loc"] == ["body", "indicators", 0, "target"]
    assert unknown_breakdown.status_code == 422
    assert unknown_breakdown.json()["detail"][0]["loc"] == ["body", "indicators", 0, "breakdowns", 1]
    assert (first.status_code, again.status_code) == (201, 200), "the same entry twice counts once"
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["path", "code"]
    assert values(reporting.report(project_id))["TA-MODEL"] == (1, {}), "the model delivered, counted once"
    assert other_org.status_code == 403
    assert demo_data.FRDL in other_org.json()["detail"]
    assert own_org.status_code == 200
    assert leader_list.status_code == 200
    assert partner_list.status_code == 403
    assert partner_defines.status_code == 403
    assert auditor_list.status_code == 403
    assert auditor_report.status_code == 200
    assert stranger_report.status_code == 404


async def test_replay_rebuilds_the_view_with_identical_numbers_while_the_service_runs(
    infra: Infrastructure, reporting: Reporting
) -> None:
    project_id = f"TA-{uuid.uuid4().hex[:8]}"
    await publish(infra.kafka_bootstrap_servers, ta_at_target(project_id))
    _template(reporting, project_id)
    before = eventually(lambda: (r := reporting.report(project_id)) and _at_target(r) and r, timeout=60)
    assert _at_target(before)

    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap_servers,
        "MONGODB_URI": infra.mongodb_uri,
        "REPORTING_DATABASE": reporting.database,
    }
    done = subprocess.run(  # noqa: ASYNC221 - the CLI as an operator runs it; the service runs apart
        [sys.executable, "-m", "reporting.cli.replay", "--grace", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "view rebuilt as generation" in done.stdout
    assert "records" in done.stderr, "a progress bar was shown"

    after = reporting.report(project_id)
    assert numbers(after) == numbers(before)


async def test_two_writers_append_chunks_of_one_project_without_gaps_and_a_reader_counts_each_person_once(
    db: AsyncDatabase[Document],
) -> None:
    """Two instances' batches of one project race for chunk numbers; duplicates in both fold to one fact."""
    project_id = "TA-CHUNKS"
    people = [Person(project_id, "person_with_disability", "K" if n % 2 else "M") for n in range(40)]
    records = [r for p in people if (r := facts.record(*_parts(p.started()))) is not None]
    first, second = View(db).generation(1), View(db).generation(1)  # two processes' views of one generation
    written = await asyncio.gather(
        *(first.append(project_id, records[n : n + 5]) for n in range(0, 40, 5)),
        *(second.append(project_id, records[n : n + 8]) for n in range(0, 40, 8)),
    )
    await first.bump({project_id}, {project_id: max(written)})
    assert sorted(written) == list(range(1, 14)), "every append took its own number, without gaps"
    found, _ = await View(db).generation(1).facts(project_id)
    assert sorted(found) == sorted(str(p.participant_id) for p in people)
    assert all(entry["start"]["on"] == "2012-06-20" for entry in found.values())


def _parts(envelope: Any) -> Any:
    event = decoded(envelope)
    return event.envelope, event.payload

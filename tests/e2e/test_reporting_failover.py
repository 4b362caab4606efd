"""Horizontal scale of reporting: two instances in one consumer group, one killed mid-stream.

Two reporting processes share a database and a consumer group on the real Kafka. Once both own
partitions, events of one project are published; as soon as the first of them are counted, one
instance is SIGKILLed (no clean leave: its uncommitted batches are lost and must be redelivered),
the rest of the events are published, and the survivor alone must end with exactly the numbers that
were published, owning every partition of the group's topics.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.contracts.topics import ALL, ENROLMENT_PARTICIPANTS, ENROLMENT_PROJECTS, SCHEDULING_ATTENDANCE
from aktywni_shared.contracts.topics import SCHEDULING_SESSIONS as SESSIONS
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_stack import demo_data
from aktywni_stack.ports import free_port
from aktywni_stack.selection import Infrastructure
from aktywni_stack.services import SECRETS, ServiceProcess, local_secret
from tests.support.reporting import Person, project_events, publish, values

#: The topics reporting's group reads (reporting.app.SOURCE_TOPICS) and so the partitions it shares.
SOURCE = (ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS, SESSIONS, SCHEDULING_ATTENDANCE)
ALL_PARTITIONS = {(t.name, p) for t in SOURCE for p in range(t.partitions)}
PERSONS_PER_PHASE = 200  # per phase: half persons with a disability, half their environment; 2 events each


async def assignments(bootstrap: str, group: str) -> tuple[str, list[set[tuple[str, int]]]]:
    """The group's state and each member's assigned partitions (as the group coordinator sees them)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        response = (await admin.describe_consumer_groups([group]))[0]
    finally:
        await admin.close()
    described = response.to_object()["groups"][0]
    members = []
    for member in described["members"]:
        raw = member["member_assignment"]
        parts = ConsumerProtocolMemberAssignment.decode(raw).partitions() if raw else []
        members.append({(tp.topic, tp.partition) for tp in parts})
    return str(described["state"]), members


def wait_for(check: Any, *, timeout: float, what: str, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def phase(project_id: str, persons: int) -> tuple[list[Any], Counter[tuple[str, str]]]:
    """Events of ``persons`` new persons (enrolled, support started) and what they add: (indicator, sex) → n."""
    events: list[Any] = []
    adds: Counter[tuple[str, str]] = Counter()
    for n in range(persons):
        category = "person_with_disability" if n % 2 == 0 else "environment_person"
        sex = "K" if n % 3 else "M"
        person = Person(project_id, category, sex, birth_year=1950 + n % 50)
        events += [person.enrolled(), person.started()]
        adds["TA-ON-SUPPORTED" if category == "person_with_disability" else "TA-ENV-SUPPORTED", sex] += 1
    return events, adds


def as_report(counts: Counter[tuple[str, str]]) -> dict[str, tuple[int, dict[str, int]]]:
    """The (value, by sex) pairs of the report's ``values`` for these counts."""
    codes = ("TA-ON-SUPPORTED", "TA-ENV-SUPPORTED")
    return {c: (counts[c, "K"] + counts[c, "M"], {"K": counts[c, "K"], "M": counts[c, "M"]}) for c in codes}


class Instance:
    def __init__(self, process: ServiceProcess, token: str) -> None:
        self.process = process
        self.token = token

    def get(self, path: str) -> Any:
        try:
            response = httpx.get(
                f"{self.process.url}{path}", headers={"Authorization": f"Bearer {self.token}"}, timeout=10
            )
        except httpx.HTTPError:
            return None
        return response.json() if response.status_code == 200 else None


@pytest.fixture
def pair(infra: Infrastructure, tmp_path: Path) -> Iterator[tuple[Instance, Instance, str]]:
    """Two reporting processes, one database and one consumer group of their own."""
    asyncio.run(ensure_topics(infra.kafka_bootstrap_servers, ALL))
    group = f"reporting_failover_{uuid.uuid4().hex[:8]}"
    env = {"REPORTING_DATABASE": group, "REPORTING_GROUP_ID": group, "REPORTING_BATCH_SIZE": "50"}
    secrets = {name: local_secret(tmp_path, name) for name in SECRETS}
    processes = [ServiceProcess("reporting", tmp_path / f"instance-{n}", free_port()) for n in (1, 2)]
    token = Tokens(secrets["AKTYWNI_JWT_SECRET"]).issue(
        Principal(user="coordinator", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR)
    )
    try:
        for process in processes:
            process.launch(
                infra.kafka_bootstrap_servers,
                infra.mongodb_uri,
                extra_env={**env, **secrets},
                bound_to_parent=True,
            )
        for process in processes:
            process.wait_ready()
        yield Instance(processes[0], token), Instance(processes[1], token), group
    finally:
        for process in processes:
            process.stop()


def test_the_survivor_takes_over_the_killed_instances_partitions_with_exact_numbers(
    infra: Infrastructure, pair: tuple[Instance, Instance, str]
) -> None:
    doomed, survivor, group = pair
    bootstrap = infra.kafka_bootstrap_servers
    project_id = f"TA-FAILOVER-{uuid.uuid4().hex[:8]}"
    asyncio.run(publish(bootstrap, project_events(project_id)))

    def template_applied() -> bool:
        response = httpx.post(
            f"{survivor.process.url}/projects/{project_id}/indicators/template",
            json={"template": "trener-aktywnosci"},
            headers={"Authorization": f"Bearer {survivor.token}"},
            timeout=10,
        )
        return response.status_code == 200

    wait_for(template_applied, timeout=60, what="the project became known and took the template")

    def shared() -> list[set[tuple[str, int]]] | None:
        state, members = asyncio.run(assignments(bootstrap, group))
        return members if state == "Stable" and len(members) == 2 and all(members) else None

    before = wait_for(shared, timeout=60, what="both instances own partitions")
    assert before[0] | before[1] == ALL_PARTITIONS
    assert not before[0] & before[1], "no partition is owned twice"

    first, first_adds = phase(project_id, PERSONS_PER_PHASE)
    second, second_adds = phase(project_id, PERSONS_PER_PHASE)
    expected = as_report(first_adds + second_adds)
    asyncio.run(publish(bootstrap, first))

    def counting_started() -> int:
        report = survivor.get(f"/projects/{project_id}/report")
        return int(values(report)["TA-ON-SUPPORTED"][0]) if report else 0

    at_kill = wait_for(counting_started, timeout=60, what="the first events are counted", interval=0.05)
    doomed.process.process.kill()
    asyncio.run(publish(bootstrap, second))
    assert 0 < at_kill < expected["TA-ON-SUPPORTED"][0], "the instance was killed mid-stream"

    def exact() -> dict[str, Any] | None:
        report = survivor.get(f"/projects/{project_id}/report")
        if not report:
            return None
        got = values(report)
        if not all(got[code] == want for code, want in expected.items()):
            return None
        # Enrolments and support starts travel on different topics: the report can be exact while
        # the killed instance's partitions of the participants topic still wait for the rebalance.
        count = survivor.get(f"/projects/{project_id}/participants/count")
        return report if count and count["participants"] == 2 * PERSONS_PER_PHASE else None

    def last_seen() -> str:
        report = survivor.get(f"/projects/{project_id}/report")
        count = survivor.get(f"/projects/{project_id}/participants/count")
        seen = {code: values(report)[code] for code in expected} if report else None
        return f"{seen}, participants {count['participants'] if count else None}"

    try:
        report = wait_for(exact, timeout=90, what="the survivor counts every published event")
    except AssertionError as error:
        raise AssertionError(f"{error}; expected {expected}, last seen {last_seen()}") from None
    assert {code: values(report)[code] for code in expected} == expected
    assert values(report)["TA-ON-SUPPORTED"] == (200, {"K": 132, "M": 68})

    count = survivor.get(f"/projects/{project_id}/participants/count")
    assert count["participants"] == 2 * PERSONS_PER_PHASE
    assert count["by_category"] == {"person_with_disability": 200, "environment_person": 200}

    def alone() -> list[set[tuple[str, int]]] | None:
        state, members = asyncio.run(assignments(bootstrap, group))
        return members if state == "Stable" and len(members) == 1 else None

    after = wait_for(alone, timeout=60, what="the group settles with the survivor alone")
    assert after[0] == ALL_PARTITIONS, "the survivor owns every partition, the killed one's included"

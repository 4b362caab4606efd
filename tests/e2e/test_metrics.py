"""``/metrics`` of the running services, scraped before and after a flow of events.

People enrolled over HTTP: enrolment counts the requests by route template and publishes their
events through the outbox (published counter up, nothing left pending); scheduling and reporting
apply them (applied counters up) and their consumer lag per partition comes back to 0; the
database commands are timed; FastStream's own consumer metrics move too. Every service, the web
included, answers ``/metrics`` without a token, in the Prometheus text format.
"""

from __future__ import annotations

import functools

import httpx
from prometheus_client.parser import text_string_to_metric_families

from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_stack.services import WEB
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.support.scheduling import enrol, known_to_scheduling, people

PEOPLE = 4
Samples = list[tuple[str, dict[str, str], float]]


def _scrape(system: RunningSystem, service: str) -> Samples:
    response = httpx.get(f"{system.url(service)}/metrics", timeout=15)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]


def _total(samples: Samples, name: str, **labels: str) -> float:
    return sum(v for n, got, v in samples if n == name and all(got.get(k) == w for k, w in labels.items()))


def _lags(samples: Samples) -> dict[tuple[str, str], float]:
    return {(got["topic"], got["partition"]): v for n, got, v in samples if n == "aktywni_consumer_lag_records"}


def _caught_up(system: RunningSystem, service: str) -> bool:
    return set(_lags(_scrape(system, service)).values()) == {0.0}


def test_counters_move_with_a_flow_of_events_and_the_lag_and_outbox_drain(
    system: RunningSystem, project_id: str
) -> None:
    services = ("enrolment", "scheduling", "reporting")
    before = {name: _scrape(system, name) for name in services}
    participants = ENROLMENT_PARTICIPANTS.name
    route = "/projects/{project_id}/participants"

    ids = enrol(system, project_id, people("on", PEOPLE, seed=18))
    assert known_to_scheduling(system, project_id, ids)
    assert eventually(lambda: participant_count(system, project_id) == PEOPLE, timeout=60)

    enrolment = _scrape(system, "enrolment")
    created = {"method": "POST", "route": route, "status": "201"}
    assert (
        _total(enrolment, "aktywni_http_requests_total", **created)
        - _total(before["enrolment"], "aktywni_http_requests_total", **created)
        == PEOPLE
    )
    assert _total(enrolment, "aktywni_http_request_duration_seconds_count", method="POST", route=route) >= PEOPLE
    published = _total(enrolment, "aktywni_outbox_published_events_total", topic=participants)
    assert published - _total(before["enrolment"], "aktywni_outbox_published_events_total", topic=participants) >= (
        PEOPLE
    )
    assert _total(enrolment, "aktywni_db_command_duration_seconds_count", collection="participants") > _total(
        before["enrolment"], "aktywni_db_command_duration_seconds_count", collection="participants"
    )
    assert all(got.get("route") != f"/projects/{project_id}/participants" for _, got, _ in enrolment)

    for consumer in ("scheduling", "reporting"):
        after = _scrape(system, consumer)
        applied = _total(after, "aktywni_consumer_applied_events_total", topic=participants)
        assert applied - _total(before[consumer], "aktywni_consumer_applied_events_total", topic=participants) >= (
            PEOPLE
        ), consumer
        received = _total(after, "faststream_received_messages_total", handler=participants)
        assert received - _total(before[consumer], "faststream_received_messages_total", handler=participants) >= 1
        assert _total(after, "aktywni_consumer_dead_letters_total", topic=participants) == _total(
            before[consumer], "aktywni_consumer_dead_letters_total", topic=participants
        ), "the flow's events are all valid"
        # every partition the instance was given is measured, and the lag comes back to 0
        assert {topic for topic, _ in _lags(after)} >= {participants}, consumer
        assert eventually(functools.partial(_caught_up, system, consumer), timeout=60), _lags(_scrape(system, consumer))
        assert _total(_scrape(system, consumer), "aktywni_consumer_lag_seconds") == 0.0

    # the outbox drained: nothing pending, no age
    def drained() -> bool:
        scraped = _scrape(system, "enrolment")
        pending = _total(scraped, "aktywni_outbox_pending_documents")
        return pending == 0 and _total(scraped, "aktywni_outbox_oldest_pending_age_seconds") == 0

    assert eventually(drained, timeout=30)

    _scrape(system, WEB)
    web = _scrape(system, WEB)  # the previous scrape is counted by its route
    assert _total(web, "aktywni_http_requests_total", method="GET", route="/metrics", status="200") >= 1
    assert any(name == "process_start_time_seconds" for name, _, _ in web)

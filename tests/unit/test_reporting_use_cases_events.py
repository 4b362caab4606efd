"""Reporting's batch consumer on FastStream's TestKafkaBroker and the in-memory view: records in, numbers out."""

from __future__ import annotations

from collections import defaultdict

from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.registry import encode
from aktywni_shared.identity import Role
from aktywni_stack import demo_data
from reporting.domain.templates import template
from reporting.events.consumer import SOURCE_TOPICS, BatchConsumer
from tests.support.reporting import TA_TARGETS, Person, project_events, ta_at_target, topic_of
from tests.unit.reporting_fakes import Reporting, principal

PROJECT = "TA-BROKER"
AUDITOR = principal(demo_data.MOPS, Role.AUDITOR)


def _by_topic(events: list[Envelope]) -> dict[str, list[bytes]]:
    batches: dict[str, list[bytes]] = defaultdict(list)
    for envelope in events:
        batches[topic_of(envelope)].append(encode(envelope))
    return batches


async def _wired(reporting: Reporting) -> tuple[KafkaBroker, BatchConsumer, list[set[str]], list[KafkaMessage]]:
    broker = KafkaBroker()
    applied: list[set[str]] = []

    async def on_applied(project_ids: set[str]) -> None:
        applied.append(project_ids)

    consumer = BatchConsumer("reporting", broker, reporting.projector, on_applied=on_applied)
    consumer.subscribe(SOURCE_TOPICS, group_id="reporting", max_records=500)
    dead: list[KafkaMessage] = []

    @broker.subscriber("deadletter.reporting")
    async def dead_letter(message: KafkaMessage) -> None:
        dead.append(message)

    return broker, consumer, applied, dead


async def test_published_batches_are_projected_and_counted_once_when_delivered_again() -> None:
    reporting = Reporting()
    await reporting.definitions.replace(PROJECT, template("trener-aktywnosci"), "test")
    broker, consumer, applied, dead = await _wired(reporting)
    story = _by_topic(ta_at_target(PROJECT))
    async with TestKafkaBroker(broker) as test_broker:
        for topic in ("enrolment.projects", "enrolment.participants", "scheduling.attendance"):
            await test_broker.publish_batch(*story[topic], topic=topic)
        numbers = {i.code: (i.value, i.by_sex) for i in (await reporting.reports.report(AUDITOR, PROJECT)).indicators}
        for topic, records in story.items():  # every record delivered a second time
            await test_broker.publish_batch(*records, topic=topic)
    again = {i.code: (i.value, i.by_sex) for i in (await reporting.reports.report(AUDITOR, PROJECT)).indicators}
    assert {code: numbers[code] for code in TA_TARGETS} == TA_TARGETS
    assert again == numbers
    assert dead == []
    assert consumer.applied == 2 * sum(len(records) for records in story.values())
    assert applied, "each batch reported the projects it touched"
    assert all(touched == {PROJECT} for touched in applied)


async def test_a_record_that_is_no_event_goes_to_the_dead_letter_topic_and_the_batch_goes_on() -> None:
    reporting = Reporting()
    await reporting.definitions.replace(PROJECT, template("trener-aktywnosci"), "test")
    broker, consumer, _, dead = await _wired(reporting)
    anna = Person(PROJECT, "person_with_disability", "K")
    async with TestKafkaBroker(broker) as test_broker:
        for topic, records in _by_topic(project_events(PROJECT)).items():
            await test_broker.publish_batch(*records, topic=topic)
        good = [encode(anna.enrolled())]
        await test_broker.publish_batch(b"not json", *good, b'{"type": "Nothing"}', topic="enrolment.participants")
    assert consumer.dead_lettered == 2
    assert len(dead) == 2
    headers = dead[0].headers
    assert headers["dlq_consumer"] == "reporting"
    assert headers["source_topic"] == "enrolment.participants"
    assert headers["dlq_reason"]
    assert dead[0].body == b"not json", "the rejected record's own bytes"
    count = await reporting.reports.participant_count(AUDITOR, PROJECT)
    assert count.participants == 1, "the good record between the bad ones counts"

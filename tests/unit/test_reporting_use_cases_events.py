"""Reporting's batch consumer on FastStream's TestKafkaBroker and the in-memory view: records in, numbers out."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import ProjectAmendedV1
from aktywni_shared.contracts.registry import encode
from aktywni_shared.identity import Role
from aktywni_stack import demo_data
from reporting.domain.templates import template
from reporting.events.consumer import SOURCE_TOPICS, BatchConsumer
from tests.support.reporting import TA_TARGETS, Person, project_events, ta_at_target, topic_of, wrap
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


async def test_an_amended_period_is_the_reports_and_an_older_amendment_arriving_late_changes_nothing() -> None:
    """The report of an amended project is that of a project registered with the new period from the start."""
    reporting = Reporting(today=date(2013, 1, 15))
    amended, registered = "TA-AMENDED", "TA-LONGER"
    for project_id in (amended, registered):
        await reporting.definitions.replace(project_id, template("trener-aktywnosci"), "test")
    broker, _, _, dead = await _wired(reporting)
    older = wrap(ProjectAmendedV1(title="TA (krótszy)", starts_on=date(2012, 2, 1), ends_on=date(2014, 6, 30)), amended)
    newer = wrap(ProjectAmendedV1(title="TA (dłuższy)", starts_on=date(2012, 2, 1), ends_on=date(2016, 1, 31)), amended)
    story = _by_topic(ta_at_target(amended))
    # the same story, registered with the new period
    facts = [e for e in ta_at_target(registered) if e.type != "ProjectRegistered"]
    longer_story = _by_topic([*project_events(registered, ends_on="2016-01-31")[:1], *facts])
    async with TestKafkaBroker(broker) as test_broker:
        for topic in ("enrolment.projects", "enrolment.participants", "scheduling.attendance"):
            await test_broker.publish_batch(*story[topic], topic=topic)
            await test_broker.publish_batch(*longer_story[topic], topic=topic)
        await test_broker.publish_batch(encode(newer), encode(older), encode(newer), topic="enrolment.projects")
        # the registration delivered again after the amendments does not bring the old period back
        await test_broker.publish_batch(*story["enrolment.projects"][:1], topic="enrolment.projects")

    report = await reporting.reports.report(AUDITOR, amended)
    expected = await reporting.reports.report(AUDITOR, registered)
    assert dead == []
    assert (report.title, report.starts_on, report.ends_on) == ("TA (dłuższy)", date(2012, 2, 1), date(2016, 1, 31))
    months = [row.month for row in report.indicators[0].months]
    assert (months[0], months[-1]) == ("2012-02", "2016-01")
    assert report.indicators == expected.indicators, "months and forecasts follow the new period"

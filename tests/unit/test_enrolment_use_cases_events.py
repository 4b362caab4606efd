"""Enrolment's incoming events (scheduling's support facts) on FastStream's TestKafkaBroker and fakes.

The records go through the service's own consumer (decode, route by type, dead-letter what cannot
be applied) into ``enrolment.events.handlers``; no Kafka, no database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.events import SupportCompletedV1, SupportStartedV1
from aktywni_shared.contracts.registry import encode
from aktywni_shared.contracts.topics import SCHEDULING_ATTENDANCE, dead_letter
from aktywni_shared.contracts.vocabulary import ParticipantCategory, Sex, SupportForm, WithdrawalReason
from aktywni_shared.messaging.consumer import EventConsumer
from aktywni_stack import demo_data
from enrolment.domain.participants import Participant, Status
from enrolment.events.handlers import handlers
from enrolment.use_cases import lifecycle, participants
from tests.unit.enrolment_fakes import LEADER, TA_DAY, FakeEnrolment, anna, ta_world

pytestmark = pytest.mark.unit
SUPPORT_DAY = date(2012, 9, 12)


@dataclass
class Wired:
    world: FakeEnrolment
    broker: KafkaBroker
    consumer: EventConsumer
    dead_letters: list[bytes]

    async def deliver(self, payload: EventPayload) -> None:
        envelope = Envelope.wrap(
            payload, producer="scheduling", organisation_id=demo_data.EUDAJMONIA, project_id="TA-2012"
        )
        await self.broker.publish(encode(envelope), SCHEDULING_ATTENDANCE.name, key=str(envelope.event_id).encode())

    async def status(self, participant: Participant) -> Status:
        stored = await self.world.participants.get(participant.participant_id)
        assert stored is not None
        return stored.participant.status


@pytest.fixture
async def wired() -> AsyncIterator[Wired]:
    world = await ta_world()
    broker = KafkaBroker()
    consumer = EventConsumer("enrolment", broker, handlers(world.enrolment))
    consumer.subscribe([SCHEDULING_ATTENDANCE], group_id="enrolment")
    dead_letters: list[bytes] = []

    @broker.subscriber(dead_letter("enrolment").name, group_id="test-dead-letters")
    async def collect(message: KafkaMessage) -> None:
        dead_letters.append(message.body)

    async with TestKafkaBroker(broker):
        yield Wired(world, broker, consumer, dead_letters)


def started(participant_id: uuid.UUID, activity_id: uuid.UUID | None = None) -> SupportStartedV1:
    return SupportStartedV1(
        participant_id=participant_id,
        activity_id=activity_id or uuid.uuid4(),
        form=SupportForm.TRAINING,
        category=ParticipantCategory.PERSON_WITH_DISABILITY,
        sex=Sex.FEMALE,
        birth_year=1971,
        started_on=SUPPORT_DAY,
    )


def completed(participant_id: uuid.UUID, activity_id: uuid.UUID, form: SupportForm) -> SupportCompletedV1:
    return SupportCompletedV1(
        participant_id=participant_id,
        activity_id=activity_id,
        form=form,
        category=ParticipantCategory.PERSON_WITH_DISABILITY,
        sex=Sex.FEMALE,
        birth_year=1971,
        completed_on=SUPPORT_DAY,
        hours_attended=2.0,
    )


async def test_the_first_support_activates_once_however_often_it_is_delivered(wired: Wired) -> None:
    enrolled = await participants.enrol(wired.world.enrolment, LEADER, "TA-2012", anna())

    await wired.deliver(started(enrolled.participant_id))
    await wired.deliver(started(enrolled.participant_id))

    assert await wired.status(enrolled) is Status.ACTIVE
    assert wired.world.outbox.types == ["ParticipantEnrolled", "ParticipantActivated"]
    assert wired.consumer.applied == 2


async def test_completed_activities_complete_the_path_when_the_rule_is_met(wired: Wired) -> None:
    enrolled = await participants.enrol(wired.world.enrolment, LEADER, "TA-2012", anna())
    training, meeting = uuid.uuid4(), uuid.uuid4()

    await wired.deliver(started(enrolled.participant_id, training))
    await wired.deliver(completed(enrolled.participant_id, training, SupportForm.TRAINING))
    assert await wired.status(enrolled) is Status.ACTIVE
    await wired.deliver(completed(enrolled.participant_id, meeting, SupportForm.INDIVIDUAL_MEETING))
    await wired.deliver(completed(enrolled.participant_id, meeting, SupportForm.INDIVIDUAL_MEETING))

    assert await wired.status(enrolled) is Status.COMPLETED
    assert wired.world.outbox.types == ["ParticipantEnrolled", "ParticipantActivated", "ParticipantCompleted"]


async def test_support_for_a_withdrawn_participant_is_accepted_and_changes_nothing(wired: Wired) -> None:
    enrolled = await participants.enrol(wired.world.enrolment, LEADER, "TA-2012", anna())
    await lifecycle.withdraw(wired.world.enrolment, LEADER, enrolled.participant_id, TA_DAY, WithdrawalReason.HEALTH)

    await wired.deliver(started(enrolled.participant_id))

    assert await wired.status(enrolled) is Status.WITHDRAWN
    assert wired.consumer.applied == 1
    assert wired.dead_letters == []


async def test_support_for_a_participant_enrolment_never_knew_goes_to_the_dead_letter_topic(wired: Wired) -> None:
    await wired.deliver(started(uuid.uuid4()))
    await wired.deliver(completed(uuid.uuid4(), uuid.uuid4(), SupportForm.TRAINING))

    assert wired.consumer.dead_lettered == 2
    assert len(wired.dead_letters) == 2
    assert wired.world.outbox.envelopes == []


async def test_a_record_that_is_no_event_goes_to_the_dead_letter_topic_with_its_bytes(wired: Wired) -> None:
    await wired.broker.publish(b"not an envelope", SCHEDULING_ATTENDANCE.name, key=b"x")

    assert wired.dead_letters == [b"not an envelope"]
    assert wired.consumer.applied == 0

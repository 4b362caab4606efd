"""Scheduling's incoming events on FastStream's TestKafkaBroker and in-memory stores.

The records go through the service's own consumer (decode, route by type, dead-letter what cannot be
accepted) into ``scheduling.events.handlers``; no Kafka, no database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.events import (
    ParticipantEnrolledV3,
    ParticipantErasedV1,
    ParticipantWithdrawnV1,
    PartnerJoinedV1,
    ProjectAmendedV1,
    ProjectRegisteredV1,
)
from aktywni_shared.contracts.registry import encode
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, ENROLMENT_PROJECTS
from aktywni_shared.contracts.vocabulary import (
    BookingCancellationReason,
    ParticipantCategory,
    PartnerRole,
    Sex,
    WithdrawalReason,
)
from aktywni_shared.messaging.consumer import EventConsumer
from scheduling.domain.bookings import BookingState
from scheduling.domain.errors import Conflicts
from scheduling.domain.participants import ParticipantStatus
from scheduling.events.handlers import handlers
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.planning import Planning
from tests.unit.scheduling_fakes import (
    COORDINATOR,
    LEADER,
    PARTNER,
    PROJECT,
    FakeStores,
    scene,
    session_at,
    training,
)

pytestmark = pytest.mark.unit
ENROLLED_AT = datetime(2012, 9, 20, 10, 0, tzinfo=UTC)


def _envelope(payload: EventPayload, organisation_id: str = LEADER, after: timedelta = timedelta()) -> Envelope:
    return Envelope.wrap(
        payload,
        producer="enrolment",
        organisation_id=organisation_id,
        project_id=PROJECT,
        occurred_at=ENROLLED_AT + after,
    )


def _enrolment(participant_id: uuid.UUID) -> ParticipantEnrolledV3:
    return ParticipantEnrolledV3(
        participant_id=participant_id,
        category=ParticipantCategory.CLIENT_AT_RISK,
        sex=Sex.MALE,
        birth_year=1975,
        enrolled_on=date(2012, 9, 20),
    )


class Consumer:
    """The service's consumer of enrolment's topics on a test broker, over fake stores."""

    def __init__(self, fakes: FakeStores, broker: KafkaBroker) -> None:
        self.fakes = fakes
        self.broker = broker
        self.consumer = EventConsumer("scheduling", broker, handlers(fakes.stores, Bookings(fakes.stores)))
        self.consumer.subscribe([ENROLMENT_PROJECTS, ENROLMENT_PARTICIPANTS], group_id="scheduling")

    async def deliver(self, envelope: Envelope) -> None:
        topic = (
            ENROLMENT_PROJECTS
            if envelope.type in ("ProjectRegistered", "ProjectAmended", "PartnerJoined")
            else ENROLMENT_PARTICIPANTS
        )
        await self.broker.publish(encode(envelope), topic.name, key=envelope.project_id.encode())


@pytest.fixture
async def consumer() -> AsyncIterator[Consumer]:
    fakes = scene()
    fakes.projects.projects.clear()  # the project is learned from its events here
    broker = KafkaBroker()
    wired = Consumer(fakes, broker)
    async with TestKafkaBroker(broker):
        yield wired


async def test_a_project_is_known_from_its_registration_and_its_partners(consumer: Consumer) -> None:
    registered = ProjectRegisteredV1(
        title="Aktywni 2012", leader_organisation_id=LEADER, starts_on=date(2012, 9, 1), ends_on=date(2013, 6, 30)
    )
    joined = PartnerJoinedV1(partner_organisation_id=PARTNER, role=PartnerRole.PARTNER)
    joined_envelope = _envelope(joined)

    await consumer.deliver(joined_envelope)  # a partner may be heard of first
    assert await consumer.fakes.projects.get(PROJECT) is None
    await consumer.deliver(_envelope(registered))
    await consumer.deliver(joined_envelope)  # and redelivered

    project = await consumer.fakes.projects.get(PROJECT)
    assert project is not None
    assert (project.leader_organisation_id, project.partners) == (LEADER, {PARTNER: PartnerRole.PARTNER})
    assert consumer.consumer.applied == 3


async def test_an_amendment_moves_the_period_sessions_are_planned_in_and_the_latest_one_wins(
    consumer: Consumer,
) -> None:
    registered = ProjectRegisteredV1(
        title="Aktywni 2012", leader_organisation_id=LEADER, starts_on=date(2012, 9, 1), ends_on=date(2013, 6, 30)
    )
    longer = _envelope(
        ProjectAmendedV1(title="Aktywni 2012-2013", starts_on=date(2012, 9, 1), ends_on=date(2013, 12, 31)),
        after=timedelta(hours=2),
    )
    older = _envelope(
        ProjectAmendedV1(title="Aktywni (stary)", starts_on=date(2012, 9, 1), ends_on=date(2013, 8, 31)),
        after=timedelta(hours=1),
    )
    planning = Planning(consumer.fakes.stores)
    await consumer.deliver(_envelope(registered))
    activity = await planning.plan_activity(COORDINATOR, PROJECT, training())
    july = session_at(date(2013, 7, 2), "09:00", 2)
    with pytest.raises(Conflicts) as refused:
        await planning.schedule(COORDINATOR, str(activity.activity_id), july)
    assert "outside_project_period" in {c.code for c in refused.value.conflicts}

    await consumer.deliver(longer)
    await consumer.deliver(longer)  # redelivered: changes nothing
    await consumer.deliver(older)  # an older amendment arriving late does not win

    project = await consumer.fakes.projects.get(PROJECT)
    assert project is not None
    assert (project.starts_on, project.ends_on) == (date(2012, 9, 1), date(2013, 12, 31))
    assert consumer.fakes.projects.projects[PROJECT]["title"] == "Aktywni 2012-2013"
    scheduled = await planning.schedule(COORDINATOR, str(activity.activity_id), july)
    assert scheduled.session.activity_id == activity.activity_id
    with pytest.raises(Conflicts) as outside:
        await planning.schedule(COORDINATOR, str(activity.activity_id), session_at(date(2014, 1, 7), "09:00", 2))
    assert "outside_project_period" in {c.code for c in outside.value.conflicts}
    assert consumer.consumer.applied == 4


async def test_an_enrolment_makes_a_participant_bookable_and_a_redelivery_changes_nothing(consumer: Consumer) -> None:
    pid = uuid.uuid4()
    enrolled = _envelope(_enrolment(pid))

    await consumer.deliver(enrolled)
    await consumer.deliver(enrolled)

    view = await consumer.fakes.participants.get(str(pid))
    assert view is not None
    assert view.bookable
    assert (view.organisation_id, view.sex) == (LEADER, Sex.MALE)
    assert consumer.fakes.participants.applied[str(pid)] == [str(enrolled.event_id)]


async def test_a_withdrawal_cancels_the_bookings_from_that_day_and_promotes_the_waitlist(consumer: Consumer) -> None:
    fakes = consumer.fakes
    await consumer.deliver(
        _envelope(
            ProjectRegisteredV1(
                title="Aktywni", leader_organisation_id=LEADER, starts_on=date(2012, 9, 1), ends_on=date(2013, 6, 30)
            )
        )
    )
    leaving, waiting = uuid.uuid4(), uuid.uuid4()
    for pid in (leaving, waiting):
        await consumer.deliver(_envelope(_enrolment(pid)))
    planning = Planning(fakes.stores)
    activity = await planning.plan_activity(COORDINATOR, PROJECT, training(capacity=1))
    earlier = await planning.schedule(COORDINATOR, str(activity.activity_id), session_at(date(2012, 10, 2), "09:00", 2))
    later = await planning.schedule(COORDINATOR, str(activity.activity_id), session_at(date(2012, 10, 9), "09:00", 2))
    bookings = Bookings(fakes.stores)
    for stored in (earlier, later):
        for pid in (leaving, waiting):
            fakes.clock.advance(timedelta(minutes=1))
            await bookings.book(COORDINATOR, str(stored.session.session_id), str(pid))

    withdrawn = ParticipantWithdrawnV1(
        participant_id=leaving, withdrawn_on=date(2012, 10, 5), reason=WithdrawalReason.OWN_DECISION
    )
    await consumer.deliver(_envelope(withdrawn, after=timedelta(days=10)))

    kept = await fakes.stores.session(str(earlier.session.session_id))
    moved = await fakes.stores.session(str(later.session.session_id))
    assert kept.bookings[str(leaving)].state is BookingState.CONFIRMED, "a session before the withdrawal stays"
    assert moved.bookings[str(leaving)].state is BookingState.CANCELLED
    assert moved.bookings[str(leaving)].cancellation_reason is BookingCancellationReason.PARTICIPANT_WITHDRAWN
    assert moved.bookings[str(waiting)].state is BookingState.CONFIRMED
    view = await fakes.participants.get(str(leaving))
    assert view is not None
    assert view.status is ParticipantStatus.WITHDRAWN


async def test_an_erasure_drops_the_attributes_and_cancels_as_a_withdrawal_does(consumer: Consumer) -> None:
    pid = uuid.uuid4()
    await consumer.deliver(_envelope(_enrolment(pid)))

    await consumer.deliver(
        _envelope(ParticipantErasedV1(participant_id=pid, erased_on=date(2012, 10, 1)), after=timedelta(days=1))
    )

    view = await consumer.fakes.participants.get(str(pid))
    assert view is not None
    assert (view.status, view.sex, view.category) == (ParticipantStatus.ERASED, None, None)


async def test_what_is_not_an_event_goes_to_the_dead_letter_topic(consumer: Consumer) -> None:
    await consumer.broker.publish(b"{not json", ENROLMENT_PARTICIPANTS.name, key=b"x")

    assert consumer.consumer.dead_lettered == 1
    assert consumer.consumer.applied == 0

"""Who sees what, through the use cases on in-memory stores: a trainer their own sessions, feeds and people."""

from __future__ import annotations

from datetime import date

import pytest

from scheduling.domain.errors import NotFound
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.calendars import Calendars
from scheduling.use_cases.participants import Participants
from scheduling.use_cases.planning import Planning
from tests.unit.scheduling_fakes import (
    AUDITOR,
    COORDINATOR,
    PARTNER,
    PARTNER_STAFF,
    PROJECT,
    FakeStores,
    FakeSubscriptions,
    enrolled,
    scene,
    session_at,
    trainer,
    training,
)

pytestmark = pytest.mark.unit
TUESDAY = date(2012, 10, 2)
ANNA, PIOTR = trainer("anna"), trainer("piotr")


async def _annas_and_piotrs(fakes: FakeStores) -> tuple[str, str, list[str]]:
    """A session led by Anna with two people booked (one of the partner's), and one led by Piotr."""
    planning = Planning(fakes.stores)
    activity = await planning.plan_activity(COORDINATOR, PROJECT, training(capacity=5))
    annas = await planning.schedule(
        COORDINATOR, str(activity.activity_id), session_at(TUESDAY, "09:00", 2, staff_ids=["anna"])
    )
    piotrs = await planning.schedule(
        COORDINATOR, str(activity.activity_id), session_at(TUESDAY, "13:00", 2, staff_ids=["piotr"])
    )
    people = [enrolled(), enrolled(PARTNER)]
    for person in people:
        fakes.participants.add(person)
        await Bookings(fakes.stores).book(COORDINATOR, str(annas.session.session_id), person.participant_id)
    return str(annas.session.session_id), str(piotrs.session.session_id), [p.participant_id for p in people]


async def test_a_trainer_sees_the_sessions_they_lead_and_no_other() -> None:
    fakes = scene()
    annas, piotrs, _ = await _annas_and_piotrs(fakes)
    planning = Planning(fakes.stores)

    _, visible = await planning.sessions(ANNA, PROJECT, None, None)
    assert [str(s.session.session_id) for s in visible] == [annas]
    stored, _ = await fakes.stores.readable_session(ANNA, annas)
    assert str(stored.session.session_id) == annas
    with pytest.raises(NotFound) as hidden:
        await fakes.stores.readable_session(ANNA, piotrs)
    assert hidden.value.field == "session_id"
    _, everything = await planning.sessions(AUDITOR, PROJECT, None, None)
    assert {str(s.session.session_id) for s in everything} == {annas, piotrs}


async def test_sessions_are_listed_by_when_they_run() -> None:
    fakes = scene()
    annas, piotrs, _ = await _annas_and_piotrs(fakes)
    midday = session_at(TUESDAY, "12:00", 1).interval.start

    _, morning = await Planning(fakes.stores).sessions(COORDINATOR, PROJECT, None, midday)
    _, afternoon = await Planning(fakes.stores).sessions(COORDINATOR, PROJECT, midday, None)

    assert [str(s.session.session_id) for s in morning] == [annas]
    assert [str(s.session.session_id) for s in afternoon] == [piotrs]


async def test_who_lists_which_participants() -> None:
    fakes = scene()
    _, _, (leaders, partners) = await _annas_and_piotrs(fakes)
    unbooked = enrolled()
    fakes.participants.add(unbooked)
    participants = Participants(fakes.stores)

    everyone = {v.participant_id for v in await participants.bookable(COORDINATOR, PROJECT)}
    assert everyone == {leaders, partners, unbooked.participant_id}
    assert [v.participant_id for v in await participants.bookable(PARTNER_STAFF, PROJECT)] == [partners]
    assert {v.participant_id for v in await participants.bookable(ANNA, PROJECT)} == {leaders, partners}
    assert await participants.bookable(PIOTR, PROJECT) == []


async def test_a_trainers_calendar_is_their_own_and_their_coordinators() -> None:
    fakes = scene()
    annas, _, (leaders, partners) = await _annas_and_piotrs(fakes)
    calendars = Calendars(fakes.stores, subscriptions=FakeSubscriptions())

    feed = await calendars.staff(ANNA, "anna")
    assert [str(s.session.session_id) for s in feed.sessions] == [annas]
    assert [feed.status(s) for s in feed.sessions] == ["CONFIRMED"]
    assert (await calendars.staff(COORDINATOR, "anna")).sessions == feed.sessions
    with pytest.raises(NotFound):
        await calendars.staff(PIOTR, "anna")
    with pytest.raises(NotFound):
        await calendars.participant(PARTNER_STAFF, leaders)
    assert [str(s.session.session_id) for s in (await calendars.participant(PARTNER_STAFF, partners)).sessions] == [
        annas
    ]


async def test_a_subscription_link_reads_as_its_owner_would_until_revoked() -> None:
    fakes = scene()
    annas, _, _ = await _annas_and_piotrs(fakes)
    calendars = Calendars(fakes.stores, subscriptions=FakeSubscriptions())

    with pytest.raises(NotFound):
        await calendars.subscribe(PIOTR, "staff", "anna")
    link, secret = await calendars.subscribe(ANNA, "staff", "anna")
    assert [str(s.session.session_id) for s in (await calendars.by_link(secret)).sessions] == [annas]

    _, rotated = await calendars.rotate(ANNA, link.subscription_id)
    with pytest.raises(NotFound) as old:
        await calendars.by_link(secret)
    assert old.value.field == "secret"
    await calendars.revoke(ANNA, link.subscription_id)
    with pytest.raises(NotFound):
        await calendars.by_link(rotated)

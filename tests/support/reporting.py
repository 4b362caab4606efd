"""Real events (contract models in envelopes) of a "Trener Aktywności"-shaped project, for reporting's tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.events import (
    DeclarationRecordedV1,
    ParticipantEnrolledV3,
    ParticipantErasedV1,
    ParticipantWithdrawnV1,
    PartnerJoinedV1,
    ProjectRegisteredV1,
    SupportCompletedV1,
    SupportStartedV1,
)
from aktywni_shared.contracts.registry import DecodedEvent, decode, encode
from aktywni_shared.contracts.topics import EVENT_TOPICS
from aktywni_stack import demo_data

TRAINING = uuid.UUID("00000000-0000-4000-8000-00000000a001")  # the TA training (an activity)
MEETINGS = uuid.UUID("00000000-0000-4000-8000-00000000a002")  # individual meetings with specialists
_clock = datetime(2012, 6, 1, 8, 0, tzinfo=UTC)


def wrap(payload: EventPayload, project_id: str, organisation_id: str = demo_data.EUDAJMONIA) -> Envelope:
    global _clock  # noqa: PLW0603 - a strictly increasing occurred_at keeps the test events in a known order
    _clock += timedelta(seconds=1)
    return Envelope.wrap(
        payload,
        producer="test",
        organisation_id=organisation_id,
        project_id=project_id,
        occurred_at=_clock,
    )


def decoded(envelope: Envelope) -> DecodedEvent:
    return decode(encode(envelope))


def topic_of(envelope: Envelope) -> str:
    return EVENT_TOPICS[envelope.type].name


def key_of(envelope: Envelope) -> bytes:
    payload = envelope.payload
    for field in ("participant_id", "activity_id"):
        if field in payload:
            return str(payload[field]).encode()
    return envelope.project_id.encode()


def project_events(project_id: str, starts_on: str = "2012-02-01", ends_on: str = "2015-01-31") -> list[Envelope]:
    registered = ProjectRegisteredV1(
        title="Trener Aktywności",
        leader_organisation_id=demo_data.EUDAJMONIA,
        starts_on=date.fromisoformat(starts_on),
        ends_on=date.fromisoformat(ends_on),
    )
    joined = [
        PartnerJoinedV1(partner_organisation_id=demo_data.EUDAJMONIA, role="leader"),
        PartnerJoinedV1(partner_organisation_id=demo_data.FRDL, role="partner"),
        PartnerJoinedV1(partner_organisation_id=demo_data.MOPS, role="non_project_partner"),
    ]
    return [wrap(registered, project_id), *(wrap(j, project_id) for j in joined)]


def attrs(category: str, sex: str, birth_year: int, **more: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"disability_degree": "light" if category == "person_with_disability" else None}
    if category == "environment_person":
        defaults["linked_participant_id"] = str(uuid.uuid4())
    return {"category": category, "sex": sex, "birth_year": birth_year, **defaults, **more}


class Person:
    """One participant and the events of their path."""

    def __init__(
        self,
        project_id: str,
        category: str,
        sex: str,
        birth_year: int = 1980,
        organisation_id: str = demo_data.EUDAJMONIA,
        **more: Any,
    ) -> None:
        self.project_id = project_id
        self.participant_id = uuid.uuid4()
        self.organisation_id = organisation_id
        self.attrs = attrs(category, sex, birth_year, **more)

    def _support(self) -> dict[str, Any]:
        keep = ("category", "sex", "birth_year", "disability_degree", "mops_employee")
        return {k: v for k, v in self.attrs.items() if k in keep}

    def enrolled(self, on: str = "2012-06-04") -> Envelope:
        payload = ParticipantEnrolledV3.model_validate(
            {
                "participant_id": str(self.participant_id),
                "enrolled_on": on,
                **{k: v for k, v in self.attrs.items() if k != "mops_employee" or v is not None},
            }
        )
        return wrap(payload, self.project_id, self.organisation_id)

    def started(
        self, on: str = "2012-06-20", activity: uuid.UUID = MEETINGS, form: str = "individual_meeting"
    ) -> Envelope:
        payload = SupportStartedV1.model_validate(
            {
                "participant_id": str(self.participant_id),
                "activity_id": str(activity),
                "form": form,
                "started_on": on,
                **self._support(),
            }
        )
        return wrap(payload, self.project_id, self.organisation_id)

    def completed(self, on: str = "2012-09-30", activity: uuid.UUID = TRAINING, form: str = "training") -> Envelope:
        payload = SupportCompletedV1.model_validate(
            {
                "participant_id": str(self.participant_id),
                "activity_id": str(activity),
                "form": form,
                "completed_on": on,
                "hours_attended": 40,
                **self._support(),
            }
        )
        return wrap(payload, self.project_id, self.organisation_id)

    def withdrawn(self, on: str = "2012-06-10") -> Envelope:
        payload = ParticipantWithdrawnV1(participant_id=self.participant_id, withdrawn_on=on, reason="own_decision")
        return wrap(payload, self.project_id, self.organisation_id)

    def erased(self, on: str = "2013-01-10") -> Envelope:
        payload = ParticipantErasedV1(participant_id=self.participant_id, erased_on=on)
        return wrap(payload, self.project_id, self.organisation_id)


def declaration(project_id: str, kind: str, name: str, on: str = "2014-05-10") -> Envelope:
    payload = DeclarationRecordedV1.model_validate(
        {
            "declaration_id": str(uuid.uuid4()),
            "kind": kind,
            "institution_name": name,
            "institution_kind": "social_assistance_centre" if kind == "implement_model" else "ngo",
            "declared_on": on,
            "document_reference": f"DEK/{name[:20]}",
        }
    )
    return wrap(payload, project_id)


def ta_at_target(project_id: str) -> list[Envelope]:
    """The whole "Trener Aktywności" story reaching every event-counted target exactly, split K/M.

    30 ON (18 K, 12 M) and 30 environment persons (15 K, 15 M) supported; 10 MOPS staff (7 K, 3 M)
    and 5 other persons (3 K, 2 M) trained; 5 social-assistance units and 5 other bodies declaring.
    Partner FRDL enrols a third of the ON.
    """
    events = project_events(project_id)
    for n in range(30):
        on = Person(
            project_id,
            "person_with_disability",
            "K" if n < 18 else "M",
            birth_year=1950 + n,
            organisation_id=demo_data.FRDL if n % 3 == 0 else demo_data.EUDAJMONIA,
        )
        month = 3 + n % 10
        events += [on.enrolled(f"2012-{month:02d}-01"), on.started(f"2012-{month:02d}-15")]
        carer = Person(project_id, "environment_person", "K" if n < 15 else "M", birth_year=1960 + n)
        events += [carer.enrolled(f"2012-{month:02d}-02"), carer.started(f"2012-{month:02d}-16", form="training")]
    for n in range(15):
        mops = n < 10
        trainee = Person(
            project_id,
            "staff_trainee",
            "K" if (n < 7 or 10 <= n < 13) else "M",
            birth_year=1975,
            organisation_id=demo_data.FRDL,
            mops_employee=mops,
        )
        events += [
            trainee.enrolled("2012-09-10"),
            trainee.started("2012-09-20", activity=TRAINING, form="training"),
            trainee.completed("2012-11-30"),
        ]
    for n in range(5):
        events.append(declaration(project_id, "implement_model", f"Ośrodek Pomocy Społecznej nr {n + 1}"))
        events.append(declaration(project_id, "cooperate", f"Stowarzyszenie Współpracy nr {n + 1}"))
    return events


TA_TARGETS = {
    "TA-ON-SUPPORTED": (30, {"K": 18, "M": 12}),
    "TA-ENV-SUPPORTED": (30, {"K": 15, "M": 15}),
    "TA-MOPS-TRAINED": (10, {"K": 7, "M": 3}),
    "TA-OTHER-TRAINED": (5, {"K": 3, "M": 2}),
    "TA-UNITS-DECLARING": (5, {}),
    "TA-BODIES-COOPERATING": (5, {}),
}


def values(report: dict[str, Any]) -> dict[str, tuple[int, dict[str, int]]]:
    return {i["code"]: (i["value"], i["by_sex"]) for i in report["indicators"]}


def numbers(report: dict[str, Any]) -> dict[str, Any]:
    """Everything numeric of a report (for "identical after replay" comparisons)."""
    return {
        i["code"]: {k: i[k] for k in ("value", "by_sex", "by_organisation", "breakdowns", "months", "cells")}
        for i in report["indicators"]
    }


def by_type(events: Iterable[Envelope], kind: str) -> list[Envelope]:
    return [e for e in events if e.type == kind]


async def publish(bootstrap: str, envelopes: Iterable[Envelope], *, raw: Iterable[tuple[str, bytes]] = ()) -> None:
    """Publish events to their real topics (keyed as their producers key them), plus raw records."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    try:
        sends = [await producer.send(topic_of(e), encode(e), key=key_of(e)) for e in envelopes]
        sends += [await producer.send(topic, value, key=b"raw") for topic, value in raw]
        for sent in sends:
            await sent
    finally:
        await producer.stop()


def publish_blocking(bootstrap: str, envelopes: Iterable[Envelope]) -> None:
    """``publish`` from synchronous code, even where an event loop runs (e.g. under Playwright's sync API)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    items = list(envelopes)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(publish(bootstrap, items))).result()


def sex_of(body: dict[str, Any]) -> str:
    """K or M of an enrolment body: as stated, else from the PESEL (its 10th digit is even for women)."""
    if body.get("sex"):
        return str(body["sex"])
    return "K" if int(str(body["pesel"])[9]) % 2 == 0 else "M"


async def all_records(bootstrap: str, topics: Iterable[str]) -> list[Any]:
    """Every record of ``topics`` from offset 0 to the end offsets taken now (no consumer group)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []

        async def behind() -> bool:
            return any([await consumer.position(tp) < end for tp, end in ends.items()])

        while await behind():
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(r for r in batch if r.offset < ends[TopicPartition(r.topic, r.partition)])
        return records
    finally:
        await consumer.stop()


async def redeliver(bootstrap: str, records: Iterable[Any]) -> dict[tuple[str, int], int]:
    """Publish the records again as they are (topic, partition, key, value, headers); the end offsets after."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    ends: dict[tuple[str, int], int] = {}
    try:
        sends = [
            await producer.send(r.topic, r.value, key=r.key, partition=r.partition, headers=list(r.headers or ()))
            for r in records
        ]
        for sent in sends:
            metadata = await sent
            place = (metadata.topic, metadata.partition)
            ends[place] = max(ends.get(place, 0), metadata.offset + 1)
    finally:
        await producer.stop()
    return ends


async def consumed(bootstrap: str, group: str, ends: dict[tuple[str, int], int], timeout: float = 60.0) -> bool:
    """Wait until ``group`` has committed at least ``ends`` (consumers commit after the effect)."""
    import asyncio
    import time

    from aiokafka import TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            committed = await admin.list_consumer_group_offsets(group)
            if all(
                (c := committed.get(TopicPartition(topic, partition))) is not None and c.offset >= end
                for (topic, partition), end in ends.items()
            ):
                return True
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.3)
    finally:
        await admin.close()

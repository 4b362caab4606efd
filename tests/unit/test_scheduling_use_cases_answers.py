"""What scheduling's refusals answer over HTTP (the shared handlers), and where its events go (the contracts).

The refusals are the shared family's subclasses now; their bodies are those clients have always had.
The events a use case wraps get their topic and key from the contracts when a store saves them.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aktywni_shared.contracts.events import ActivityPlannedV1, AttendanceRecordedV1, SessionCancelledV1
from aktywni_shared.contracts.vocabulary import AttendanceStatus, ParticipantCategory, SupportForm
from aktywni_shared.errors import ServiceError
from aktywni_shared.http_errors import install_error_handlers
from aktywni_shared.messaging.outbox import OUTBOX
from scheduling.domain.activities import default_rule
from scheduling.domain.errors import ConcurrentChange, Conflict, Conflicts, DomainError, Forbidden, NotFound
from scheduling.store.versioned import new_document
from scheduling.use_cases.context import wrap
from scheduling.use_cases.ports import Write

pytestmark = pytest.mark.unit


def _answer(error: ServiceError) -> tuple[int, object]:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/refuse")
    async def refuse() -> None:
        raise error

    response = TestClient(app).get("/refuse")
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            NotFound("participant p not found", "participant_ids.3"),
            404,
            {"detail": [{"loc": ["path", "participant_ids.3"], "msg": "participant p not found", "type": "not_found"}]},
        ),
        (
            NotFound("calendar not found"),
            404,
            {"detail": [{"loc": ["path"], "msg": "calendar not found", "type": "not_found"}]},
        ),
        (
            Forbidden("role trainer does not book participants"),
            403,
            {"detail": "role trainer does not book participants"},
        ),
        (
            DomainError("participant p is listed twice", "records.0.participant_id"),
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "records", "0", "participant_id"],
                        "msg": "participant p is listed twice",
                        "type": "domain",
                    }
                ]
            },
        ),
        (
            Conflicts(
                [
                    Conflict("room_double_booked", "room_id", "room sala-1 is taken"),
                    Conflict("participant_double_booked", "participant_ids.1", "participant p is busy"),
                ]
            ),
            409,
            {
                "detail": [
                    {"loc": ["body", "room_id"], "msg": "room sala-1 is taken", "type": "conflict.room_double_booked"},
                    {
                        "loc": ["body", "participant_ids", "1"],
                        "msg": "participant p is busy",
                        "type": "conflict.participant_double_booked",
                    },
                ]
            },
        ),
        (
            ConcurrentChange("sessions s keeps changing; try again"),
            409,
            {"detail": [{"loc": ["body"], "msg": "sessions s keeps changing; try again", "type": "conflict.busy"}]},
        ),
    ],
)
def test_each_refusal_answers_as_it_always_has(error: ServiceError, status: int, body: object) -> None:
    assert _answer(error) == (status, body)


def test_a_stored_event_takes_its_topic_and_key_from_the_contracts() -> None:
    participant, session, activity = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    recorded = AttendanceRecordedV1(
        session_id=session,
        activity_id=activity,
        participant_id=participant,
        status=AttendanceStatus.PRESENT,
        hours=3.0,
        session_date=date(2012, 10, 2),
    )
    planned = ActivityPlannedV1(
        activity_id=activity,
        form=SupportForm.TRAINING,
        title="Szkolenie",
        target_categories=[ParticipantCategory.CLIENT_AT_RISK],
        planned_hours=6,
        capacity=10,
        completion_rule=default_rule(SupportForm.TRAINING),
    )
    cancelled = SessionCancelledV1(session_id=session, activity_id=activity, reason="remont")
    events = [wrap(e, "fundacja-eudajmonia", "TEST-2012") for e in (recorded, planned, cancelled)]

    document = new_document("doc", Write(True, {"value": 1}, events))

    entries = [(e["topic"], e["key"], e["type"], e["event_id"]) for e in document[OUTBOX]]
    assert entries == [
        ("scheduling.attendance", str(participant), "AttendanceRecorded", str(events[0].event_id)),
        ("scheduling.sessions", str(activity), "ActivityPlanned", str(events[1].event_id)),
        ("scheduling.sessions", str(session), "SessionCancelled", str(events[2].event_id)),
    ]
    assert all(e.producer == "scheduling" for e in events)

"""Enrolment's module-level routers over in-memory ports: the providers, and the refusals' HTTP bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials

from aktywni_shared.http_errors import install_error_handlers
from aktywni_shared.identity import Principal
from aktywni_stack import demo_data
from enrolment.api import declarations, exports, imports, lifecycle, participants, projects
from tests.unit.enrolment_fakes import LEADER, LEADER_STAFF, OUTSIDER, PARTNER, TRAINER, FakeEnrolment, ta_world

pytestmark = pytest.mark.unit
CALLERS = {p.user: p for p in (LEADER, LEADER_STAFF, OUTSIDER, PARTNER, TRAINER)}


async def _authenticate(credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None or credentials.credentials not in CALLERS:
        raise HTTPException(401, detail="missing bearer token")
    return CALLERS[credentials.credentials]


@pytest.fixture
async def http() -> AsyncIterator[tuple[FakeEnrolment, httpx.AsyncClient]]:
    world = await ta_world()
    app = FastAPI()
    for module in (projects, participants, lifecycle, declarations, imports, exports):
        app.include_router(module.router)
    app.state.enrolment = world.enrolment
    app.state.authenticate = _authenticate
    install_error_handlers(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://enrolment") as client:
        yield world, client


def _as(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {user}"}


async def _enrol(client: httpx.AsyncClient, user: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/projects/TA-2012/participants", json=body, headers=_as(user))


async def test_an_enrolment_answers_201_and_a_second_one_409_naming_the_existing_participant(
    http: tuple[FakeEnrolment, httpx.AsyncClient],
) -> None:
    world, client = http

    first = await _enrol(client, LEADER_STAFF.user, demo_data.person_with_disability())
    again = await _enrol(client, LEADER.user, demo_data.person_with_disability())

    assert first.status_code == 201
    assert first.json()["status"] == "enrolled"
    assert again.status_code == 409
    assert again.json() == {
        "detail": f"this person is already registered in TA-2012 by {demo_data.EUDAJMONIA}",
        "existing_participant_id": first.json()["participant_id"],
    }
    assert world.outbox.types == ["ParticipantEnrolled"]


async def test_an_ineligible_person_answers_422_with_each_failed_rule_located_in_the_body(
    http: tuple[FakeEnrolment, httpx.AsyncClient],
) -> None:
    _, client = http
    body = demo_data.environment_person("0190f0c8-0000-7000-8000-000000000000", birth_date="2000-01-01")

    refused = await _enrol(client, LEADER.user, body)

    assert refused.status_code == 422
    assert sorted(refused.json()["detail"], key=lambda d: d["type"]) == [
        {
            "loc": ["body", "linked_participant_id"],
            "msg": "must be a participant of this project (none found)",
            "type": "eligibility.linked_person",
        },
        {
            "loc": ["body", "birth_date"],
            "msg": "aged 12 at enrolment; the minimum is 16",
            "type": "eligibility.min_age",
        },
    ]


async def test_refusals_keep_their_statuses_and_bodies(http: tuple[FakeEnrolment, httpx.AsyncClient]) -> None:
    _, client = http

    outsider = await client.get("/projects/TA-2012", headers=_as(OUTSIDER.user))
    partner_for_leader = await _enrol(client, PARTNER.user, demo_data.person_with_disability())
    trainer_import = await client.post(
        "/projects/TA-2012/imports", files={"file": ("a.csv", b"x")}, headers=_as(TRAINER.user)
    )
    unreadable = await client.post(
        "/projects/TA-2012/imports", files={"file": ("a.csv", b"Imie;Nazwisko\r\n")}, headers=_as(PARTNER.user)
    )
    anonymous = await client.get("/projects")

    assert (outsider.status_code, outsider.json()) == (404, {"detail": "project TA-2012 not found"})
    assert partner_for_leader.status_code == 403
    assert partner_for_leader.json() == {
        "detail": f"you may not enrol participants for {demo_data.EUDAJMONIA} in TA-2012"
    }
    assert (trainer_import.status_code, trainer_import.json()) == (403, {"detail": "role trainer may not do this"})
    assert unreadable.status_code == 422
    assert [(d["loc"], d["type"]) for d in unreadable.json()["detail"]] == [(["body", "file"], "file")]
    assert anonymous.status_code == 401


async def test_a_transition_the_status_forbids_answers_422_naming_the_status(
    http: tuple[FakeEnrolment, httpx.AsyncClient],
) -> None:
    _, client = http
    enrolled = (await _enrol(client, LEADER.user, demo_data.person_with_disability())).json()

    refused = await client.post(
        f"/participants/{enrolled['participant_id']}/re-enrolment",
        json={"enrolled_on": "2012-09-01"},
        headers=_as(LEADER.user),
    )

    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [
            {
                "loc": ["body", "status"],
                "msg": "only a withdrawn participant can be re-enrolled, not enrolled",
                "type": "domain",
            }
        ]
    }


async def test_the_funders_export_is_csv_with_a_byte_order_mark(http: tuple[FakeEnrolment, httpx.AsyncClient]) -> None:
    _, client = http
    await _enrol(client, LEADER.user, demo_data.person_with_disability())

    exported = await client.get("/projects/TA-2012/exports/participants.csv", headers=_as(LEADER.user))

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    assert "Przykładowa" in exported.text

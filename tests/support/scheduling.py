"""Helpers for scheduling's tests: enrol made-up people through enrolment, wait for scheduling to know them."""

from __future__ import annotations

import random
from typing import Any

import httpx

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem, eventually
from tests.support.people import person


def enrol(system: RunningSystem, project_id: str, bodies: list[dict[str, Any]]) -> list[str]:
    """Enrol people (as the leader's coordinator); their participant ids, in order."""
    ids = []
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        for body in bodies:
            response = leader.post(f"/projects/{project_id}/participants", json=body)
            assert response.status_code == 201, response.text
            ids.append(response.json()["participant_id"])
    return ids


def people(kind: str, count: int, seed: int, **changes: Any) -> list[dict[str, Any]]:
    """Enrolment bodies of ``count`` made-up people of one kind: on, environment (needs linked_to), trainee."""
    rng = random.Random(seed)
    bodies = []
    for n in range(count):
        who = person(rng, seed * 1000 + n)
        if kind == "on":
            body = demo_data.person_with_disability(**{k: who[k] for k in ("first_name", "last_name", "pesel")})
        elif kind == "trainee":
            body = demo_data.staff_trainee(
                **{k: who[k] for k in ("first_name", "last_name", "birth_date", "sex")},
                organisation_id=demo_data.EUDAJMONIA,
                mops_employee=n % 3 != 0,
            )
        else:
            linked = changes["linked_to"][n]
            body = demo_data.environment_person(
                linked, **{k: who[k] for k in ("first_name", "last_name", "birth_date", "sex")}
            )
        bodies.append({**body, **{k: v for k, v in changes.items() if k != "linked_to"}})
    return bodies


def known_to_scheduling(system: RunningSystem, project_id: str, participant_ids: list[str]) -> bool:
    """Wait until scheduling has learned every one of ``participant_ids`` (enrolled)."""
    wanted = set(participant_ids)

    def check() -> bool:
        with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as scheduler:
            response = scheduler.get(f"/projects/{project_id}/participants")
        known = {p["participant_id"] for p in response.json() if p["status"] == "enrolled"}
        return wanted <= known

    return bool(eventually(check, timeout=60))


def project_known(system: RunningSystem, project_id: str) -> bool:
    def check() -> bool:
        with system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as scheduler:
            return scheduler.get(f"/projects/{project_id}/activities").status_code == 200

    return bool(eventually(check, timeout=60))


def coordinator(system: RunningSystem) -> httpx.Client:
    return system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR)


def trainer(system: RunningSystem, user: str) -> httpx.Client:
    token = system.token(demo_data.EUDAJMONIA, Role.TRAINER, user=user)
    return httpx.Client(base_url=system.url("scheduling"), headers={"Authorization": f"Bearer {token}"}, timeout=30)


def ensure_reference_data(system: RunningSystem) -> None:
    """The seed venues and staff (idempotent: 409 when they exist already)."""
    from aktywni_stack import demo_scheduling

    with coordinator(system) as client:
        for venue in demo_scheduling.VENUES:
            assert client.post("/venues", json=venue).status_code in (201, 409)
        for member in demo_scheduling.STAFF:
            assert client.post("/staff", json=member).status_code in (201, 409)

"""The seed project "Trener Aktywności" set up through the HTTP API of the real services.

Three organisations, 30 ON, 30 environment persons linked to them, 10 MOPS staff and 5 other
trainees, 10 institutional declarations. Then: every event is in Kafka exactly once, no personal
data is in any Kafka message, and the raw database documents hold the personal fields encrypted.
(The same people imported from an XLSX file: tests/e2e/test_import.py.)
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS, ENROLMENT_PROJECTS
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem
from tests.support.kafka import events_of, read_topic
from tests.support.people import person
from tests.support.pii_scan import needles, scan_topics

STREETS = ["ul. Strzegomska", "ul. Namysłowska", "ul. Legnicka", "ul. Grabiszyńska", "ul. Kasprowicza"]


def _people(seed: int) -> list[dict[str, Any]]:
    """75 made-up people with unique contact data, in the TA project's proportions."""
    rng = random.Random(seed)
    kinds = ["on"] * 30 + ["environment"] * 30 + ["mops_staff"] * 10 + ["other_trainee"] * 5
    people = []
    for n, kind in enumerate(kinds):
        who = person(rng, 5000 + seed * 100 + n)
        who |= {
            "kind": kind,
            "phone": f"+48 6{seed % 10}{n:02d} 123 4{n % 10}{n % 7}",
            "email": f"osoba.{seed}.{n}@przyklad.pl",
            "street": f"{rng.choice(STREETS)} {n + 1}/{seed % 50 + 1}",
        }
        people.append(who)
    return people


def _body(who: dict[str, Any], linked: str | None) -> dict[str, Any]:
    identity = {
        "first_name": who["first_name"],
        "last_name": who["last_name"],
        "pesel": who["pesel"],
        "phone": who["phone"],
        "email": who["email"],
        "address": f"{who['street']}, 50-001 Wrocław",
        "residence": {**demo_data.WROCLAW, "street": who["street"]},
    }
    if who["kind"] == "on":
        return demo_data.person_with_disability(**identity)
    if who["kind"] == "environment":
        assert linked is not None
        return demo_data.environment_person(linked, **identity, birth_date=None, sex=None)
    return demo_data.staff_trainee(
        **identity,
        birth_date=None,
        sex=None,
        organisation_id=demo_data.MOPS if who["kind"] == "mops_staff" else demo_data.FRDL,
        mops_employee=who["kind"] == "mops_staff",
    )


def _declarations() -> list[tuple[str, dict[str, Any]]]:
    units = ["MOPS Wrocław", "GOPS Kobierzyce", "MOPS Oleśnica", "GOPS Długołęka", "MOPS Oława"]
    others = [
        "Stowarzyszenie Razem",
        "Fundacja Aktywni Razem",
        "Spółdzielnia Socjalna Wrocław",
        "Zakład Pracy Chronionej Odra",
        "Firma Przykładowa sp. z o.o.",
    ]
    made = []
    for name in units:
        made.append(("implement_model", {"institution_name": name, "institution_kind": "social_assistance_centre"}))
    for name, kind in zip(others, ["ngo", "foundation", "ngo", "employer", "employer"], strict=True):
        made.append(("cooperate", {"institution_name": name, "institution_kind": kind}))
    return [
        (
            kind,
            {"kind": kind, **body, "declared_on": "2014-06-30", "document_reference": f"DEKL/{n + 1}/2014"},
        )
        for n, (kind, body) in enumerate(made)
    ]


async def test_the_seed_project_is_set_up_over_http_with_events_once_and_personal_data_nowhere_in_clear(
    system: RunningSystem, project_id: str
) -> None:
    people = _people(seed=11)
    enrolled: dict[str, str] = {}  # PESEL → participant id
    on_ids: list[str] = []
    with (
        system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader,
        system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF) as partner,
    ):
        for who in people:
            linked = on_ids[len(enrolled) - 30] if who["kind"] == "environment" else None
            client = partner if who["kind"] == "other_trainee" else leader
            response = client.post(f"/projects/{project_id}/participants", json=_body(who, linked))
            assert response.status_code == 201, (who["kind"], response.text)
            enrolled[who["pesel"]] = response.json()["participant_id"]
            if who["kind"] == "on":
                on_ids.append(response.json()["participant_id"])
        for kind, body in _declarations():
            as_org = demo_data.MOPS if kind == "implement_model" else demo_data.EUDAJMONIA
            with system.client("enrolment", as_org, Role.COORDINATOR) as coordinator:
                response = coordinator.post(f"/projects/{project_id}/declarations", json=body)
            assert response.status_code == 201, response.text
        listing = leader.get(f"/projects/{project_id}/participants", params={"page_size": 200}).json()
        by_partner = partner.get(f"/projects/{project_id}/participants", params={"page_size": 200}).json()

    assert listing["total"] == 75
    counts = Counter(p["profile"]["category"] for p in listing["items"])
    assert counts == {"person_with_disability": 30, "environment_person": 30, "staff_trainee": 15}
    assert sum(1 for p in listing["items"] if p["profile"]["mops_employee"]) == 10
    assert by_partner["total"] == 5, "the partner sees only the people it enrolled"

    # Every state change reached Kafka exactly once.
    participant_events = await read_topic(
        system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=75, timeout=60
    )
    mine = events_of(participant_events, project_id)
    assert Counter(e["type"] for e in mine) == {"ParticipantEnrolled": 75}
    assert sorted(e["payload"]["participant_id"] for e in mine) == sorted(enrolled.values())
    assert len({e["event_id"] for e in mine}) == 75
    assert sum(1 for e in mine if e["payload"].get("mops_employee") is True) == 10
    project_events = await read_topic(system.infra.kafka_bootstrap_servers, ENROLMENT_PROJECTS.name, at_least=13)
    of_project = Counter(e["type"] for e in events_of(project_events, project_id))
    # The leader comes with ProjectRegistered; the partner and the non-project partner join.
    assert of_project == {"ProjectRegistered": 1, "PartnerJoined": 2, "DeclarationRecorded": 10}

    # No personal data in any message of any topic.
    secrets = needles(people)
    leaked = await scan_topics(system.infra.kafka_bootstrap_servers, secrets)
    assert leaked == [], f"personal data in Kafka: {leaked[:5]}"

    # Raw database documents: personal fields only as ciphertext.
    with MongoClient(system.infra.mongodb_uri) as client:
        documents = list(client["aktywni_enrolment"]["participants"].find({"project_id": project_id}))
    assert len(documents) == 75
    raw = json.dumps(documents, default=str, ensure_ascii=False)
    assert [s for s in secrets if s in raw] == []
    for document in documents:
        assert {"first_name", "last_name", "pesel", "phone", "email", "address"} <= set(document["pii"])
        assert all(token.startswith("v1:") for token in document["pii"].values())

"""Personal data of enrolled, booked and attending people: nowhere in clear, and gone for good once erased.

A handful of made-up people (with a surname of this run's own, so that nobody else's data matches)
are enrolled over HTTP, booked and marked present in scheduling; then every Kafka topic and every
database but enrolment's, and no service's ``/metrics``, hold none of their PESELs, names, phones,
e-mails or streets (nor ``/metrics`` their participant ids), and
enrolment holds their personal fields only as ciphertext. Some are erased (crypto-shredding: their
data key is deleted, then the ciphertext): afterwards none of them is found anywhere, enrolment's
database included, their key and ciphertext are gone, and reporting's counts are the same as
before (docs/reporting.md: erasure never lowers a count; only the participant list drops them).
"""

from __future__ import annotations

import random
import uuid
from datetime import date
from typing import Any

from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from aktywni_stack.demo_scheduling import at
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.support.people import person
from tests.support.pii_scan import (
    ENROLMENT_DATABASE,
    enrolment_plaintext,
    needles,
    scan_databases,
    scan_metrics,
    scan_topics,
)
from tests.support.reporting import numbers
from tests.support.scheduling import coordinator, enrol, known_to_scheduling, project_known

PEOPLE = 6
ATTENDING = 3  # the first three are booked and present (support starts and completes), the fourth absent
ERASED = (0, 1, 4)  # two who attended, one who was never booked
STREETS = ["ul. Strzegomska", "ul. Namysłowska", "ul. Legnicka", "ul. Grabiszyńska", "ul. Kasprowicza"]


def _surname(rng: random.Random) -> str:
    """A made-up surname (``Tomaluski``-like) that no other test's people have."""
    syllables = "".join(rng.choice("bdfgklmnprstwz") + rng.choice("aeiouy") for _ in range(3))
    return syllables.capitalize() + "ski"


def _crowd(rng: random.Random) -> list[dict[str, Any]]:
    """People with contact data, each carrying this run's surname after the generator's one."""
    tag, serial = _surname(rng), rng.randint(100, 899) * 100
    crowd = []
    for n in range(PEOPLE):
        who = person(rng, serial + n)
        number = rng.randint(100_000, 999_999)
        who |= {
            "last_name": f"{who['last_name']}-{tag}",
            "phone": f"+48 601 {number // 1000:03d} {number % 1000:03d}",
            "email": f"{tag.lower()}.{n}@przyklad.pl",
            "street": f"{rng.choice(STREETS)} {rng.randint(1, 200)}/{n + 1}",
        }
        crowd.append(who)
    return crowd


def _body(who: dict[str, Any]) -> dict[str, Any]:
    return demo_data.person_with_disability(
        first_name=who["first_name"],
        last_name=who["last_name"],
        pesel=who["pesel"],
        phone=who["phone"],
        email=who["email"],
        address=f"{who['street']}, 50-001 Wrocław",
        residence={**demo_data.WROCLAW, "street": who["street"]},
    )


def _attend(system: RunningSystem, project_id: str, booked: list[str], present: list[str]) -> None:
    """A workshop session of the project's own in a venue of its own; ``booked`` booked, ``present`` present."""
    venue = {
        "venue_id": f"test-{uuid.uuid4().hex[:8]}",
        "name": "Sala testowa",
        "address": {"street": "ul. Testowa 1", "postal_code": "50-001", "city": "Wrocław"},
        "step_free_entrance": True,
        "lift": False,
        "rooms": [{"room_id": "duza", "name": "Duża sala", "capacity": 40, "floor": 0}],
        "opening_hours": {d: [{"opens": "08:00", "closes": "18:00"}] for d in ("mon", "tue", "wed", "thu", "fri")},
    }
    activity = {
        "form": "workshop",
        "title": "Warsztaty aktywizacyjne",
        "target_categories": ["person_with_disability"],
        "planned_hours": 2,
        "capacity": 40,
    }
    with coordinator(system) as client:
        assert client.post("/venues", json=venue).status_code == 201
        created = client.post(f"/projects/{project_id}/activities", json=activity)
        assert created.status_code == 201, created.text
        session = {**at(date(2012, 6, 12), "10:00", 2), "venue_id": venue["venue_id"], "room_id": "duza"}
        scheduled = client.post(
            f"/activities/{created.json()['activity_id']}/sessions", json={**session, "capacity": 20}
        )
        assert scheduled.status_code == 201, scheduled.text
        session_id = scheduled.json()["session_id"]
        group = client.post(f"/sessions/{session_id}/bookings/batch", json={"participant_ids": booked})
        assert group.status_code == 200, group.text
        records = [{"participant_id": pid, "status": "present" if pid in present else "absent"} for pid in booked]
        recorded = client.post(f"/sessions/{session_id}/attendance", json={"records": records})
        assert recorded.status_code == 200, recorded.text


def _mongo(uri: str) -> MongoClient[dict[str, Any]]:
    return MongoClient(uri)


def _status(system: RunningSystem, participant_id: str) -> str:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        return str(leader.get(f"/participants/{participant_id}").json()["status"])


def _report(system: RunningSystem, project_id: str) -> dict[str, Any]:
    with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:
        response = auditor.get(f"/projects/{project_id}/report")
    response.raise_for_status()
    return numbers(response.json())


def _reporting_list(system: RunningSystem, project_id: str) -> str:
    """Reporting's pseudonymous participant list (CSV text)."""
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.get(f"/projects/{project_id}/exports/participants.csv")
    response.raise_for_status()
    return response.text


async def _hits_everywhere(system: RunningSystem, wanted: list[str], *, skip: tuple[str, ...]) -> list[str]:
    found = await scan_topics(system.infra.kafka_bootstrap_servers, wanted)
    found += scan_databases(system.infra.mongodb_uri, wanted, skip=skip)
    found += scan_metrics({name: service.url for name, service in system.services.items()}, wanted)
    return [f"{hit.what} in {hit.where}" for hit in found]


async def test_personal_data_is_nowhere_in_clear_and_erasure_leaves_nothing_but_the_counts(
    system: RunningSystem, project_id: str
) -> None:
    crowd = _crowd(random.Random(uuid.uuid4().int))
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        rule = {"path_completion": {"person_with_disability": {"workshop": 1}}}  # the one workshop completes
        assert leader.patch(f"/projects/{project_id}", json=rule).status_code == 200
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        template = {"template": "trener-aktywnosci"}
        assert eventually(
            lambda: reporting.post(f"/projects/{project_id}/indicators/template", json=template).status_code == 200
        )
    ids = enrol(system, project_id, [_body(who) for who in crowd])
    assert project_known(system, project_id)
    assert known_to_scheduling(system, project_id, ids)
    _attend(system, project_id, booked=ids[: ATTENDING + 1], present=ids[:ATTENDING])

    # The events flowed: the two hours present are the whole workshop, so scheduling reports support
    # started and completed, and enrolment completes their path; reporting counts everyone and their support.
    assert eventually(lambda: all(_status(system, pid) == "completed" for pid in ids[:ATTENDING]), timeout=60)
    assert eventually(lambda: participant_count(system, project_id) == PEOPLE, timeout=60)
    assert eventually(lambda: _report(system, project_id)["TA-ON-SUPPORTED"]["value"] == ATTENDING, timeout=60), (
        _report(system, project_id)["TA-ON-SUPPORTED"]
    )
    before = _report(system, project_id)

    everyone = needles(crowd)
    assert await _hits_everywhere(system, everyone, skip=("enrolment",)) == []
    # no metric label holds a participant id either (the topics and databases do, as pseudonyms)
    assert scan_metrics({name: service.url for name, service in system.services.items()}, ids) == []
    assert enrolment_plaintext(system.infra.mongodb_uri, everyone) == []
    with _mongo(system.infra.mongodb_uri) as mongo:
        stored = {d["_id"]: d for d in mongo[ENROLMENT_DATABASE]["participants"].find({"_id": {"$in": ids}})}
        keys = {d["_id"]: d for d in mongo[ENROLMENT_DATABASE]["participant_keys"].find({"_id": {"$in": ids}})}
    assert {"first_name", "last_name", "pesel", "phone", "email", "address"} <= set(stored[ids[0]]["pii"])
    assert all(keys[pid]["name_prefixes"] for pid in ids), "every participant is found by name through its index"

    erased = [ids[n] for n in ERASED]
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        for pid in erased:
            response = leader.delete(f"/participants/{pid}/personal-data")
            assert response.status_code in (200, 204), response.text
        assert all(leader.get(f"/participants/{pid}").json().get("personal") is None for pid in erased)
        assert all(leader.get(f"/participants/{pid}").json().get("personal") for pid in ids if pid not in erased)

    # Reporting has applied the erasure (the participant list drops them) and counts as before.
    assert eventually(lambda: not any(pid in _reporting_list(system, project_id) for pid in erased), timeout=60)
    assert all(pid in _reporting_list(system, project_id) for pid in ids if pid not in erased)
    assert participant_count(system, project_id) == PEOPLE
    assert _report(system, project_id) == before

    # Nothing of the erased anywhere, enrolment's database included; their key and ciphertext are gone.
    gone = needles(crowd[n] for n in ERASED)
    assert await _hits_everywhere(system, gone, skip=()) == []
    assert enrolment_plaintext(system.infra.mongodb_uri, everyone) == []
    with _mongo(system.infra.mongodb_uri) as mongo:
        enrolment = mongo[ENROLMENT_DATABASE]
        holding = {"wrapped": {"$exists": True}}
        assert list(enrolment["participant_keys"].find({"_id": {"$in": erased}, **holding})) == []
        assert enrolment["participant_keys"].count_documents({"_id": {"$in": ids}, **holding}) == PEOPLE - len(ERASED)
        assert enrolment["participant_keys"].count_documents({"_id": {"$in": erased}}) == len(ERASED), "listed still"
        indexed = {"_id": {"$in": erased}, "name_prefixes": {"$exists": True}}
        assert enrolment["participant_keys"].count_documents(indexed) == 0, "an erased person's name index is left"
        after = {d["_id"]: d for d in enrolment["participants"].find({"_id": {"$in": ids}})}
        assert enrolment["participant_identities"].count_documents({"participant_id": {"$in": erased}}) == 0
    assert set(after) == set(ids), "the participant documents stay (anonymous facts)"
    for pid in erased:
        assert after[pid]["status"] == "erased"
        assert not {"pii", "pesel_hash", "name_prefixes", "consent"} & set(after[pid]), sorted(after[pid])
    ciphertext = [token for pid in erased for token in stored[pid]["pii"].values()]
    assert scan_databases(system.infra.mongodb_uri, ciphertext, skip=()) == [], "an erased person's ciphertext is left"

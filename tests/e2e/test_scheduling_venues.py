"""Venue ids are per organisation: another organisation's venue never collides with, nor shows among, yours."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from icalendar import Calendar

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from aktywni_stack.demo_scheduling import at
from tests.e2e.conftest import RunningSystem
from tests.e2e.test_scheduling_booking import _training, _venue
from tests.support.scheduling import project_known

DAY = date(2013, 3, 5)  # a Tuesday


def _named(venue: dict[str, Any], name: str, seats: int) -> dict[str, Any]:
    rooms = [{**venue["rooms"][0], "capacity": seats}]
    return {**venue, "name": name, "rooms": rooms}


def test_two_organisations_register_and_use_a_venue_under_the_same_id(system: RunningSystem, project_id: str) -> None:
    assert project_known(system, project_id)
    shared = _venue()
    leaders = _named(shared, "Sala fundacji EUDAJMONIA", 20)
    partners = _named(shared, "Sala fundacji FRDL", 5)
    venue_id = shared["venue_id"]
    with (
        system.client("scheduling", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader,
        system.client("scheduling", demo_data.FRDL, Role.COORDINATOR) as partner,
        system.client("scheduling", demo_data.MOPS, Role.COORDINATOR) as outsider,
    ):
        assert leader.post("/venues", json=leaders).status_code == 201
        second = partner.post("/venues", json=partners)
        assert second.status_code == 201, second.text
        again = partner.post("/venues", json=partners)
        assert again.status_code == 409
        assert again.json()["detail"][0]["loc"] == ["body", "venue_id"]

        assert leader.get(f"/venues/{venue_id}").json()["name"] == "Sala fundacji EUDAJMONIA"
        assert partner.get(f"/venues/{venue_id}").json()["name"] == "Sala fundacji FRDL"
        assert outsider.get(f"/venues/{venue_id}").status_code == 404
        for client, organisation in ((leader, demo_data.EUDAJMONIA), (partner, demo_data.FRDL)):
            listed = client.get("/venues").json()
            assert {v["organisation_id"] for v in listed} == {organisation}
            assert [v["name"] for v in listed if v["venue_id"] == venue_id] == [
                "Sala fundacji EUDAJMONIA" if organisation == demo_data.EUDAJMONIA else "Sala fundacji FRDL"
            ]
        assert venue_id not in {v["venue_id"] for v in outsider.get("/venues").json()}

        renamed = {**partners, "name": "Sala FRDL po remoncie"}
        assert partner.put(f"/venues/{venue_id}", json=renamed).status_code == 200
        assert leader.get(f"/venues/{venue_id}").json()["name"] == "Sala fundacji EUDAJMONIA"
        assert outsider.put(f"/venues/{venue_id}", json=renamed).status_code == 404

        where = {"venue_id": venue_id, "room_id": "duza"}
        leaders_session = leader.post(
            f"/activities/{_training(leader, project_id, capacity=20)}/sessions",
            json={**where, **at(DAY, "10:00", 2), "capacity": 20},
        )
        assert leaders_session.status_code == 201, leaders_session.text
        partners_activity = _training(partner, project_id, capacity=20)
        too_big = partner.post(
            f"/activities/{partners_activity}/sessions", json={**where, **at(DAY, "10:00", 2), "capacity": 10}
        )
        assert too_big.status_code == 409, "the partner's own room (5 seats) is the one checked"
        assert "conflict.over_capacity" in {d["type"] for d in too_big.json()["detail"]}
        partners_session = partner.post(
            f"/activities/{partners_activity}/sessions", json={**where, **at(DAY, "10:00", 2), "capacity": 5}
        )
        assert partners_session.status_code == 201, "another organisation's room of the same id is another room"

        def feed(client: Any) -> set[str]:
            response = client.get(f"/calendars/venues/{venue_id}.ics")
            assert response.status_code == 200, response.text
            calendar = Calendar.from_ical(response.content)
            return {str(e["LOCATION"]).split(",")[0] for e in calendar.walk("VEVENT")}

        assert feed(leader) == {"Sala fundacji EUDAJMONIA"}
        assert feed(partner) == {"Sala FRDL po remoncie"}
        assert outsider.get(f"/calendars/venues/{venue_id}.ics").status_code == 404
    assert uuid.UUID(leaders_session.json()["session_id"]) != uuid.UUID(partners_session.json()["session_id"])

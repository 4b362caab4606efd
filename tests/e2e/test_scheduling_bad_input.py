"""Bad input and conflicts through HTTP: 4xx naming the field and the reason, nothing half-written."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from aktywni_stack.demo_scheduling import at
from tests.e2e.conftest import RunningSystem
from tests.e2e.test_scheduling_booking import _book, _training, _venue
from tests.support.scheduling import coordinator, enrol, known_to_scheduling, people, project_known, trainer

DAY = date(2013, 3, 5)  # a Tuesday


def _staff(client: httpx.Client, user: str) -> str:
    staff_id = f"test-{uuid.uuid4().hex[:8]}"
    body = {
        "staff_id": staff_id,
        "user": user,
        "roles": ["trainer"],
        "competences": ["workshop"],
        "availability": {d: [{"opens": "08:00", "closes": "16:00"}] for d in ("mon", "tue", "wed", "thu", "fri")},
    }
    assert client.post("/staff", json=body).status_code == 201
    return staff_id


def _errors(response: httpx.Response) -> list[tuple[list[Any], str]]:
    return [(d["loc"], d["type"]) for d in response.json()["detail"]]


def test_sessions_refuse_bad_times_capacity_and_every_conflict_is_named(system: RunningSystem, project_id: str) -> None:
    assert project_known(system, project_id)
    with coordinator(system) as client:
        venue = _venue(capacity=20)
        assert client.post("/venues", json=venue).status_code == 201
        activity = _training(client, project_id, capacity=20)
        staff = _staff(client, f"trener-{uuid.uuid4().hex[:6]}")
        where = {"venue_id": venue["venue_id"], "room_id": "duza", "staff_ids": [staff]}
        url = f"/activities/{activity}/sessions"
        backwards = {**where, "starts_at": "2013-03-05T12:00:00+01:00", "ends_at": "2013-03-05T10:00:00+01:00"}
        midnight = {**where, "starts_at": "2013-03-05T22:00:00+01:00", "ends_at": "2013-03-06T01:00:00+01:00"}
        assert _errors(client.post(url, json=backwards))[0][0] == ["body", "ends_at"]
        assert _errors(client.post(url, json=midnight))[0][0] == ["body", "ends_at"]
        for capacity in (0, -3):
            response = client.post(url, json={**where, **at(DAY, "10:00", 2), "capacity": capacity})
            assert response.status_code == 422
            assert _errors(response)[0][0] == ["body", "capacity"]
        unknown = client.post(url, json={**where, **at(DAY, "10:00", 2), "colour": "red"})
        assert _errors(unknown) == [(["body", "colour"], "extra_forbidden")]
        holiday = client.post(url, json={**where, **at(date(2012, 11, 1), "10:00", 2)})  # Wszystkich Świętych
        assert holiday.status_code == 409
        assert "Wszystkich Świętych" in holiday.json()["detail"][0]["msg"]
        sunday = client.post(url, json={**where, **at(date(2013, 3, 10), "10:00", 2)})
        assert (["body", "starts_at"], "conflict.outside_opening_hours") in _errors(sunday)
        too_big = client.post(url, json={**where, **at(DAY, "10:00", 2), "capacity": 21})
        assert (["body", "capacity"], "conflict.over_capacity") in _errors(too_big)

        first = client.post(url, json={**where, **at(DAY, "10:00", 2)})
        assert first.status_code == 201, first.text
        clash = client.post(url, json={**where, **at(DAY, "11:00", 2)})
        assert {t for _, t in _errors(clash)} == {"conflict.room_double_booked", "conflict.staff_double_booked"}
        back_to_back = client.post(url, json={**where, **at(DAY, "12:00", 2)})
        assert back_to_back.status_code == 201, "half-open intervals: ending at 12:00 and starting at 12:00 is fine"
        late = client.post(url, json={**where, "room_id": "gora", "capacity": 10, **at(DAY, "15:00", 2)})
        assert {t for _, t in _errors(late)} == {"conflict.staff_unavailable"}
        into_conflict = client.post(
            f"/sessions/{first.json()['session_id']}/reschedule",
            json={**at(DAY, "12:30", 1), "venue_id": venue["venue_id"], "room_id": "duza"},
        )
        assert into_conflict.status_code == 409
        assert "conflict.room_double_booked" in {t for _, t in _errors(into_conflict)}
        unchanged = client.get(f"/sessions/{first.json()['session_id']}").json()
        assert (unchanged["starts_at"], unchanged["sequence"]) == (first.json()["starts_at"], 0)


def test_bookings_and_attendance_refuse_what_may_not_be(system: RunningSystem, project_id: str) -> None:
    on, wheelchair = enrol(
        system, project_id, people("on", 1, seed=31) + people("on", 1, seed=32, needs_step_free_access=True)
    )
    trainee = enrol(system, project_id, people("trainee", 1, seed=33))[0]
    erased = enrol(system, project_id, people("on", 1, seed=34))[0]
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert leader.delete(f"/participants/{erased}/personal-data").status_code in (200, 204)
    assert project_known(system, project_id)
    assert known_to_scheduling(system, project_id, [on, wheelchair, trainee])
    user = f"trener-{uuid.uuid4().hex[:6]}"
    with coordinator(system) as client:
        venue = _venue()
        assert client.post("/venues", json=venue).status_code == 201
        activity = _training(client, project_id, capacity=20)
        staff = _staff(client, user)
        upstairs = client.post(
            f"/activities/{activity}/sessions",
            json={
                **at(DAY, "09:00", 1),
                "venue_id": venue["venue_id"],
                "room_id": "gora",
                "staff_ids": [staff],
                "capacity": 5,
            },
        ).json()["session_id"]
        downstairs = client.post(
            f"/activities/{activity}/sessions",
            json={**at(DAY, "09:30", 1), "venue_id": venue["venue_id"], "room_id": "duza"},
        ).json()["session_id"]
        stairs = _book(client, upstairs, wheelchair)
        assert (stairs.status_code, _errors(stairs)) == (409, [(["body", "participant_id"], "conflict.not_step_free")])
        wrong_group = _book(client, upstairs, trainee)
        assert _errors(wrong_group) == [(["body", "participant_id"], "conflict.category_not_targeted")]
        unknown = _book(client, upstairs, str(uuid.uuid4()))
        assert (unknown.status_code, _errors(unknown)[0][0]) == (404, ["path", "participant_id"])
        gone = _book(client, upstairs, erased)
        assert gone.status_code in (404, 409)
        assert _book(client, upstairs, on).status_code == 201
        double = _book(client, downstairs, on)
        assert _errors(double) == [(["body", "participant_id"], "conflict.participant_double_booked")]
        not_booked = client.post(
            f"/sessions/{upstairs}/attendance", json={"records": [{"participant_id": wheelchair, "status": "present"}]}
        )
        assert (not_booked.status_code, _errors(not_booked)[0][0]) == (422, ["body", "records", "0", "participant_id"])
    with trainer(system, "someone-else") as other:
        response = other.post(
            f"/sessions/{upstairs}/attendance", json={"records": [{"participant_id": on, "status": "present"}]}
        )
        assert response.status_code in (403, 404)
    with trainer(system, user) as own:
        body = {"records": [{"participant_id": on, "status": "present"}]}
        first = own.post(f"/sessions/{upstairs}/attendance", json=body).json()
        second = own.post(f"/sessions/{upstairs}/attendance", json=body).json()
        assert (first[0]["changed"], second[0]["changed"]) == (True, False)
        assert first[0]["hours_attended"] == second[0]["hours_attended"] == 1.0
        mine = own.get(f"/projects/{project_id}/sessions").json()
    assert [s["session_id"] for s in mine] == [upstairs], "a trainer sees the sessions they lead"
    with system.client("scheduling", demo_data.MOPS, Role.AUDITOR) as auditor:
        seen = auditor.get(f"/sessions/{upstairs}").json()
    assert seen["bookings"] is None, "auditors see no participants"


def test_session_list_takes_days_and_local_times_as_warsaw_and_names_a_bad_bound(
    system: RunningSystem, project_id: str
) -> None:
    assert project_known(system, project_id)
    with coordinator(system) as client:
        venue = _venue(capacity=20)
        assert client.post("/venues", json=venue).status_code == 201
        activity = _training(client, project_id, capacity=20)
        where = {"venue_id": venue["venue_id"], "room_id": "duza"}
        url = f"/activities/{activity}/sessions"
        first = client.post(url, json={**where, **at(DAY, "10:00", 2)})  # 10:00-12:00 in Warsaw (UTC+1)
        second = client.post(url, json={**where, **at(date(2013, 3, 6), "10:00", 2)})
        assert first.status_code == second.status_code == 201, (first.text, second.text)
        mine = {first.json()["session_id"], second.json()["session_id"]}

        def listed(**bounds: str) -> set[str]:
            response = client.get(f"/projects/{project_id}/sessions", params=bounds)
            assert response.status_code == 200, response.text
            return {s["session_id"] for s in response.json()} & mine

        # a date "to" means the whole of that day
        assert listed(**{"from": "2013-03-05", "to": "2013-03-05"}) == {first.json()["session_id"]}
        assert listed(**{"from": "2013-03-06", "to": "2013-03-31"}) == {second.json()["session_id"]}
        # without an offset: Warsaw's clock (11:00 in Warsaw is before the first session ends at 12:00)
        assert listed(**{"from": "2013-03-05T11:00", "to": "2013-03-06T09:00"}) == {first.json()["session_id"]}
        # with an offset: kept as given (11:00 UTC is 12:00 in Warsaw, when the first session ends)
        assert listed(**{"from": "2013-03-05T11:00:00Z", "to": "2013-03-06T10:00:00+01:00"}) == set()

        for name, value in (("from", "wczoraj"), ("to", "2013-02-30"), ("from", "2013-03-05T25:00")):
            response = client.get(f"/projects/{project_id}/sessions", params={name: value})
            assert response.status_code == 422, (name, value, response.text)
            assert [d["loc"] for d in response.json()["detail"]] == [["query", name]]

    schema = httpx.get(f"{system.url('scheduling')}/openapi.json").json()
    parameters = schema["paths"]["/projects/{project_id}/sessions"]["get"]["parameters"]
    accepted = {p["name"]: str(p["schema"]) for p in parameters if p["in"] == "query"}
    assert all("'format': 'date'" in accepted[n] and "'format': 'date-time'" in accepted[n] for n in ("from", "to"))

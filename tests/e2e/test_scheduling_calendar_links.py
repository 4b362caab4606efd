"""Secret calendar subscription links over HTTP: a calendar program reads a feed without a token."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx
from icalendar import Calendar
from pymongo import MongoClient

from aktywni_stack.demo_scheduling import at
from tests.e2e.conftest import RunningSystem
from tests.e2e.test_scheduling_bad_input import DAY, _staff
from tests.e2e.test_scheduling_booking import _training, _venue
from tests.support.scheduling import coordinator, project_known, trainer


def _events(content: bytes) -> set[tuple[str, str, str]]:
    calendar = Calendar.from_ical(content)
    return {(str(e["UID"]), str(e["SUMMARY"]), e["DTSTART"].dt.isoformat()) for e in calendar.walk("VEVENT")}


def _stored(system: RunningSystem) -> list[dict[str, Any]]:
    with MongoClient(system.infra.mongodb_uri) as mongo:
        return list(mongo["aktywni_scheduling"]["calendar_subscriptions"].find({}))


def test_a_trainer_subscribes_by_a_secret_link_that_rotates_and_revokes(system: RunningSystem, project_id: str) -> None:
    assert project_known(system, project_id)
    user = f"trener-{uuid.uuid4().hex[:6]}"
    with coordinator(system) as client:
        venue = _venue(capacity=20)
        assert client.post("/venues", json=venue).status_code == 201
        staff_id = _staff(client, user)
        where = {"venue_id": venue["venue_id"], "room_id": "duza", "staff_ids": [staff_id]}
        activity = _training(client, project_id, capacity=20)
        created = client.post(f"/activities/{activity}/sessions", json={**where, **at(DAY, "10:00", 2)})
        assert created.status_code == 201, created.text

    with trainer(system, user) as own, trainer(system, f"inny-{uuid.uuid4().hex[:6]}") as other:
        by_token = own.get(f"/calendars/staff/{staff_id}.ics")
        assert by_token.status_code == 200
        assert len(_events(by_token.content)) == 1

        assert other.post("/calendars/subscriptions", json={"kind": "staff", "id": staff_id}).status_code == 404
        bad = own.post("/calendars/subscriptions", json={"kind": "participant", "id": staff_id})
        assert bad.status_code == 422

        answer = own.post("/calendars/subscriptions", json={"kind": "staff", "id": staff_id})
        assert answer.status_code == 201, answer.text
        link = answer.json()
        url, subscription_id = link["url"], link["subscription_id"]
        secret = url.rsplit("/", 1)[1].removesuffix(".ics")
        assert len(secret) == 43

        subscribed = httpx.get(url)  # no Authorization header, as a calendar program
        assert subscribed.status_code == 200, subscribed.text
        assert subscribed.headers["content-type"].startswith("text/calendar")
        assert _events(subscribed.content) == _events(by_token.content)

        listed = own.get("/calendars/subscriptions")
        assert listed.status_code == 200
        mine = [(s["subscription_id"], s["kind"], s["id"]) for s in listed.json()]
        assert mine == [(subscription_id, "staff", staff_id)]
        assert secret not in listed.text
        assert own.get(f"/calendars/subscriptions/{subscription_id}").json()["id"] == staff_id
        assert other.get(f"/calendars/subscriptions/{subscription_id}").status_code == 404
        assert other.delete(f"/calendars/subscriptions/{subscription_id}").status_code == 404
        assert other.post(f"/calendars/subscriptions/{subscription_id}/rotation").status_code == 404
        assert not any(secret in str(doc) for doc in _stored(system)), "the secret is stored only as a hash"

        rotated = own.post(f"/calendars/subscriptions/{subscription_id}/rotation")
        assert rotated.status_code == 200, rotated.text
        new_url = rotated.json()["url"]
        assert new_url != url
        assert httpx.get(url).status_code == 404
        assert _events(httpx.get(new_url).content) == _events(by_token.content)

        assert own.delete(f"/calendars/subscriptions/{subscription_id}").status_code == 204
        assert httpx.get(new_url).status_code == 404
        assert own.get(f"/calendars/subscriptions/{subscription_id}").status_code == 404
        unknown = f"{system.url('scheduling')}/calendars/links/{secrets.token_urlsafe(32)}.ics"
        assert httpx.get(unknown).status_code == 404

    log = system.services["scheduling"].process.log_file.read_text(encoding="utf-8", errors="replace")
    assert "/calendars/links/{secret}.ics" in log, "the access log names the route template"
    assert secret not in log
    assert new_url.rsplit("/", 1)[1].removesuffix(".ics") not in log, "no link's secret is ever logged"

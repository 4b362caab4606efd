"""Enrolment's audit log and participant search over HTTP, with the identity provider's tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from tests.e2e.conftest import OTHER_ORGANISATION, RunningSystem

ANNA_PESEL = "71030512348"  # demo_data.person_with_disability()
WARSAW = ZoneInfo("Europe/Warsaw")


def _client(system: RunningSystem, organisation_id: str, role: Role) -> httpx.Client:
    return system.client("enrolment", organisation_id, role)


def _login(organisation_id: str, role: Role) -> str:
    """The login the session's provider gives the callers of ``system.client``."""
    return f"{role.value}@{organisation_id}"


def _enrol_both(system: RunningSystem, project_id: str) -> tuple[str, str]:
    """Anna by the leader's coordinator, Jan by the partner's staff."""
    with _client(system, demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        anna = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability())
    with _client(system, demo_data.FRDL, Role.PARTNER_STAFF) as partner:
        jan = partner.post(f"/projects/{project_id}/participants", json=demo_data.staff_trainee())
    assert anna.status_code == 201, anna.text
    assert jan.status_code == 201, jan.text
    return str(anna.json()["participant_id"]), str(jan.json()["participant_id"])


def _names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(item["personal"]["last_name"] for item in response.json()["items"])


def test_search_by_name_and_pesel_in_the_body_within_the_callers_scope(system: RunningSystem, project_id: str) -> None:
    anna_id, _ = _enrol_both(system, project_id)
    url = f"/projects/{project_id}/participants/search"

    with _client(system, demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert _names(leader.post(url, json={"name": "przykladowa"})) == ["Przykładowa"]
        assert _names(leader.post(url, json={"name": "TESTO"})) == ["Testowy"]
        assert _names(leader.post(url, json={"pesel": ANNA_PESEL})) == ["Przykładowa"]
        assert _names(leader.post(url, json={})) == ["Przykładowa", "Testowy"]
        paged = leader.post(url, json={"page": 2, "page_size": 1})
        initial = leader.post(url, json={"name": "a"})  # begins Anna, and no word of Jan Testowy
        refused = leader.post(url, json={"pesel": "123", "page_size": 201})
        unknown = leader.post(url, json={"surname": "Przykładowa"})
    with _client(system, demo_data.FRDL, Role.PARTNER_STAFF) as partner:
        assert _names(partner.post(url, json={"name": "anna"})) == []
        assert _names(partner.post(url, json={"pesel": ANNA_PESEL})) == []
        assert _names(partner.post(url, json={"name": "jan"})) == ["Testowy"]
        other_organisation = partner.post(url, json={"organisation_id": demo_data.EUDAJMONIA})
    with _client(system, demo_data.MOPS, Role.AUDITOR) as auditor:
        auditor_search = auditor.post(url, json={"name": "anna"})
    with _client(system, str(OTHER_ORGANISATION["organisation_id"]), Role.COORDINATOR) as outsider:
        outsider_search = outsider.post(url, json={"name": "anna"})

    assert paged.json()["total"] == 2
    assert len(paged.json()["items"]) == 1
    assert _names(initial) == ["Przykładowa"]
    assert refused.status_code == 422
    assert {tuple(d["loc"][-1:]) for d in refused.json()["detail"]} == {("pesel",), ("page_size",)}
    assert unknown.status_code == 422
    assert other_organisation.status_code == 403
    assert auditor_search.status_code == 403
    assert outsider_search.status_code == 404
    assert [item["participant_id"] for item in leader_found(system, project_id)] == [anna_id]


def leader_found(system: RunningSystem, project_id: str) -> list[dict[str, object]]:
    with _client(system, demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post(f"/projects/{project_id}/participants/search", json={"name": "anna przykł"})
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_the_audit_log_names_who_did_what_to_whom_and_when(system: RunningSystem, project_id: str) -> None:
    anna_id, jan_id = _enrol_both(system, project_id)
    leader_login = _login(demo_data.EUDAJMONIA, Role.COORDINATOR)
    partner_login = _login(demo_data.FRDL, Role.PARTNER_STAFF)
    with _client(system, demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert leader.get(f"/participants/{anna_id}").status_code == 200
        searched = leader.post(f"/projects/{project_id}/participants/search", json={"name": "Przykładowa"})
        assert searched.status_code == 200
        assert leader.delete(f"/participants/{jan_id}/personal-data").status_code == 204
        everything = leader.get("/audit", params={"project_id": project_id})
        about_anna = leader.get("/audit", params={"project_id": project_id, "participant_id": anna_id})
        by_partner = leader.get("/audit", params={"project_id": project_id, "actor": partner_login})
        searches = leader.get("/audit", params={"project_id": project_id, "action": "search"})
        first_page = leader.get("/audit", params={"project_id": project_id, "page": 1, "page_size": 2})
        second_page = leader.get("/audit", params={"project_id": project_id, "page": 2, "page_size": 2})
    today = datetime.now(WARSAW).date()
    with _client(system, demo_data.MOPS, Role.AUDITOR) as auditor:
        today_only = auditor.get("/audit", params={"project_id": project_id, "from": str(today), "to": str(today)})
        yesterday = auditor.get(
            "/audit", params={"project_id": project_id, "to": (today - timedelta(days=1)).isoformat()}
        )
        backwards = auditor.get("/audit", params={"project_id": project_id, "from": str(today), "to": "2012-01-01"})
        too_big = auditor.get("/audit", params={"project_id": project_id, "page_size": 201})
        no_project = auditor.get("/audit")

    assert everything.status_code == 200, everything.text
    entries = everything.json()["items"]
    assert everything.json()["total"] == 5
    assert [(e["user"], e["action"]) for e in entries] == [
        (leader_login, "erase"),
        (leader_login, "search"),
        (leader_login, "read"),
        (partner_login, "enrol"),
        (leader_login, "enrol"),
    ]
    assert [e["participant_ids"] for e in entries] == [[jan_id], [anna_id], [anna_id], [jan_id], [anna_id]]
    assert datetime.fromisoformat(entries[0]["at"]).utcoffset() == datetime.now(WARSAW).utcoffset()
    assert "first_name" in entries[2]["fields"]
    for secret in (ANNA_PESEL, "Anna", "Przykładowa", "Testowy", "ul. Przykładowa"):
        assert secret not in everything.text
    assert [e["action"] for e in about_anna.json()["items"]] == ["search", "read", "enrol"]
    assert [e["action"] for e in by_partner.json()["items"]] == ["enrol"]
    assert [e["participant_ids"] for e in searches.json()["items"]] == [[anna_id]]
    assert [e["action"] for e in first_page.json()["items"]] == ["erase", "search"]
    assert [e["action"] for e in second_page.json()["items"]] == ["read", "enrol"]
    assert second_page.json()["total"] == 5
    assert today_only.json()["total"] == 5
    assert yesterday.json() == {"total": 0, "page": 1, "page_size": 50, "items": []}
    assert backwards.status_code == 422
    assert too_big.status_code == 422
    assert no_project.status_code == 422


def test_the_audit_log_refuses_other_roles_and_hides_the_project_from_outsiders(
    system: RunningSystem, project_id: str
) -> None:
    url = f"/audit?project_id={project_id}"
    for organisation_id, role in (
        (demo_data.FRDL, Role.COORDINATOR),
        (demo_data.EUDAJMONIA, Role.PARTNER_STAFF),
        (demo_data.EUDAJMONIA, Role.TRAINER),
        (demo_data.MOPS, Role.ADMINISTRATOR),
    ):
        with _client(system, organisation_id, role) as client:
            assert client.get(url).status_code == 403, (organisation_id, role)
    with _client(system, str(OTHER_ORGANISATION["organisation_id"]), Role.COORDINATOR) as outsider:
        assert outsider.get(url).status_code == 404
    with httpx.Client(base_url=system.url("enrolment")) as anonymous:
        assert anonymous.get(url).status_code == 401


def test_the_audit_and_search_operations_are_documented(system: RunningSystem) -> None:
    with httpx.Client(base_url=system.url("enrolment")) as anonymous:
        paths = anonymous.get("/openapi.json").json()["paths"]

    audit = paths["/audit"]["get"]
    assert {p["name"] for p in audit["parameters"]} >= {"project_id", "participant_id", "actor", "action", "from", "to"}
    assert {"200", "403", "404", "422"} <= set(audit["responses"])
    search = paths["/projects/{project_id}/participants/search"]["post"]
    assert search["requestBody"]["required"] is True
    assert not [p for p in search["parameters"] if p["name"] in ("name", "pesel")]

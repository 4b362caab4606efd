"""Who may do what, through HTTP on the real stack: 401 without a valid token, 403/404 by role and organisation.

A participant a caller may not see is "not found", and the answer carries nothing of them.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_stack import demo_data
from aktywni_stack.services import local_secret
from tests.e2e.conftest import OTHER_ORGANISATION, RunningSystem

OTHER = str(OTHER_ORGANISATION["organisation_id"])
PROJECT = "TEST-not-for-strangers"

#: One endpoint per service that needs a caller, as (service, method, path).
ENDPOINTS = [
    ("enrolment", "GET", f"/projects/{PROJECT}/participants"),
    ("enrolment", "GET", "/projects"),
    ("enrolment", "POST", "/organisations"),
    ("scheduling", "GET", f"/projects/{PROJECT}/participants"),
    ("reporting", "GET", f"/projects/{PROJECT}/participants/count"),
]


def _expired(system: RunningSystem) -> str:
    principal = Principal(user="coordinator", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR)
    return system.tokens.issue(principal, ttl_seconds=-10)


def _forged(system: RunningSystem) -> str:
    """The provider's own token, its claims raised to administrator and signed with another key."""
    principal = Principal(user="coordinator", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR)
    real = system.tokens.issue(principal)
    claims = jwt.decode(real, options={"verify_signature": False}) | {"role": "administrator"}
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, forger, algorithm="RS256", headers={"kid": jwt.get_unverified_header(real)["kid"]})


def _shared_secret(system: RunningSystem) -> str:
    """HS256 with the key the services held before the provider: no service accepts it any more."""
    principal = Principal(user="coordinator", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR)
    return Tokens(local_secret(system.services["enrolment"].state_dir, "AKTYWNI_JWT_SECRET")).issue(principal)


def _unknown_role(system: RunningSystem) -> str:
    """Signed by the provider, but naming a role the system does not have."""
    return system.tokens.issue_as("janitor-eudajmonia", demo_data.EUDAJMONIA, "janitor")


#: kind of bad token -> (how to make it, what the 401 says about it)
BAD_TOKENS = {
    "expired": (_expired, "expired"),
    "signed with another key": (_forged, "signature"),
    "signed with the old shared secret": (_shared_secret, "signing key"),
    "unknown role": (_unknown_role, "role"),
}


def call(system: RunningSystem, service: str, method: str, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = OTHER_ORGANISATION if method == "POST" else None
    return httpx.request(method, system.url(service) + path, headers=headers, json=body, timeout=15)


def personal_values(body: dict[str, Any]) -> list[str]:
    return [body["first_name"], body["last_name"], *([body["pesel"]] if body.get("pesel") else [])]


# --- authentication --------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "method", "path"), ENDPOINTS)
def test_a_call_without_a_token_is_unauthorised(system: RunningSystem, service: str, method: str, path: str) -> None:
    response = call(system, service, method, path, None)

    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
@pytest.mark.parametrize(("service", "method", "path"), ENDPOINTS)
def test_a_call_with_an_invalid_token_is_unauthorised(
    system: RunningSystem, service: str, method: str, path: str, kind: str
) -> None:
    make, reason = BAD_TOKENS[kind]
    response = call(system, service, method, path, make(system))

    assert response.status_code == 401, response.text
    assert reason in response.json()["detail"].lower()
    assert "invalid_token" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(("service", "method", "path"), [e for e in ENDPOINTS if e[1] == "GET"])
def test_the_same_calls_with_a_valid_token_get_through(
    system: RunningSystem, service: str, method: str, path: str
) -> None:
    response = call(system, service, method, path, system.token(demo_data.EUDAJMONIA, Role.COORDINATOR))

    assert response.status_code != 401, response.text


# --- participants of another organisation ----------------------------------------------------------


PEEKERS = {
    "a partner's staff peeks at the leader's participant": (
        demo_data.FRDL,
        demo_data.person_with_disability(),
    ),
    "the leader's staff peeks at a partner's participant": (
        demo_data.EUDAJMONIA,
        demo_data.staff_trainee(),
    ),
}


@pytest.mark.parametrize("case", list(PEEKERS))
def test_staff_can_neither_read_nor_change_another_organisations_participant(
    system: RunningSystem, project_id: str, case: str
) -> None:
    peeker_organisation, body = PEEKERS[case]
    owner_organisation = body["organisation_id"]
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        enrolled = leader.post(f"/projects/{project_id}/participants", json=body)
    assert enrolled.status_code == 201, enrolled.text
    participant = f"/participants/{enrolled.json()['participant_id']}"

    with system.client("enrolment", peeker_organisation, Role.PARTNER_STAFF) as staff:
        answers = {
            "read": staff.get(participant),
            "change": staff.patch(participant, json={"phone": "+48 111 222 333", "labour_market_status": "employed"}),
            "withdraw": staff.post(f"{participant}/withdrawal", json={"withdrawn_on": "2013-01-15", "reason": "other"}),
            "erase": staff.delete(f"{participant}/personal-data"),
        }

    for action, response in answers.items():
        assert response.status_code == 404, f"{action}: {response.status_code} {response.text}"
        for secret in [*personal_values(body), owner_organisation]:
            assert secret not in response.text, f"{action} revealed {secret}"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        unchanged = leader.get(participant).json()
    assert unchanged["status"] == "enrolled"
    assert unchanged["profile"]["labour_market_status"] == body["labour_market_status"]
    assert "phone" not in unchanged["personal"]


def test_an_organisation_outside_the_project_finds_neither_it_nor_its_participants(
    system: RunningSystem, project_id: str
) -> None:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        enrolled = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability())
    assert enrolled.status_code == 201, enrolled.text
    participant_id = enrolled.json()["participant_id"]

    with system.client("enrolment", OTHER, Role.COORDINATOR) as stranger:
        project = stranger.get(f"/projects/{project_id}")
        listed = stranger.get(f"/projects/{project_id}/participants")
        participant = stranger.get(f"/participants/{participant_id}")
        enrol_own = stranger.post(
            f"/projects/{project_id}/participants", json=demo_data.person_with_disability(organisation_id=OTHER)
        )
        visible = stranger.get("/projects").json()

    for response in (project, listed, participant, enrol_own):
        assert response.status_code == 404, response.text
        assert "Trener" not in response.text
        assert demo_data.EUDAJMONIA not in response.text
    assert project_id not in [p["project_id"] for p in visible]


@pytest.mark.parametrize(
    ("organisation_id", "role"),
    [(demo_data.MOPS, Role.AUDITOR), (demo_data.EUDAJMONIA, Role.TRAINER), (demo_data.MOPS, Role.ADMINISTRATOR)],
)
def test_roles_without_personal_data_get_no_participant_list_and_no_participant(
    system: RunningSystem, project_id: str, organisation_id: str, role: Role
) -> None:
    body = demo_data.person_with_disability()
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        enrolled = leader.post(f"/projects/{project_id}/participants", json=body)
    assert enrolled.status_code == 201, enrolled.text

    with system.client("enrolment", organisation_id, role) as caller:
        listed = caller.get(f"/projects/{project_id}/participants")
        one = caller.get(f"/participants/{enrolled.json()['participant_id']}")

    assert listed.status_code == 403, listed.text
    assert one.status_code in (403, 404), one.text
    for response in (listed, one):
        for secret in personal_values(body):
            assert secret not in response.text


# --- organisations, partners, enrolling for others -------------------------------------------------


def test_only_an_administrator_registers_organisations(system: RunningSystem) -> None:
    organisation = {"organisation_id": f"org-{uuid.uuid4().hex[:8]}", "name": "Nowa Fundacja", "kind": "foundation"}
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as coordinator:
        by_coordinator = coordinator.post("/organisations", json=organisation)
        known_after_refusal = [o["organisation_id"] for o in coordinator.get("/organisations").json()]
    with system.client("enrolment", demo_data.MOPS, Role.ADMINISTRATOR) as admin:
        by_admin = admin.post("/organisations", json=organisation)
        again = admin.post("/organisations", json=organisation)

    assert by_coordinator.status_code == 403, by_coordinator.text
    assert organisation["organisation_id"] not in known_after_refusal
    assert by_admin.status_code == 201, by_admin.text
    assert again.status_code == 409, again.text


def test_only_the_leaders_coordinator_adds_partners(system: RunningSystem, project_id: str) -> None:
    newcomer = {"organisation_id": f"org-{uuid.uuid4().hex[:8]}", "name": "Spółdzielnia Socjalna", "kind": "ngo"}
    with system.client("enrolment", demo_data.MOPS, Role.ADMINISTRATOR) as admin:
        assert admin.post("/organisations", json=newcomer).status_code == 201
    partner = {"organisation_id": newcomer["organisation_id"], "role": "partner"}
    url = f"/projects/{project_id}/partners"

    with system.client("enrolment", demo_data.FRDL, Role.COORDINATOR) as partner_coordinator:
        by_partner = partner_coordinator.post(url, json=partner)
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.PARTNER_STAFF) as leaders_staff:
        by_leaders_staff = leaders_staff.post(url, json=partner)
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        partners_after_refusals = [
            p["organisation_id"] for p in leader.get(f"/projects/{project_id}").json()["partners"]
        ]
        by_leader = leader.post(url, json=partner)

    assert by_partner.status_code == 403, by_partner.text
    assert by_leaders_staff.status_code == 403, by_leaders_staff.text
    assert newcomer["organisation_id"] not in partners_after_refusals
    assert by_leader.status_code == 201, by_leader.text
    assert newcomer["organisation_id"] in [p["organisation_id"] for p in by_leader.json()["partners"]]


@pytest.mark.parametrize("for_organisation", [demo_data.EUDAJMONIA, demo_data.MOPS])
def test_a_partners_staff_cannot_enrol_for_another_organisation(
    system: RunningSystem, project_id: str, for_organisation: str
) -> None:
    url = f"/projects/{project_id}/participants"
    with system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF) as staff:
        response = staff.post(url, json=demo_data.person_with_disability(organisation_id=for_organisation))
        own = staff.post(url, json=demo_data.staff_trainee())
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        stored = leader.get(url).json()

    assert response.status_code == 403, response.text
    assert own.status_code == 201, own.text
    assert [p["organisation_id"] for p in stored["items"]] == [demo_data.FRDL], "only the permitted one is stored"

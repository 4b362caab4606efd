"""A realm key rotated in the running provider is picked up by the running services, without a restart.

A new RSA key of higher priority is added to the realm through Keycloak's admin API: tokens signed
after that name its key id, which the services have never seen; they fetch the key set again and
accept them. The old key stays in the set (passive keys verify, as Keycloak rotates), so earlier
tokens keep working until they expire; a key removed from the set is refused once the cached set
lapses (tests/unit/test_oidc.py shows that on a stand-in provider).
"""

from __future__ import annotations

import time
import uuid

import httpx
import jwt

from aktywni_shared.auth import Principal, Role
from aktywni_stack import demo_data
from aktywni_stack import keycloak as kc
from tests.e2e.conftest import RunningSystem

#: How soon after a fetch an unknown key id may fetch the set again (the services' default).
REFETCH_COOLDOWN = 1.0

#: One read per service that needs a caller (an auditor may read each).
READS = {"enrolment": "/projects", "scheduling": "/venues", "reporting": "/projects/TA-2012/participants/count"}


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def test_a_key_rotated_in_the_realm_is_accepted_by_the_running_services(system: RunningSystem) -> None:
    before = Principal(user=f"rot-a-{uuid.uuid4().hex[:6]}", organisation_id=demo_data.EUDAJMONIA, role=Role.AUDITOR)
    old_token = system.tokens.issue(before)
    enrolment = system.url("enrolment")
    assert httpx.get(f"{enrolment}/projects", headers={"Authorization": f"Bearer {old_token}"}).status_code == 200

    admin = system.provider.admin_token()
    headers = {"Authorization": f"Bearer {admin}"}
    realm_url = f"{system.provider.server.url}/admin/realms/{kc.REALM}"
    realm_id = httpx.get(realm_url, headers=headers, timeout=30).json()["id"]
    component = {
        "name": f"rotated-{uuid.uuid4().hex[:6]}",
        "providerId": "rsa-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "parentId": realm_id,
        "config": {"priority": ["1000"], "keySize": ["2048"], "active": ["true"], "enabled": ["true"]},
    }
    added = httpx.post(f"{realm_url}/components", json=component, headers=headers, timeout=30)
    assert added.status_code == 201, added.text

    after = Principal(user=f"rot-b-{uuid.uuid4().hex[:6]}", organisation_id=demo_data.EUDAJMONIA, role=Role.AUDITOR)
    new_token = system.tokens.issue(after)
    assert _kid(new_token) != _kid(old_token), "the realm signs with its new key"
    time.sleep(REFETCH_COOLDOWN + 0.5)  # the services fetched the key set moments ago, at the first call
    for service, path in READS.items():
        answer = httpx.get(f"{system.url(service)}{path}", headers={"Authorization": f"Bearer {new_token}"}, timeout=15)
        assert answer.status_code != 401, f"{service} refused the rotated key: {answer.text}"
    again = httpx.get(f"{enrolment}/projects", headers={"Authorization": f"Bearer {old_token}"}, timeout=15)
    assert again.status_code == 200, "a token of the passive old key is still good until it expires"

"""The realm a production Keycloak imports, made from the one the demo ships (never kept as a copy).

    python3 production_realm.py deploy/local/keycloak/aktywni-realm.json > aktywni-realm.json

From ``deploy/local/keycloak/aktywni-realm.json`` it drops what only a demo or a test may have:

* the test client (``aktywni-test``: the password grant) and any other client allowing that grant;
* the demo users with their known password (service-account users stay, their clients need them);
* the integration client's demo secret: it becomes ``${AKTYWNI_INTEGRATION_CLIENT_SECRET}``, which
  Keycloak fills in from its environment when it imports the realm;
* the web client's local redirect addresses: ``${AKTYWNI_WEB_PUBLIC_URL}/*`` instead.

The roles, the organisations' groups (with their ``org``/``role`` attributes), the claim mappers
and the clients' settings are kept as they are. Standard library only: it runs in a bare
``python`` image (docker-compose) or on the operator's machine (Kubernetes).
"""

from __future__ import annotations

import json
import sys
from typing import Any

#: The client with the password grant that only the tests may use.
TEST_CLIENT = "aktywni-test"
INTEGRATION_CLIENT = "aktywni-integration"
WEB_CLIENT = "aktywni-web"
#: Placeholders Keycloak resolves from its environment when it imports the realm.
INTEGRATION_SECRET_PLACEHOLDER = "${AKTYWNI_INTEGRATION_CLIENT_SECRET}"  # noqa: S105 (a placeholder, not a secret)
WEB_REDIRECT = "${AKTYWNI_WEB_PUBLIC_URL}/*"


def production(realm: dict[str, Any]) -> dict[str, Any]:
    """``realm`` without the test client, the demo users and the demo secrets."""
    result = dict(realm)
    clients = []
    for client in realm.get("clients", []):
        if client.get("clientId") == TEST_CLIENT or client.get("directAccessGrantsEnabled"):
            continue
        kept = dict(client)
        if client.get("clientId") == INTEGRATION_CLIENT:
            kept["secret"] = INTEGRATION_SECRET_PLACEHOLDER
        if client.get("clientId") == WEB_CLIENT:
            kept["redirectUris"] = [WEB_REDIRECT]
        clients.append(kept)
    result["clients"] = clients
    result["users"] = [user for user in realm.get("users", []) if "serviceAccountClientId" in user]
    return result


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as source:
        realm = production(json.load(source))
    text = json.dumps(realm, indent=2, ensure_ascii=False) + "\n"
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as target:
            target.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

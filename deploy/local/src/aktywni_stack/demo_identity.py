"""The demo's identity provider: the embedded Keycloak with the "aktywni" realm, and what to print about it."""

from __future__ import annotations

from pathlib import Path

from aktywni_stack import keycloak
from aktywni_stack.embedded import EmbeddedStack
from aktywni_stack.keycloak import EmbeddedKeycloak
from aktywni_stack.process import ManagedProcess


def start(state_dir: Path, *, bound_to_parent: bool = False) -> tuple[EmbeddedKeycloak, float | None]:
    """Keycloak on the stack's port (remembered, or AKTYWNI_KEYCLOAK_PORT, or 18080), started unless running.

    The same instance `aktywni-stack status` shows and `make down` stops; the seconds it took, or
    None when it was already running.
    """
    provider = EmbeddedStack(state_dir).keycloak
    if provider.process.running():
        return provider, None
    try:
        return provider, provider.start(bound_to_parent=bound_to_parent)
    except BaseException:
        provider.stop()
        raise


def start_watched(state_dir: Path, watched: list[ManagedProcess]) -> EmbeddedKeycloak:
    """The demo's Keycloak, bound to the demo, added to what the demo watches; says when it is ready."""
    provider, seconds = start(state_dir, bound_to_parent=True)
    watched.append(provider.process)
    print(f"Keycloak {provider.url} ready in {seconds or 0:.1f} s" if seconds else f"Keycloak {provider.url} running")
    return provider


def stop(state_dir: Path) -> None:
    """Stop the demo's Keycloak (nothing when none runs)."""
    EmbeddedStack(state_dir).keycloak.stop()


def describe(provider: EmbeddedKeycloak) -> list[str]:
    """Lines for the demo's output: the issuer, the users and their password, the clients."""
    lines = [
        f"Sign-in (OpenID Connect): issuer {provider.issuer}",
        f"  admin console {provider.url}/admin/  (master realm: {keycloak.ADMIN_USER} / {keycloak.ADMIN_PASSWORD})",
        f"  users of realm '{keycloak.REALM}', password '{keycloak.DEMO_PASSWORD}' for each:",
    ]
    lines += [f"    {user.username:28} {user.role:14} {user.organisation_id}" for user in keycloak.DEMO_USERS]
    lines += [
        "  clients: aktywni-web (authorization code + PKCE), aktywni-cli (device authorization grant),",
        f"           {keycloak.INTEGRATION_CLIENT} (client credentials, secret '{keycloak.INTEGRATION_SECRET}', "
        f"{keycloak.INTEGRATION_ROLE} of {keycloak.INTEGRATION_ORGANISATION}),",
        f"           {keycloak.TEST_CLIENT} (password grant, for tests only)",
        f"  a token: curl -s -d grant_type=password -d client_id={keycloak.TEST_CLIENT} -d username=trener-nowak "
        f"-d password={keycloak.DEMO_PASSWORD} {provider.token_endpoint}",
    ]
    return lines

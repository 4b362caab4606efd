"""Where the stack keeps what it downloads and builds, and where its recipes live in the checkout."""

from __future__ import annotations

import os
from pathlib import Path

#: deploy/local/ in the checkout: the poms, the log4j2 file, the FerretDB Go module and the realm.
RECIPES = Path(__file__).resolve().parents[2]
KAFKA_RECIPE = RECIPES / "kafka"
FERRETDB_RECIPE = RECIPES / "ferretdb"
#: The Keycloak distribution's pom and the realm the embedded identity provider imports.
KEYCLOAK_RECIPE = RECIPES / "keycloak"
#: The checkout itself; `var/` below it holds the demo's data and logs (git-ignored).
CHECKOUT = RECIPES.parents[1]


def cache_dir() -> Path:
    """The download and build cache, shared by every clone of the project.

    ``AKTYWNI_CACHE`` overrides it; otherwise ``$XDG_CACHE_HOME/aktywni`` or ``~/.cache/aktywni``.
    """
    explicit = os.environ.get("AKTYWNI_CACHE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "aktywni"


def default_state_dir() -> Path:
    """Data, logs and pid files of the demo stack (tests use a temporary directory instead)."""
    explicit = os.environ.get("AKTYWNI_STATE_DIR")
    if explicit:
        return Path(explicit).expanduser().resolve()
    return CHECKOUT / "var" / "demo"

"""The machine's toolchains the embedded stack needs, with a clear message when one is missing."""

from __future__ import annotations

import shutil

HINTS = {
    "java": "Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)",
    "mvn": "Apache Maven (Debian: apt-get install maven)",
    "go": "Go 1.22 or newer (Debian: apt-get install golang, or https://go.dev/dl/)",
}


class MissingToolError(RuntimeError):
    """A toolchain the embedded stack builds or runs with is not on PATH."""


def require(tool: str) -> str:
    """The full path of ``tool``, or a :class:`MissingToolError` that says what to install."""
    path = shutil.which(tool)
    if path is None:
        raise MissingToolError(
            f"'{tool}' was not found on PATH; the embedded stack needs {HINTS.get(tool, tool)}. "
            "Install it, or point KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI at running services."
        )
    return path

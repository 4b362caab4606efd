"""Debian's Chromium for the dashboard's browser test: installed with apt-get when missing.

Playwright drives it (``executable_path=CHROMIUM``); Playwright's own browser download is not used.
If it cannot be installed (not root and no sudo, no apt-get), the caller gets a clear error: the
browser test fails loudly instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
PACKAGE = "chromium"


class BrowserUnavailable(RuntimeError):
    pass


def _apt(prefix: list[str], *args: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [*prefix, "apt-get", *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise BrowserUnavailable(f"apt-get {' '.join(args)} failed ({done.returncode}):\n{tail}")


def ensure_chromium() -> Path:
    """The path of Chromium, installing Debian's package first if it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        raise BrowserUnavailable(f"{CHROMIUM} is missing and apt-get is not available: install Chromium by hand")
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif shutil.which("sudo") is not None:
        prefix = ["sudo", "-n"]
    else:
        raise BrowserUnavailable(f"{CHROMIUM} is missing; run as root or with sudo: apt-get install -y {PACKAGE}")
    try:
        _apt(prefix, "install", "-y", "--no-install-recommends", PACKAGE)
    except BrowserUnavailable:
        _apt(prefix, "update")  # the package lists may be missing or stale
        _apt(prefix, "install", "-y", "--no-install-recommends", PACKAGE)
    if not CHROMIUM.exists():
        raise BrowserUnavailable(f"the {PACKAGE} package was installed but {CHROMIUM} is still missing")
    return CHROMIUM


def install_command() -> int:
    """``aktywni-stack install-browser``: 0 when Chromium is there (installed now or before), else 2."""
    try:
        print(f"Chromium: {ensure_chromium()}")
    except BrowserUnavailable as error:
        print(f"aktywni-stack: {error}", file=sys.stderr)
        return 2
    return 0

"""The web application's scripts from the npm registry, installed into the cache (never from a CDN).

``aktywni-stack install`` runs npm once per version; the web service serves the directory
(``AKTYWNI_WEB_ASSETS_DIR``) under ``/vendor/``. axe-core is what the browser tests inject to
check every page's accessibility.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from aktywni_stack.paths import cache_dir
from aktywni_stack.tools import MissingToolError

#: package → (version, files copied from the package into the assets directory)
PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {"axe-core": ("4.14.1", ("axe.min.js", "LICENSE"))}


def _key() -> str:
    return "-".join(f"{name}-{version}" for name, (version, _) in sorted(PACKAGES.items()))


def web_assets() -> Path:
    """The directory holding the installed files (``axe-core/axe.min.js``, ...), installing them if missing."""
    target = cache_dir() / f"web-assets-{_key()}"
    if all((target / name / file).exists() for name, (_, files) in PACKAGES.items() for file in files):
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise MissingToolError("npm (Node.js) is needed to install the web application's scripts")
    with tempfile.TemporaryDirectory() as work:
        specs = [f"{name}@{version}" for name, (version, _) in PACKAGES.items()]
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [npm, "install", "--prefix", work, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", *specs],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-10:])
            raise MissingToolError(f"npm install {' '.join(specs)} failed:\n{tail}")
        staging = Path(tempfile.mkdtemp(prefix="web-assets-", dir=cache_dir()))
        for name, (_, files) in PACKAGES.items():
            (staging / name).mkdir(parents=True, exist_ok=True)
            for file in files:
                shutil.copy2(Path(work) / "node_modules" / name / file, staging / name / file)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def axe_script() -> Path:
    return web_assets() / "axe-core" / "axe.min.js"

"""The embedded identity provider: Keycloak (Quarkus distribution) on 127.0.0.1, realm "aktywni".

Start-up is what costs: a fresh Keycloak migrates an empty database and imports the realm (over a
minute on two busy cores), and `start-dev` augments the server again on every start. So, once per
Keycloak version and realm file, in the shared cache:

1. the distribution is fetched from Maven (deploy/local/keycloak/pom.xml), unpacked, and built
   (`kc.sh build`) for a local file database (H2) and a local cache (no cluster);
2. a *seed* database is made: Keycloak starts with ``--import-realm`` of
   deploy/local/keycloak/aktywni-realm.json and stops.

Each instance then gets its own home in the state directory (``bin`` copied, ``lib``, ``themes``,
``providers`` and ``conf`` linked to the cache, ``data`` its own with a copy of the seed database)
and runs `kc.sh start --optimized` on its own port: seconds, not minutes. All instances made from
one seed share the realm's signing keys (a local, demo-only realm); rotating keys in one instance
changes only that instance's copy.

Keycloak needs Java 21 or newer; the rest of the stack runs on the default ``java``. The JDK for
Keycloak alone is ``AKTYWNI_KEYCLOAK_JAVA_HOME`` if set, else ``JAVA_HOME`` if new enough, else the
newest JDK 21+ found under the usual system locations.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import stat
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from aktywni_stack import artefacts, paths
from aktywni_stack.ports import free_port
from aktywni_stack.process import ManagedProcess, wait_until
from aktywni_stack.tools import MissingToolError

REALM = "aktywni"
REALM_FILE = paths.KEYCLOAK_RECIPE / "aktywni-realm.json"
#: The demo password of every user of the realm (deploy/local/keycloak/aktywni-realm.json).
DEMO_PASSWORD = "aktywni-demo"  # noqa: S105 - a published demo credential of a local realm
#: The master realm's administrator of every embedded instance (admin REST API, admin console).
ADMIN_USER = "aktywni-admin"
ADMIN_PASSWORD = "aktywni-demo"  # noqa: S105 - a published demo credential of a local realm
#: The integration client's secret (confidential client, client-credentials grant).
INTEGRATION_CLIENT = "aktywni-integration"
INTEGRATION_SECRET = "aktywni-integration-demo-secret"  # noqa: S105 - as above
#: The test client that allows the password grant (tests only; production has no such client).
TEST_CLIENT = "aktywni-test"
AUDIENCE = "aktywni"
MIN_JAVA = 21
#: Where Debian, Ubuntu and the Temurin packages install JDKs.
JVM_LOCATIONS = ("/usr/lib/jvm/*",)
HEAP = "-Xms64m -Xmx512m"
#: Build-time options: `start --optimized` runs with exactly these.
BUILD_OPTIONS = ("--db=dev-file", "--cache=local", "--health-enabled=false", "--metrics-enabled=false")
LINKED = ("lib", "themes", "providers", "conf")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation_id: str


#: The realm's people: one (or more) per role, each in one organisation (groups /<org>/<role>).
DEMO_USERS = (
    DemoUser("operator", "administrator", "mops-wroclaw"),
    DemoUser("koordynator-eudajmonia", "coordinator", "fundacja-eudajmonia"),
    DemoUser("koordynator-mops", "coordinator", "mops-wroclaw"),
    DemoUser("pracownik-frdl", "partner_staff", "fundacja-rozwoju-demokracji-lokalnej"),
    DemoUser("trener-ta-kowalska", "trainer", "fundacja-eudajmonia"),
    DemoUser("trener-nowak", "trainer", "fundacja-eudajmonia"),
    DemoUser("doradca-zawodowy-wisniewska", "trainer", "fundacja-eudajmonia"),
    DemoUser("psycholog-zielinski", "trainer", "fundacja-eudajmonia"),
    DemoUser("audytor-mops", "auditor", "mops-wroclaw"),
)
#: What the integration client's service account is (hardcoded claims of the client).
INTEGRATION_ROLE = "partner_staff"
INTEGRATION_ORGANISATION = "fundacja-rozwoju-demokracji-lokalnej"


def _java_version(home: Path) -> int | None:
    """The feature version of the JDK (or JRE) at ``home``, from its ``release`` file."""
    try:
        release = (home / "release").read_text()
    except OSError:
        return None
    found = re.search(r'^JAVA_VERSION="(\d+)', release, re.MULTILINE)
    if found is None or not (home / "bin" / "java").exists():
        return None
    return int(found.group(1))


def java_home() -> Path:
    """The Java home Keycloak runs with (see the module's docstring for the order)."""
    explicit = os.environ.get("AKTYWNI_KEYCLOAK_JAVA_HOME")
    if explicit:
        home = Path(explicit)
        version = _java_version(home)
        if version is None or version < MIN_JAVA:
            raise MissingToolError(
                f"AKTYWNI_KEYCLOAK_JAVA_HOME={explicit} is not a Java {MIN_JAVA}+ home (found {version})"
            )
        return home
    candidates = [Path(os.environ["JAVA_HOME"])] if os.environ.get("JAVA_HOME") else []
    candidates += [Path(found) for pattern in JVM_LOCATIONS for found in sorted(glob.glob(pattern))]
    usable = [(version, home) for home in candidates if (version := _java_version(home) or 0) >= MIN_JAVA]
    if not usable:
        raise MissingToolError(
            f"Keycloak needs Java {MIN_JAVA} or newer and none was found (JAVA_HOME, {', '.join(JVM_LOCATIONS)}); "
            "install one (Debian: apt-get install openjdk-21-jre-headless, or a Temurin 21/25 package) "
            "or set AKTYWNI_KEYCLOAK_JAVA_HOME"
        )
    return max(usable, key=lambda pair: pair[0])[1]


def _environment(java: Path) -> dict[str, str]:
    return {"JAVA_HOME": str(java), "JAVA_OPTS_KC_HEAP": HEAP, "KC_LOG_CONSOLE_COLOR": "false"}


def _unzip(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` (keeping the scripts executable); the single top directory inside."""
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            extracted = Path(zipped.extract(member, target))
            mode = member.external_attr >> 16
            if mode & stat.S_IXUSR:
                extracted.chmod(extracted.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (top,) = [entry for entry in target.iterdir() if entry.is_dir() and entry.name.startswith("keycloak-")]
    return top


def distribution() -> Path:
    """The unpacked and built Keycloak (its home), fetched on first use into the cache."""
    pom = paths.KEYCLOAK_RECIPE / "pom.xml"
    target = paths.cache_dir() / f"keycloak-{artefacts.fingerprint(pom)}"
    with artefacts.locked(target):
        if not (target / ".complete").exists():
            java = java_home()
            shutil.rmtree(target, ignore_errors=True)
            started = time.monotonic()
            archive_dir = target / "archive"
            artefacts.maven_copy(pom, archive_dir, "Keycloak's server distribution")
            (archive,) = archive_dir.glob("keycloak-quarkus-dist-*.zip")
            home = _unzip(archive, target)
            archive.unlink()
            print(f"[stack] building Keycloak in {home} (once) ...", flush=True)
            artefacts.run(
                [str(home / "bin" / "kc.sh"), "build", *BUILD_OPTIONS],
                cwd=home,
                what="building Keycloak",
                env=_environment(java),
            )
            (target / "home").write_text(home.name)
            (target / ".complete").write_text(f"{time.monotonic() - started:.1f}\n")
        return target / (target / "home").read_text().strip()


def seed_database() -> Path:
    """The H2 database of a Keycloak that imported the realm once (copied by every instance)."""
    dist = distribution()
    target = paths.cache_dir() / f"keycloak-seed-{artefacts.fingerprint(paths.KEYCLOAK_RECIPE / 'pom.xml', REALM_FILE)}"
    with artefacts.locked(target):
        if not (target / ".complete").exists():
            shutil.rmtree(target, ignore_errors=True)
            started = time.monotonic()
            print("[stack] importing the realm into Keycloak's seed database (once) ...", flush=True)
            with tempfile.TemporaryDirectory(prefix="keycloak-seed-") as scratch:
                seeding = EmbeddedKeycloak(Path(scratch), free_port(), seeded=False)
                seeding.prepare(dist)
                import_dir = seeding.home / "data" / "import"
                import_dir.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REALM_FILE, import_dir / REALM_FILE.name)
                try:
                    seeding.run(
                        dist,
                        "--import-realm",
                        env={"KC_BOOTSTRAP_ADMIN_USERNAME": ADMIN_USER, "KC_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD},
                        timeout=600.0,
                    )
                finally:
                    seeding.stop()
                target.mkdir(parents=True)
                for name in ("keycloakdb.mv.db",):
                    shutil.copy2(seeding.home / "data" / "h2" / name, target / name)
            (target / ".complete").write_text(f"{time.monotonic() - started:.1f}\n")
    return target


def install() -> Path:
    """Fetch, build and seed (once); the distribution's home."""
    home = distribution()
    seed_database()
    return home


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - a loopback URL of ours
            return int(answer.status) == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


class EmbeddedKeycloak:
    """One Keycloak on 127.0.0.1:``port`` with its own home (and database) under ``state_dir``.

    ``seeded``: it starts from a copy of the seed database (the realm imported), made anew when the
    seed changed (another realm file or Keycloak version); otherwise from an empty database.
    """

    def __init__(self, state_dir: Path, port: int, *, seeded: bool = True) -> None:
        self.dir = state_dir / "keycloak"
        self.home = self.dir / "home"
        self.port = port
        self.seeded = seeded
        self.process = ManagedProcess("keycloak", state_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def device_authorization_endpoint(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/auth/device"

    def prepare(self, dist: Path) -> None:
        """This instance's home: scripts copied, the distribution linked, a data directory of its own."""
        self.home.mkdir(parents=True, exist_ok=True)
        links = [self.home / name for name in LINKED]
        if any(link.is_symlink() and link.resolve() != (dist / link.name).resolve() for link in links):
            # Another Keycloak version since this state dir was made: its scripts and links anew.
            shutil.rmtree(self.home / "bin", ignore_errors=True)
            for link in links:
                link.unlink(missing_ok=True)
        if not (self.home / "bin").exists():
            shutil.copytree(dist / "bin", self.home / "bin", symlinks=True)
        for link in links:
            if not link.exists():
                link.symlink_to(dist / link.name, target_is_directory=True)
        if self.seeded:
            seed = seed_database()
            h2 = self.home / "data" / "h2"
            marker = self.dir / "seed"
            if not (h2 / "keycloakdb.mv.db").exists() or not marker.exists() or marker.read_text() != seed.name:
                shutil.rmtree(h2, ignore_errors=True)
                h2.mkdir(parents=True)
                shutil.copy2(seed / "keycloakdb.mv.db", h2 / "keycloakdb.mv.db")
                marker.write_text(seed.name)

    def run(
        self, dist: Path, *extra: str, env: dict[str, str] | None = None, bound_to_parent: bool = False, timeout: float
    ) -> float:
        self.process.start(
            [
                str(self.home / "bin" / "kc.sh"),
                "start",
                "--optimized",
                "--http-enabled=true",
                "--http-host=127.0.0.1",
                f"--http-port={self.port}",
                f"--hostname={self.url}",
                *extra,
            ],
            env={**_environment(java_home()), **(env or {})},
            cwd=self.home,
            bound_to_parent=bound_to_parent,
        )
        return wait_until(
            lambda: _ready(f"{self.issuer}/.well-known/openid-configuration"),
            timeout=timeout,
            what=f"Keycloak on {self.url}",
            proc=self.process,
        )

    def start(self, *, bound_to_parent: bool = False, timeout: float = 300.0) -> float:
        """Start (from the seed database on first start); the seconds until the realm answered."""
        dist = distribution()
        self.prepare(dist)
        return self.run(dist, bound_to_parent=bound_to_parent, timeout=timeout)

    def stop(self) -> None:
        self.process.stop(timeout=30.0)

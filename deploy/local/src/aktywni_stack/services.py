"""The three Aktywni services as local processes, pointed at the chosen Kafka and database."""

from __future__ import annotations

import base64
import os
import sys
import urllib.request
from pathlib import Path

from aktywni_stack.process import ManagedProcess, wait_until

SERVICES = ("enrolment", "scheduling", "reporting")
DEMO_PORTS = {"enrolment": 8001, "scheduling": 8002, "reporting": 8003, "web": 3000}
#: The staff web application: a fourth process, calling the three services' APIs (no Kafka, no database).
WEB = "web"
#: What the demo (and the tests that run its examples) asks of a service beyond production's settings:
#: reporting gives the demo's projects their indicators at start.
DEMO_ENV: dict[str, dict[str, str]] = {"reporting": {"REPORTING_SEED_DEMO": "true"}}


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
            return bool(response.status == 200)
    except OSError:
        return False


SECRETS = ("ENROLMENT_PII_KEY", "AKTYWNI_JWT_SECRET")


def local_secret(state_dir: Path, name: str) -> str:
    """A secret of the local stack (``name`` from the environment, else made once per state directory).

    Production keeps these in a secret store; the demo and the tests need them to survive restarts.
    """
    explicit = os.environ.get(name)
    if explicit:
        return explicit
    path = state_dir / f"{name.lower()}.secret"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


class ServiceProcess:
    def __init__(self, name: str, state_dir: Path, port: int, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.port = port
        self.env = dict(env or {})  # the service's own settings, under any given at launch
        self.state_dir = state_dir
        self.process = ManagedProcess(name, state_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(
        self,
        kafka_bootstrap_servers: str,
        mongodb_uri: str,
        *,
        extra_env: dict[str, str] | None = None,
        bound_to_parent: bool = False,
    ) -> None:
        """Start the process without waiting (so that several services start side by side)."""
        prefix = self.name.upper()
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
            "MONGODB_URI": mongodb_uri,
            f"{prefix}_PORT": str(self.port),
            # static membership: relaunched after a kill, it takes its partitions back at once
            f"{prefix}_INSTANCE_ID": f"{self.name}-{self.port}",
            **{name: local_secret(self.state_dir, name) for name in SECRETS},
            **self.env,
            **(extra_env or {}),
        }
        self.process.start([sys.executable, "-m", self.name], env=env, bound_to_parent=bound_to_parent)

    def wait_ready(self, timeout: float = 90.0) -> float:
        return wait_until(
            lambda: http_ok(f"{self.url}/ready"), timeout=timeout, what=f"{self.name} at {self.url}", proc=self.process
        )

    def stop(self) -> None:
        self.process.stop(timeout=20.0)


def start_all(
    services: list[ServiceProcess], kafka_bootstrap_servers: str, mongodb_uri: str, *, bound_to_parent: bool = False
) -> None:
    """Launch every service, then wait until each one is ready."""
    for service in services:
        service.launch(kafka_bootstrap_servers, mongodb_uri, bound_to_parent=bound_to_parent)
    for service in services:
        service.wait_ready()


def web_process(
    state_dir: Path,
    port: int,
    services: dict[str, ServiceProcess],
    assets_dir: Path,
    *,
    oidc_issuer: str = "",
    test_sign_in: bool = False,
) -> ServiceProcess:
    """The web application pointed at ``services``; cookies without ``Secure`` (local plain HTTP only).

    Staff sign in at ``oidc_issuer`` (the realm's issuer); ``test_sign_in`` instead opens the tests'
    sign-in seam (a session from a given token), refused together with an issuer; never in the demo.
    """
    env = {
        "AKTYWNI_WEB_SESSION_SECRET": local_secret(state_dir, "AKTYWNI_WEB_SESSION_SECRET"),
        "AKTYWNI_WEB_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "AKTYWNI_WEB_INSECURE_COOKIES": "true",
        "AKTYWNI_WEB_ASSETS_DIR": str(assets_dir),
        **{f"AKTYWNI_WEB_{name.upper()}_URL": service.url for name, service in services.items()},
    }
    if oidc_issuer:
        env["AKTYWNI_WEB_OIDC_ISSUER"] = oidc_issuer
    if test_sign_in:
        env["AKTYWNI_WEB_TEST_SIGN_IN"] = "true"
    return ServiceProcess(WEB, state_dir, port, env)

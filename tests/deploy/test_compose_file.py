"""docker-compose.yml is a valid compose project with the services the design names."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from aktywni_stack import artefacts

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    **os.environ,
    "ENROLMENT_PII_KEY": "A" * 43 + "=",
    "ENROLMENT_LOOKUP_KEY": "B" * 43 + "=",
    "KEYCLOAK_ADMIN_PASSWORD": "k" * 24,
    "KEYCLOAK_DB_PASSWORD": "d" * 24,
    "AKTYWNI_OIDC_PUBLIC_URL": "https://login.example.org",
    "AKTYWNI_WEB_PUBLIC_URL": "https://aktywni.example.org",
    "AKTYWNI_INTEGRATION_CLIENT_SECRET": "i" * 32,
}
PRODUCTION = ROOT / "deploy" / "compose" / "production.yml"


def _docker_compose_available() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    return subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0


def _config(*files: Path) -> subprocess.CompletedProcess[str]:
    """`docker compose config` where the plugin exists, else compose-go (the library it is built on)."""
    if _docker_compose_available():
        argv = ["docker", "compose", *(arg for f in files for arg in ("-f", str(f))), "config"]
    else:
        argv = [str(artefacts.compose_check_binary()), *map(str, files)]
    return subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=ROOT, check=False)


def test_compose_file_is_valid_and_runs_kafka_mongodb_keycloak_and_the_three_services() -> None:
    result = _config(ROOT / "docker-compose.yml")

    assert result.returncode == 0, result.stderr
    for service in ("kafka", "mongodb", "keycloak", "keycloak-db", "enrolment", "scheduling", "reporting"):
        assert f"\n  {service}:\n" in result.stdout
    assert "image: apache/kafka:" in result.stdout
    assert "image: mongo:" in result.stdout
    assert "image: quay.io/keycloak/keycloak:26." in result.stdout
    for service in ("enrolment", "scheduling", "reporting"):
        assert f"dockerfile: services/{service}/Dockerfile" in result.stdout
    for service in ("enrolment", "scheduling", "reporting"):
        block = _block(result.stdout, service)
        assert "AKTYWNI_OIDC_ISSUER: http://localhost:8080/realms/aktywni" in block, f"{service} trusts the provider"
        assert "AKTYWNI_OIDC_JWKS_URI: http://keycloak:8080/realms/aktywni/" in block, service
        assert "AKTYWNI_JWT_SECRET" not in block, f"{service} holds no key that signs tokens"


def test_compose_refuses_to_start_without_the_keycloak_administrator_password() -> None:
    without = {k: v for k, v in ENV.items() if k != "KEYCLOAK_ADMIN_PASSWORD"}

    result = subprocess.run(
        [str(artefacts.compose_check_binary()), str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        env=without,
        cwd=ROOT,
        check=False,
    )

    assert result.returncode != 0
    assert "KEYCLOAK_ADMIN_PASSWORD" in result.stderr


def test_an_invalid_compose_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("services:\n  kafka:\n    image: apache/kafka:4.1.1\n    ports: 9092\n")

    result = _config(broken)

    assert result.returncode != 0
    assert "ports" in result.stderr


def _block(config: str, service: str) -> str:
    """One service's part of `docker compose config` output."""
    return re.split(r"\n  [a-z]", config.split(f"\n  {service}:\n", 1)[1], maxsplit=1)[0]


def test_the_production_variant_replicates_kafka_and_mongodb_and_runs_two_instances_of_each_service() -> None:
    result = _config(PRODUCTION)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    for node in ("kafka-1", "kafka-2", "kafka-3", "mongo-1", "mongo-2", "mongo-3", "mongo-init"):
        assert f"\n  {node}:\n" in out
    for node in ("kafka-1", "kafka-2", "kafka-3"):
        assert 'KAFKA_DEFAULT_REPLICATION_FACTOR: "3"' in _block(out, node)
        assert 'KAFKA_MIN_INSYNC_REPLICAS: "2"' in _block(out, node)
    for node in ("mongo-1", "mongo-2", "mongo-3"):
        assert "--replSet" in _block(out, node)
    for service in ("enrolment", "scheduling", "reporting"):
        block = _block(out, service)
        assert "replicas: 2" in block, service
        assert "replicaSet=rs0" in block, service
        assert "kafka-1:9092,kafka-2:9092,kafka-3:9092" in block, service

"""The production compose file, the Kubernetes manifests and docs/security.md follow the ACL plan.

The plan is ``aktywni_shared.contracts.access``: one Kafka principal per service, and the topics and
consumer groups it may use. These tests read the deploy files and compare them with it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from aktywni_shared.contracts.access import ADMIN_PRINCIPAL, PLAN, Acl, PatternType, all_acls, deployment_topics
from aktywni_stack import artefacts

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ROOT / "deploy" / "compose" / "production.yml"
MANIFESTS = ROOT / "deploy" / "kubernetes"
SECURITY_DOC = ROOT / "docs" / "security.md"
BROKERS = ("kafka-1", "kafka-2", "kafka-3")
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


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The production project as compose-go resolves it (anchors merged, variables substituted)."""
    result = subprocess.run(
        [str(artefacts.compose_check_binary()), str(PRODUCTION)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    project: dict[str, Any] = yaml.safe_load(result.stdout)
    return project


def _init_script(compose: dict[str, Any]) -> list[str]:
    entrypoint = compose["services"]["kafka-init"]["entrypoint"]
    return [line.strip() for line in entrypoint[-1].splitlines() if line.strip()]


def _acls_of(line: str) -> set[Acl]:
    """The ACLs one ``acls <principal> --operation ... --topic ... --group ...`` line of kafka-init adds."""
    words = shlex.split(line)
    principal, operations, resources = words[1], [], []
    pattern: PatternType = "LITERAL"
    for flag, value in zip(words[2::2], words[3::2], strict=True):
        if flag == "--operation":
            operations.append(value.upper())
        elif flag in {"--topic", "--group"}:
            resources.append(("TOPIC" if flag == "--topic" else "GROUP", value))
        elif flag == "--resource-pattern-type":
            pattern = "PREFIXED" if value == "prefixed" else "LITERAL"
        else:
            raise AssertionError(f"unexpected option {flag} in: {line}")
    return {Acl(principal, kind, name, pattern, op) for kind, name in resources for op in operations}  # type: ignore[arg-type]


def test_kafka_init_adds_exactly_the_acls_of_the_plan(compose: dict[str, Any]) -> None:
    script = _init_script(compose)
    added: set[Acl] = set()
    for line in script:
        if line.startswith("acls "):
            added |= _acls_of(line)

    assert sorted(added) == all_acls()


def test_kafka_init_creates_every_topic_of_the_plan_replicated_and_a_user_per_service(compose: dict[str, Any]) -> None:
    script = _init_script(compose)
    created = {words[1]: int(words[2]) for words in map(str.split, script) if words[0] == "topic"}
    users_loop = next(line for line in script if line.startswith("for user in"))

    assert created == {t.name: t.partitions for t in deployment_topics()}
    assert any("--replication-factor 3" in line for line in script if line.startswith("topic()"))
    assert users_loop.removeprefix("for user in ").removesuffix("; do").split() == list(PLAN)
    assert any("SCRAM-SHA-512=[password=" in line for line in script)
    assert "kafka-admin-tls" in str(compose["services"]["kafka-init"]["secrets"])


@pytest.mark.parametrize("node", BROKERS)
def test_each_broker_serves_clients_only_over_sasl_ssl_and_denies_what_no_acl_allows(
    compose: dict[str, Any], node: str
) -> None:
    env = compose["services"][node]["environment"]
    protocols = dict(entry.split(":") for entry in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))

    assert protocols == {"CLIENT": "SASL_SSL", "CONTROLLER": "SSL", "BROKER": "SSL"}
    assert env["KAFKA_LISTENERS"].startswith("CLIENT://:9092,")
    assert env["KAFKA_ADVERTISED_LISTENERS"] == f"CLIENT://{node}:9092,BROKER://{node}:9094"
    assert env["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert "ScramLoginModule required" in env["KAFKA_LISTENER_NAME_CLIENT_SCRAM___SHA___512_SASL_JAAS_CONFIG"]
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert env["KAFKA_SSL_CLIENT_AUTH"] == "required"
    assert env["KAFKA_SSL_KEYSTORE_TYPE"] == env["KAFKA_SSL_TRUSTSTORE_TYPE"] == "PEM"
    assert f"User:{ADMIN_PRINCIPAL}" in env["KAFKA_SUPER_USERS"].split(";")
    assert not set(PLAN) & {u.removeprefix("User:") for u in env["KAFKA_SUPER_USERS"].split(";")}
    sources = {s["source"] for s in compose["services"][node]["secrets"]}
    assert sources == {"kafka-ca", f"{node}-tls"}


@pytest.mark.parametrize("service", list(PLAN))
def test_each_service_connects_as_its_own_principal_with_its_own_password(
    compose: dict[str, Any], service: str
) -> None:
    spec = compose["services"][service]
    env = spec["environment"]
    secrets = {s["source"]: s["target"] for s in spec["secrets"]}

    assert env["AKTYWNI_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["AKTYWNI_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["AKTYWNI_KAFKA_USERNAME"] == PLAN[service].principal
    assert secrets[f"{service}-kafka-password"] == "/run/secrets/kafka-password" == env["AKTYWNI_KAFKA_PASSWORD_FILE"]
    assert secrets["kafka-ca"] == "/run/secrets/kafka-ca" == env["AKTYWNI_KAFKA_CA_FILE"]
    assert not [s for s in secrets if s.endswith("-kafka-password") and s != f"{service}-kafka-password"]
    assert spec["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"


def _manifest(name: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all((MANIFESTS / name).read_text()) if doc]


@pytest.mark.parametrize("service", list(PLAN))
def test_each_kubernetes_deployment_gets_its_own_kafka_credentials_and_the_ca(service: str) -> None:
    config = next(d for d in _manifest("config.yaml") if d["kind"] == "ConfigMap")["data"]
    secrets = {d["metadata"]["name"]: d["stringData"] for d in _manifest("secret.example.yaml")}
    deployment = next(d for d in _manifest(f"{service}.yaml") if d["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    password_keys = {
        e["valueFrom"]["secretKeyRef"]["key"]
        for e in container["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
        and e["valueFrom"]["secretKeyRef"]["key"].endswith("_KAFKA_PASSWORD")
    }

    assert config["AKTYWNI_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert config["AKTYWNI_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["AKTYWNI_KAFKA_USERNAME"]["value"] == PLAN[service].principal
    assert password_keys == {f"{service.upper()}_KAFKA_PASSWORD"}
    assert env["AKTYWNI_KAFKA_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] in secrets["aktywni-secrets"]
    group = env.get(f"{service.upper()}_GROUP_ID", {"value": service})["value"]
    assert group.startswith(PLAN[service].group_prefix), "the consumer-group ACL is a prefix ACL"
    ca_file = PurePosixPath(config["AKTYWNI_KAFKA_CA_FILE"])
    mount = next(m for m in container["volumeMounts"] if m["name"] == "kafka-ca")
    volume = next(v for v in pod["volumes"] if v["name"] == "kafka-ca")
    assert (mount["mountPath"], mount["readOnly"]) == (str(ca_file.parent), True)
    assert volume["secret"]["secretName"] == "aktywni-kafka-ca"
    assert volume["secret"]["items"] == [{"key": ca_file.name, "path": ca_file.name}]
    assert ca_file.name in secrets["aktywni-kafka-ca"]


def _doc_table() -> dict[str, list[str]]:
    """The ACL table of docs/security.md: principal -> its cells."""
    rows: dict[str, list[str]] = {}
    section = SECURITY_DOC.read_text().split("## ACLs", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith("`User:"):
            rows[cells[0].strip("`").removeprefix("User:")] = cells[1:]
    return rows


def test_the_documented_acl_table_is_the_plan() -> None:
    table = _doc_table()

    assert sorted(table) == sorted(PLAN)
    for service, access in PLAN.items():
        writes, reads, groups = (set(re.findall(r"`([^`]+)`", cell)) for cell in table[service][:3])
        assert writes == {t.name for t in access.writes}, service
        assert reads == {t.name for t in access.reads}, service
        assert groups == {f"{access.group_prefix}*"}, service

"""Sign-in in the deploy files: Keycloak with its own database, every service trusting only its tokens.

docker-compose.yml, deploy/compose/production.yml and deploy/kubernetes/ run Keycloak from its official
image (the version the embedded stack uses) on a PostgreSQL of its own; every service is given the
provider's issuer, audience and key set, and none holds the HS256 key that could sign a token. The
production realm is made from the demo's by deploy/compose/keycloak/production_realm.py, which
drops the test client (the password grant) and the demo users.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from aktywni_stack import artefacts

ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT = ROOT / "docker-compose.yml"
PRODUCTION = ROOT / "deploy" / "compose" / "production.yml"
MANIFESTS = ROOT / "deploy" / "kubernetes"
REALM = ROOT / "deploy" / "local" / "keycloak" / "aktywni-realm.json"
REALM_SCRIPT = ROOT / "deploy" / "compose" / "keycloak" / "production_realm.py"
POM = ROOT / "deploy" / "local" / "keycloak" / "pom.xml"
SERVICES = ("enrolment", "scheduling", "reporting")
PUBLIC_URL = "https://login.example.org"
ENV = {
    **{k: v for k, v in os.environ.items() if k != "AKTYWNI_JWT_SECRET"},
    "ENROLMENT_PII_KEY": "A" * 43 + "=",
    "ENROLMENT_LOOKUP_KEY": "B" * 43 + "=",
    "KEYCLOAK_ADMIN_PASSWORD": "k" * 24,
    "KEYCLOAK_DB_PASSWORD": "d" * 24,
    "AKTYWNI_OIDC_PUBLIC_URL": PUBLIC_URL,
    "AKTYWNI_WEB_PUBLIC_URL": "https://aktywni.example.org",
    "AKTYWNI_INTEGRATION_CLIENT_SECRET": "i" * 32,
}
SIGNING_KEY = "AKTYWNI_JWT_SECRET"


def _resolved(path: Path) -> dict[str, Any]:
    """A compose project as compose-go resolves it (anchors merged, variables substituted)."""
    result = subprocess.run(
        [str(artefacts.compose_check_binary()), str(path)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    project: dict[str, Any] = yaml.safe_load(result.stdout)
    return project


@pytest.fixture(scope="module", params=["development", "production"])
def compose(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    return request.param, _resolved(DEVELOPMENT if request.param == "development" else PRODUCTION)


def _keycloak_version() -> str:
    found = re.search(r"<keycloak\.version>([^<]+)</keycloak\.version>", POM.read_text())
    assert found is not None
    return found.group(1)


DOCUMENTS = [doc for path in sorted(MANIFESTS.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc]


def _of(kind: str, name: str) -> dict[str, Any]:
    (doc,) = [d for d in DOCUMENTS if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def _env(workload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in workload["spec"]["template"]["spec"]["containers"][0]["env"]}


def _production_realm() -> ModuleType:
    spec = importlib.util.spec_from_file_location("production_realm", REALM_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "path",
    [DEVELOPMENT, PRODUCTION, *sorted(MANIFESTS.glob("*.yaml"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_deploy_file_holds_the_key_that_signs_tokens(path: Path) -> None:
    assert SIGNING_KEY not in path.read_text()


def test_every_service_trusts_only_the_identity_provider(compose: tuple[str, dict[str, Any]]) -> None:
    variant, project = compose
    issuer = f"{PUBLIC_URL if variant == 'production' else 'http://localhost:8080'}/realms/aktywni"
    for service in SERVICES:
        spec = project["services"][service]
        env = spec["environment"]
        assert env["AKTYWNI_OIDC_ISSUER"] == issuer, service
        assert env["AKTYWNI_OIDC_AUDIENCE"] == "aktywni", service
        jwks = urlsplit(env["AKTYWNI_OIDC_JWKS_URI"])
        assert (jwks.hostname, jwks.path) == ("keycloak", "/realms/aktywni/protocol/openid-connect/certs"), service
        assert SIGNING_KEY not in env, service
        assert spec["depends_on"]["keycloak"]["condition"] == "service_healthy", service
    keycloak_env = project["services"]["keycloak"]["environment"]
    assert f"{keycloak_env['KC_HOSTNAME']}/realms/aktywni" == issuer, "the issuer is Keycloak's public address"


def test_keycloak_runs_the_official_image_of_the_embedded_version_on_its_own_postgresql(
    compose: tuple[str, dict[str, Any]],
) -> None:
    _, project = compose
    services = project["services"]
    keycloak, database = services["keycloak"], services["keycloak-db"]
    env = keycloak["environment"]

    assert keycloak["image"] == f"quay.io/keycloak/keycloak:{_keycloak_version()}"
    assert "--import-realm" in keycloak["command"]
    assert env["KC_DB"] == "postgres"
    assert env["KC_DB_URL"] == "jdbc:postgresql://keycloak-db:5432/keycloak"
    assert env["KC_DB_PASSWORD"] == database["environment"]["POSTGRES_PASSWORD"]
    assert database["image"].startswith("postgres:")
    (volume,) = [v["source"] for v in database["volumes"] if v["target"] == "/var/lib/postgresql/data"]
    users = [name for name, spec in services.items() if volume in {v.get("source") for v in spec.get("volumes", [])}]
    assert users == ["keycloak-db"], "the database's volume is its own"
    assert keycloak["depends_on"]["keycloak-db"]["condition"] == "service_healthy"


def test_production_compose_imports_the_realm_without_the_test_client() -> None:
    services = _resolved(PRODUCTION)["services"]
    keycloak, realm = services["keycloak"], services["keycloak-realm"]
    imports = {v["source"] for v in keycloak["volumes"] if v["target"] == "/opt/keycloak/data/import"}
    writes = {v["source"] for v in realm["volumes"] if v["target"] == "/import"}
    mounted = {Path(v["source"]).resolve() for v in realm["volumes"] if v["type"] == "bind"}

    assert keycloak["command"][0] == "start", "not start-dev"
    assert imports == writes, "Keycloak imports what keycloak-realm wrote"
    assert keycloak["depends_on"]["keycloak-realm"]["condition"] == "service_completed_successfully"
    assert mounted == {REALM.resolve(), REALM_SCRIPT.resolve()}
    assert realm["command"][1:] == [
        "/realm/production_realm.py",
        "/realm/aktywni-realm.json",
        "/import/aktywni-realm.json",
    ]
    assert keycloak["environment"]["AKTYWNI_INTEGRATION_CLIENT_SECRET"] == "i" * 32


def test_the_production_realm_has_no_test_client_no_demo_user_and_no_demo_secret() -> None:
    demo = json.loads(REALM.read_text())
    realm = _production_realm().production(demo)
    clients = {c["clientId"]: c for c in realm["clients"]}

    assert "aktywni-test" in {c["clientId"] for c in demo["clients"]}, "the demo realm has it"
    assert sorted(clients) == ["aktywni-cli", "aktywni-integration", "aktywni-web"]
    assert not [c for c in clients.values() if c.get("directAccessGrantsEnabled")]
    assert [u["username"] for u in realm["users"]] == ["service-account-aktywni-integration"]
    assert "aktywni-demo" not in json.dumps(realm)
    assert clients["aktywni-integration"]["secret"] == "${AKTYWNI_INTEGRATION_CLIENT_SECRET}"
    assert clients["aktywni-web"]["redirectUris"] == ["${AKTYWNI_WEB_PUBLIC_URL}/*"]
    assert clients["aktywni-cli"] == next(c for c in demo["clients"] if c["clientId"] == "aktywni-cli")
    assert realm["groups"] == demo["groups"]
    assert realm["roles"] == demo["roles"]


def test_no_copy_of_the_realm_is_kept_in_the_deploy_files() -> None:
    copies = [p for p in (ROOT / "deploy").rglob("*.json") if '"realm"' in p.read_text() and p != REALM]
    assert copies == []


def test_the_production_realm_script_writes_the_file_keycloak_imports(tmp_path: Path) -> None:
    target = tmp_path / "aktywni-realm.json"

    code = _production_realm().main(["production_realm.py", str(REALM), str(target)])

    assert code == 0
    assert json.loads(target.read_text()) == _production_realm().production(json.loads(REALM.read_text()))


@pytest.mark.parametrize("service", SERVICES)
def test_each_kubernetes_service_trusts_the_provider_and_gets_none_of_its_secrets(service: str) -> None:
    config = _of("ConfigMap", "aktywni-config")["data"]
    env = _env(_of("Deployment", service))

    for name in ("AKTYWNI_OIDC_ISSUER", "AKTYWNI_OIDC_AUDIENCE", "AKTYWNI_OIDC_JWKS_URI"):
        assert env[name]["valueFrom"]["configMapKeyRef"] == {"name": "aktywni-config", "key": name}
    assert SIGNING_KEY not in env
    secrets = {e["valueFrom"]["secretKeyRef"]["name"] for e in env.values() if "secretKeyRef" in e.get("valueFrom", {})}
    assert "aktywni-keycloak" not in secrets
    assert config["AKTYWNI_OIDC_ISSUER"] == f"{config['KEYCLOAK_HOSTNAME']}/realms/aktywni"
    assert config["AKTYWNI_OIDC_AUDIENCE"] == "aktywni"
    jwks = urlsplit(config["AKTYWNI_OIDC_JWKS_URI"])
    assert jwks.hostname == "keycloak.aktywni.svc"
    assert jwks.path == "/realms/aktywni/protocol/openid-connect/certs"


def test_kubernetes_keycloak_runs_the_official_image_on_its_own_postgresql_statefulset() -> None:
    config = _of("ConfigMap", "aktywni-config")["data"]
    secret = _of("Secret", "aktywni-keycloak")["stringData"]
    deployment, database = _of("Deployment", "keycloak"), _of("StatefulSet", "keycloak-db")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = _env(deployment)
    db_env = _env(database)

    assert container["image"] == f"quay.io/keycloak/keycloak:{_keycloak_version()}"
    assert container["args"][:1] == ["start"]
    assert "--import-realm" in container["args"]
    assert env["KC_DB"]["value"] == "postgres"
    assert env["KC_HOSTNAME"]["valueFrom"]["configMapKeyRef"]["key"] == "KEYCLOAK_HOSTNAME"
    assert urlsplit(config["KEYCLOAK_DB_URL"].removeprefix("jdbc:")).hostname == "keycloak-db.aktywni.svc"
    assert _of("Service", "keycloak-db")["spec"]["selector"] == database["spec"]["selector"]["matchLabels"]
    assert _of("Service", "keycloak")["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert database["spec"]["template"]["spec"]["containers"][0]["image"].startswith("postgres:")
    assert [t["metadata"]["name"] for t in database["spec"]["volumeClaimTemplates"]] == ["data"]
    assert env["KC_DB_PASSWORD"]["valueFrom"] == db_env["POSTGRES_PASSWORD"]["valueFrom"]
    for entry in [*env.values(), *db_env.values()]:
        source = entry.get("valueFrom", {})
        if "configMapKeyRef" in source:
            assert source["configMapKeyRef"]["key"] in config
        if "secretKeyRef" in source:
            assert source["secretKeyRef"]["name"] == "aktywni-keycloak"
            assert source["secretKeyRef"]["key"] in secret
    mount = next(m for m in container["volumeMounts"] if m["name"] == "realm")
    assert mount["mountPath"] == "/opt/keycloak/data/import/aktywni-realm.json"
    assert "production_realm.py" in (MANIFESTS / "keycloak.yaml").read_text()


def test_the_example_secret_carries_the_web_session_secret_and_keycloak_passwords() -> None:
    services = _of("Secret", "aktywni-secrets")["stringData"]
    keycloak = _of("Secret", "aktywni-keycloak")["stringData"]

    assert "AKTYWNI_WEB_SESSION_SECRET" in services
    assert {"KEYCLOAK_ADMIN_PASSWORD", "KEYCLOAK_DB_PASSWORD", "AKTYWNI_INTEGRATION_CLIENT_SECRET"} <= set(keycloak)

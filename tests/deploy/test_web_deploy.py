"""deploy/kubernetes/web.yaml: the staff web application's Deployment, Service, HPA and Ingress.

Its settings are read by the application's own settings class from the environment the manifest
gives it (values, and the ConfigMap's and the example secret's keys), so a setting the application
needs and the manifest forgets, or a cookie left without ``Secure``, fails here and not in the
cluster. The Ingress's paths are checked against the routes of the application built from those
settings: every page is published, and /metrics, /health, /ready and /openapi.json are not.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import AliasChoices

from web.app import build
from web.domain.imports import MAX_CARRIED
from web.settings import WebSettings

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
REALM_SCRIPT = ROOT / "deploy" / "compose" / "keycloak" / "production_realm.py"
#: Settings the manifest must leave unset: test-only switches and the test suite's npm assets.
TEST_ONLY = {"AKTYWNI_WEB_TEST_SIGN_IN", "AKTYWNI_WEB_ASSETS_DIR"}
#: Served on the application's port for the cluster only (probes, Prometheus), never published.
OPERATIONAL = {"/metrics", "/health", "/ready", "/openapi.json"}


def _documents() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted(MANIFESTS.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


DOCUMENTS = _documents()


def _of(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in DOCUMENTS if doc["kind"] == kind}


def _container() -> dict[str, Any]:
    container: dict[str, Any] = _of("Deployment")["web"]["spec"]["template"]["spec"]["containers"][0]
    return container


def _environment() -> dict[str, str]:
    """The web container's environment as the pod sees it (ConfigMap and example secret resolved)."""
    config = _of("ConfigMap")["aktywni-config"]["data"]
    secret = _of("Secret")["aktywni-secrets"]["stringData"]
    found = {}
    for entry in _container()["env"]:
        if "value" in entry:
            found[entry["name"]] = entry["value"]
        elif "configMapKeyRef" in entry["valueFrom"]:
            found[entry["name"]] = config[entry["valueFrom"]["configMapKeyRef"]["key"]]
        else:
            found[entry["name"]] = secret[entry["valueFrom"]["secretKeyRef"]["key"]]
    return found


def _variables(field: str) -> set[str]:
    alias = WebSettings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return {str(choice) for choice in alias.choices}
    return {str(alias)}


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> WebSettings:
    for name in [v for field in WebSettings.model_fields for v in _variables(field)]:
        monkeypatch.delenv(name, raising=False)
    for name, value in _environment().items():
        monkeypatch.setenv(name, value)
    return WebSettings()  # type: ignore[call-arg]  # read from the environment


def test_every_setting_but_the_test_only_ones_is_set_by_the_manifest() -> None:
    """Each default of WebSettings is the local demo's (127.0.0.1, http), so none may be left to it."""
    names = {e["name"] for e in _container()["env"]}
    for field in WebSettings.model_fields:
        variables = _variables(field)
        if variables & TEST_ONLY:
            assert not variables & names, f"{field} is for tests only"
        else:
            assert len(variables & names) == 1, f"{field} ({sorted(variables)}) is not set exactly once"


def test_the_settings_read_from_the_manifest_are_the_production_ones(settings: WebSettings) -> None:
    config = _of("ConfigMap")["aktywni-config"]["data"]
    assert settings.insecure_cookies is False, "the session cookie must be Secure"
    assert settings.test_sign_in is False
    assert settings.host == "0.0.0.0"
    assert settings.port == _container()["ports"][0]["containerPort"]
    assert settings.oidc_issuer == config["AKTYWNI_OIDC_ISSUER"]
    assert settings.public_url == config["AKTYWNI_WEB_PUBLIC_URL"]
    assert urlsplit(settings.public_url).scheme == "https", "Secure cookies need HTTPS"
    assert len(settings.session_secret.get_secret_value()) >= 32
    spec = importlib.util.spec_from_file_location("production_realm", REALM_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    realm = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(realm)
    assert settings.oidc_client_id == realm.WEB_CLIENT, "the realm's client for the web application"


@pytest.mark.parametrize("service", ["enrolment", "scheduling", "reporting"])
def test_the_web_application_calls_each_service_through_its_service(settings: WebSettings, service: str) -> None:
    address = urlsplit(getattr(settings, f"{service}_url"))
    target = _of("Service")[service]
    assert address.scheme == "http"
    assert address.hostname == f"{target['metadata']['name']}.{target['metadata']['namespace']}.svc"
    assert (address.port or 80) in {p["port"] for p in target["spec"]["ports"]}


def test_the_deployment_has_probes_resources_a_service_an_hpa_on_cpu_and_a_disruption_budget() -> None:
    deployment = _of("Deployment")["web"]
    container = _container()
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["startupProbe"]["httpGet"]["path"] == "/health"
    assert container["resources"]["requests"]["cpu"], "the HPA's utilisation is a share of the request"
    assert container["resources"]["limits"]["memory"]
    enrolment = _of("Deployment")["enrolment"]["spec"]["template"]["spec"]
    assert container["securityContext"] == enrolment["containers"][0]["securityContext"]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"] == enrolment["securityContext"]
    assert pod["automountServiceAccountToken"] is False
    assert _of("Service")["web"]["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert _of("PodDisruptionBudget")["web"]["spec"]["selector"] == deployment["spec"]["selector"]
    hpa = _of("HorizontalPodAutoscaler")["web"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert hpa["minReplicas"] >= 2
    assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]


def test_sessions_held_in_memory_keep_a_browser_on_one_pod() -> None:
    """web.store.sessions keeps sessions in the process: another pod would not know the cookie."""
    assert _of("Service")["web"]["spec"]["sessionAffinity"] == "ClientIP"
    annotations = _of("Ingress")["web"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert annotations["nginx.ingress.kubernetes.io/session-cookie-secure"] == "true"


def _route_paths(routes: list[Any]) -> Iterator[str]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router
            yield from _route_paths(route.original_router.routes)
        elif hasattr(route, "path"):
            yield route.path


def _published(path: str, rules: list[dict[str, Any]]) -> bool:
    """Whether a request path matches one of the Ingress's paths (Exact, or Prefix by path element)."""
    for rule in rules:
        if rule["pathType"] == "Exact" and path == rule["path"]:
            return True
        prefix = rule["path"].rstrip("/")
        if rule["pathType"] == "Prefix" and (path == prefix or path.startswith(prefix + "/") or prefix == ""):
            return True
    return False


def _sample(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", template)


def test_the_ingress_publishes_every_page_and_none_of_the_operational_paths(settings: WebSettings) -> None:
    ingress = _of("Ingress")["web"]["spec"]
    (rule,) = ingress["rules"]
    paths = rule["http"]["paths"]
    assert {p["backend"]["service"]["name"] for p in paths} == {"web"}
    assert rule["host"] == urlsplit(settings.public_url).hostname
    assert rule["host"] in ingress["tls"][0]["hosts"]
    routes = {_sample(p) for p in _route_paths(build(settings).routes)}
    assert routes >= OPERATIONAL, "the application serves them on the published port"
    for route in routes:
        assert _published(route, paths) is (route not in OPERATIONAL), route
        if route != "/":  # nor behind a trailing slash
            assert _published(route + "/", paths) is (route not in OPERATIONAL), route


def test_the_published_path_check_refuses_a_catch_all_rule() -> None:
    catch_all = [{"path": "/", "pathType": "Prefix"}]
    assert _published("/metrics", catch_all)
    assert not _published("/metrics", [{"path": "/", "pathType": "Exact"}, {"path": "/me", "pathType": "Prefix"}])


def test_the_ingress_takes_the_largest_import_the_application_takes() -> None:
    size = _of("Ingress")["web"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", size).groups()  # type: ignore[union-attr]
    assert int(number) * 1024 ** " kmg".index(unit or " ") > MAX_CARRIED

"""The Kubernetes manifests are valid against the Kubernetes API schemas and wired to each other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

MANIFESTS = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
#: The oldest and the newest Kubernetes versions the manifests are checked against.
VERSIONS = ("1.30.0", "1.37.0")
SERVICES = ("enrolment", "scheduling", "reporting")


def _documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        found.extend((path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc)
    return found


DOCUMENTS = _documents()


def _of(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in DOCUMENTS if doc["kind"] == kind}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("path", "doc"), DOCUMENTS, ids=[f"{p}:{d['kind']}" for p, d in DOCUMENTS])
def test_every_manifest_is_valid_against_the_kubernetes_schema(path: str, doc: dict[str, Any], version: str) -> None:
    kubernetes_validate.validate(doc, version, strict=True)


@pytest.mark.parametrize("defect", ["wrong type", "unknown field"])
def test_the_validator_refuses_a_broken_deployment(defect: str) -> None:
    broken = yaml.safe_load((MANIFESTS / "enrolment.yaml").read_text().split("\n---\n")[0])
    if defect == "wrong type":
        broken["spec"]["replicas"] = "two"
    else:
        broken["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["pathh"] = "/health"

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest_but_the_example_secret() -> None:
    listed = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"]
    present = {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    folders = {p.name for p in MANIFESTS.iterdir() if (p / "kustomization.yaml").is_file()}
    assert sorted(listed) == sorted(present | folders)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_probes_resources_a_service_an_autoscaler_and_a_disruption_budget(service: str) -> None:
    """The autoscaler is KEDA's ScaledObject (observability/autoscaling.yaml), which owns the service's HPA."""
    deployment = _of("Deployment")[service]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    port = container["ports"][0]["containerPort"]

    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["resources"]["requests"]["cpu"]
    assert container["resources"]["limits"]["memory"]
    assert {"name": f"{service.upper()}_PORT", "value": str(port)} in container["env"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert _of("Service")[service]["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    scaled = {
        doc["metadata"]["name"]: doc
        for doc in yaml.safe_load_all((MANIFESTS / "observability" / "autoscaling.yaml").read_text())
        if doc["kind"] == "ScaledObject"
    }[service]
    assert scaled["spec"]["scaleTargetRef"]["name"] == service
    assert scaled["spec"]["minReplicaCount"] >= 2
    assert scaled["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["name"] == service
    assert {t["type"] for t in scaled["spec"]["triggers"]} == {"kafka", "cpu"}
    assert _of("PodDisruptionBudget")[service]["spec"]["selector"] == deployment["spec"]["selector"]


def test_every_referenced_key_exists_and_only_enrolment_gets_the_personal_data_keys() -> None:
    config = _of("ConfigMap")["aktywni-config"]["data"]
    secret = _of("Secret")["aktywni-secrets"]["stringData"]
    for service in (*SERVICES, "web"):
        env = _of("Deployment")[service]["spec"]["template"]["spec"]["containers"][0]["env"]
        sources = [e["valueFrom"] for e in env if "valueFrom" in e]
        for source in sources:
            if "configMapKeyRef" in source:
                assert source["configMapKeyRef"]["key"] in config
            elif "fieldRef" in source:
                assert source["fieldRef"]["fieldPath"] == "metadata.name", "only the pod's name (instance id)"
            else:
                assert source["secretKeyRef"]["key"] in secret
        secret_keys = {s["secretKeyRef"]["key"] for s in sources if "secretKeyRef" in s}
        has_pii_keys = bool(secret_keys & {"ENROLMENT_PII_KEY", "ENROLMENT_LOOKUP_KEY"})
        assert has_pii_keys is (service == "enrolment"), service


def test_only_the_web_application_gets_the_session_secret_and_it_needs_no_kafka_or_database() -> None:
    """The secret signs the web's session cookies; the web application keeps no data of its own."""
    for name in (*SERVICES, "web"):
        env = _of("Deployment")[name]["spec"]["template"]["spec"]["containers"][0]["env"]
        keys = {e["valueFrom"]["secretKeyRef"]["key"] for e in env if "secretKeyRef" in e.get("valueFrom", {})}
        assert ("AKTYWNI_WEB_SESSION_SECRET" in keys) is (name == "web"), name
        if name == "web":
            assert keys == {"AKTYWNI_WEB_SESSION_SECRET"}

"""deploy/kubernetes/observability: KEDA autoscaling, the ServiceMonitor, the alerts, the Grafana dashboard.

Each custom resource is validated against its CustomResourceDefinition as KEDA and the Prometheus
operator publish it (the YAML in their Go modules, fetched once into the cache), strictly: a field
the CRD does not define is an error, as the API server's pruning would drop it silently. The alert
rules and the dashboard's queries are parsed as PromQL (promql-parser, the parser of the Rust
crate of that name; promtool, built from the Go module proxy, did not finish building within 20
minutes on a loaded 2-core machine), and they query only metrics the services export.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import promql_parser
import pytest
import yaml
from faststream.kafka import KafkaBroker

from aktywni_shared import metrics
from aktywni_stack import artefacts

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
OBSERVABILITY = MANIFESTS / "observability"
DASHBOARD = OBSERVABILITY / "grafana-dashboard.json"
CONSUMERS = ("enrolment", "scheduling", "reporting")
#: The CRDs of the kinds deploy/kubernetes/observability uses.
CRDS = {
    "keda.sh_scaledobjects.yaml",
    "keda.sh_triggerauthentications.yaml",
    "monitoring.coreos.com_servicemonitors.yaml",
    "monitoring.coreos.com_prometheusrules.yaml",
}


def _documents(folder: Path) -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted(folder.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


RESOURCES = _documents(OBSERVABILITY)
MAIN = _documents(MANIFESTS)


def _of(kind: str, docs: list[dict[str, Any]] = RESOURCES) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def _strict(schema: Any) -> Any:
    """The schema with every object that lists its properties closed to others (as pruning is)."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {k: _strict(v) for k, v in schema.items()}
    open_ = strict.get("x-kubernetes-preserve-unknown-fields") or "additionalProperties" in strict
    if "properties" in strict and not open_:
        strict["additionalProperties"] = False
    return strict


@pytest.fixture(scope="module")
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> the strict JSON schema of the CRD's served version."""
    schemas = {}
    for path in artefacts.crd_files():
        if path.name not in CRDS:
            continue
        crd = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                schemas[(f"{group}/{version['name']}", kind)] = _strict(version["schema"]["openAPIV3Schema"])
    return schemas


def _validate(doc: dict[str, Any], schemas: dict[tuple[str, str], dict[str, Any]]) -> None:
    schema = schemas[(doc["apiVersion"], doc["kind"])]
    jsonschema.Draft7Validator(schema).validate(doc)


@pytest.mark.parametrize("doc", RESOURCES, ids=[f"{d['kind']}:{d['metadata']['name']}" for d in RESOURCES])
def test_every_custom_resource_is_valid_against_its_crd(
    doc: dict[str, Any], crd_schemas: dict[tuple[str, str], dict[str, Any]]
) -> None:
    _validate(doc, crd_schemas)


@pytest.mark.parametrize("defect", ["unknown field", "wrong type"])
def test_the_crd_validation_refuses_a_broken_scaled_object(
    defect: str, crd_schemas: dict[tuple[str, str], dict[str, Any]]
) -> None:
    broken = copy.deepcopy(_of("ScaledObject")["reporting"])
    if defect == "unknown field":
        broken["spec"]["maxReplicas"] = 6  # the HPA's name for it, not KEDA's
    else:
        broken["spec"]["minReplicaCount"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        _validate(broken, crd_schemas)


def test_kustomization_lists_every_observability_manifest_and_the_dashboard() -> None:
    kustomization = yaml.safe_load((OBSERVABILITY / "kustomization.yaml").read_text())
    present = {p.name for p in OBSERVABILITY.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(present)
    (generated,) = kustomization["configMapGenerator"]
    assert generated["files"] == [f"aktywni.json={DASHBOARD.name}"]
    assert generated["options"]["labels"]["grafana_dashboard"] == "1"
    assert "observability" in yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"]


@pytest.mark.parametrize("service", CONSUMERS)
def test_each_consumer_scales_on_its_group_lag_and_on_cpu_with_keda_as_the_only_autoscaler(service: str) -> None:
    deployment = _of("Deployment", MAIN)[service]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    scaled = _of("ScaledObject")[service]["spec"]

    assert scaled["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": service}
    assert scaled["minReplicaCount"] >= 2
    assert scaled["maxReplicaCount"] <= 6, "more consumers than partitions would idle"
    kafka = next(t for t in scaled["triggers"] if t["type"] == "kafka")
    assert kafka["metadata"]["consumerGroup"] == env[f"{service.upper()}_GROUP_ID"]["value"]
    assert kafka["metadata"]["bootstrapServersFromEnv"] in env
    assert int(kafka["metadata"]["lagThreshold"]) > 0
    cpu = next(t for t in scaled["triggers"] if t["type"] == "cpu")
    assert cpu["metricType"] == "Utilization"
    assert container["resources"]["requests"]["cpu"], "a CPU trigger needs the pods' CPU request"
    # KEDA owns the HPA: no HorizontalPodAutoscaler of the plain manifests targets the same Deployment
    targets = [h["spec"]["scaleTargetRef"]["name"] for h in _of("HorizontalPodAutoscaler", MAIN).values()]
    assert service not in targets

    authentication = _of("TriggerAuthentication")[kafka["authenticationRef"]["name"]]["spec"]
    secret = next(d for d in MAIN if d["kind"] == "Secret" and d["metadata"]["name"] == "aktywni-secrets")
    for ref in authentication["secretTargetRef"]:
        if ref["name"] == "aktywni-secrets":
            assert ref["key"] in secret["stringData"]
            assert ref["key"].startswith(service.upper()), "each service's lag is read with its own password"
    for ref in authentication["env"]:
        assert ref["name"] in env
        assert ref["containerName"] == container["name"]


def test_the_service_monitor_scrapes_the_three_services_and_the_web_applications_metrics_port() -> None:
    (monitor,) = _of("ServiceMonitor").values()
    (expression,) = monitor["spec"]["selector"]["matchExpressions"]
    assert sorted(expression["values"]) == sorted((*CONSUMERS, "web"))
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["path"] == "/metrics"
    for service in (*CONSUMERS, "web"):
        ports = [p["name"] for p in _of("Service", MAIN)[service]["spec"]["ports"]]
        assert endpoint["port"] in ports


def _exported() -> set[str]:
    """Every sample name a service's /metrics can hold (ours, FastStream's, the process's)."""
    measured = metrics.of(KafkaBroker())
    measured.kafka_middleware("test")
    names: set[str] = set()
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}
    for family in measured.registry.collect():
        names.update(family.name + suffix for suffix in suffixes.get(family.type, [""]))
    return names


def _queried(expr: str) -> set[str]:
    """The metric names ``expr`` selects (it must parse as PromQL)."""
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def test_the_promql_check_refuses_a_broken_query() -> None:
    with pytest.raises(ValueError, match="parenthesis"):
        _queried("sum by (job (aktywni_consumer_lag_records)")
    assert _queried("rate(aktywni_http_requests_total[5m]) / on(job) up") == {"aktywni_http_requests_total", "up"}


def _rules() -> list[dict[str, Any]]:
    return [rule for group in _of("PrometheusRule")["aktywni"]["spec"]["groups"] for rule in group["rules"]]


def test_the_alerts_the_operators_asked_for_exist_and_query_exported_metrics() -> None:
    rules = {rule["alert"]: rule for rule in _rules()}
    assert set(rules) == {
        "AktywniConsumerLagGrowing",
        "AktywniOutboxNotDraining",
        "AktywniDeadLetter",
        "AktywniHttpErrors",
        "AktywniServiceRestarting",
    }
    assert rules["AktywniConsumerLagGrowing"]["for"] == "5m"
    assert "> 60" in rules["AktywniOutboxNotDraining"]["expr"]
    assert "> 0.01" in rules["AktywniHttpErrors"]["expr"]
    exported = _exported()
    for name, rule in rules.items():
        queried = _queried(rule["expr"])
        assert queried, name
        assert queried <= exported, (name, queried - exported)


def test_the_dashboard_queries_exported_metrics_only() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert len(exprs) >= 10
    exported = _exported()
    for expr in exprs:
        assert _queried(expr), expr
        assert _queried(expr) <= exported, (expr, _queried(expr) - exported)
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])

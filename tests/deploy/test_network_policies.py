"""deploy/kubernetes/network-policies.yaml: who may connect to which pod of the namespace.

The policies are evaluated here as the API server's semantics have them (a pod selected by any
policy admits only what one of them allows; ``from`` entries are alternatives, a namespace and a
pod selector in one entry must both match; no ``from`` or no ``ports`` means any), over the pods
the manifests create, and the result is compared with the intended table. The metrics port is the
port the ServiceMonitor scrapes, which is the APIs' own port: policies see ports, not paths.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

MANIFESTS = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
POLICIES = MANIFESTS / "network-policies.yaml"
NAMESPACE = "aktywni"
INGRESS, MONITORING = "ingress-nginx", "monitoring"
#: (pod, port name) -> who may connect: ("namespace", name) for any pod there, ("pod", app name) here.
INTENDED = {
    ("web", "http"): {("namespace", INGRESS), ("namespace", MONITORING)},
    **{
        (service, "http"): {("pod", "web"), ("namespace", MONITORING)}
        for service in ("enrolment", "scheduling", "reporting")
    },
    ("keycloak", "http"): {("namespace", INGRESS), ("pod", "enrolment"), ("pod", "scheduling"), ("pod", "reporting")},
    ("keycloak", "management"): set(),
    ("keycloak-db", "postgres"): {("pod", "keycloak")},
}
#: A peer that no rule names: what a rule with no ``from`` (or a too wide selector) would let in.
STRANGER = ("namespace", "elsewhere")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _main() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted(MANIFESTS.glob("*.yaml"))
        if path.name not in {"kustomization.yaml", POLICIES.name}
        for doc in _documents(path)
    ]


MAIN = _main()
OBSERVABILITY = [d for p in sorted((MANIFESTS / "observability").glob("*.yaml")) for d in _documents(p)]


def _pods() -> dict[str, dict[str, Any]]:
    """App name -> {labels, ports (name -> number)} of each pod template the manifests create."""
    pods = {}
    for doc in MAIN:
        if doc["kind"] in {"Deployment", "StatefulSet"}:
            template = doc["spec"]["template"]
            labels = template["metadata"]["labels"]
            ports = {p["name"]: p["containerPort"] for c in template["spec"]["containers"] for p in c["ports"]}
            pods[labels["app.kubernetes.io/name"]] = {"labels": labels, "ports": ports}
    return pods


PODS = _pods()


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def _peer_matches(entry: dict[str, Any], peer: tuple[str, str]) -> bool:
    kind, name = peer
    if "ipBlock" in entry:
        return True  # an address range: anyone, as far as this evaluation can tell
    if "namespaceSelector" in entry:
        namespace_labels = {"kubernetes.io/metadata.name": NAMESPACE if kind == "pod" else name}
        if not _matches(entry["namespaceSelector"], namespace_labels):
            return False
        return "podSelector" not in entry or kind == "namespace" or _pod_matches(entry["podSelector"], name)
    # a pod selector alone: pods of the policy's own namespace
    return kind == "pod" and _pod_matches(entry["podSelector"], name)


def _pod_matches(selector: dict[str, Any], app: str) -> bool:
    return _matches(selector, PODS[app]["labels"])


def _port_matches(rule: dict[str, Any], app: str, port: str) -> bool:
    if "ports" not in rule:
        return True
    number = PODS[app]["ports"][port]
    return any(p["port"] in {port, number} for p in rule["ports"])


def _admitted(policies: list[dict[str, Any]], app: str, port: str, peer: tuple[str, str]) -> bool:
    selecting = [p for p in policies if _pod_matches(p["spec"]["podSelector"], app)]
    selecting = [p for p in selecting if "Ingress" in p["spec"].get("policyTypes", ["Ingress"])]
    if not selecting:
        return True  # a pod no policy selects accepts everything
    return any(
        _port_matches(rule, app, port) and ("from" not in rule or any(_peer_matches(e, peer) for e in rule["from"]))
        for policy in selecting
        for rule in policy["spec"].get("ingress", [])
    )


def _peers() -> list[tuple[str, str]]:
    named = {peer for allowed in INTENDED.values() for peer in allowed}
    return sorted(named | {("pod", app) for app in PODS} | {STRANGER})


def _reachability(policies: list[dict[str, Any]]) -> dict[tuple[str, str], set[tuple[str, str]]]:
    return {
        (app, port): {peer for peer in _peers() if _admitted(policies, app, port, peer)}
        for app, pod in PODS.items()
        for port in pod["ports"]
    }


POLICY_DOCS = _documents(POLICIES)


def test_the_namespace_denies_every_incoming_connection_unless_a_policy_admits_it() -> None:
    (deny,) = [p for p in POLICY_DOCS if p["spec"]["podSelector"] == {}]
    assert deny["spec"]["policyTypes"] == ["Ingress"]
    assert not deny["spec"].get("ingress")
    assert {p["metadata"]["namespace"] for p in POLICY_DOCS} == {NAMESPACE}


def test_each_policy_selects_pods_that_exist_and_names_their_ports() -> None:
    for policy in POLICY_DOCS:
        selected = [app for app in PODS if _pod_matches(policy["spec"]["podSelector"], app)]
        assert selected, policy["metadata"]["name"]
        for rule in policy["spec"].get("ingress", []):
            for port in rule.get("ports", []):
                assert all(port["port"] in PODS[app]["ports"] for app in selected), (policy["metadata"]["name"], port)
            for entry in rule.get("from", []):
                assert "ipBlock" not in entry
                if "podSelector" in entry:
                    assert any(_pod_matches(entry["podSelector"], app) for app in PODS), entry
                if "namespaceSelector" in entry:  # exactly named namespaces, never "every namespace"
                    assert list(entry["namespaceSelector"]) == ["matchLabels"], entry
                    assert list(entry["namespaceSelector"]["matchLabels"]) == ["kubernetes.io/metadata.name"]


def test_every_pod_port_is_reachable_from_exactly_the_intended_peers() -> None:
    assert _reachability(POLICY_DOCS) == INTENDED


def _scraped_ports() -> dict[str, str]:
    """App name -> the container port's name that the ServiceMonitor scrapes /metrics on."""
    (monitor,) = [d for d in OBSERVABILITY if d["kind"] == "ServiceMonitor"]
    services = [
        d for d in MAIN if d["kind"] == "Service" and _matches(monitor["spec"]["selector"], d["metadata"]["labels"])
    ]
    scraped = {}
    for endpoint in monitor["spec"]["endpoints"]:
        for service in services:
            (port,) = [p for p in service["spec"]["ports"] if p["name"] == endpoint["port"]]
            scraped[service["spec"]["selector"]["app.kubernetes.io/name"]] = port["targetPort"]
    return scraped


def test_the_metrics_port_is_reachable_only_from_the_monitoring_namespace_and_its_own_callers() -> None:
    """The only namespace besides monitoring is the ingress controller's, for web, whose Ingress lists only pages."""
    scraped = _scraped_ports()
    assert set(scraped) == {"enrolment", "scheduling", "reporting", "web"}
    reach = _reachability(POLICY_DOCS)
    for app, port in scraped.items():
        namespaces = {name for kind, name in reach[(app, port)] if kind == "namespace"}
        assert MONITORING in namespaces, app
        assert namespaces - {MONITORING} == ({INGRESS} if app == "web" else set()), app
        assert STRANGER not in reach[(app, port)]


@pytest.mark.parametrize("defect", ["rule without from", "every namespace", "no policy for web"])
def test_the_evaluation_sees_a_policy_that_opens_the_metrics_port(defect: str) -> None:
    broken = copy.deepcopy(POLICY_DOCS)
    (services,) = [p for p in broken if p["metadata"]["name"] == "services"]
    if defect == "rule without from":
        services["spec"]["ingress"].append({"ports": [{"port": "http", "protocol": "TCP"}]})
    elif defect == "every namespace":
        services["spec"]["ingress"][0]["from"].append({"namespaceSelector": {}})
    else:
        broken = [p for p in broken if p["metadata"]["name"] not in {"web", "default-deny-ingress"}]
    reach = _reachability(broken)
    app = "web" if defect == "no policy for web" else "reporting"
    assert STRANGER in reach[(app, "http")]

"""Every object a pod or an Ingress refers to exists in the same environment, or is
provided by the cluster (the README's "Provided by the cluster" list)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from _k8s import pod_spec

# Created outside dist/: the README lists each with the command or operator that makes it.
PROVIDED_BY_CLUSTER = {
    ("Secret", "shop-django"),        # staging: app secrets, created by the platform team
    ("Secret", "shop-newrelic"),      # New Relic licence key, created by the platform team
    ("Secret", "shop-web-tls"),       # only with cert-manager: written by cert-manager
    ("StorageClass", "gp3"),          # EBS CSI driver storage class
    ("IngressClass", "alb"),          # AWS Load Balancer Controller
}


def references(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    spec = pod_spec(doc)
    if spec is not None:
        if "serviceAccountName" in spec:
            yield ("ServiceAccount", spec["serviceAccountName"])
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                yield ("ConfigMap", volume["configMap"]["name"])
            if "secret" in volume:
                yield ("Secret", volume["secret"]["secretName"])
            if "persistentVolumeClaim" in volume:
                yield ("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    yield ("ConfigMap", source["configMapRef"]["name"])
                if "secretRef" in source:
                    yield ("Secret", source["secretRef"]["name"])
            for entry in container.get("env", []):
                ref = entry.get("valueFrom", {})
                if "secretKeyRef" in ref:
                    yield ("Secret", ref["secretKeyRef"]["name"])
                if "configMapKeyRef" in ref:
                    yield ("ConfigMap", ref["configMapKeyRef"]["name"])
    if doc["kind"] == "StatefulSet" and doc["metadata"]["labels"]["app.kubernetes.io/component"] not in ("shell", "beat"):
        # The ops shell's and beat's governing Services are deliberately absent: they need no DNS name.
        yield ("Service", doc["spec"]["serviceName"])
        for claim in doc["spec"].get("volumeClaimTemplates", []):
            yield ("StorageClass", claim["spec"]["storageClassName"])
    if doc["kind"] == "ExternalSecret":
        for source in doc["spec"].get("dataFrom", []):
            generator = source.get("sourceRef", {}).get("generatorRef")
            if generator:
                yield (generator["kind"], generator["name"])
    if doc["kind"] in ("HorizontalPodAutoscaler", "ScaledObject"):
        yield (doc["spec"]["scaleTargetRef"].get("kind", "Deployment"), doc["spec"]["scaleTargetRef"]["name"])
    if doc["kind"] == "RoleBinding":
        yield (doc["roleRef"]["kind"], doc["roleRef"]["name"])
    if doc["kind"] == "Ingress":
        yield ("IngressClass", doc["spec"]["ingressClassName"])
        for rule in doc["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                yield ("Service", path["backend"]["service"]["name"])
        for tls in doc["spec"].get("tls", []):
            yield ("Secret", tls["secretName"])


def test_every_reference_resolves(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        defined = {(d["kind"], d["metadata"]["name"]) for d in docs}
        # Secrets that External Secrets Operator writes from an ExternalSecret in the same output.
        defined |= {("Secret", d["spec"]["target"]["name"]) for d in docs if d["kind"] == "ExternalSecret"}
        missing = sorted(
            {(ref, doc["metadata"]["name"]) for doc in docs for ref in references(doc)
             if ref not in defined and ref not in PROVIDED_BY_CLUSTER}
        )
        assert missing == [], env


def test_selectors_select_pods_that_exist_for_pdbs_and_monitors(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        pod_labels = [d["spec"]["template"]["metadata"]["labels"] for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
        for doc in docs:
            if doc["kind"] in ("PodDisruptionBudget", "PodMonitor", "NetworkPolicy"):
                selector = (doc["spec"].get("selector") or doc["spec"].get("podSelector"))["matchLabels"]
                if selector:
                    assert any(selector.items() <= labels.items() for labels in pod_labels), (env, doc["kind"], doc["metadata"]["name"])


def test_services_select_pods_that_exist(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        pod_labels = [spec_doc["spec"]["template"]["metadata"]["labels"] for spec_doc in docs if spec_doc["kind"] in ("Deployment", "StatefulSet")]
        for service in (d for d in docs if d["kind"] == "Service" and "selector" in d["spec"]):
            selector = service["spec"]["selector"]
            assert any(selector.items() <= labels.items() for labels in pod_labels), (env, service["metadata"]["name"])


def test_the_reference_check_can_fail() -> None:
    doc = {"kind": "Deployment", "metadata": {"name": "x"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "envFrom": [{"configMapRef": {"name": "nope"}}]}]}}}}
    assert ("ConfigMap", "nope") in set(references(doc))

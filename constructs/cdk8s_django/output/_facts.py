"""Read an environment's synthesized documents: what the diagram and the notes are made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

__all__ = ["STORES", "EnvironmentFacts", "facts"]

# Stable store components and the config key that names each one's host.
STORES = {"postgres": "DATABASE_HOST", "redis-cache": "CACHE_URL", "redis-broker": "CELERY_BROKER_URL"}
STORE_TITLES = {"postgres": "Postgres", "redis-cache": "Redis cache", "redis-broker": "Redis broker"}


@dataclass
class Workload:
    component: str
    kind: str
    name: str
    command: list[str]


@dataclass
class Store:
    component: str
    service: str
    managed_host: str | None  # None: in the cluster


@dataclass
class EnvironmentFacts:
    environment: str
    app: str
    namespace: str
    workloads: list[Workload] = field(default_factory=list)
    stores: dict[str, Store] = field(default_factory=dict)
    ingress_hosts: list[str] = field(default_factory=list)
    ingress_class: str | None = None
    config: dict[str, str] = field(default_factory=dict)
    preview: dict[str, str] = field(default_factory=dict)
    scaled_to_zero: list[str] = field(default_factory=list)

    def workload(self, component: str) -> Workload | None:
        return next((w for w in self.workloads if w.component == component), None)


def _main_command(doc: dict[str, Any]) -> list[str]:
    spec = doc["spec"]
    template = spec["jobTemplate"]["spec"]["template"] if doc["kind"] == "CronJob" else spec["template"]
    return list(template["spec"]["containers"][0].get("command", []))


def facts(documents: list[dict[str, Any]]) -> EnvironmentFacts:
    """Everything the diagram and notes need, taken from the manifests alone."""
    namespace_doc = next(d for d in documents if d["kind"] == "Namespace")
    labels = namespace_doc["metadata"]["labels"]
    result = EnvironmentFacts(
        environment=labels.get("app.kubernetes.io/instance", ""),
        app=labels.get("app.kubernetes.io/name", ""),
        namespace=namespace_doc["metadata"]["name"],
        preview=dict(namespace_doc["metadata"].get("annotations") or {}),
    )
    services = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Service"}
    for doc in documents:
        kind = doc["kind"]
        component = doc["metadata"].get("labels", {}).get("app.kubernetes.io/component", "")
        if kind in ("Deployment", "StatefulSet", "Job", "CronJob") and component not in STORES:
            result.workloads.append(Workload(component, kind, doc["metadata"]["name"], _main_command(doc)))
        elif kind == "Ingress":
            result.ingress_class = doc["spec"].get("ingressClassName")
            result.ingress_hosts = [rule["host"] for rule in doc["spec"].get("rules", [])]
        elif kind == "ConfigMap" and doc["metadata"]["name"] == f"{result.app}-env":
            result.config = dict(doc.get("data") or {})
        elif kind == "ScaledObject" and doc["spec"].get("minReplicaCount") == 0:
            result.scaled_to_zero.append(doc["spec"]["scaleTargetRef"]["name"])
    for component, key in STORES.items():
        value = result.config.get(key, "")
        host = urlparse(value).hostname if "://" in value else value
        service = services.get(host or "")
        if service is None:
            continue
        managed = service["spec"].get("externalName") if service["spec"].get("type") == "ExternalName" else None
        result.stores[component] = Store(component, service["metadata"]["name"], managed)
    return result

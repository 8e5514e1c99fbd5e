"""The shape both in-cluster stores share: a one-replica StatefulSet behind a stable Service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ..model import _validation as v
from ._base import LazyPath
from ._manifest import emit
from .runtime import TMP_MOUNT, TMP_VOLUME, AppRuntime
from .security import PodSecurity

__all__ = ["StatefulStoreObjects", "check_claim", "emit_stateful_store", "in_cluster_endpoint"]


class StatefulStoreObjects:
    """What ``emit_stateful_store`` made: the StatefulSet and its two Services."""

    def __init__(self, stateful_set: ApiObject, service: ApiObject, headless_service: ApiObject | None) -> None:
        self.stateful_set = stateful_set
        self.service = service
        self.headless_service = headless_service


def in_cluster_endpoint(store: Any, runtime: AppRuntime, role: Any, component: str, port: int) -> None:
    """What every in-cluster store construct tells the chart, its policies and KEDA: role, component, name, namespace,
    port, and no TLS (inside the namespace)."""
    store.role, store.component, store.name = role, component, runtime.name(component)
    store.namespace, store.port, store.tls = runtime.namespace, port, False


def check_claim(where: LazyPath, storage: str, storage_class: str) -> None:
    v.check_storage(where, "storage", storage)
    v.check_dns_subdomain(where, "storage_class", storage_class)


def emit_stateful_store(
    scope: Construct,
    runtime: AppRuntime,
    *,
    component: str,
    port_name: str,
    port: int,
    container: dict[str, Any],
    claim: dict[str, Any] | None,
    retain_claim_on_delete: bool,
    security: PodSecurity,
    volumes: Sequence[dict[str, Any]] = (),
    headless: bool = True,
) -> StatefulStoreObjects:
    """Emit the StatefulSet and the stable ClusterIP Service ``<app>-<component>``; with
    ``headless``, also ``<app>-<component>-headless`` to govern the StatefulSet (stable pod
    DNS names); without, the stable Service governs it (one object fewer per store)."""
    name = runtime.name(component)
    ports = [{"name": port_name, "port": port, "targetPort": port_name, "protocol": "TCP"}]
    headless_service = emit(scope, "HeadlessService", {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": runtime.metadata(component, name=f"{name}-headless"),
        "spec": {"clusterIP": "None", "selector": runtime.selector(component), "ports": ports},
    }) if headless else None
    service = emit(scope, "Service", {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": runtime.metadata(component),
        "spec": {"type": "ClusterIP", "selector": runtime.selector(component), "ports": ports},
    })
    container = {
        **container,
        "securityContext": security.container_context(),
        "volumeMounts": [TMP_MOUNT, *container.get("volumeMounts", [])],
    }
    pod_spec: dict[str, Any] = {
        "automountServiceAccountToken": False,
        "securityContext": security.pod_context(),
        "containers": [container],
        "terminationGracePeriodSeconds": 60,
        "volumes": [TMP_VOLUME, *volumes],
    }
    spec: dict[str, Any] = {
        "replicas": 1,
        "serviceName": f"{name}-headless" if headless else name,
        "selector": {"matchLabels": runtime.selector(component)},
        "updateStrategy": {"type": "RollingUpdate"},
        "template": {"metadata": {"labels": runtime.labels(component)}, "spec": pod_spec},
    }
    if claim is not None:
        spec["volumeClaimTemplates"] = [claim]
        policy = "Retain" if retain_claim_on_delete else "Delete"
        spec["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": policy, "whenScaled": "Retain"}
    stateful_set = emit(scope, "Resource", {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": runtime.metadata(component),
        "spec": spec,
    })
    return StatefulStoreObjects(stateful_set, service, headless_service)


def claim_template(runtime: AppRuntime, component: str, *, storage: str, storage_class: str) -> dict[str, Any]:
    return {
        "metadata": {"name": "data", "labels": runtime.labels(component)},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": storage_class,
            "resources": {"requests": {"storage": storage}},
        },
    }

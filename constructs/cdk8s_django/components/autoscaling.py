"""Scaling and disruption policy for web and workers: HPA, KEDA, PodDisruptionBudget.

A Deployment under an autoscaler carries no ``replicas`` (each apply would
reset the scale). Beat never gets either: it must be exactly one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import LazyPath
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..spec import _validation as v

__all__ = ["Autoscaling", "QueueAutoscaling", "check_autoscaling", "emit_hpa", "emit_pdb", "emit_scaled_object"]


@dataclass(frozen=True)
class Autoscaling:
    """A HorizontalPodAutoscaler on CPU (needs metrics-server).

    Attributes:
        min_replicas: Default 2 (never one pod in production: a node drain would cut service).
        max_replicas: Default 10.
        cpu_utilization: target average CPU, percent of requests. Default 70.
    """

    min_replicas: int = 2
    max_replicas: int = 10
    cpu_utilization: int = 70


@dataclass(frozen=True)
class QueueAutoscaling:
    """A KEDA ScaledObject scaling workers on Redis queue length (needs KEDA).

    Attributes:
        min_replicas: Default 0: scale to zero when the queues are empty (staging).
        max_replicas: Default 10.
        tasks_per_replica: queued tasks per worker pod. Default 20.
        cooldown_seconds: wait after the last task before scaling to zero. Default 300.
        address: the broker's ``host:port`` as KEDA's operator dials it (from its own namespace);
            default set by ``DjangoChart``, ``<app>-redis-broker.<namespace>.svc:6379`` in the
            cluster, the managed endpoint itself otherwise.
        tls: the broker speaks TLS. Default: set by ``DjangoChart``.
    """

    min_replicas: int = 0
    max_replicas: int = 10
    tasks_per_replica: int = 20
    cooldown_seconds: int = 300
    address: str | None = None
    tls: bool = False


def check_autoscaling(where: LazyPath, prop: str, scaling: Autoscaling | QueueAutoscaling, *, require_address: bool = True) -> None:
    low = 0 if isinstance(scaling, QueueAutoscaling) else 1
    v.check_int_range(where, f"{prop}.min_replicas", scaling.min_replicas, low, 1000)
    v.check_int_range(where, f"{prop}.max_replicas", scaling.max_replicas, max(1, scaling.min_replicas), 1000)
    if isinstance(scaling, Autoscaling):
        v.check_int_range(where, f"{prop}.cpu_utilization", scaling.cpu_utilization, 1, 100)
    else:
        v.check_int_range(where, f"{prop}.tasks_per_replica", scaling.tasks_per_replica, 1, 100000)
        v.check_int_range(where, f"{prop}.cooldown_seconds", scaling.cooldown_seconds, 0, 86400)
        if require_address and not scaling.address:
            raise v.ConfigError(where, f"{prop}.address", scaling.address, "the broker's 'host:port' for KEDA's Redis scaler", "set address='<app>-redis-broker.<namespace>.svc:6379' (DjangoChart does this)")


def emit_hpa(scope: Construct, runtime: AppRuntime, component: str, scaling: Autoscaling) -> ApiObject:
    name = runtime.name(component)
    return emit(scope, "Autoscaler", {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": runtime.metadata(component),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": scaling.min_replicas,
            "maxReplicas": scaling.max_replicas,
            "metrics": [{
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": scaling.cpu_utilization}},
            }],
        },
    })


def emit_pdb(scope: Construct, runtime: AppRuntime, component: str) -> ApiObject:
    """``maxUnavailable: 1``: drains proceed one pod at a time and never block, even at one replica."""
    return emit(scope, "DisruptionBudget", {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": runtime.metadata(component),
        "spec": {
            "maxUnavailable": 1,
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
            "selector": {"matchLabels": runtime.selector(component)},
        },
    })


def emit_scaled_object(
    scope: Construct, runtime: AppRuntime, component: str, scaling: QueueAutoscaling, queues: Sequence[str]
) -> ApiObject:
    metadata: dict[str, Any] = {"address": scaling.address, "listLength": str(scaling.tasks_per_replica), "databaseIndex": "0"}
    if scaling.tls:
        metadata["enableTLS"] = "true"
    return emit(scope, "ScaledObject", {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": runtime.metadata(component),
        "spec": {
            "scaleTargetRef": {"name": runtime.name(component)},
            "minReplicaCount": scaling.min_replicas,
            "maxReplicaCount": scaling.max_replicas,
            "cooldownPeriod": scaling.cooldown_seconds,
            "triggers": [{"type": "redis", "metadata": {**metadata, "listName": queue}} for queue in queues],
        },
    })

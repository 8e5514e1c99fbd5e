"""Scaling and disruption objects for a workload: HPA, KEDA ScaledObject, PodDisruptionBudget.

Each takes the workload it governs (an object reference, as cdk8s-plus's HPA
does), never a name to rebuild. A Deployment under an autoscaler carries no
``replicas`` (each apply would reset the scale): the workload decides that
from its own ``autoscaling`` prop. Beat never gets either: it must be exactly one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from cdk8s import ApiObject

from constructs import Construct

from ..model.options import Autoscaling, QueueAutoscaling, SecretKeyRef
from ..stores.redis import keda_trigger as redis_trigger
from ._manifest import emit
from .runtime import AppRuntime

__all__ = ["BrokerEndpoint", "ScalableWorkload", "emit_hpa", "emit_pdb", "emit_scaled_object", "runs_two_or_more"]


@runtime_checkable
class ScalableWorkload(Protocol):
    """A Deployment-backed construct: ``DjangoWeb`` or ``CeleryWorker``."""

    @property
    def runtime(self) -> AppRuntime: ...

    @property
    def component(self) -> str: ...

    @property
    def name(self) -> str: ...


@runtime_checkable
class BrokerEndpoint(Protocol):
    """Where KEDA's operator dials the broker from its own namespace: a ``RedisStatefulSet``
    (the Service's fully qualified name) or a ``ManagedDataStore`` (the endpoint itself,
    whose TLS certificate names it, not our alias)."""

    @property
    def keda_address(self) -> str: ...

    @property
    def tls(self) -> bool: ...


def _governing(
    scope: Construct, id: str, workload: ScalableWorkload, api_version: str, kind: str, spec: dict[str, Any],
) -> ApiObject:
    """An object about the workload, named and labelled as it is."""
    metadata = workload.runtime.metadata(workload.component)
    return emit(scope, id, {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec})


def runs_two_or_more(replicas: int, autoscaling: Autoscaling | QueueAutoscaling | None) -> bool:
    """Whether a PodDisruptionBudget makes sense: with one pod, ``maxUnavailable: 1`` protects nothing."""
    return autoscaling.min_replicas >= 2 if autoscaling is not None else replicas >= 2


def emit_hpa(scope: Construct, workload: ScalableWorkload, scaling: Autoscaling) -> ApiObject:
    return _governing(scope, "Autoscaler", workload, "autoscaling/v2", "HorizontalPodAutoscaler", {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": workload.name},
        "minReplicas": scaling.min_replicas,
        "maxReplicas": scaling.max_replicas,
        "metrics": [{
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": scaling.cpu_utilization}},
        }],
    })


def emit_pdb(scope: Construct, workload: ScalableWorkload) -> ApiObject:
    """``maxUnavailable: 1``: drains proceed one pod at a time and never block, even at one replica."""
    return _governing(scope, "DisruptionBudget", workload, "policy/v1", "PodDisruptionBudget", {
        "maxUnavailable": 1,
        "unhealthyPodEvictionPolicy": "AlwaysAllow",
        "selector": {"matchLabels": workload.runtime.selector(workload.component)},
    })


def emit_scaled_object(
    scope: Construct, workload: ScalableWorkload, scaling: QueueAutoscaling, queues: Sequence[str], broker: BrokerEndpoint | None
) -> ApiObject:
    """KEDA's trigger per queue, of the broker's kind (``keda_trigger``; Redis's list length when the broker
    names none); the address and TLS come from the broker unless ``scaling`` names them. A broker with
    credentials (``keda_auth``) gets a TriggerAuthentication reading them from its Secret."""
    address = scaling.address if scaling.address is not None else broker.keda_address if broker is not None else None
    tls = scaling.tls if scaling.tls is not None else broker is not None and broker.tls
    trigger = getattr(broker, "keda_trigger", None) or redis_trigger
    auth: Mapping[str, SecretKeyRef] | None = getattr(broker, "keda_auth", None)
    auth_name = None
    if auth:
        auth_name = f"{workload.name}-keda"
        emit(scope, "TriggerAuthentication", {
            "apiVersion": "keda.sh/v1alpha1", "kind": "TriggerAuthentication",
            "metadata": workload.runtime.metadata(workload.component, name=auth_name),
            "spec": {"secretTargetRef": [{"parameter": parameter, "name": ref.name, "key": ref.key}
                                         for parameter, ref in sorted(auth.items())]},
        })
    return _governing(scope, "ScaledObject", workload, "keda.sh/v1alpha1", "ScaledObject", {
        "scaleTargetRef": {"name": workload.name},
        "minReplicaCount": scaling.min_replicas,
        "maxReplicaCount": scaling.max_replicas,
        "cooldownPeriod": scaling.cooldown_seconds,
        "triggers": [trigger(queue, scaling.tasks_per_replica, address, tls, auth_name) for queue in queues],
    })

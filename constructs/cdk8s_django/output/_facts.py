"""What the diagram and the notes are made from: the chart's resolved ``Plan`` and the names
its components chose, in Python. Nothing is parsed back out of YAML or env-var URLs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model.options import QueueAutoscaling, StoreRole

if TYPE_CHECKING:
    from ..components.chart import DjangoChart
    from ..workloads import WorkloadKind

__all__ = ["EnvironmentFacts", "Store", "Workload", "facts"]

_ROLE_WORDS = {StoreRole.POSTGRES: "", StoreRole.CACHE: " cache", StoreRole.BROKER: " broker"}


@dataclass(frozen=True)
class Workload:
    """A workload and the stores it opens connections to; ``descriptor``, its kind's, says how the notes treat it."""

    component: str
    kind: str
    name: str
    stores: tuple[StoreRole, ...]
    descriptor: WorkloadKind


@dataclass(frozen=True)
class Store:
    role: StoreRole
    service: str
    managed_host: str | None  # None: in the cluster
    title: str = ""  # its kind and role: "Redis cache", "RabbitMQ broker"
    workload: str = "StatefulSet"  # what runs it in the cluster


@dataclass
class EnvironmentFacts:
    environment: str
    app: str
    namespace: str
    workloads: list[Workload] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    ingress_hosts: tuple[str, ...] = ()
    ingress_class: str | None = None
    preview: dict[str, str] = field(default_factory=dict)
    scaled_to_zero: set[str] = field(default_factory=set)
    has_managed_store: bool = False
    deletion_protected: bool = False

    def workload(self, component: str) -> Workload | None:
        return next((w for w in self.workloads if w.component == component), None)

    def store(self, role: StoreRole) -> Store:
        return next(s for s in self.stores if s.role is role)


def _workloads(chart: DjangoChart) -> list[Workload]:
    """The plan's workloads, in the registry's order (the order of the manifests), under their objects' names."""
    names = chart.workload_names()
    return [Workload(w.component, w.kind.manifest, names[w.component], w.stores, w.kind) for w in chart.plan.workloads]


def facts(chart: DjangoChart) -> EnvironmentFacts:
    """Everything the diagram and notes need, from the plan and the components."""
    plan, environment = chart.plan, chart.plan.environment
    stores = [Store(s.role, chart.runtime.name(s.component), s.host, f"{s.kind.title}{_ROLE_WORDS[s.role]}", s.kind.workload)
              for s in plan.stores.values()]
    return EnvironmentFacts(
        environment=environment.name,
        app=plan.app.name,
        namespace=plan.namespace,
        workloads=_workloads(chart),
        stores=stores,
        ingress_hosts=tuple(environment.hosts) if environment.ingress else (),
        ingress_class=environment.ingress.class_name if environment.ingress else None,
        preview=environment.preview.namespace_annotations() if environment.preview else {},
        scaled_to_zero={w.name for w, p in zip(chart.workers, plan.workers, strict=True)
                        if isinstance(p.scaling, QueueAutoscaling) and p.scaling.min_replicas == 0},
        has_managed_store=any(s.managed_host for s in stores),
        deletion_protected=environment.deletion_protection,
    )

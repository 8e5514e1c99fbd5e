"""What a workload kind is: one frozen descriptor, read by ``resolve()`` into the plan's ``workloads``.

The budget, the notes and the diagram read the plan's workloads instead of naming web, workers,
beat and jobs each in turn: a new kind is its module here and its line in the registry.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model.defaults import ROLLOUT_SURGE_PERCENT
from ..model.options import Resources, StoreRole

if TYPE_CHECKING:
    from ..model.plan import Plan

__all__ = ["BudgetTerm", "WorkloadKind", "WorkloadPlan", "every_store", "postgres_only", "resources_as_typed", "with_surge"]

# One term of the connection budget: (who, the arithmetic in words, connections).
BudgetTerm = tuple[str, str, int]


@dataclass(frozen=True)
class WorkloadPlan:
    """One workload of the environment: its kind, its component label and the stores it opens connections to."""

    kind: WorkloadKind
    component: str
    stores: tuple[StoreRole, ...]


@dataclass(frozen=True)
class WorkloadKind:
    """A kind of workload the library runs from the app's image.

    Attributes:
        name: the kind's word, and its component for the kinds the library names (``web``, ``beat``...).
        manifest: what runs it (Deployment, StatefulSet, Job, CronJob): the notes and the diagram say so.
        resources_key: its key in ``Environment.resources``; None for a fixed size.
        resources, staging_resources: its default size, in production and in staging.
        reserved: the component names it takes, which no worker or cron job may take.
        components: the components it runs in a plan (none, one, or one per worker or cron entry).
        stores: the stores a pod of it opens connections to.
        budget: its terms of the connection budget, at the most pods a rollout can run.
        construct: ``module:function`` building its constructs in the chart from the plan (``from_plan`` beside
            the construct in ``components/``), in the order the manifests list them.
        wait_after_apply: the notes wait for it to complete after an apply, in these words (``the migration``).
        log_flags: the notes tail its logs with ``kubectl logs -f`` and these flags; None: not tailed.
        notes: its own lines for the notes (namespace, object name), such as the shell's ``kubectl exec``.
        serves_traffic: the load balancer sends requests to it (the diagram's arrow).
    """

    name: str
    manifest: str
    resources_key: str | None
    resources: Resources
    staging_resources: Resources | None
    reserved: tuple[str, ...]
    components: Callable[[Plan], tuple[str, ...]]
    stores: Callable[[Plan], tuple[StoreRole, ...]]
    budget: Callable[[Plan], list[BudgetTerm]]
    construct: str
    wait_after_apply: str | None = None
    log_flags: str | None = None
    notes: Callable[[str, str], list[str]] | None = None
    serves_traffic: bool = False

    def build(self, chart: Any, plan: Plan) -> list[Any]:
        """Its constructs in the chart (imported when first needed: the plan stays free of cdk8s)."""
        module, function = self.construct.split(":")
        built: list[Any] = getattr(importlib.import_module(module, __package__), function)(chart, plan)
        return built

    def plans(self, plan: Plan) -> tuple[WorkloadPlan, ...]:
        stores = self.stores(plan)
        return tuple(WorkloadPlan(self, component, stores) for component in self.components(plan))


def with_surge(pods: int) -> int:
    """Pods during a rollout: the Deployments' ``maxSurge`` (25%) rounds up."""
    return pods + math.ceil(pods * ROLLOUT_SURGE_PERCENT / 100)


def every_store(plan: Plan) -> tuple[StoreRole, ...]:
    """The app's code with everything configured: the database, the cache and (with Celery) the broker."""
    return tuple(plan.stores)


def resources_as_typed(key: str) -> dict[str, str]:
    """The ``resources`` prop as main.py spells it: ``environment.resources['web']``."""
    return {"resources": f"environment.resources[{key!r}]"}


def postgres_only(plan: Plan) -> tuple[StoreRole, ...]:
    """A management command: the database only."""
    return (StoreRole.POSTGRES,)

"""Celery workers, one Deployment per ``Worker`` (``components/celery_worker.py``): every process holds a connection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.defaults import DEFAULT_WORKER_RESOURCES, STAGING_RESOURCES
from ._kind import BudgetTerm, WorkloadKind, every_store, with_surge

if TYPE_CHECKING:
    from ..model.plan import Plan


def _budget(plan: Plan) -> list[BudgetTerm]:
    terms = []
    for worker in plan.workers:
        base = worker.scaling.max_replicas if worker.scaling else worker.replicas
        pods, concurrency = with_surge(base), worker.worker.concurrency
        terms.append((worker.worker.name, f"{pods} pods ({base} + rollout surge) x {concurrency} processes", pods * concurrency))
    return terms


WORKER = WorkloadKind(
    name="worker", manifest="Deployment", resources_key="worker", resources=DEFAULT_WORKER_RESOURCES,
    staging_resources=STAGING_RESOURCES["worker"], reserved=(),
    components=lambda plan: tuple(w.worker.name for w in plan.workers), stores=every_store, budget=_budget,
    construct="..components.celery_worker:from_plan", log_flags="",
)

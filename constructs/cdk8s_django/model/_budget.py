"""The database connection budget, checked at synth time.

Each gunicorn thread and each Celery process can hold one Postgres connection
(Django keeps one per thread). When every autoscaled pod is up, in the middle of
a rollout (25% surge), the total must
fit the server's ``max_connections`` (less the superuser reserve), or the
busiest hour of the year is when connections start failing.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import _validation as v
from .defaults import ROLLOUT_SURGE_PERCENT

if TYPE_CHECKING:
    from .plan import Plan

__all__ = ["SUPERUSER_RESERVED_CONNECTIONS", "check_connection_budget", "connection_budget"]

SUPERUSER_RESERVED_CONNECTIONS = 3
ROLLOUT_SURGE = ROLLOUT_SURGE_PERCENT / 100  # the Deployments' maxSurge


def _with_surge(pods: int) -> int:
    """Pods during a rollout: ``maxSurge: 25%`` rounds up."""
    return pods + math.ceil(pods * ROLLOUT_SURGE)


def connection_budget(plan: Plan) -> list[tuple[str, str, int]]:
    """The terms of the sum: (component, arithmetic, connections), at the most pods a rollout can run."""
    app = plan.app
    web_base = plan.web_autoscaling.max_replicas if plan.web_autoscaling else plan.web_replicas
    web_pods = _with_surge(web_base)
    terms = [(
        "web", f"{web_pods} pods ({web_base} + rollout surge) x {app.gunicorn_workers} workers x {app.gunicorn_threads} threads",
        web_pods * app.gunicorn_workers * app.gunicorn_threads,
    )]
    for worker in plan.workers:
        base = worker.scaling.max_replicas if worker.scaling else worker.replicas
        pods = _with_surge(base)
        concurrency = worker.worker.concurrency
        terms.append((worker.worker.name, f"{pods} pods ({base} + rollout surge) x {concurrency} processes", pods * concurrency))
    if app.beat:
        terms.append(("beat", "1", 1))
    terms.append(("shell", "1", 1))
    terms.append(("migrate", "1", 1))
    if plan.cron:
        terms.append(("cron jobs", f"{len(plan.cron)} x 1", len(plan.cron)))
    return terms


def check_connection_budget(where: object, plan: Plan) -> None:
    v.check_int_range(where, "environment.max_connections", plan.max_connections, 1, 262143)
    terms = connection_budget(plan)
    total = sum(count for _, _, count in terms)
    available = plan.max_connections - SUPERUSER_RESERVED_CONNECTIONS
    if total > available:
        arithmetic = " + ".join(f"{name} {text} = {count}" if text != str(count) else f"{name} {count}" for name, text, count in terms)
        raise v.ConfigError(
            where, "environment.max_connections", plan.max_connections,
            f"room for {total} connections ({arithmetic}; plus {SUPERUSER_RESERVED_CONNECTIONS} reserved for superusers)",
            "raise max_connections, lower max replicas, gunicorn threads or worker concurrency, or pool connections with PgBouncer",
        )

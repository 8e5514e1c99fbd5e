"""The database connection budget, checked at synth time.

Each gunicorn thread and each Celery process can hold one Postgres connection
(Django keeps one per thread). When every autoscaled pod is up, in the middle of
a rollout (25% surge), the total must
fit the server's ``max_connections`` (less the superuser reserve), or the
busiest hour of the year is when connections start failing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..workloads import WORKLOAD_KINDS, BudgetTerm
from . import _validation as v

if TYPE_CHECKING:
    from .plan import Plan

__all__ = ["SUPERUSER_RESERVED_CONNECTIONS", "check_connection_budget", "connection_budget"]

SUPERUSER_RESERVED_CONNECTIONS = 3


def connection_budget(plan: Plan) -> list[BudgetTerm]:
    """The terms of the sum: (component, arithmetic, connections), each workload kind's, at the most pods a rollout can run."""
    return [term for kind in WORKLOAD_KINDS for term in kind.budget(plan)]


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

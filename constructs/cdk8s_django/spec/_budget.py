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

from ..k8s._base import LazyPath
from . import _validation as v

if TYPE_CHECKING:
    from .django_app import DjangoApp
    from .environment import Environment

__all__ = ["SUPERUSER_RESERVED_CONNECTIONS", "check_connection_budget", "connection_budget"]

SUPERUSER_RESERVED_CONNECTIONS = 3
ROLLOUT_SURGE = 0.25  # the Deployments' maxSurge


def _with_surge(pods: int) -> int:
    """Pods during a rollout: ``maxSurge: 25%`` rounds up."""
    return pods + math.ceil(pods * ROLLOUT_SURGE)


def connection_budget(django_app: DjangoApp, environment: Environment) -> list[tuple[str, str, int]]:
    """The terms of the sum: (component, arithmetic, connections), at the most pods a rollout can run."""
    web_base = environment.web_autoscaling.max_replicas if environment.web_autoscaling else environment.web_replicas
    web_pods = _with_surge(web_base)
    terms = [(
        "web", f"{web_pods} pods ({web_base} + rollout surge) x {django_app.gunicorn_workers} workers x {django_app.gunicorn_threads} threads",
        web_pods * django_app.gunicorn_workers * django_app.gunicorn_threads,
    )]
    for worker in django_app.workers:
        scaling = worker.autoscaling or environment.worker_autoscaling
        base = scaling.max_replicas if scaling else environment.worker_replicas
        pods = _with_surge(base)
        terms.append((worker.name, f"{pods} pods ({base} + rollout surge) x {worker.concurrency} processes", pods * worker.concurrency))
    if django_app.beat:
        terms.append(("beat", "1", 1))
    terms.append(("shell", "1", 1))
    terms.append(("migrate", "1", 1))
    if django_app.cron:
        terms.append(("cron jobs", f"{len(django_app.cron)} x 1", len(django_app.cron)))
    return terms


def check_connection_budget(where: LazyPath, django_app: DjangoApp, environment: Environment) -> None:
    v.check_int_range(where, "environment.max_connections", environment.max_connections, 1, 262143)
    terms = connection_budget(django_app, environment)
    total = sum(count for _, _, count in terms)
    available = environment.max_connections - SUPERUSER_RESERVED_CONNECTIONS
    if total > available:
        arithmetic = " + ".join(f"{name} {text} = {count}" if text != str(count) else f"{name} {count}" for name, text, count in terms)
        raise v.ConfigError(
            where, "environment.max_connections", environment.max_connections,
            f"room for {total} connections ({arithmetic}; plus {SUPERUSER_RESERVED_CONNECTIONS} reserved for superusers)",
            "raise max_connections, lower max replicas, gunicorn threads or worker concurrency, or pool connections with PgBouncer",
        )

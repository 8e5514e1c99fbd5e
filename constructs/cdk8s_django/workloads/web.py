"""gunicorn behind the Service and the Ingress (``components/django_web.py``): every thread holds a connection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.defaults import DEFAULT_WEB_RESOURCES, STAGING_RESOURCES
from ._kind import BudgetTerm, WorkloadKind, every_store, with_surge

if TYPE_CHECKING:
    from ..model.plan import Plan


def _budget(plan: Plan) -> list[BudgetTerm]:
    app, base = plan.app, plan.web_autoscaling.max_replicas if plan.web_autoscaling else plan.web_replicas
    pods = with_surge(base)
    return [("web", f"{pods} pods ({base} + rollout surge) x {app.gunicorn_workers} workers x {app.gunicorn_threads} threads",
             pods * app.gunicorn_workers * app.gunicorn_threads)]


WEB = WorkloadKind(
    name="web", manifest="Deployment", resources_key="web", resources=DEFAULT_WEB_RESOURCES,
    staging_resources=STAGING_RESOURCES["web"], reserved=("web",),
    components=lambda plan: ("web",), stores=every_store, budget=_budget,
    construct="..components.django_web:from_plan", log_flags="--all-containers --max-log-requests 10", serves_traffic=True,
)

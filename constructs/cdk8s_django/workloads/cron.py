"""Management commands on a schedule, one CronJob per ``DjangoApp.cron`` entry (``components/management_cron_job.py``)."""

from __future__ import annotations

from ..model.defaults import DEFAULT_CRON_RESOURCES, STAGING_RESOURCES
from ._kind import WorkloadKind, postgres_only

CRON = WorkloadKind(
    name="cron", manifest="CronJob", resources_key="cron", resources=DEFAULT_CRON_RESOURCES,
    staging_resources=STAGING_RESOURCES["cron"], reserved=(),
    components=lambda plan: tuple(name for name, _ in plan.cron), stores=postgres_only,
    budget=lambda plan: [("cron jobs", f"{len(plan.cron)} x 1", len(plan.cron))] if plan.cron else [],
    construct="..components.management_cron_job:from_plan",
)

"""``migrate``, a Job named by the pod spec's hash so a new image runs it again (``components/migration_job.py``)."""

from __future__ import annotations

from ..model.defaults import DEFAULT_MIGRATION_RESOURCES, STAGING_RESOURCES
from ._kind import WorkloadKind, postgres_only

MIGRATE = WorkloadKind(
    name="migrate", manifest="Job", resources_key="migrate", resources=DEFAULT_MIGRATION_RESOURCES,
    staging_resources=STAGING_RESOURCES["migrate"], reserved=("migrate",),
    components=lambda plan: ("migrate",), stores=postgres_only, budget=lambda plan: [("migrate", "1", 1)],
    construct="..components.migration_job:from_plan", wait_after_apply="the migration",
)

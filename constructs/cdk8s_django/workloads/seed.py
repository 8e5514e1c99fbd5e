"""Fixtures and a superuser loaded once migrations ran, in staging (``components/seed_data_job.py``)."""

from __future__ import annotations

from ..model.defaults import DEFAULT_SEED_RESOURCES
from ._kind import WorkloadKind, postgres_only

# A fixed size (no Environment.resources key). Not in the budget: it runs once, after migrate, beside the rollout.
SEED = WorkloadKind(
    name="seed", manifest="Job", resources_key=None, resources=DEFAULT_SEED_RESOURCES, staging_resources=None,
    reserved=("seed",), components=lambda plan: ("seed",) if plan.environment.seed is not None else (),
    stores=postgres_only, budget=lambda plan: [], construct="..components.seed_data_job:from_plan",
)

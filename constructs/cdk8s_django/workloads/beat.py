"""Celery beat, one pod ever (``components/celery_beat.py``): the broker, and the database with its scheduler."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.defaults import DEFAULT_BEAT_RESOURCES, STAGING_RESOURCES
from ..model.options import BeatScheduler, StoreRole
from ._kind import WorkloadKind

if TYPE_CHECKING:
    from ..model.plan import Plan


def _stores(plan: Plan) -> tuple[StoreRole, ...]:
    database = plan.app.beat_scheduler is BeatScheduler.DATABASE
    return (StoreRole.BROKER, StoreRole.POSTGRES) if database else (StoreRole.BROKER,)


BEAT = WorkloadKind(
    name="beat", manifest="StatefulSet", resources_key="beat", resources=DEFAULT_BEAT_RESOURCES,
    staging_resources=STAGING_RESOURCES["beat"], reserved=("beat",),
    components=lambda plan: ("beat",) if plan.app.beat else (), stores=_stores,
    budget=lambda plan: [("beat", "1", 1)] if plan.app.beat else [],
    construct="..components.celery_beat:from_plan",
)

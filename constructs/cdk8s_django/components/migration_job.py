"""``MigrationJob``: ``migrate`` once per distinct pod template, safe to re-apply."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import JOB_HASH_LENGTH, emit_hashed_job
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import (
    DEFAULT_ACTIVE_DEADLINE_SECONDS,
    DEFAULT_BACKOFF_LIMIT,
    DEFAULT_MIGRATION_RESOURCES,
    DEFAULT_TTL_SECONDS_AFTER_FINISHED,
)
from ..model.options import Resources
from ..workloads._kind import resources_as_typed

if TYPE_CHECKING:
    from ..model.plan import Plan

__all__ = ["MigrationJob", "from_plan"]

COMPONENT = "migrate"


class MigrationJob(DjangoConstruct):
    """A Job running ``python -m django migrate --noinput``.

    Its name is ``<app>-migrate-<hash>``, the hash taken over its whole pod
    template (image, env, config checksum, command). A Job's template is
    immutable, so a fixed name would make the next ``kubectl apply`` with a new
    image fail; a hashed name makes every change that could matter a new Job,
    and re-applying the same ``dist/`` a no-op while the Job exists. Finished
    Jobs are deleted ``ttl_seconds_after_finished`` later; applying the same
    ``dist/`` after that runs ``migrate`` again, which finds nothing to do.
    Every other app pod waits in an init container until ``migrate --check`` passes.

    Args:
        runtime: the shared app runtime.
        ttl_seconds_after_finished: how long a finished Job stays. Default 7 days.
        backoff_limit: retries before the Job fails; the first runs of a fresh environment
            fail until Postgres answers. Default 10 (about 40 minutes).
        active_deadline_seconds: longest the Job may take, retries included. Default 3 hours.
        resources: requests and memory limit. Default 100m CPU, 512Mi.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        ttl_seconds_after_finished: int = DEFAULT_TTL_SECONDS_AFTER_FINISHED,
        backoff_limit: int = DEFAULT_BACKOFF_LIMIT,
        active_deadline_seconds: int = DEFAULT_ACTIVE_DEADLINE_SECONDS,
        resources: Resources = DEFAULT_MIGRATION_RESOURCES,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        v.check_int_range(where, "ttl_seconds_after_finished", ttl_seconds_after_finished, 0, 365 * 24 * 3600)
        v.check_int_range(where, "backoff_limit", backoff_limit, 0, 100)
        v.check_int_range(where, "active_deadline_seconds", active_deadline_seconds, 1, 7 * 24 * 3600)
        max_app = 63 - len(f"-{COMPONENT}-") - JOB_HASH_LENGTH
        if len(runtime.app) > max_app:
            raise v.ConfigError(
                where, "runtime.app", runtime.app,
                f"at most {max_app} characters so the Job name fits 63",
                "shorten the app name",
            )
        super().__init__(scope, id)

        container = runtime.container(
            "migrate", ["python", "-m", "django", "migrate", "--noinput"], resources=resources, wrap=False
        )
        template = runtime.pod_template(
            COMPONENT, [container], wait_for_migrations=False, restart_policy="Never"
        )
        self.component = COMPONENT
        self.job: ApiObject
        self.name, self.job = emit_hashed_job(self, runtime, COMPONENT, template, {
            "backoffLimit": backoff_limit,
            "activeDeadlineSeconds": active_deadline_seconds,
            "ttlSecondsAfterFinished": ttl_seconds_after_finished,
        })


def from_plan(chart: Any, plan: Plan) -> list[MigrationJob]:
    with v.props_as_typed(resources_as_typed("migrate")):
        return [MigrationJob(chart, "Migrate", runtime=chart.runtime, resources=plan.resources["migrate"])]

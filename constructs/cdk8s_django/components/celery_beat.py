"""``CeleryBeat``: the one Celery beat scheduler, never two at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import DEFAULT_BEAT_RESOURCES
from ..model.options import BeatScheduler, Resources
from ..workloads._kind import resources_as_typed
from .celery_worker import CELERY_AS_TYPED, heartbeat_probes

if TYPE_CHECKING:
    from ..model.plan import Plan

__all__ = ["CeleryBeat", "from_plan"]

COMPONENT = "beat"
SCHEDULE_DIR = "/var/lib/celery-beat"
HEARTBEAT_FILE = "/tmp/celery-beat-heartbeat"


class CeleryBeat(DjangoConstruct):
    """Celery beat as a one-replica StatefulSet named ``<app>-beat``.

    A StatefulSet never starts pod ``-0`` while the old ``-0`` may still run:
    on a rollout it waits for the old pod to terminate, and on a lost node it
    waits until the node is confirmed gone. A Deployment (even with
    ``Recreate``) would start a replacement at once and run two schedulers.
    Its governing Service is not created: beat needs no DNS name.

    Args:
        runtime: the shared app runtime.
        replicas: must be 1; any other value is refused. Default 1.
        scheduler: ``BeatScheduler.FILE`` or ``BeatScheduler.DATABASE``. Default FILE.
        celery_app: the ``-A`` argument. Default: the settings module's top package.
        resources: requests and memory limit. Default 50m CPU, 256Mi.
        heartbeat: liveness from ``/tmp/celery-beat-heartbeat`` (README, "Celery heartbeat"). Default False.
        autoscaling: must stay None: refused with an explanation, since any autoscaler
            could run a second beat. Default None.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        replicas: int = 1,
        scheduler: BeatScheduler = BeatScheduler.FILE,
        celery_app: str | None = None,
        resources: Resources = DEFAULT_BEAT_RESOURCES,
        heartbeat: bool = False,
        autoscaling: object = None,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        if autoscaling is not None:
            raise v.ConfigError(
                where, "autoscaling", autoscaling, "no autoscaler on beat (it must run exactly once; an HPA or KEDA could start a second)",
                "drop autoscaling from CeleryBeat; autoscale the workers",
            )
        if replicas != 1:
            raise v.ConfigError(
                where, "replicas", replicas, "exactly 1 (two beat processes send every periodic task twice)",
                "run one CeleryBeat; scale workers instead",
            )
        if celery_app is not None:
            v.check_python_target(where, "celery_app", celery_app)
        super().__init__(scope, id)

        self.runtime = runtime
        self.component = COMPONENT
        self.name = runtime.name(COMPONENT)
        command = ["celery", "-A", celery_app if celery_app is not None else runtime.package, "beat", "--loglevel", "INFO"]
        if scheduler is BeatScheduler.DATABASE:
            command += ["--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
        else:
            command += ["--schedule", f"{SCHEDULE_DIR}/celerybeat-schedule"]
        container = runtime.container(
            "beat", command, resources=resources,
            extra_mounts=[{"name": "beat-schedule", "mountPath": SCHEDULE_DIR}],
            probes=heartbeat_probes(HEARTBEAT_FILE) if heartbeat else None,
        )
        self.stateful_set: ApiObject = emit(self, "Resource", runtime.singleton_stateful_set(COMPONENT, runtime.pod_template(
            COMPONENT, [container],
            extra_volumes=[{"name": "beat-schedule", "emptyDir": {"sizeLimit": "64Mi"}}],
            termination_grace_period_seconds=30,
        )))


def from_plan(chart: Any, plan: Plan) -> list[CeleryBeat]:
    app = plan.app
    if not app.beat:
        return []
    with v.props_as_typed({**CELERY_AS_TYPED, "scheduler": "django_app.beat_scheduler", **resources_as_typed("beat")}):
        return [CeleryBeat(chart, "Beat", runtime=chart.runtime, scheduler=app.beat_scheduler, celery_app=app.celery_app,
                           heartbeat=app.celery_heartbeat, resources=plan.resources["beat"])]

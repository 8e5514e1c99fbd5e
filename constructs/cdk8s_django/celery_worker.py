"""``CeleryWorker``: one Deployment of Celery workers for one set of queues."""

from __future__ import annotations

from collections.abc import Sequence

from cdk8s import ApiObject
from constructs import Construct

from . import _validation as v
from ._base import DjangoConstruct, LazyPath
from ._manifest import emit
from .runtime import AppRuntime, Resources

__all__ = ["CeleryWorker", "DEFAULT_QUEUES", "DEFAULT_CONCURRENCY", "DEFAULT_TASK_TIME_LIMIT"]

DEFAULT_QUEUES = ("celery",)
DEFAULT_CONCURRENCY = 4
DEFAULT_TASK_TIME_LIMIT = 300
DEFAULT_WORKER_REPLICAS = 1
DEFAULT_WORKER_RESOURCES = Resources(cpu="250m", memory="512Mi")
# Seconds between the hard time limit and SIGKILL: Celery's own shutdown needs a moment.
SHUTDOWN_MARGIN_SECONDS = 30


class CeleryWorker(DjangoConstruct):
    """A Celery worker Deployment named ``<app>-<name>``.

    The command is exec-form (``celery ... worker``, no shell), so SIGTERM
    reaches Celery, which stops taking tasks and finishes the running ones; the
    grace period is the task time limit plus 30 s, so a running task is never
    cut short by Kubernetes.

    Args:
        runtime: the shared app runtime.
        name: the component name; the Deployment is ``<app>-<name>``. Default ``worker``.
        queues: queues this worker consumes. Default ``("celery",)``.
        concurrency: worker processes per pod. Default 4.
        task_time_limit: hard time limit of a task, in seconds (soft limit 10% earlier). Default 300.
        replicas: pod count. Default 1.
        celery_app: the ``-A`` argument. Default: the settings module's top package.
        resources: requests and memory limit. Default 250m CPU, 512Mi.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        name: str = "worker",
        queues: Sequence[str] = DEFAULT_QUEUES,
        concurrency: int = DEFAULT_CONCURRENCY,
        task_time_limit: int = DEFAULT_TASK_TIME_LIMIT,
        replicas: int = DEFAULT_WORKER_REPLICAS,
        celery_app: str | None = None,
        resources: Resources = DEFAULT_WORKER_RESOURCES,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_dns_label(where, "name", name, max_len=63 - len(runtime.app) - 1)
        if isinstance(queues, str) or not queues:
            raise v.ConfigError(where, "queues", queues, "a non-empty list of queue names", "pass queues=['default']")
        for queue in queues:
            if not isinstance(queue, str) or not queue or "," in queue or " " in queue:
                raise v.ConfigError(where, "queues", queue, "a queue name without commas or spaces", "rename the queue")
        v.check_unique(where, "queues", queues)
        v.check_int_range(where, "concurrency", concurrency, 1, 256)
        v.check_int_range(where, "task_time_limit", task_time_limit, 1, 86400)
        v.check_int_range(where, "replicas", replicas, 0, 1000)
        super().__init__(scope, id)

        self.runtime = runtime
        self.component = name
        self.name = runtime.name(name)
        self.queues = tuple(queues)
        self.concurrency = concurrency
        soft_limit = max(1, task_time_limit - max(1, task_time_limit // 10))
        container = runtime.container(
            "worker",
            [
                "celery", "-A", celery_app or runtime.settings_module.split(".")[0], "worker",
                "--queues", ",".join(queues),
                "--concurrency", str(concurrency),
                "--time-limit", str(task_time_limit),
                "--soft-time-limit", str(soft_limit),
                "--hostname", f"{name}@%h",
                "--loglevel", "INFO",
            ],
            resources=resources,
        )
        self.deployment: ApiObject = emit(self, "Resource", {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": runtime.metadata(name),
            "spec": {
                "replicas": replicas,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": runtime.selector(name)},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                "template": runtime.pod_template(
                    name, [container], termination_grace_period_seconds=task_time_limit + SHUTDOWN_MARGIN_SECONDS
                ),
            },
        })

"""``CeleryWorker``: one Deployment of Celery workers for one set of queues."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s._scaling import BrokerEndpoint, emit_hpa, emit_pdb, emit_scaled_object, runs_two_or_more
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import (
    DEFAULT_CONCURRENCY,
    DEFAULT_QUEUES,
    DEFAULT_TASK_TIME_LIMIT,
    DEFAULT_WORKER_NAME,
    DEFAULT_WORKER_REPLICAS,
    DEFAULT_WORKER_RESOURCES,
    ROLLOUT_SURGE_PERCENT,
)
from ..model.options import Autoscaling, QueueAutoscaling, Resources, SecretKeyRef, Unset
from ..workloads._kind import resources_as_typed

if TYPE_CHECKING:
    from ..model.django_app import Worker
    from ..model.plan import Plan

__all__ = ["CELERY_AS_TYPED", "CeleryWorker", "KedaBroker", "from_plan", "heartbeat_probes"]

# The Celery props DjangoChart hands a worker and beat, by the names main.py gives them.
CELERY_AS_TYPED = {"celery_app": "django_app.celery_app", "heartbeat": "django_app.celery_heartbeat"}

# Seconds between the hard time limit and SIGKILL: Celery's own shutdown needs a moment.
SHUTDOWN_MARGIN_SECONDS = 30
HEARTBEAT_FILE = "/tmp/celery-worker-heartbeat"
HEARTBEAT_MAX_AGE_SECONDS = 120


def heartbeat_probes(path: str, max_age: int = HEARTBEAT_MAX_AGE_SECONDS) -> dict[str, Any]:
    """Readiness and liveness from a file the process touches: a broker outage shorter than ``max_age`` fails
    neither (a worker's timer, which touches the file, waits while it reconnects: a longer one ages the file).

    Readiness makes a rollout wait until the new process is really running;
    liveness restarts a process that stopped touching the file (hung).
    """
    check = f"import os, sys, time; sys.exit(0 if time.time() - os.path.getmtime({path!r}) < {max_age} else 1)"
    probe = {"exec": {"command": ["python", "-c", check]}, "timeoutSeconds": 10}
    return {
        "readinessProbe": {**probe, "periodSeconds": 15, "failureThreshold": 2},
        "livenessProbe": {**probe, "initialDelaySeconds": 60, "periodSeconds": 30, "failureThreshold": 4},
    }


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
        replicas: pod count when not autoscaled. Default 1.
        autoscaling: ``Autoscaling`` (CPU HPA) or ``QueueAutoscaling`` (KEDA on queue length);
            the Deployment then has no ``replicas``. Default None: ``replicas`` pods.
        heartbeat: liveness from the heartbeat file ``/tmp/celery-worker-heartbeat`` the app
            touches (README, "Celery heartbeat"); never ``celery inspect ping``, which
            fails on every worker at once when the broker blips. Default False.
        metrics_port: container port (named ``metrics``) where the worker serves Prometheus metrics. Default None: no metrics port.
        celery_app: the ``-A`` argument. Default: the settings module's top package.
        resources: requests and memory limit. Default 250m CPU, 512Mi.
        broker: the broker store KEDA reads the queue lengths from (a ``RedisStatefulSet`` or
            ``ManagedDataStore``); needed with ``QueueAutoscaling`` unless it names an address. Default None: no broker.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        name: str = DEFAULT_WORKER_NAME,
        queues: Sequence[str] = DEFAULT_QUEUES,
        concurrency: int = DEFAULT_CONCURRENCY,
        task_time_limit: int = DEFAULT_TASK_TIME_LIMIT,
        replicas: int = DEFAULT_WORKER_REPLICAS,
        autoscaling: Autoscaling | QueueAutoscaling | None = None,
        heartbeat: bool = False,
        metrics_port: int | None = None,
        celery_app: str | None = None,
        resources: Resources = DEFAULT_WORKER_RESOURCES,
        broker: BrokerEndpoint | None = None,
    ) -> None:
        _check_props(LazyPath(scope, id), runtime=runtime, name=name, queues=queues, concurrency=concurrency,
                     task_time_limit=task_time_limit, replicas=replicas, autoscaling=autoscaling, metrics_port=metrics_port,
                     resources=resources, broker=broker, celery_app=celery_app)
        super().__init__(scope, id)
        self.metrics_port = metrics_port

        self.runtime = runtime
        self.component = name
        self.name = runtime.name(name)
        self.queues = tuple(queues)
        self.concurrency = concurrency
        soft_limit = max(1, task_time_limit - max(1, task_time_limit // 10))
        container = runtime.container(
            "worker",
            [
                "celery", "-A", celery_app if celery_app is not None else runtime.package, "worker",
                "--queues", ",".join(queues),
                "--concurrency", str(concurrency),
                "--time-limit", str(task_time_limit),
                "--soft-time-limit", str(soft_limit),
                "--hostname", f"{name}@%h",
                "--loglevel", "INFO",
            ],
            resources=resources,
            ports=[{"name": "metrics", "containerPort": metrics_port, "protocol": "TCP"}] if metrics_port else (),
            probes=heartbeat_probes(HEARTBEAT_FILE) if heartbeat else None,
        )
        self.task_time_limit = task_time_limit
        self.deployment: ApiObject = emit(self, "Resource", {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": runtime.metadata(name),
            "spec": {
                **({} if autoscaling else {"replicas": replicas}),
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": runtime.selector(name)},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": f"{ROLLOUT_SURGE_PERCENT}%", "maxUnavailable": 0}},
                "template": runtime.pod_template(
                    name, [container], termination_grace_period_seconds=task_time_limit + SHUTDOWN_MARGIN_SECONDS
                ),
            },
        })
        self.autoscaler: ApiObject | None = None
        if isinstance(autoscaling, Autoscaling):
            self.autoscaler = emit_hpa(self, self, autoscaling)
        elif isinstance(autoscaling, QueueAutoscaling):
            self.autoscaler = emit_scaled_object(self, self, autoscaling, queues, broker)
        self.disruption_budget: ApiObject | None = emit_pdb(self, self) if runs_two_or_more(replicas, autoscaling) else None


def _check_props(
    where: LazyPath, *, runtime: AppRuntime, name: str, queues: Sequence[str], concurrency: int, task_time_limit: int, replicas: int,
    autoscaling: Autoscaling | QueueAutoscaling | None, metrics_port: int | None, resources: Resources, broker: BrokerEndpoint | None,
    celery_app: str | None,
) -> None:
    if celery_app is not None:
        v.check_python_target(where, "celery_app", celery_app)
    v.check_resources(where, "resources", resources)
    v.check_dns_label(where, "name", name, max_len=63 - len(runtime.app) - 1)
    if not queues:
        raise v.ConfigError(where, "queues", queues, "a non-empty tuple of queue names", "pass queues=('default',)")
    for queue in queues:
        if not queue or "," in queue or " " in queue:
            raise v.ConfigError(where, "queues", queue, "a queue name without commas or spaces", "rename the queue")
    v.check_unique(where, "queues", queues)
    v.check_int_range(where, "concurrency", concurrency, 1, 256)
    v.check_int_range(where, "task_time_limit", task_time_limit, 1, 86400)
    v.check_int_range(where, "replicas", replicas, 0, 1000)
    if autoscaling is not None:
        v.check_autoscaling(where, "autoscaling", autoscaling)
        v.check_cpu_for_autoscaling(where, "resources", resources, autoscaling)
    if isinstance(autoscaling, QueueAutoscaling) and autoscaling.address is None and broker is None:
        raise v.ConfigError(where, "autoscaling.address", None, "the broker KEDA reads queue lengths from",
                            "pass broker=<the RedisStatefulSet or ManagedDataStore> (DjangoChart does this) or set address='host:port'")
    if metrics_port is not None:
        v.check_port(where, "metrics_port", metrics_port)


@dataclass(frozen=True)
class KedaBroker:
    """What a worker's ScaledObject needs of the broker (``k8s._scaling.BrokerEndpoint``), from its kind."""

    keda_address: str
    tls: bool
    keda_trigger: Callable[[str, int, str | None, bool, str | None], dict[str, Any]] | None
    keda_auth: Mapping[str, SecretKeyRef] | None


def _keda_broker(plan: Plan) -> KedaBroker:
    store, app = plan.broker, plan.app.name
    assert store is not None  # a worker means a broker (resolve)
    auth = store.kind.keda_auth(app, store) if store.kind.keda_auth is not None else None
    return KedaBroker(store.kind.keda_address(app, plan.namespace, store), store.tls, store.kind.keda_trigger, auth)


def _worker_as_typed(worker: Worker) -> dict[str, str]:
    """A worker's own options as ``Worker('emails').concurrency``; the environment's where it gave them."""
    own = f"Worker({worker.name!r})"
    scaling = f"{own}.autoscaling" if not isinstance(worker.autoscaling, Unset) else "environment.worker_autoscaling"
    return {**{name: f"{own}.{name}" for name in ("name", "queues", "concurrency", "task_time_limit", "metrics_port")},
            "autoscaling": scaling, "replicas": "environment.worker_replicas", **CELERY_AS_TYPED, **resources_as_typed("worker")}


def from_plan(chart: Any, plan: Plan) -> list[CeleryWorker]:
    """One Deployment per ``Worker``, scaled on its queues through the broker's kind."""
    if not plan.workers:
        return []
    app, broker, built = plan.app, _keda_broker(plan), []
    for w in plan.workers:
        with v.props_as_typed(_worker_as_typed(w.worker)):
            built.append(CeleryWorker(
                chart, f"Worker-{w.worker.name}", runtime=chart.runtime, name=w.worker.name, queues=w.worker.queues,
                concurrency=w.worker.concurrency, task_time_limit=w.worker.task_time_limit, replicas=w.replicas,
                autoscaling=w.scaling, heartbeat=app.celery_heartbeat, celery_app=app.celery_app,
                metrics_port=w.worker.metrics_port, resources=plan.resources["worker"], broker=broker,
            ))
    return built

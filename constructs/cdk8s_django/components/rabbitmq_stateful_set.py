"""``RabbitMQStatefulSet``: RabbitMQ inside the cluster for staging, as Celery's broker.

One replica on its own small volume; a user and password generated once by External Secrets; the
management plugin on, but no Service or NetworkPolicy admits its port (``kubectl port-forward`` reaches it).
``consumer_timeout`` sits above the longest task time limit: with ``acks_late``, RabbitMQ's 30-minute
default closes the channel of a worker still running a long task, which then runs twice.
"""

from __future__ import annotations

from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s._stateful_store import check_claim, claim_template, emit_stateful_store, in_cluster_endpoint
from ..k8s.runtime import AppRuntime, resources_dict, secret_source
from ..k8s.security import PodSecurity
from ..model import _validation as v
from ..model.defaults import DEFAULT_BROKER_STORAGE, DEFAULT_STORAGE_CLASS, DEFAULT_TASK_TIME_LIMIT, STORE_UID
from ..model.options import Resources, SecretKeyRef, StoreRole
from ..model.plan import StorePlan
from ..stores.rabbitmq import AMQP_PORT, RABBITMQ, RABBITMQ_IMAGE, RabbitMQ, broker_user
from .external_secrets import GeneratedPassword

__all__ = ["RabbitMQStatefulSet", "from_plan"]

COMPONENT = RABBITMQ.component(StoreRole.BROKER)
MANAGEMENT_PORT = 15672
DATA_DIR = "/var/lib/rabbitmq"  # also HOME: the Erlang cookie lives beside the data
CONFIG_DIR = "/etc/rabbitmq"
# RabbitMQ's own default consumer_timeout (30 minutes): never set lower.
MIN_CONSUMER_TIMEOUT = 1800
# Memory above which RabbitMQ blocks publishers: its default share (0.4) of the container's limit.
MEMORY_HIGH_WATERMARK = 0.4
SECURITY = PodSecurity(run_as_user=STORE_UID)
_DIAGNOSTICS = ["rabbitmq-diagnostics", "--quiet"]


def default_consumer_timeout(longest_task_seconds: int) -> int:
    """Twice the longest task time limit, and never under RabbitMQ's own 30 minutes."""
    return max(MIN_CONSUMER_TIMEOUT, 2 * longest_task_seconds)


def rabbitmq_conf(consumer_timeout: int, memory_limit_bytes: int) -> str:
    return "\n".join([
        f"listeners.tcp.default = {AMQP_PORT}",
        f"management.tcp.port = {MANAGEMENT_PORT}",
        f"consumer_timeout = {consumer_timeout * 1000}",
        f"vm_memory_high_watermark.absolute = {int(memory_limit_bytes * MEMORY_HIGH_WATERMARK)}",
        "log.console = true",
        "log.file = false",
        "",
    ])


class RabbitMQStatefulSet(DjangoConstruct):
    """A one-replica RabbitMQ StatefulSet ``<app>-rabbitmq`` behind a ClusterIP Service of the same name
    (AMQP alone), with its config in the ConfigMap ``<app>-rabbitmq``.

    Args:
        runtime: the app runtime (names, labels, namespace).
        password: the Secret key with the password. Default None: generated once by External Secrets into
            ``<app>-rabbitmq`` (keys ``username``, ``password``, ``password-urlencoded``).
        username: Default None: the app's name.
        vhost: the virtual host Celery uses (created at first start). Default ``/``.
        consumer_timeout: seconds, at least the longest task time limit. Default 1800 (RabbitMQ's own).
        storage: the volume's size. Default ``1Gi``.
        storage_class: Default ``gp3``.
        image: Default ``rabbitmq:3.13-management`` pinned by digest.
        resources: Default 100m CPU, 512Mi.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        password: SecretKeyRef | None = None,
        username: str | None = None,
        vhost: str = "/",
        consumer_timeout: int = MIN_CONSUMER_TIMEOUT,
        storage: str = DEFAULT_BROKER_STORAGE,
        storage_class: str = DEFAULT_STORAGE_CLASS,
        image: str = RABBITMQ_IMAGE,
        resources: Resources = RABBITMQ.resources,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        check_claim(where, storage, storage_class)
        v.check_image(where, "image", image)
        v.check_int_range(where, "consumer_timeout", consumer_timeout, 60, 7 * 24 * 3600)
        if password is not None:
            v.check_secret_ref(where, "password", password)
        super().__init__(scope, id)

        in_cluster_endpoint(self, runtime, StoreRole.BROKER, COMPONENT, AMQP_PORT)
        self.name: str
        user = username if username is not None else runtime.app
        self.secret: GeneratedPassword | None = None
        if password is None:
            self.secret = GeneratedPassword(self, "Secret", runtime=runtime, name=self.name, literals={"username": user})
            password = SecretKeyRef(self.name, "password")
        self.config_map: ApiObject = emit(self, "Config", {
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": runtime.metadata(COMPONENT),
            "data": {"rabbitmq.conf": rabbitmq_conf(consumer_timeout, int(v.quantity_value(resources.limit))),
                     "enabled_plugins": "[rabbitmq_management].\n"},
        })
        env: list[dict[str, Any]] = [
            {"name": "HOME", "value": DATA_DIR},
            {"name": "RABBITMQ_LOGS", "value": "-"},  # the log to stdout; the upgrade log and crash dumps to /tmp
            {"name": "RABBITMQ_LOG_BASE", "value": "/tmp"},
            {"name": "RABBITMQ_DEFAULT_USER", "value": user},
            {"name": "RABBITMQ_DEFAULT_PASS", "valueFrom": secret_source(password)},
            {"name": "RABBITMQ_DEFAULT_VHOST", "value": vhost},
        ]
        container = {
            "name": "rabbitmq",
            "image": image,
            "command": ["rabbitmq-server"],  # the server itself: the image's entrypoint would write into /etc/rabbitmq
            "env": env,
            "ports": [{"name": "amqp", "containerPort": AMQP_PORT, "protocol": "TCP"},
                      {"name": "management", "containerPort": MANAGEMENT_PORT, "protocol": "TCP"}],
            "resources": resources_dict(resources),
            "readinessProbe": {"exec": {"command": [*_DIAGNOSTICS, "check_port_connectivity"]},
                               "periodSeconds": 15, "timeoutSeconds": 20, "failureThreshold": 3},
            "livenessProbe": {"exec": {"command": [*_DIAGNOSTICS, "status"]},
                              "initialDelaySeconds": 60, "periodSeconds": 60, "timeoutSeconds": 30, "failureThreshold": 3},
            "volumeMounts": [{"name": "data", "mountPath": DATA_DIR}, {"name": "config", "mountPath": CONFIG_DIR, "readOnly": True}],
        }
        objects = emit_stateful_store(
            self, runtime, component=COMPONENT, port_name="amqp", port=AMQP_PORT, container=container,
            claim=claim_template(runtime, COMPONENT, storage=storage, storage_class=storage_class),
            retain_claim_on_delete=False, security=SECURITY, headless=False,
            volumes=[{"name": "config", "configMap": {"name": self.name}}],
        )
        self.stateful_set = objects.stateful_set
        self.service = objects.service
        self.headless_service = objects.headless_service


def from_plan(chart: Any, id: str, store: StorePlan) -> RabbitMQStatefulSet:
    """The in-cluster broker of a ``DjangoChart`` (``RABBITMQ.construct``): its consumer_timeout above the
    longest task time limit of the app's workers."""
    spec = store.spec
    assert isinstance(spec, RabbitMQ) and store.storage is not None and store.image is not None
    longest = max((w.task_time_limit for w in chart.plan.app.workers), default=DEFAULT_TASK_TIME_LIMIT)
    timeout = spec.consumer_timeout if spec.consumer_timeout is not None else default_consumer_timeout(longest)
    if timeout <= longest:
        raise v.ConfigError(LazyPath(chart, id), "environment.broker.consumer_timeout", spec.consumer_timeout,
                            f"more than the longest task time limit ({longest} s): a task still running then is redelivered"
                            " and runs twice", f"use {default_consumer_timeout(longest)} or leave it out")
    return RabbitMQStatefulSet(chart, id, runtime=chart.runtime, password=spec.password, username=broker_user(chart.plan.app.name, store),
                               vhost=spec.vhost, consumer_timeout=timeout, storage=store.storage, storage_class=spec.storage_class,
                               image=store.image, resources=store.resources)

"""RabbitMQ as Celery's broker: ``broker=RabbitMQ()`` in the cluster (staging), ``RabbitMQ(host=...)`` on
Amazon MQ (production, amqps on 5671 through the ExternalName alias).

The app reads one URL, ``CELERY_BROKER_URL`` (``amqp://`` or ``amqps://``, with the vhost), assembled by the
kubelet from the user name and the URL-encoded password in a Secret (``CELERY_BROKER_PASSWORD``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..model import _validation as v
from ..model._contract import BROKER_PASSWORD as PASSWORD_ENV
from ..model._contract import url_encoded_key
from ..model.defaults import DEFAULT_BROKER_STORAGE, DEFAULT_STORAGE_CLASS
from ..model.options import Resources, SecretKeyRef, StoreRole
from ._kind import BrokerOptions, StoreKind, keda_host, store_options

if TYPE_CHECKING:
    from ..model.plan import StorePlan

__all__ = ["RABBITMQ", "RABBITMQ_IMAGE", "RabbitMQ", "broker_password", "broker_user"]

# rabbitmq:3.13-management (the official image; management plugin on, reachable by port-forward only).
RABBITMQ_IMAGE = "rabbitmq:3.13-management@sha256:e582c0bc7766f3342496d8485efb5a1df782b5ce3886ad017e2eaae442311f69"
AMQP_PORT = 5672
AMQPS_PORT = 5671
# Names RabbitMQ takes for a vhost and a user: printable, no '/' but the default vhost itself.
_VHOST = re.compile(r"/|[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@store_options
class RabbitMQ(BrokerOptions):
    """RabbitMQ as the broker.

    Attributes:
        host: Amazon MQ's endpoint (``b-1234.mq.eu-west-1.amazonaws.com``). Default None: a StatefulSet in the cluster.
        port: Default None: 5672 in the cluster, 5671 (amqps) managed.
        tls: managed only: connect with TLS (``amqps://``). Default True.
        vhost: the virtual host. Default ``/``.
        username: Default None: the app's name.
        password: the Secret key holding the password. Default None: in the cluster, generated once by External
            Secrets into ``<app>-rabbitmq``; required with ``host``.
        storage: in the cluster: the volume's size. Default None: ``1Gi``.
        storage_class: in the cluster: the claim's storage class. Default ``gp3``.
        image: in the cluster: the image. Default ``rabbitmq:3.13-management`` pinned by digest.
        consumer_timeout: seconds a consumer may hold an unacknowledged task before RabbitMQ closes its channel
            (and, with ``acks_late``, the task runs again). Default None: twice the longest task time limit, and
            at least RabbitMQ's own 30 minutes.
    """

    host: str | None = None
    port: int | None = None
    tls: bool = True
    vhost: str = "/"
    username: str | None = None
    password: SecretKeyRef | None = None
    storage: str | None = None
    storage_class: str = DEFAULT_STORAGE_CLASS
    image: str | None = None
    consumer_timeout: int | None = None


def broker_user(app: str, store: StorePlan) -> str:
    spec = store.spec
    assert isinstance(spec, RabbitMQ)
    return spec.username if spec.username is not None else app


def broker_password(app: str, store: StorePlan) -> SecretKeyRef:
    """The key the URL reads: the password URL-encoded when ESO writes the Secret (generated in the cluster, or
    copied from AWS Secrets Manager); a Secret of the user's own, as it is (it must be URL-safe)."""
    spec = store.spec
    assert isinstance(spec, RabbitMQ)
    if spec.password is None:
        return SecretKeyRef(f"{app}-{store.component}", url_encoded_key("password"))
    return SecretKeyRef(spec.password.name, url_encoded_key(spec.password.key)) if store.from_aws else spec.password


def _aws_secrets(app: str, store: StorePlan) -> list[SecretKeyRef]:
    """Amazon MQ's password, from AWS Secrets Manager when the environment reads its secrets there."""
    spec = store.spec
    assert isinstance(spec, RabbitMQ)
    return [spec.password] if store.from_aws and spec.password is not None and not store.in_cluster else []


def _pod_env(app: str, store: StorePlan) -> dict[str, str]:
    spec = store.spec
    assert isinstance(spec, RabbitMQ)
    scheme = "amqps" if store.tls else "amqp"
    user = quote(broker_user(app, store), safe="")
    vhost = quote(spec.vhost, safe="")
    return {"CELERY_BROKER_URL": f"{scheme}://{user}:$({PASSWORD_ENV})@{app}-{store.component}:{store.port}/{vhost}"}


def _keda_trigger(queue: str, tasks_per_replica: int, address: str | None, tls: bool, auth: str | None) -> dict[str, Any]:
    """KEDA's RabbitMQ trigger on the queue's length, over AMQP; the credentials from a TriggerAuthentication."""
    return {"type": "rabbitmq", "metadata": {"protocol": "amqp", "mode": "QueueLength", "value": str(tasks_per_replica),
                                             "queueName": queue, "host": address},
            "authenticationRef": {"name": auth}}


def _keda_address(app: str, namespace: str, store: StorePlan) -> str:
    spec = store.spec
    assert isinstance(spec, RabbitMQ)
    return f"{'amqps' if store.tls else 'amqp'}://{keda_host(app, namespace, store)}:{store.port}/{quote(spec.vhost, safe='')}"


def _keda_auth(app: str, store: StorePlan) -> dict[str, SecretKeyRef]:
    """KEDA takes the password as it is (not URL-encoded); the generated Secret holds the user name too."""
    spec = store.spec
    assert isinstance(spec, RabbitMQ)
    if store.in_cluster and spec.password is None:
        name = f"{app}-{store.component}"
        return {"username": SecretKeyRef(name, "username"), "password": SecretKeyRef(name, "password")}
    assert spec.password is not None
    return {"password": spec.password}


def _check(where: object, prop: str, store: StorePlan) -> None:
    spec = store.spec
    assert isinstance(spec, RabbitMQ)
    if not _VHOST.fullmatch(spec.vhost):
        raise v.ConfigError(where, f"{prop}.vhost", spec.vhost,
                            "'/' or a name of letters, digits, '_', '.' and '-' (at most 64)", "use '/' or e.g. 'shop'")
    if spec.username is not None and not _USER.fullmatch(spec.username):
        raise v.ConfigError(where, f"{prop}.username", spec.username,
                            "a user name of letters, digits, '_', '.' and '-' (at most 64)", "use the app's name, e.g. 'shop'")
    if spec.password is not None:
        v.check_secret_ref(where, f"{prop}.password", spec.password)
    if spec.consumer_timeout is not None:
        v.check_int_range(where, f"{prop}.consumer_timeout", spec.consumer_timeout, 60, 7 * 24 * 3600)
    if store.in_cluster:
        return
    v.check_host_name(where, f"{prop}.host", spec.host)
    for option in ("storage", "image", "consumer_timeout"):
        if getattr(spec, option) is not None:
            raise v.ConfigError(where, f"{prop}.{option}", getattr(spec, option),
                                f"no {option} with host= (it is an option of the in-cluster RabbitMQ; Amazon MQ sets its own)",
                                f"drop {option}=, or host= to run RabbitMQ in the cluster")
    if spec.password is None:
        raise v.ConfigError(where, f"{prop}.password", None,
                            "the Secret key with Amazon MQ's password (a managed broker's password is not generated)",
                            f"pass RabbitMQ(host={spec.host!r}, password=SecretKeyRef('<secret>', 'password'))")


RABBITMQ = StoreKind(
    name="rabbitmq", title="RabbitMQ", roles={StoreRole.BROKER: "rabbitmq"},
    port=AMQP_PORT, managed_port=AMQPS_PORT, managed_service="Amazon MQ", image=RABBITMQ_IMAGE,
    resources_key="rabbitmq", resources=Resources(cpu="100m", memory="512Mi"),
    staging_resources=Resources(cpu="20m", memory="256Mi", memory_limit="512Mi"),
    storage={StoreRole.BROKER: DEFAULT_BROKER_STORAGE}, options=RabbitMQ,
    construct="..components.rabbitmq_stateful_set:from_plan",
    url=lambda app, store: None,
    secret_env=lambda app, store: {PASSWORD_ENV: broker_password(app, store)},
    pod_env=_pod_env, keda_trigger=_keda_trigger, keda_auth=_keda_auth, keda_address=_keda_address, check=_check,
    aws_secrets=_aws_secrets,
    contract={StoreRole.BROKER: "`amqp://<user>:<password>@<app>-rabbitmq:5672/<vhost>`; managed `amqps://…:5671/<vhost>`"
              " (the password from `CELERY_BROKER_PASSWORD`, URL-encoded)"},
)

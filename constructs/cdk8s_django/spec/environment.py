"""Where an app runs: staging (stores in the cluster) or production (managed stores)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..components.autoscaling import Autoscaling, QueueAutoscaling
from ..components.external_secrets import AwsSecretsManager
from ..components.network_policies import NetworkAccess
from ..components.postgres_stateful_set import DEFAULT_POSTGRES_STORAGE, DEFAULT_STORAGE_CLASS
from ..k8s.runtime import Resources, SecretKeyRef
from .ingress import IngressOptions
from .preview import DEFAULT_PREVIEW_TTL, Preview, SeedData, preview_name

__all__ = ["STAGING_RESOURCES", "Environment", "EnvironmentKind", "InCluster", "Managed"]

DEFAULT_PRODUCTION_MAX_CONNECTIONS = 400

# Staging runs tens of environments side by side: small requests, same limits' shape.
STAGING_RESOURCES = {
    "web": Resources(cpu="50m", memory="384Mi"),
    "worker": Resources(cpu="50m", memory="384Mi"),
    "beat": Resources(cpu="10m", memory="192Mi"),
    "shell": Resources(cpu="10m", memory="256Mi", memory_limit="1Gi"),
    "migrate": Resources(cpu="50m", memory="384Mi"),
    "cron": Resources(cpu="50m", memory="384Mi"),
    "postgres": Resources(cpu="50m", memory="256Mi", memory_limit="512Mi"),
    "redis": Resources(cpu="10m", memory="128Mi"),
}


class EnvironmentKind(enum.Enum):
    STAGING = "staging"
    PRODUCTION = "production"


@dataclass(frozen=True)
class InCluster:
    """Run the store inside the cluster (StatefulSet and volume claim).

    Attributes:
        storage: volume size, a Kubernetes quantity. Default ``10Gi``.
        storage_class: the claim's storage class. Default ``gp3``.
    """

    storage: str = DEFAULT_POSTGRES_STORAGE
    storage_class: str = DEFAULT_STORAGE_CLASS


@dataclass(frozen=True)
class Managed:
    """A managed endpoint (RDS, ElastiCache, Amazon MQ) behind an ExternalName Service.

    Attributes:
        host: the endpoint's DNS name (ExternalName takes no IP address).
        port: the endpoint's port. Default: 5432 for Postgres, 6379 for Redis.
        tls: connect with TLS (``sslmode=verify-ca`` for Postgres, ``rediss://`` for Redis). Default True.
        ca_bundle: path of the CA bundle inside the image, for Postgres's ``sslrootcert``.
            Default ``/etc/ssl/certs/rds-global-bundle.pem``.
    """

    host: str
    port: int | None = None
    tls: bool = True
    ca_bundle: str = "/etc/ssl/certs/rds-global-bundle.pem"


@dataclass(frozen=True)
class Environment:
    """One place the app runs: its own chart, namespace and ``dist/<name>/`` folder.

    Use ``Environment.staging(...)`` or ``Environment.production(...)``.

    Attributes:
        name: DNS label; the chart id and the ``dist/`` folder.
        kind: staging or production.
        namespace: Default ``<app>-<name>``.
        hosts: public host names of the web. Default none (no Ingress).
        ingress: Ingress options; needs ``hosts``. Default None.
        postgres, cache, broker: ``InCluster()`` or ``Managed(host)``.
        database_password: the Secret key with the database password. Default ``<app>-database``/``password``.
        image: overrides ``DjangoApp.image`` (CI sets it per environment). Default None.
        web_replicas, worker_replicas: pod counts without autoscaling. Default 2 and 1 (staging 1 and 1).
        web_autoscaling: CPU HPA for web. Default None; production ``Autoscaling(2, 10)``.
        worker_autoscaling: HPA or KEDA for workers. Default None; production ``Autoscaling(2, 6)``;
            ``QueueAutoscaling()`` scales staging workers to zero.
        resources: per-component requests and limits (keys ``web``, ``worker``, ``beat``, ``shell``,
            ``migrate``, ``cron``, ``postgres``, ``redis``). Default: each construct's; staging ``STAGING_RESOURCES``.
        max_connections: Postgres ``max_connections``; synthesis fails when web, workers, beat,
            shell and jobs could open more. Default 100 (Postgres's default); production 400
            (RDS's default for a 4 GiB instance is about 450).
        network: who may connect into the namespace. Default ``NetworkAccess()``.
        monitoring: emit a ServiceMonitor and PodMonitors (Prometheus Operator). Default False.
        iam_role_arn: IAM role for the app's ServiceAccount (IRSA), e.g. for S3 media. Default None.
        shell_operators: group allowed to exec into the ops shell (and nothing else). Default None.
        aws_secrets: read the database password and the app's Secrets from AWS Secrets Manager
            through External Secrets Operator. Default None: Secrets are referenced by name.
        generate_database_password: have ESO generate the in-cluster Postgres password once.
            Default False; staging True.
        preview: branch, owner and expiry of a preview environment. Default None.
        seed: fixtures and a superuser loaded by a Job once migrations ran. Default None.
        env: env vars added to (and overriding) the app's for this environment. Default none.
        media_bucket: S3 bucket for media, exported as ``MEDIA_BUCKET``. Default None.
        static_url: ``STATIC_URL`` (a CDN URL in production). Default ``/static/``.
    """

    name: str
    kind: EnvironmentKind
    postgres: InCluster | Managed
    cache: InCluster | Managed
    broker: InCluster | Managed
    namespace: str | None = None
    hosts: tuple[str, ...] = ()
    ingress: IngressOptions | None = None
    database_password: SecretKeyRef | None = None
    image: str | None = None
    web_replicas: int = 2
    worker_replicas: int = 1
    env: Mapping[str, str] = field(default_factory=dict)
    media_bucket: str | None = None
    static_url: str = "/static/"
    web_autoscaling: Autoscaling | None = None
    worker_autoscaling: Autoscaling | QueueAutoscaling | None = None
    resources: Mapping[str, Resources] = field(default_factory=dict)
    max_connections: int = 100
    network: NetworkAccess = field(default_factory=NetworkAccess)
    monitoring: bool = False
    iam_role_arn: str | None = None
    shell_operators: str | None = None
    aws_secrets: AwsSecretsManager | None = None
    generate_database_password: bool = False
    preview: Preview | None = None
    seed: SeedData | None = None

    @classmethod
    def staging(
        cls,
        name: str,
        *,
        hosts: tuple[str, ...] = (),
        ingress: IngressOptions | None = None,
        postgres: InCluster | Managed | None = None,
        image: str | None = None,
        **kwargs: Any,
    ) -> Environment:
        """A staging environment: Postgres and two Redis stores inside the cluster, one replica each."""
        return cls(
            name=name,
            kind=EnvironmentKind.STAGING,
            postgres=postgres or InCluster(),
            cache=InCluster(storage="1Gi"),
            broker=InCluster(storage="1Gi"),
            hosts=tuple(hosts),
            ingress=ingress,
            image=image,
            web_replicas=int(kwargs.pop("web_replicas", 1)),
            resources=kwargs.pop("resources", STAGING_RESOURCES),
            generate_database_password=bool(kwargs.pop("generate_database_password", True)),
            **kwargs,
        )

    @classmethod
    def for_branch(
        cls,
        branch: str,
        *,
        owner: str,
        domain: str,
        created_at: datetime | None = None,
        ttl: timedelta = DEFAULT_PREVIEW_TTL,
        ingress: IngressOptions | None = None,
        seed: SeedData | None = None,
        **kwargs: Any,
    ) -> Environment:
        """A preview environment for a branch: a staging environment named from the
        branch (``preview_name``), at ``<name>.<domain>``, that expires ``ttl`` after
        ``created_at`` (default: now; CI passes the pipeline's start for reproducible output).
        Workers scale to zero on empty queues unless ``worker_autoscaling`` says otherwise."""
        name = preview_name(branch)
        kwargs.setdefault("worker_autoscaling", QueueAutoscaling(min_replicas=0, max_replicas=2))
        return cls.staging(
            name,
            hosts=(f"{name}.{domain}",),
            ingress=ingress,
            preview=Preview.starting(branch, owner, created_at, ttl),
            seed=seed,
            **kwargs,
        )

    @classmethod
    def production(
        cls,
        *,
        postgres: Managed,
        cache: Managed,
        broker: Managed,
        name: str = "production",
        hosts: tuple[str, ...] = (),
        ingress: IngressOptions | None = None,
        image: str | None = None,
        **kwargs: Any,
    ) -> Environment:
        """A production environment: managed stores behind ExternalName Services."""
        return cls(
            name=name,
            kind=EnvironmentKind.PRODUCTION,
            postgres=postgres,
            cache=cache,
            broker=broker,
            hosts=tuple(hosts),
            ingress=ingress,
            image=image,
            web_autoscaling=kwargs.pop("web_autoscaling", Autoscaling(min_replicas=2, max_replicas=10)),
            worker_autoscaling=kwargs.pop("worker_autoscaling", Autoscaling(min_replicas=2, max_replicas=6)),
            max_connections=kwargs.pop("max_connections", DEFAULT_PRODUCTION_MAX_CONNECTIONS),
            **kwargs,
        )

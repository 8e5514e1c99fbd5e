"""Where an app runs: staging (stores in the cluster) or production (managed stores).

Pure data. ``resolve`` fills in what is left ``UNSET`` from the environment
kind's defaults (``defaults.py``) and checks the whole spec.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypedDict, Unpack

from ..stores._kind import BrokerOptions, CacheOptions
from ..stores._placement import InCluster, Managed
from ._validation import ConfigError, check_host_name
from .defaults import DEFAULT_PREVIEW_TTL, DEFAULT_STATIC_URL
from .options import (
    UNSET,
    Autoscaling,
    AwsSecretsManager,
    IngressOptions,
    NetworkAccess,
    QueueAutoscaling,
    Resources,
    SecretKeyRef,
    StaticServer,
    Unset,
)
from .preview import Preview, SeedData, preview_name

__all__ = ["Environment", "EnvironmentKind", "EnvironmentOptions", "InCluster", "Managed"]


IN_CLUSTER = InCluster()  # staging's stores by default: each its StatefulSet, on the storage class gp3


class EnvironmentKind(enum.Enum):
    STAGING = "staging"
    PRODUCTION = "production"


@dataclass(frozen=True)
class Environment:
    """One place the app runs: its own chart, namespace and ``dist/<name>/`` folder.

    Use ``Environment.staging(...)`` or ``Environment.production(...)``.

    Attributes:
        name: DNS label; the chart id and the ``dist/`` folder.
        kind: staging or production.
        namespace: Default None: ``<app>-<name>``.
        hosts: public host names of the web. Default none (no Ingress).
        ingress: Ingress options; needs ``hosts``. Default None: no Ingress, so no public host
            (``hosts`` must then stay empty, and web admits no traffic from outside the namespace).
        postgres, cache, broker: ``InCluster()`` or ``Managed(host)`` (Postgres; Redis for the cache and the broker),
            or another kind from ``cdk8s_django.stores``: ``cache=Memcached(...)``, ``broker=RabbitMQ(...)`` (``host=`` for a managed one).
            The broker exists only for an app that runs Celery (a ``Worker`` or ``beat``): ``broker=None`` says there is none,
            and staging's default (UNSET) is an in-cluster Redis broker when the app runs Celery and none otherwise.
        database_password: the Secret key with the database password. Default None: ``<app>-database``/``password``.
        image: overrides ``DjangoApp.image`` (CI sets it per environment). Default None: the app's image.
        web_replicas, worker_replicas: pod counts without autoscaling. Default UNSET: 2 and 1 (staging 1 and 1).
        web_autoscaling: CPU HPA for web; None for none. Default UNSET: none; production ``Autoscaling(2, 10)``.
        worker_autoscaling: HPA or KEDA for workers; None for none. Default UNSET: none; production
            ``Autoscaling(2, 6)``; previews ``QueueAutoscaling(0, 2)``. ``QueueAutoscaling()`` scales staging workers to zero.
        resources: per-component requests and limits. Default UNSET: each construct's; staging ``STAGING_RESOURCES``.
            Keys ``web``, ``worker``, ``beat``, ``shell``, ``migrate``, ``cron``, and each store kind's (``postgres``,
            ``redis``, ``rabbitmq``, ``memcached``).
        max_connections: Postgres ``max_connections``; synthesis fails when web, workers, beat,
            shell and jobs could open more. Default UNSET: 100 (Postgres's default); production 400
            (RDS's default for a 4 GiB instance is about 450).
        network: who may connect into the namespace. Default ``NetworkAccess()``.
        monitoring: emit a ServiceMonitor and PodMonitors (Prometheus Operator). Default False.
        iam_role_arn: IAM role for the app's ServiceAccount (IRSA), e.g. for S3 media. Default None: no role annotation.
        shell_operators: group allowed to exec into the ops shell (and nothing else). Default None: no exec grant.
        aws_secrets: read the database password and the app's Secrets from AWS Secrets Manager
            through External Secrets Operator. Default None: Secrets are referenced by name.
        generate_database_password: have ESO generate the in-cluster Postgres password once.
            Default UNSET (False; staging True).
        preview: branch, owner and expiry of a preview environment. Default None: not a preview (``for_branch`` sets it).
        seed: fixtures and a superuser loaded by a Job once migrations ran. Default None: no seed Job.
        deletion_protection: label the namespace ``cdk8s-django/deletion-protection=true``, which
            ``NamespaceFence`` (in the cluster) makes undeletable by anyone until the label is removed.
            Default False. Not for previews, which expire.
        env: env vars added to (and overriding) the app's for this environment. Default none.
        media_bucket: S3 bucket for media, exported as ``MEDIA_BUCKET``. Default None: not exported.
        aws_region: the AWS region, exported as ``AWS_REGION`` and ``AWS_DEFAULT_REGION`` when the app talks
            to AWS (``iam_role_arn`` or ``media_bucket``): pods cannot read it from the blocked metadata
            endpoint. Default None: taken from the ACM certificate's ARN; an error if it cannot be.
        static_url: ``STATIC_URL`` (a CDN URL in production). Default ``/static/``.
        static: ``NginxStatic()`` for nginx in the web pod, serving the path of ``static_url`` from the collected
            files and proxying the rest to gunicorn. Default None: WhiteNoise serves them from gunicorn.
    """

    name: str
    kind: EnvironmentKind
    postgres: InCluster | Managed
    cache: InCluster | Managed | CacheOptions
    broker: InCluster | Managed | BrokerOptions | None | Unset
    namespace: str | None = None
    hosts: tuple[str, ...] = ()
    ingress: IngressOptions | None = None
    database_password: SecretKeyRef | None = None
    image: str | None = None
    web_replicas: int | Unset = UNSET
    worker_replicas: int | Unset = UNSET
    env: Mapping[str, str] = field(default_factory=dict)
    media_bucket: str | None = None
    aws_region: str | None = None
    static_url: str = DEFAULT_STATIC_URL
    static: StaticServer | None = None
    web_autoscaling: Autoscaling | None | Unset = UNSET
    worker_autoscaling: Autoscaling | QueueAutoscaling | None | Unset = UNSET
    resources: Mapping[str, Resources] | Unset = UNSET
    max_connections: int | Unset = UNSET
    network: NetworkAccess = field(default_factory=NetworkAccess)
    monitoring: bool = False
    iam_role_arn: str | None = None
    shell_operators: str | None = None
    aws_secrets: AwsSecretsManager | None = None
    generate_database_password: bool | Unset = UNSET
    preview: Preview | None = None
    seed: SeedData | None = None
    deletion_protection: bool = False

    @classmethod
    def staging(
        cls,
        name: str,
        *,
        hosts: tuple[str, ...] = (),
        ingress: IngressOptions | None = None,
        postgres: InCluster | Managed = IN_CLUSTER,
        cache: InCluster | Managed | CacheOptions = IN_CLUSTER,
        broker: InCluster | Managed | BrokerOptions | None | Unset = UNSET,
        **options: Unpack[EnvironmentOptions],
    ) -> Environment:
        """A staging environment: Postgres, a Redis cache and (with Celery) a Redis broker inside the cluster, one web replica,
        ``STAGING_RESOURCES``, a generated database password. Options: ``EnvironmentOptions``."""
        _check_options("Environment.staging", options)
        return cls(name=name, kind=EnvironmentKind.STAGING, postgres=postgres, cache=cache, broker=broker,
                   hosts=hosts, ingress=ingress, **options)

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
        cache: InCluster | CacheOptions = IN_CLUSTER,
        broker: InCluster | BrokerOptions | None | Unset = UNSET,
        **options: Unpack[EnvironmentOptions],
    ) -> Environment:
        """A preview environment for a branch: a staging environment named from the
        branch (``preview_name``), at ``<name>.<domain>`` (with an ``ingress``), that expires ``ttl`` after
        ``created_at`` (default: now; CI passes the pipeline's start for reproducible output).
        Workers scale to zero on empty queues unless ``worker_autoscaling`` says otherwise. Its stores run in
        its namespace; ``cache`` and ``broker`` choose their kind (``broker=RabbitMQ()``). Default: Redis (the broker
        only for an app that runs Celery)."""
        _check_options("Environment.for_branch", options)
        if "namespace" in options:  # the reaper may delete preview namespaces: never let one be named like another
            raise ConfigError("Environment.for_branch", "namespace", options["namespace"],
                              "no namespace for a preview: its name comes from the branch", "drop namespace=")
        from ._types import check_arguments  # the branch, domain and times are read here, before resolve

        check_arguments("Environment.for_branch", Environment.for_branch.__func__,  # type: ignore[attr-defined]
                        {"branch": branch, "owner": owner, "domain": domain, "created_at": created_at, "ttl": ttl})
        if not branch.strip():
            raise ConfigError("Environment.for_branch", "branch", branch, "the pull request's branch name, not empty",
                              "pass the branch CI builds, e.g. os.environ['PREVIEW_BRANCH']")
        if ttl <= timedelta(0):
            raise ConfigError("Environment.for_branch", "ttl", ttl, "a positive duration (a preview that expires later)",
                              "pass e.g. ttl=timedelta(days=3)")
        if created_at is not None and created_at.tzinfo is None:
            raise ConfigError("Environment.for_branch", "created_at", created_at, "a time zone aware datetime",
                              "pass datetime.now(UTC), or datetime.fromisoformat('...+00:00')")
        if "://" in domain or "/" in domain:  # a URL where a DNS name belongs: blamed on hosts at /Web before
            bare = domain.split("://", 1)[-1].split("/", 1)[0]
            raise ConfigError("Environment.for_branch", "domain", domain,
                              "a DNS name such as 'preview.shop.example.com' (no scheme, no path)", f"pass domain={bare!r}")
        check_host_name("Environment.for_branch", "domain", domain)
        name = preview_name(branch)
        return cls(
            name=name, kind=EnvironmentKind.STAGING, postgres=IN_CLUSTER, cache=cache, broker=broker,
            hosts=(f"{name}.{domain}",) if ingress is not None else (), ingress=ingress,
            preview=Preview.starting(branch, owner, created_at, ttl), **options,
        )

    @classmethod
    def production(
        cls,
        *,
        postgres: Managed,
        cache: Managed | CacheOptions,
        broker: Managed | BrokerOptions | None | Unset = UNSET,
        name: str = "production",
        hosts: tuple[str, ...] = (),
        ingress: IngressOptions | None = None,
        **options: Unpack[EnvironmentOptions],
    ) -> Environment:
        """A production environment: managed stores behind ExternalName Services, autoscaled
        web (2-10) and workers (2-6), ``max_connections`` 400. ``broker`` is required for an app that runs Celery
        (``broker=None``, or leaving it out, for one without).
        Options: ``EnvironmentOptions``."""
        _check_options("Environment.production", options)
        return cls(name=name, kind=EnvironmentKind.PRODUCTION, postgres=postgres, cache=cache, broker=broker,
                   hosts=hosts, ingress=ingress, **options)


class EnvironmentOptions(TypedDict, total=False):
    """The options every environment factory takes (see ``Environment`` for each one's meaning
    and default): typed, so ``mypy --strict`` flags a misspelt option in ``main.py``."""

    namespace: str | None
    database_password: SecretKeyRef | None
    image: str | None
    web_replicas: int | Unset
    worker_replicas: int | Unset
    env: Mapping[str, str]
    media_bucket: str | None
    aws_region: str | None
    static_url: str
    static: StaticServer | None
    web_autoscaling: Autoscaling | None | Unset
    worker_autoscaling: Autoscaling | QueueAutoscaling | None | Unset
    resources: Mapping[str, Resources] | Unset
    max_connections: int | Unset
    network: NetworkAccess
    monitoring: bool
    iam_role_arn: str | None
    shell_operators: str | None
    aws_secrets: AwsSecretsManager | None
    generate_database_password: bool | Unset
    seed: SeedData | None
    deletion_protection: bool


def _check_options(factory: str, options: Mapping[str, object]) -> None:
    """A misspelt option is a ``ConfigError`` at run time too (mypy flags it before)."""
    for key in options:
        if key not in EnvironmentOptions.__annotations__:
            raise ConfigError(
                factory, key, options[key], f"one of the options {', '.join(sorted(EnvironmentOptions.__annotations__))}",
                "fix the option's spelling",
            )

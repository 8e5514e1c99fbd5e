"""Where an app runs: staging (stores in the cluster) or production (managed stores)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from .ingress import IngressOptions
from .postgres_stateful_set import DEFAULT_POSTGRES_STORAGE, DEFAULT_STORAGE_CLASS
from .runtime import SecretKeyRef

__all__ = ["Environment", "EnvironmentKind", "InCluster", "Managed"]


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
        web_replicas, worker_replicas: pod counts. Default 2 and 1 (staging 1 and 1).
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

    @classmethod
    def staging(
        cls,
        name: str,
        *,
        hosts: tuple[str, ...] = (),
        ingress: IngressOptions | None = None,
        postgres: InCluster | Managed | None = None,
        image: str | None = None,
        **kwargs: object,
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
            web_replicas=int(kwargs.pop("web_replicas", 1)),  # type: ignore[call-overload]
            **kwargs,  # type: ignore[arg-type]
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
        **kwargs: object,
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
            **kwargs,  # type: ignore[arg-type]
        )

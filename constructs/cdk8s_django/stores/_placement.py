"""The two placements of the usual stores: ``InCluster()`` (a StatefulSet, staging) and ``Managed(host)``
(RDS, ElastiCache behind an ExternalName Service, production). They mean the role's usual kind: Postgres for
the database, Redis for the cache and the broker. Other kinds have option types of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.defaults import DEFAULT_STORAGE_CLASS

__all__ = ["InCluster", "Managed"]


@dataclass(frozen=True)
class InCluster:
    """Run the store inside the cluster (StatefulSet and volume claim).

    Attributes:
        storage: volume size, a Kubernetes quantity. Default None: the store's own (Postgres ``10Gi``, the broker
            ``1Gi``: each kind's ``StoreKind.storage``). The cache keeps no volume: giving it ``storage`` is an error.
        storage_class: the claim's storage class. Default ``gp3``.
        image: the store's image, e.g. pinned by digest (``postgres@sha256:...``). Default None: the
            construct's (``postgres:16.4-bookworm``, ``redis:7.4-bookworm``).
    """

    storage: str | None = None
    storage_class: str = DEFAULT_STORAGE_CLASS
    image: str | None = None


@dataclass(frozen=True)
class Managed:
    """A managed endpoint (RDS, ElastiCache, Amazon MQ) behind an ExternalName Service.

    Attributes:
        host: the endpoint's DNS name (ExternalName takes no IP address).
        port: the endpoint's port. Default None: 5432 for Postgres, 6379 for Redis.
        tls: connect with TLS (``sslmode=verify-ca`` for Postgres, ``rediss://`` for Redis). Default True.
        ca_bundle: path of the CA bundle inside the image, for Postgres's ``sslrootcert``.
            Default ``/etc/ssl/certs/rds-global-bundle.pem``.
    """

    host: str
    port: int | None = None
    tls: bool = True
    ca_bundle: str = "/etc/ssl/certs/rds-global-bundle.pem"

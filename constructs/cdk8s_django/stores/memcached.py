"""Memcached as the cache: ``cache=Memcached()`` in the cluster (a Deployment: a cache keeps no volume),
``Memcached(host=...)`` on ElastiCache for Memcached (port 11211, TLS when asked).

``CACHE_URL`` is ``pymemcache://<app>-memcached:11211``, the form django-environ reads for Django's
``PyMemcacheCache`` (whose ``LOCATION`` is the ``host:port`` part); ``?tls=true`` when the endpoint speaks TLS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import _validation as v
from ..model.options import Resources, StoreRole
from ._kind import CacheOptions, StoreKind, store_options

if TYPE_CHECKING:
    from ..model.plan import StorePlan

__all__ = ["MEMCACHED", "MEMCACHED_IMAGE", "Memcached"]

# memcached:1.6 (the official image; runs as any UID, keeps nothing on disk).
MEMCACHED_IMAGE = "memcached:1.6@sha256:dc561d52bb8ad3c038867123ed2dc8357c4c128f047cdbd526cd65cf39408cbd"
MEMCACHED_PORT = 11211


@store_options
class Memcached(CacheOptions):
    """Memcached as the cache.

    Attributes:
        host: ElastiCache's configuration endpoint. Default None: a Deployment in the cluster.
        port: Default None: 11211.
        tls: managed only: the endpoint has in-transit encryption. Default False.
        image: in the cluster: the image. Default ``memcached:1.6`` pinned by digest.
    """

    host: str | None = None
    port: int | None = None
    tls: bool = False
    image: str | None = None


def _url(app: str, store: StorePlan) -> str:
    return f"pymemcache://{app}-{store.component}:{store.port}" + ("?tls=true" if store.tls else "")


def _check(where: object, prop: str, store: StorePlan) -> None:
    spec = store.spec
    assert isinstance(spec, Memcached)
    if store.in_cluster:
        if spec.tls:
            raise v.ConfigError(where, f"{prop}.tls", spec.tls, "False in the cluster (the in-cluster memcached speaks no TLS)",
                                "drop tls=, or give host= for ElastiCache")
        return
    v.check_host_name(where, f"{prop}.host", spec.host)
    if spec.image is not None:
        raise v.ConfigError(where, f"{prop}.image", spec.image, "no image with host= (ElastiCache runs its own)",
                            "drop image=, or host= to run memcached in the cluster")
    if store.port == 6379:
        raise v.ConfigError(where, f"{prop}.port", store.port, "Memcached's port (11211): 6379 is Redis's",
                            "drop port= for 11211, or use Managed(host) for an ElastiCache Redis")


MEMCACHED = StoreKind(
    name="memcached", title="Memcached", roles={StoreRole.CACHE: "memcached"},
    port=MEMCACHED_PORT, managed_port=MEMCACHED_PORT, managed_service="ElastiCache for Memcached", image=MEMCACHED_IMAGE,
    resources_key="memcached", resources=Resources(cpu="50m", memory="256Mi"),
    staging_resources=Resources(cpu="10m", memory="96Mi"),
    storage={StoreRole.CACHE: None}, options=Memcached,
    construct="..components.memcached_deployment:from_plan",
    url=_url, check=_check, workload="Deployment",
    contract={StoreRole.CACHE: "`pymemcache://<app>-memcached:11211` (`?tls=true` for a managed endpoint with TLS)"},
)

"""Redis: the cache (evicts, no volume) or the Celery broker (``noeviction``, append-only file on a volume).

``InCluster()`` (a StatefulSet each, staging) or ``Managed(host)`` (ElastiCache behind ExternalName).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.defaults import DEFAULT_BROKER_STORAGE, DEFAULT_REDIS_IMAGE, DEFAULT_REDIS_RESOURCES, REDIS_PORT, STAGING_RESOURCES
from ..model.options import StoreRole
from ._kind import StoreKind
from ._placement import InCluster

if TYPE_CHECKING:
    from ..model.plan import StorePlan

__all__ = ["REDIS", "keda_trigger"]


def _url(app: str, store: StorePlan) -> str:
    host = f"{app}-{store.component}"
    if store.tls:
        # Chain verified; the name dialled is the in-cluster alias, so no hostname check.
        return f"rediss://{host}:{store.port}/0?ssl_cert_reqs=required&ssl_check_hostname=false"
    return f"redis://{host}:{store.port}/0"


def keda_trigger(queue: str, tasks_per_replica: int, address: str | None, tls: bool, auth: str | None) -> dict[str, Any]:
    """KEDA's Redis list-length trigger: Celery keeps a queue on Redis as a list named after it."""
    metadata: dict[str, Any] = {"address": address, "listLength": str(tasks_per_replica), "databaseIndex": "0"}
    if tls:
        metadata["enableTLS"] = "true"
    return {"type": "redis", "metadata": {**metadata, "listName": queue}}


REDIS = StoreKind(
    name="redis", title="Redis", roles={StoreRole.CACHE: "redis-cache", StoreRole.BROKER: "redis-broker"},
    port=REDIS_PORT, managed_port=REDIS_PORT, managed_service="ElastiCache", image=DEFAULT_REDIS_IMAGE,
    resources_key="redis", resources=DEFAULT_REDIS_RESOURCES, staging_resources=STAGING_RESOURCES["redis"],
    # The cache keeps no volume: an LRU cache starts empty after a restart.
    storage={StoreRole.CACHE: None, StoreRole.BROKER: DEFAULT_BROKER_STORAGE}, options=InCluster,
    construct="..components.redis_stateful_set:from_plan",
    url=_url, keda_trigger=keda_trigger,
    contract={StoreRole.CACHE: "`redis://<app>-redis-cache:6379/0`; managed with TLS `rediss://…?ssl_cert_reqs=required&ssl_check_hostname=false`",
              StoreRole.BROKER: "`redis://<app>-redis-broker:6379/0`; managed with TLS `rediss://…` as for the cache"},
)

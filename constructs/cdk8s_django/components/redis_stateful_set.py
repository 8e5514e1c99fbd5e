"""``RedisStatefulSet``: Redis inside the cluster for staging, as a cache or as a Celery broker."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._stateful_store import check_claim, claim_template, emit_stateful_store
from ..k8s.runtime import AppRuntime, resources_dict
from ..k8s.security import PodSecurity
from ..model import _validation as v
from ..model.defaults import (
    DEFAULT_REDIS_IMAGE,
    DEFAULT_REDIS_RESOURCES,
    DEFAULT_STORAGE_CLASS,
    REDIS_PORT,
    STORE_UID,
)
from ..model.options import RedisRole, Resources, StoreRole
from ..model.plan import StorePlan
from ..stores._placement import InCluster
from ..stores.redis import REDIS

__all__ = ["RedisStatefulSet"]

# maxmemory's share of the memory limit: Redis needs room for buffers and fork copies.
MAX_MEMORY_SHARE = 0.7
DATA_DIR = "/data"
# Not root; the command bypasses the image's entrypoint, and redis-server runs as any UID.
# fsGroup makes the volume writable.
REDIS_SECURITY = PodSecurity(run_as_user=STORE_UID)
PING = {"exec": {"command": ["redis-cli", "-p", str(REDIS_PORT), "ping"]}, "timeoutSeconds": 5}


def _claim_size(where: LazyPath, role: StoreRole, storage: str | None, storage_class: str) -> str | None:
    """The broker's claim size (its kind's default unless given); None for the cache, which refuses one."""
    default = REDIS.storage[role]
    if default is None:
        if storage is not None:
            raise v.ConfigError(where, "storage", storage, "no storage: a cache keeps no volume (it starts empty after a restart)",
                                "leave storage out; size the cache with max_memory or resources")
        v.check_dns_subdomain(where, "storage_class", storage_class)
        return None
    size = storage if storage is not None else default
    check_claim(where, size, storage_class)
    return size


class RedisStatefulSet(DjangoConstruct):
    """A one-replica Redis StatefulSet named ``<app>-redis-cache`` or ``<app>-redis-broker``,
    behind a ClusterIP Service of the same name, which also governs it (clients use
    the Service, so no headless Service is needed).

    The cache keeps nothing on disk and evicts least-recently-used keys at
    ``maxmemory``; the broker appends every write to a file on its own volume
    (``appendonly yes``) and refuses writes rather than evicting (``noeviction``).

    Args:
        runtime: the app runtime (names, labels, namespace).
        role: ``RedisRole.CACHE`` or ``RedisRole.BROKER``.
        max_memory: Redis ``maxmemory`` as a Kubernetes quantity; must stay below the container's
            memory limit (Redis needs headroom beyond its data). Default: 70% of the limit.
        storage: the broker's claim size, a Kubernetes quantity. Default None, the broker's ``1Gi`` (``REDIS.storage``);
            a cache has no claim, and giving it one is an error.
        storage_class: the broker claim's storage class. Default ``gp3``.
        image: the Redis image. Default ``redis:7.4-bookworm``.
        resources: requests and memory limit. Default 50m CPU, 256Mi.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        role: RedisRole,
        max_memory: str | None = None,
        storage: str | None = None,
        storage_class: str = DEFAULT_STORAGE_CLASS,
        image: str = DEFAULT_REDIS_IMAGE,
        resources: Resources = DEFAULT_REDIS_RESOURCES,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        if role not in (StoreRole.CACHE, StoreRole.BROKER):
            raise v.ConfigError(where, "role", role, "RedisRole.CACHE or RedisRole.BROKER", "use RedisRole.CACHE or RedisRole.BROKER")
        claim_size = _claim_size(where, role, storage, storage_class)
        v.check_image(where, "image", image)
        limit_bytes = v.quantity_value(resources.limit)
        if max_memory is None:
            max_memory_bytes = int(limit_bytes * MAX_MEMORY_SHARE)
        else:
            v.check_quantity(where, "max_memory", max_memory)
            max_memory_bytes = int(v.quantity_value(max_memory))
            if max_memory_bytes >= limit_bytes:
                raise v.ConfigError(
                    where, "max_memory", max_memory, f"less than the container's memory limit ({resources.limit})",
                    "lower max_memory or raise resources.memory_limit; leave about 30% headroom",
                )
        super().__init__(scope, id)

        component = role.value
        self.role = role
        self.component = component
        self.name = runtime.name(component)
        self.port = REDIS_PORT
        self.namespace = runtime.namespace
        self.tls = False
        # --protected-mode no: without a password, Redis's own default answers loopback alone and refuses the app's
        # pods (the official image builds it off; Debian's and others' keep it on). Who may connect is the
        # NetworkPolicy's job (network_policies.py). make e2e found it, on Debian's redis-server.
        args = ["redis-server", "--port", str(REDIS_PORT), "--protected-mode", "no", "--maxmemory", str(max_memory_bytes)]
        if role is RedisRole.CACHE:
            args += ["--maxmemory-policy", "allkeys-lru", "--save", "", "--appendonly", "no"]
            claim = None
            mount = {"name": "data", "mountPath": DATA_DIR}
            volumes = [{"name": "data", "emptyDir": {"sizeLimit": "64Mi"}}]
        else:
            args += ["--maxmemory-policy", "noeviction", "--appendonly", "yes", "--dir", DATA_DIR]
            assert claim_size is not None  # the broker's STORE_STORAGE
            claim = claim_template(runtime, component, storage=claim_size, storage_class=storage_class)
            mount = {"name": "data", "mountPath": DATA_DIR}
            volumes = []
        container = {
            "name": "redis",
            "image": image,
            "command": args,
            "ports": [{"name": "redis", "containerPort": REDIS_PORT, "protocol": "TCP"}],
            "resources": resources_dict(resources),
            "readinessProbe": {**PING, "periodSeconds": 10},
            "livenessProbe": {**PING, "periodSeconds": 30, "initialDelaySeconds": 15, "failureThreshold": 4},
            "volumeMounts": [mount],
        }
        objects = emit_stateful_store(
            self, runtime,
            component=component, port_name="redis", port=REDIS_PORT,
            container=container, claim=claim, retain_claim_on_delete=False, volumes=volumes,
            security=REDIS_SECURITY, headless=False,
        )
        self.stateful_set = objects.stateful_set
        self.service = objects.service
        self.headless_service = objects.headless_service

    @property
    def keda_address(self) -> str:
        """The Service's fully qualified name: KEDA's operator dials from its own namespace."""
        return f"{self.name}.{self.namespace}.svc:{self.port}"


def from_plan(chart: Any, id: str, store: StorePlan) -> RedisStatefulSet:
    """An in-cluster cache or broker of a ``DjangoChart`` (``REDIS.construct``)."""
    spec = store.spec
    assert isinstance(spec, InCluster) and store.image is not None
    return RedisStatefulSet(chart, id, runtime=chart.runtime, role=store.role, storage=store.storage,
                            storage_class=spec.storage_class, resources=store.resources, image=store.image)

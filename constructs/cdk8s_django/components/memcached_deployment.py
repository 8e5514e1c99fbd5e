"""``MemcachedDeployment``: Memcached inside the cluster for staging, as Django's cache.

A Deployment, not a StatefulSet: a cache keeps nothing, so it needs no volume and no stable identity.
Its item memory (``-m``) stays below the container's memory limit, which also holds connections and
the hash table.
"""

from __future__ import annotations

from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s._stateful_store import in_cluster_endpoint
from ..k8s.runtime import TMP_MOUNT, TMP_VOLUME, AppRuntime, resources_dict
from ..k8s.security import PodSecurity
from ..model import _validation as v
from ..model.defaults import STORE_UID
from ..model.options import Resources, StoreRole
from ..model.plan import StorePlan
from ..stores.memcached import MEMCACHED, MEMCACHED_IMAGE, MEMCACHED_PORT, Memcached

__all__ = ["MemcachedDeployment", "from_plan", "item_memory_mib"]

COMPONENT = MEMCACHED.component(StoreRole.CACHE)
# -m's share of the memory limit: the rest is connections' buffers and the hash table.
ITEM_MEMORY_SHARE = 0.75
SECURITY = PodSecurity(run_as_user=STORE_UID)
_PROBE = {"tcpSocket": {"port": "memcached"}, "timeoutSeconds": 5}


def item_memory_mib(limit: str) -> int:
    """``-m``: 75% of the memory limit, in MiB."""
    return int(v.quantity_value(limit) * ITEM_MEMORY_SHARE) // (1024 * 1024)


class MemcachedDeployment(DjangoConstruct):
    """A one-replica Memcached Deployment ``<app>-memcached`` behind a ClusterIP Service of the same name.

    Args:
        runtime: the app runtime (names, labels, namespace).
        image: Default ``memcached:1.6`` pinned by digest.
        resources: Default 50m CPU, 256Mi (``-m`` is 75% of the limit).
    """

    @checked_props
    def __init__(
        self, scope: Construct, id: str, *, runtime: AppRuntime, image: str = MEMCACHED_IMAGE,
        resources: Resources = MEMCACHED.resources,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        v.check_image(where, "image", image)
        memory = item_memory_mib(resources.limit)
        if memory < 16:
            raise v.ConfigError(where, "resources.memory_limit", resources.limit,
                                "at least 22Mi (memcached's -m, 75% of the limit, needs 16 MiB or more)", "use '64Mi' or more")
        super().__init__(scope, id)

        in_cluster_endpoint(self, runtime, StoreRole.CACHE, COMPONENT, MEMCACHED_PORT)
        self.name: str
        self.item_memory_mib = memory
        container = {
            "name": "memcached",
            "image": image,
            # -U 0: no UDP listener (amplification attacks); -c: connections, many per app pod.
            "command": ["memcached", "-p", str(MEMCACHED_PORT), "-U", "0", "-m", str(memory), "-c", "1024"],
            "ports": [{"name": "memcached", "containerPort": MEMCACHED_PORT, "protocol": "TCP"}],
            "resources": resources_dict(resources),
            "readinessProbe": {**_PROBE, "periodSeconds": 10},
            "livenessProbe": {**_PROBE, "periodSeconds": 30, "initialDelaySeconds": 10, "failureThreshold": 4},
            "securityContext": SECURITY.container_context(),
            "volumeMounts": [TMP_MOUNT],
        }
        self.service: ApiObject = emit(self, "Service", {
            "apiVersion": "v1", "kind": "Service", "metadata": runtime.metadata(COMPONENT),
            "spec": {"type": "ClusterIP", "selector": runtime.selector(COMPONENT),
                     "ports": [{"name": "memcached", "port": MEMCACHED_PORT, "targetPort": "memcached", "protocol": "TCP"}]},
        })
        self.deployment: ApiObject = emit(self, "Resource", {
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": runtime.metadata(COMPONENT),
            "spec": {
                "replicas": 1,
                "revisionHistoryLimit": 3,
                "selector": {"matchLabels": runtime.selector(COMPONENT)},
                # An empty cache either way: the old pod goes first, so two never split the keys.
                "strategy": {"type": "Recreate"},
                "template": {"metadata": {"labels": runtime.labels(COMPONENT)}, "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": SECURITY.pod_context(),
                    "containers": [container],
                    "terminationGracePeriodSeconds": 10,
                    "volumes": [TMP_VOLUME],
                }},
            },
        })


def from_plan(chart: Any, id: str, store: StorePlan) -> MemcachedDeployment:
    """The in-cluster cache of a ``DjangoChart`` (``MEMCACHED.construct``)."""
    assert isinstance(store.spec, Memcached) and store.image is not None
    return MemcachedDeployment(chart, id, runtime=chart.runtime, image=store.image, resources=store.resources)

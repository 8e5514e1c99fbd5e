"""``PostgresStatefulSet``: Postgres inside the cluster, for throwaway staging environments."""

from __future__ import annotations

from typing import Any

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._stateful_store import check_claim, claim_template, emit_stateful_store
from ..k8s.runtime import AppRuntime, resources_dict, secret_source
from ..k8s.security import PodSecurity
from ..model import _validation as v
from ..model.defaults import (
    DEFAULT_POSTGRES_IMAGE,
    DEFAULT_POSTGRES_RESOURCES,
    DEFAULT_POSTGRES_STORAGE,
    DEFAULT_STORAGE_CLASS,
    POSTGRES_PORT,
    STORE_UID,
)
from ..model.options import Resources, SecretKeyRef, StoreRole
from ..model.plan import StorePlan
from ..stores._placement import InCluster

__all__ = ["PostgresStatefulSet"]

POSTGRES_COMPONENT = StoreRole.POSTGRES.value
DATA_DIR = "/var/lib/postgresql/data"
SOCKET_DIR = "/var/run/postgresql"
# Not root: the official image then skips its root-only chown step, and its
# entrypoint supports any UID (nss_wrapper); fsGroup makes the volume writable.
POSTGRES_SECURITY = PodSecurity(run_as_user=STORE_UID)


class PostgresStatefulSet(DjangoConstruct):
    """A one-replica Postgres StatefulSet with its own volume claim.

    Emits the StatefulSet ``<app>-postgres``, the headless governing Service
    ``<app>-postgres-headless`` and the stable ClusterIP Service
    ``<app>-postgres`` the app connects to (the name a ``ManagedDataStore``
    takes in production). The claim is deleted with the StatefulSet unless
    ``retain_claim_on_delete``: staging data is throwaway.

    Args:
        runtime: the app runtime (names, labels, namespace).
        password: the Secret key holding the password (never a value).
        database: database name. Default: the app name.
        user: database user. Default: the app name.
        storage: claim size, a Kubernetes quantity. Default ``10Gi``.
        storage_class: the claim's storage class, explicit so no cluster default is assumed. Default ``gp3``.
        retain_claim_on_delete: keep the volume when the StatefulSet is deleted. Default False.
        image: the Postgres image. Default ``postgres:16.4-bookworm``.
        resources: requests and memory limit. Default 250m CPU, 512Mi request, 1Gi limit.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        password: SecretKeyRef,
        database: str | None = None,
        user: str | None = None,
        storage: str = DEFAULT_POSTGRES_STORAGE,
        storage_class: str = DEFAULT_STORAGE_CLASS,
        retain_claim_on_delete: bool = False,
        image: str = DEFAULT_POSTGRES_IMAGE,
        resources: Resources = DEFAULT_POSTGRES_RESOURCES,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        check_claim(where, storage, storage_class)
        v.check_image(where, "image", image)
        v.check_secret_ref(where, "password", password)
        super().__init__(scope, id)

        self.role = StoreRole.POSTGRES
        self.component = POSTGRES_COMPONENT
        self.name = runtime.name(POSTGRES_COMPONENT)
        self.port = POSTGRES_PORT
        self.storage = storage
        container = {
            "name": "postgres",
            "image": image,
            "env": [
                {"name": "POSTGRES_DB", "value": database or runtime.app},
                {"name": "POSTGRES_USER", "value": user or runtime.app},
                {"name": "POSTGRES_PASSWORD", "valueFrom": secret_source(password)},
                # A subdirectory: a fresh volume's lost+found would stop initdb.
                {"name": "PGDATA", "value": f"{DATA_DIR}/pgdata"},
            ],
            "ports": [{"name": "postgres", "containerPort": POSTGRES_PORT, "protocol": "TCP"}],
            "resources": resources_dict(resources),
            "readinessProbe": _pg_isready(user or runtime.app, database or runtime.app, period=10),
            "livenessProbe": {
                **_pg_isready(user or runtime.app, database or runtime.app, period=30), "initialDelaySeconds": 30, "failureThreshold": 6,
            },
            "volumeMounts": [{"name": "data", "mountPath": DATA_DIR}, {"name": "run", "mountPath": SOCKET_DIR}],
        }
        objects = emit_stateful_store(
            self, runtime,
            component=POSTGRES_COMPONENT, port_name="postgres", port=POSTGRES_PORT,
            container=container,
            claim=claim_template(runtime, POSTGRES_COMPONENT, storage=storage, storage_class=storage_class),
            retain_claim_on_delete=retain_claim_on_delete,
            security=POSTGRES_SECURITY,
            volumes=[{"name": "run", "emptyDir": {"sizeLimit": "16Mi"}}],
        )
        self.stateful_set = objects.stateful_set
        self.service = objects.service
        self.headless_service = objects.headless_service


def _pg_isready(user: str, database: str, *, period: int) -> dict[str, Any]:
    return {
        "exec": {"command": ["pg_isready", "-h", "127.0.0.1", "-p", str(POSTGRES_PORT), "-U", user, "-d", database]},
        "periodSeconds": period,
        "timeoutSeconds": 5,
    }


def from_plan(chart: Any, id: str, store: StorePlan) -> PostgresStatefulSet:
    """The in-cluster database of a ``DjangoChart`` (``POSTGRES.construct``)."""
    spec = store.spec
    assert isinstance(spec, InCluster) and store.storage is not None and store.image is not None
    return PostgresStatefulSet(chart, id, runtime=chart.runtime, password=chart.plan.database_password, storage=store.storage,
                               storage_class=spec.storage_class, resources=store.resources, image=store.image)

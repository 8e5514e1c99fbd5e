"""``ManagedDataStore``: the stable in-cluster name of a managed store (RDS, ElastiCache, Amazon MQ)."""

from __future__ import annotations

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.options import StoreRole

__all__ = ["ManagedDataStore"]


class ManagedDataStore(DjangoConstruct):
    """A Service of type ExternalName: ``<app>-<component>`` resolves to the managed host.

    The app dials the same name as in staging (``<app>-postgres``,
    ``<app>-redis-cache``, ``<app>-redis-broker``); cluster DNS answers with a
    CNAME to the managed endpoint. ExternalName takes a DNS name, never an IP
    address. TLS clients see the alias, not the endpoint's name: see the
    README's "TLS through ExternalName" for how verification works.

    Args:
        runtime: the app runtime (names, labels, namespace).
        component: the store's role (``StoreRole``), or the stable name's suffix as a string.
        host: the managed endpoint's DNS name, e.g. ``shop.abc.eu-west-1.rds.amazonaws.com``.
        port: the endpoint's port (documentation for readers; ExternalName does not remap ports).
        tls: the endpoint speaks TLS (KEDA's scaler then dials it with TLS). Default False.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        component: StoreRole | str,
        host: str,
        port: int,
        tls: bool = False,
    ) -> None:
        component = component.value if isinstance(component, StoreRole) else component
        where = LazyPath(scope, id)
        v.check_dns_label(where, "component", component, max_len=63 - len(runtime.app) - 1)
        v.check_host_name(where, "host", host)
        v.check_port(where, "port", port)
        super().__init__(scope, id)

        self.component = component
        self.name = runtime.name(component)
        self.host = host
        self.port = port
        self.tls = tls
        self.service: ApiObject = emit(self, "Resource", {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": runtime.metadata(component),
            "spec": {
                "type": "ExternalName",
                "externalName": host,
                "ports": [{"name": "tcp", "port": port, "targetPort": port, "protocol": "TCP"}],
            },
        })

    @property
    def keda_address(self) -> str:
        """The endpoint itself: KEDA verifies TLS against the name it dials, which our alias is not."""
        return f"{self.host}:{self.port}"

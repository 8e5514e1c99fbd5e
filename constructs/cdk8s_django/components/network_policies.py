"""``NetworkPolicies``: deny ingress by default, then open exactly the paths the app uses."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import LABEL_COMPONENT, LABEL_PART_OF, emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import DEFAULT_NETWORK_ACCESS
from ..model.options import METADATA_ENDPOINTS, NetworkAccess
from ..model.preview import BASELINE_EGRESS, BASELINE_INGRESS, LABEL_BASELINE
from ..stores import store_components
from .celery_worker import CeleryWorker
from .django_web import DjangoWeb
from .managed_data_store import ManagedDataStore

__all__ = ["STORE_COMPONENTS", "InClusterStore", "NetworkPolicies"]

STORE_COMPONENTS = store_components()


@runtime_checkable
class InClusterStore(Protocol):
    """A store whose pods run in the namespace: ``PostgresStatefulSet`` or ``RedisStatefulSet``."""

    @property
    def component(self) -> str: ...

    @property
    def port(self) -> int: ...


KUBE_DNS = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
}
NODE_LOCAL_DNS = "169.254.20.10/32"
# The EKS Pod Identity agent (credentials over HTTP on the node), for clusters that use it instead of IRSA.
POD_IDENTITY_AGENT = ("169.254.170.23/32", "fd00:ec2::23/128")
DNS_PORTS = [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]


def _namespace(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def _ip_block(cidr: str) -> dict[str, Any]:
    """An ipBlock that never includes the instance metadata endpoint."""
    network = ipaddress.ip_network(cidr)
    excluded = [m for m in METADATA_ENDPOINTS if (e := ipaddress.ip_network(m)).version == network.version
                and e.subnet_of(network) and e != network]  # type: ignore[arg-type]
    return {"ipBlock": {"cidr": cidr, **({"except": excluded} if excluded else {})}}


def default_egress_rules() -> list[dict[str, Any]]:
    """Every pod in the cluster, DNS, and any address but the instance metadata endpoint."""
    return [
        {"to": [{"namespaceSelector": {}}]},
        {"to": [KUBE_DNS], "ports": DNS_PORTS},
        {"to": [_ip_block("0.0.0.0/0"), _ip_block("::/0")]},
    ]


class NetworkPolicies(DjangoConstruct):
    """NetworkPolicies for one app's namespace (needs a CNI that enforces them).

    - ``<app>-default-deny``: no ingress to any pod unless a policy below allows it (labelled
      ``cdk8s-django/baseline=ingress``);
    - ``<app>-web``: the web traffic port (nginx's, with ``NginxStatic``) from the load balancer (CIDRs or the ingress
      controller's namespace; with neither, from nowhere) and, when it has a metrics port, from the
      monitoring namespace;
    - ``<app>-<worker>-metrics``: worker metrics ports from the monitoring namespace (with ``monitoring``);
    - ``<app>-<store>``: each in-cluster store only from the app's own pods
      (and the broker from KEDA when it scales on queue length).

    - ``<app>-egress``: every pod may reach any pod in the cluster, DNS and any address but the
      instance metadata endpoint (IRSA needs none of it); ``NetworkAccess.egress`` replaces it
      with an allow-list (labelled ``cdk8s-django/baseline=egress``).

    Args:
        runtime: the app runtime (names, labels, namespace).
        web: the ``DjangoWeb`` whose traffic port (and metrics port) the load balancer (and Prometheus) reach.
        access: who may connect from outside the namespace. Default ``NetworkAccess()``.
        workers: the ``CeleryWorker``s whose metrics ports Prometheus scrapes. Default none.
        monitoring: open the workers' metrics ports to the monitoring namespace. Default False.
        stores: the in-cluster stores, each reachable from the app's pods only. Default none.
        keda_stores: the stores KEDA's operator must reach too (the broker it reads queues from). Default none.
        managed_stores: the managed stores, whose ports an ``EgressAllowList`` opens to its ``managed_cidrs``. Default none.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        web: DjangoWeb,
        access: NetworkAccess = DEFAULT_NETWORK_ACCESS,
        workers: Sequence[CeleryWorker] = (),
        monitoring: bool = False,
        stores: Sequence[InClusterStore] = (),
        keda_stores: Sequence[InClusterStore] = (),
        managed_stores: Sequence[ManagedDataStore] = (),
    ) -> None:
        v.check_network_access(LazyPath(scope, id), "access", access)
        super().__init__(scope, id)
        self._runtime = runtime
        self._access = access
        present = {store.component for store in (*stores, *managed_stores)}
        # Store pods are never app pods: the environment's own stores, in the registry's order (all, without any).
        self._store_components = [c for c in STORE_COMPONENTS if c in present or not present]
        self.policies: list[ApiObject] = [self._policy("DefaultDeny", "default-deny", {}, [], baseline=BASELINE_INGRESS)]
        self.policies.append(self._policy("Web", "web", runtime.selector(web.component), self._web_rules(web)))
        for worker in sorted((w for w in workers if monitoring and w.metrics_port), key=lambda w: w.component):
            self.policies.append(self._policy(
                f"Metrics-{worker.component}", f"{worker.component}-metrics", runtime.selector(worker.component),
                [self._from_monitoring(worker.metrics_port)],
            ))
        self.egress_policy = self._policy("Egress", "egress", {}, self._egress_rules(stores, managed_stores), direction="Egress",
                                          baseline=BASELINE_EGRESS)
        self.policies.append(self.egress_policy)
        keda = {store.component for store in keda_stores}
        for store in sorted(stores, key=lambda s: s.component):
            sources = [self._app_pods()]
            if store.component in keda:
                sources.append(_namespace(access.keda_namespace))
            self.policies.append(self._policy(
                f"Store-{store.component}", store.component, runtime.selector(store.component),
                [{"from": sources, "ports": [{"port": store.port, "protocol": "TCP"}]}],
            ))

    def _egress_rules(self, stores: Sequence[InClusterStore], managed_stores: Sequence[ManagedDataStore]) -> list[dict[str, Any]]:
        allow = self._access.egress
        if allow is None:
            return default_egress_rules()
        rules: list[dict[str, Any]] = [{"to": [KUBE_DNS, {"ipBlock": {"cidr": NODE_LOCAL_DNS}}], "ports": DNS_PORTS}]
        rules += [{"to": [{"podSelector": {"matchLabels": self._runtime.selector(store.component)}}],
                   "ports": [{"port": store.port, "protocol": "TCP"}]} for store in sorted(stores, key=lambda s: s.component)]
        ports = sorted({store.port for store in managed_stores})
        if ports and allow.managed_cidrs:
            rules.append({"to": [_ip_block(c) for c in allow.managed_cidrs], "ports": [{"port": p, "protocol": "TCP"} for p in ports]})
        rules.append({"to": [{"ipBlock": {"cidr": c}} for c in POD_IDENTITY_AGENT], "ports": [{"port": 80, "protocol": "TCP"}]})
        if allow.https_cidrs:
            rules.append({"to": [_ip_block(c) for c in allow.https_cidrs], "ports": [{"port": 443, "protocol": "TCP"}]})
        return rules

    def _web_rules(self, web: DjangoWeb) -> list[dict[str, Any]]:
        access = self._access
        sources: list[dict[str, Any]] = [{"ipBlock": {"cidr": cidr}} for cidr in access.load_balancer_cidrs]
        if access.ingress_namespace:
            sources.append(_namespace(access.ingress_namespace))
        # No source, no rule: an empty `from` would admit every pod in every namespace.
        # The port the Service targets: nginx's when it runs in the pod (gunicorn then listens on 127.0.0.1 only).
        rules = [{"from": sources, "ports": [{"port": web.traffic_port, "protocol": "TCP"}]}] if sources else []
        if web.metrics_port:
            rules.append(self._from_monitoring(web.metrics_port))
        return rules

    def _from_monitoring(self, port: int | None) -> dict[str, Any]:
        return {"from": [_namespace(self._access.monitoring_namespace)], "ports": [{"port": port, "protocol": "TCP"}]}

    def _app_pods(self) -> dict[str, Any]:
        return {
            "podSelector": {
                "matchLabels": {LABEL_PART_OF: self._runtime.app},
                "matchExpressions": [{"key": LABEL_COMPONENT, "operator": "NotIn", "values": self._store_components}],
            }
        }

    def _policy(self, id: str, suffix: str, selector: Mapping[str, str], rules: list[dict[str, Any]], *,
                direction: str = "Ingress", baseline: str | None = None) -> ApiObject:
        """``baseline``: one of the two policies the namespace starts from, labelled so that ``NamespaceFence``
        admits a preview's pods only while both are in place."""
        runtime = self._runtime
        metadata = runtime.metadata("network-policy", name=runtime.name(suffix))
        if baseline is not None:
            metadata["labels"] = {**metadata["labels"], LABEL_BASELINE: baseline}
        return emit(self, id, {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": metadata,
            "spec": {"podSelector": {"matchLabels": dict(selector)}, "policyTypes": [direction], direction.lower(): rules},
        })

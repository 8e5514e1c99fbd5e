"""``NetworkPolicies``: deny ingress by default, then open exactly the paths the app uses."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath
from ..k8s._manifest import LABEL_COMPONENT, LABEL_PART_OF, emit
from ..k8s.runtime import AppRuntime
from ..spec import _validation as v

__all__ = ["STORE_COMPONENTS", "NetworkAccess", "NetworkPolicies", "check_network_access"]

STORE_COMPONENTS = ("postgres", "redis-cache", "redis-broker")


@dataclass(frozen=True)
class NetworkAccess:
    """Who may open connections into the namespace.

    Attributes:
        load_balancer_cidrs: source ranges of load-balancer traffic to the web pods: with the AWS
            Load Balancer Controller's IP targets, the CIDRs of the ALB's subnets (not the whole VPC:
            with the VPC CNI every pod has a VPC address). Default none (required with an ALB Ingress).
        ingress_namespace: namespace of an in-cluster ingress controller (nginx) allowed
            to reach the web pods, instead of or beside the CIDRs. Default None.
        monitoring_namespace: namespace whose pods (Prometheus) may scrape metrics. Default ``monitoring``.
        keda_namespace: namespace of KEDA's operator, allowed to read the in-cluster
            broker's queue lengths. Default ``keda``.
    """

    load_balancer_cidrs: tuple[str, ...] = ()
    ingress_namespace: str | None = None
    monitoring_namespace: str = "monitoring"
    keda_namespace: str = "keda"


def check_network_access(where: LazyPath, prop: str, access: NetworkAccess) -> None:
    for cidr in access.load_balancer_cidrs:
        try:
            ipaddress.ip_network(cidr)
        except ValueError:
            raise v.ConfigError(where, f"{prop}.load_balancer_cidrs", cidr, "a CIDR such as '10.0.1.0/24'", "give the ALB subnets' CIDR blocks") from None
    for name in ("ingress_namespace", "monitoring_namespace", "keda_namespace"):
        value = getattr(access, name)
        if value is not None:
            v.check_dns_label(where, f"{prop}.{name}", value)


def _namespace(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


class NetworkPolicies(DjangoConstruct):
    """NetworkPolicies for one app's namespace (needs a CNI that enforces them).

    - ``<app>-default-deny``: no ingress to any pod unless a policy below allows it;
    - ``<app>-web``: the web port from the load balancer (CIDRs or the ingress
      controller's namespace) and, when scraped, from the monitoring namespace;
    - ``<app>-<worker>-metrics``: worker metrics ports from the monitoring namespace;
    - ``<app>-<store>``: each in-cluster store only from the app's own pods
      (and the broker from KEDA when it scales on queue length).

    Egress is not restricted: the app reaches S3, managed stores and APIs outside.

    Args:
        runtime: the app runtime (names, labels, namespace).
        access: who may connect from outside the namespace. Default ``NetworkAccess()``.
        web_port: the web container port. Required.
        metrics_ports: component to metrics port name scraped by Prometheus. Default none.
        stores: in-cluster store components with their port. Default none.
        keda_components: store components KEDA must reach. Default none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        web_port: int,
        access: NetworkAccess = NetworkAccess(),
        metrics_ports: Mapping[str, int] | None = None,
        stores: Mapping[str, int] | None = None,
        keda_components: Sequence[str] = (),
    ) -> None:
        check_network_access(LazyPath(scope, id), "access", access)
        super().__init__(scope, id)
        self._runtime = runtime

        app_pods = {
            "podSelector": {
                "matchLabels": {LABEL_PART_OF: runtime.app},
                "matchExpressions": [{"key": LABEL_COMPONENT, "operator": "NotIn", "values": list(STORE_COMPONENTS)}],
            }
        }
        self.policies: list[ApiObject] = [self._policy("DefaultDeny", "default-deny", {}, [])]

        web_from: list[dict[str, Any]] = [{"ipBlock": {"cidr": cidr}} for cidr in access.load_balancer_cidrs]
        if access.ingress_namespace:
            web_from.append(_namespace(access.ingress_namespace))
        web_rules = [{"from": web_from, "ports": [{"port": web_port, "protocol": "TCP"}]}]
        metrics_ports = dict(metrics_ports or {})
        if "web" in metrics_ports:
            web_rules.append({"from": [_namespace(access.monitoring_namespace)], "ports": [{"port": metrics_ports.pop("web"), "protocol": "TCP"}]})
        self.policies.append(self._policy("Web", "web", runtime.selector("web"), web_rules))
        for component, port in sorted(metrics_ports.items()):
            self.policies.append(self._policy(
                f"Metrics-{component}", f"{component}-metrics", runtime.selector(component),
                [{"from": [_namespace(access.monitoring_namespace)], "ports": [{"port": port, "protocol": "TCP"}]}],
            ))
        for component, port in sorted((stores or {}).items()):
            sources = [app_pods]
            if component in keda_components:
                sources.append(_namespace(access.keda_namespace))
            self.policies.append(self._policy(
                f"Store-{component}", component, runtime.selector(component),
                [{"from": sources, "ports": [{"port": port, "protocol": "TCP"}]}],
            ))

    def _policy(self, id: str, suffix: str, selector: Mapping[str, str], rules: list[dict[str, Any]]) -> ApiObject:
        runtime = self._runtime
        return emit(self, id, {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": runtime.metadata("network-policy", name=runtime.name(suffix)),
            "spec": {"podSelector": {"matchLabels": dict(selector)}, "policyTypes": ["Ingress"], "ingress": rules},
        })

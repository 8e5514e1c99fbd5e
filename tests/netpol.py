"""A small NetworkPolicy evaluator so tests can assert who can reach whom, from the
synthesized policies, without a cluster.

Ingress (``allowed``) and egress (``egress_allowed``) follow the ``networking.k8s.io/v1`` semantics:

* a policy applies to a target pod when it lives in the pod's namespace, its
  ``spec.podSelector`` selects the pod and its ``policyTypes`` include ``Ingress``
  (an absent or empty ``policyTypes`` always includes ``Ingress``, and ``Egress`` when the
  policy has ``egress`` rules); for egress, to the *source* pod, with ``to`` for ``from``;
* a pod no policy applies to accepts everything; otherwise traffic is allowed iff at
  least one ingress rule of at least one applying policy allows it (policies add up);
* in a rule, an absent or empty ``from`` allows every source and an absent or empty
  ``ports`` allows every port and protocol;
* a peer's ``podSelector`` alone selects pods in the *policy's* namespace, a
  ``namespaceSelector`` alone selects every pod of the matching namespaces, both in
  one peer select the matching pods of the matching namespaces (AND), and ``ipBlock``
  only ever matches sources given as an IP address.

Simplifications: pod sources never match an ``ipBlock`` and IP sources never match a
selector; named ports resolve through a plain ``name -> number`` map (the named
port's protocol is not checked); traffic a pod sends to itself or receives from its
node is not special-cased. Manifests Kubernetes would reject (a peer with no
selector, ``ipBlock`` mixed with selectors, ``endPort`` with a named port, an
unknown selector operator, a policy without a namespace) raise ``ValueError``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Pod", "Source", "allowed", "egress_allowed", "matrix", "render_matrix"]

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
_API_VERSION = "networking.k8s.io/v1"


class _Labels(Mapping[str, str]):
    """An immutable, hashable ``str -> str`` mapping (a pod's labels)."""

    __slots__ = ("_items",)

    def __init__(self, labels: Mapping[str, str] | None = None) -> None:
        self._items: dict[str, str] = dict(labels or {})

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return repr(self._items)


@dataclass(frozen=True)
class Pod:
    """A pod as policies see it: where it runs and its labels. Hashable."""

    name: str
    namespace: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", _Labels(self.labels))


Source = Pod | str
"""Where traffic comes from: a pod, or an IP address such as a load balancer node's."""


def allowed(
    policies: list[dict[str, Any]],
    namespaces: Mapping[str, Mapping[str, str]],
    source: Pod | str,
    target: Pod,
    port: int,
    protocol: str = "TCP",
    target_ports: Mapping[str, int] | None = None,
) -> bool:
    """Whether the ingress rules of ``policies`` let ``source`` reach ``target`` on ``port``.

    Args:
        policies: manifests as parsed from YAML; documents of another kind are ignored,
            so every document of a chart can be passed as is.
        namespaces: namespace name -> its labels. Every namespace also carries
            ``kubernetes.io/metadata.name: <name>``; a namespace missing here has only
            that label.
        source: the client pod, or an IP address string for traffic from outside pods.
        target: the server pod.
        port: the container port on ``target`` (after any Service port mapping).
        protocol: ``TCP``, ``UDP`` or ``SCTP``.
        target_ports: the target's named container ports, ``name -> number``.
    """
    if not isinstance(source, Pod):
        ipaddress.ip_address(source)  # a typo in a test must not read as "denied"
    applying = [p for p in _network_policies(policies) if _applies_to(p, target)]
    if not applying:
        return True
    ports = target_ports or {}
    for policy in applying:
        policy_namespace = policy["metadata"]["namespace"]
        for rule in policy["spec"].get("ingress") or []:
            if _rule_allows(rule, policy_namespace, namespaces, source, port, protocol, ports):
                return True
    return False


def egress_allowed(
    policies: list[dict[str, Any]],
    namespaces: Mapping[str, Mapping[str, str]],
    source: Pod,
    destination: Pod | str,
    port: int,
    protocol: str = "TCP",
) -> bool:
    """Whether the egress rules of ``policies`` let ``source`` open a connection to ``destination``
    (a pod, or an IP address outside the pod network) on ``port``. A pod destination never matches
    an ``ipBlock`` (as Cilium treats pod IPs), and an IP destination never matches a selector."""
    if not isinstance(destination, Pod):
        ipaddress.ip_address(destination)
    applying = [p for p in _network_policies(policies) if _applies_to(p, source, "Egress")]
    if not applying:
        return True
    for policy in applying:
        for rule in policy["spec"].get("egress") or []:
            renamed = {"from": rule.get("to"), "ports": rule.get("ports")}
            if _rule_allows(renamed, policy["metadata"]["namespace"], namespaces, destination, port, protocol, {}):
                return True
    return False


def matrix(
    policies: list[dict[str, Any]],
    namespaces: Mapping[str, Mapping[str, str]],
    sources: Mapping[str, Pod | str],
    targets: Mapping[str, tuple[Pod, int]],
    target_ports_by_target: Mapping[str, Mapping[str, int]] | None = None,
) -> dict[str, dict[str, bool]]:
    """``result[source name][target name]``: whether each source reaches each target's
    port over TCP. ``target_ports_by_target`` gives each target's named ports."""
    named = target_ports_by_target or {}
    return {
        source_name: {
            target_name: allowed(
                policies, namespaces, source, pod, port, "TCP", named.get(target_name)
            )
            for target_name, (pod, port) in targets.items()
        }
        for source_name, source in sources.items()
    }


def render_matrix(m: Mapping[str, Mapping[str, bool]]) -> str:
    """A plain-text table of a :func:`matrix`: one row per source, one column per target
    (in insertion order), cells ``yes`` or ``-``."""
    if not m:
        return ""
    columns = list(next(iter(m.values())))
    for source_name, row in m.items():
        if list(row) != columns:
            raise ValueError(f"row {source_name!r} has targets {list(row)}, expected {columns}")
    header = ["", *columns]
    rows = [[name, *("yes" if row[c] else "-" for c in columns)] for name, row in m.items()]
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
        for line in [header, *rows]
    )


# -- policies -----------------------------------------------------------------------


def _network_policies(documents: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for doc in documents:
        if not doc or doc.get("kind") != "NetworkPolicy":
            continue
        if doc.get("apiVersion") != _API_VERSION:
            version = doc.get("apiVersion")
            raise ValueError(f"NetworkPolicy with apiVersion {version!r}, expected {_API_VERSION}")
        if not (doc.get("metadata") or {}).get("namespace"):
            name = (doc.get("metadata") or {}).get("name")
            raise ValueError(f"NetworkPolicy {name!r} has no metadata.namespace")
        yield doc


def _applies_to(policy: dict[str, Any], target: Pod, direction: str = "Ingress") -> bool:
    spec = policy.get("spec") or {}
    if policy["metadata"]["namespace"] != target.namespace:
        return False
    # An absent or empty policyTypes defaults to ["Ingress"] (+ "Egress" if egress rules).
    types = spec.get("policyTypes") or ["Ingress", *(["Egress"] if "egress" in spec else [])]
    if direction not in types:
        return False
    return _selects(spec.get("podSelector") or {}, target.labels)


def _rule_allows(
    rule: dict[str, Any],
    policy_namespace: str,
    namespaces: Mapping[str, Mapping[str, str]],
    source: Pod | str,
    port: int,
    protocol: str,
    target_ports: Mapping[str, int],
) -> bool:
    peers = rule.get("from") or []
    if peers and not any(_peer_matches(p, policy_namespace, namespaces, source) for p in peers):
        return False
    entries = rule.get("ports") or []
    return not entries or any(_port_matches(e, port, protocol, target_ports) for e in entries)


def _peer_matches(
    peer: dict[str, Any],
    policy_namespace: str,
    namespaces: Mapping[str, Mapping[str, str]],
    source: Pod | str,
) -> bool:
    pod_selector = peer.get("podSelector")
    namespace_selector = peer.get("namespaceSelector")
    ip_block = peer.get("ipBlock")
    has_selector = pod_selector is not None or namespace_selector is not None
    if ip_block is not None:
        if has_selector:
            raise ValueError(f"peer {peer!r} mixes ipBlock with a selector")
        return isinstance(source, str) and _in_ip_block(ip_block, source)
    if not has_selector:
        raise ValueError(f"peer {peer!r} has no podSelector, namespaceSelector or ipBlock")
    if not isinstance(source, Pod):
        return False
    if namespace_selector is None:
        in_namespace = source.namespace == policy_namespace
    else:
        in_namespace = _selects(namespace_selector, _namespace_labels(namespaces, source.namespace))
    return in_namespace and (pod_selector is None or _selects(pod_selector, source.labels))


def _namespace_labels(namespaces: Mapping[str, Mapping[str, str]], name: str) -> dict[str, str]:
    return {**namespaces.get(name, {}), NAMESPACE_NAME_LABEL: name}


def _in_ip_block(ip_block: dict[str, Any], source: str) -> bool:
    address = ipaddress.ip_address(source)
    if address not in ipaddress.ip_network(ip_block["cidr"], strict=False):
        return False
    return not any(
        address in ipaddress.ip_network(cidr, strict=False) for cidr in ip_block.get("except") or []
    )


def _port_matches(entry: dict[str, Any], port: int, protocol: str, target_ports: Mapping[str, int]) -> bool:
    if str(entry.get("protocol") or "TCP").upper() != protocol.upper():
        return False
    wanted = entry.get("port")
    end_port = entry.get("endPort")
    if wanted is None:
        if end_port is not None:
            raise ValueError(f"port entry {entry!r} has endPort without port")
        return True  # every port of that protocol
    if isinstance(wanted, str):
        if end_port is not None:
            raise ValueError(f"port entry {entry!r} has endPort with a named port")
        return wanted in target_ports and target_ports[wanted] == port
    if end_port is None:
        return port == wanted
    if end_port < wanted:
        raise ValueError(f"port entry {entry!r} has endPort below port")
    return wanted <= port <= end_port


# -- label selectors ----------------------------------------------------------------


def _selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """A ``metav1.LabelSelector`` against labels; the empty selector matches everything."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    return all(_expression_matches(e, labels) for e in selector.get("matchExpressions") or [])


def _expression_matches(expression: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    key = expression["key"]
    operator = expression["operator"]
    values = expression.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    raise ValueError(f"unknown label selector operator {operator!r}")

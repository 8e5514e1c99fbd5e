"""The preview guard: what a preview's own manifests cannot weaken in its namespace.

Every expression runs in cel-python (``admission.py``, with Kubernetes' IP and CIDR library
modelled on Go's netip) against a real preview's objects, a matrix of tampering, and random
NetworkPolicies whose metadata-endpoint verdict is checked against Python's ``ipaddress``.
"""

from __future__ import annotations

import copy
import ipaddress
from datetime import UTC, datetime
from typing import Any

import main
import pytest
from cdk8s import App
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _k8s import by_kind, synth
from admission import admit
from cdk8s_django import DjangoChart, Environment, mark_for_argo_cd
from cdk8s_django.testing import pod_spec
from conftest import FENCE

TRACKING = "argocd.argoproj.io/tracking-id"
CI = ("system:authenticated", "ci-deployers")
METADATA = [ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")]


@pytest.fixture(scope="module")
def fence(cluster_docs: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    docs = cluster_docs[FENCE]
    return {"policies": by_kind(docs, "ValidatingAdmissionPolicy"), "bindings": by_kind(docs, "ValidatingAdmissionPolicyBinding")}


@pytest.fixture(scope="module")
def preview() -> list[dict[str, Any]]:
    """A preview exactly as `make preview` renders it."""
    environment = Environment.for_branch("feature/JIRA-9 checkout", owner="alice", domain=main.PREVIEW_DOMAIN,
                                         created_at=datetime(2026, 11, 26, 9, tzinfo=UTC), ingress=main.STAGING_INGRESS,
                                         network=main.STAGING_NETWORK)
    chart = DjangoChart(App(), environment.name, django_app=main.shop, environment=environment)
    mark_for_argo_cd(chart)
    return synth(chart)


def _namespace_of(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return by_kind(docs, "Namespace")[0]


def _admit(fence: dict[str, list[dict[str, Any]]], operation: str, obj: dict[str, Any] | None, *, old: dict[str, Any] | None = None,
           namespace: str = "", params: list[dict[str, Any]] = (), terminating: bool = False, **request: Any) -> Any:  # type: ignore[assignment]
    resource = {"Namespace": "namespaces", "NetworkPolicy": "networkpolicies", "Pod": "pods",
                "ClusterRoleBinding": "clusterrolebindings", "RoleBinding": "rolebindings"}.get((obj or old or {}).get("kind", ""), "configmaps")
    group = {"networkpolicies": "networking.k8s.io", "clusterrolebindings": "rbac.authorization.k8s.io",
             "rolebindings": "rbac.authorization.k8s.io"}.get(resource, "")
    namespace_object = {"metadata": {"name": namespace, **({"deletionTimestamp": "2026-11-27T00:00:00Z"} if terminating else {})}}
    return admit(fence["policies"], operation, groups=CI, obj=obj, old=old, resource=request.get("resource", resource), group=group,
                 namespace=namespace, namespace_object=namespace_object if namespace else None, bindings=fence["bindings"], params=params)


def _pod(docs: list[dict[str, Any]], namespace: str) -> dict[str, Any]:
    spec = next(s for d in docs if (s := pod_spec(d)) is not None)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": namespace}, "spec": spec}


# --- the real preview is admitted --------------------------------------------------------------

def test_a_real_preview_is_admitted_whole(fence: dict[str, list[dict[str, Any]]], preview: list[dict[str, Any]]) -> None:
    namespace = _namespace_of(preview)
    name = namespace["metadata"]["name"]
    assert _admit(fence, "CREATE", namespace).allowed
    policies = by_kind(preview, "NetworkPolicy")
    assert sorted(p["metadata"]["labels"].get("cdk8s-django/baseline", "") for p in policies)[-2:] == ["egress", "ingress"]
    for policy in policies:
        assert _admit(fence, "CREATE", policy, namespace=name).messages == (), policy["metadata"]["name"]
    assert _admit(fence, "CREATE", _pod(preview, name), namespace=name, params=policies).allowed
    # Argo CD writes every object for the Application named as the namespace (the ApplicationSet's template).
    for doc in preview:
        tracked = copy.deepcopy(doc)
        tracked["metadata"].setdefault("annotations", {})[TRACKING] = f"{name}:{doc['apiVersion']}/{doc['kind']}:{name}/x"
        assert _admit(fence, "CREATE", tracked, namespace="" if doc["kind"] == "Namespace" else name).allowed, doc["kind"]


def test_the_committed_environments_are_not_the_guards(fence: dict[str, list[dict[str, Any]]],
                                                       example_docs: dict[str, list[dict[str, Any]]]) -> None:
    """Outside pr- namespaces nothing changes: an open egress policy or a pod without baselines is the environment's own call."""
    open_egress = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "open"},
                   "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]}}
    for env, docs in example_docs.items():
        name = _namespace_of(docs)["metadata"]["name"]
        assert _admit(fence, "CREATE", _namespace_of(docs)).allowed, env
        assert _admit(fence, "CREATE", open_egress, namespace=name).allowed, env
        assert _admit(fence, "CREATE", _pod(docs, name), namespace=name).allowed, env


# --- tampering ----------------------------------------------------------------------------------

PSA = "pod-security.kubernetes.io/enforce"


@pytest.mark.parametrize(("labels", "message"), [
    ({PSA: "privileged"}, "a preview namespace enforces Pod Security 'restricted': keep the label pod-security.kubernetes.io/enforce=restricted"),
    ({PSA: "baseline"}, "a preview namespace enforces Pod Security 'restricted': keep the label pod-security.kubernetes.io/enforce=restricted"),
    ({PSA: None}, "a preview namespace enforces Pod Security 'restricted': keep the label pod-security.kubernetes.io/enforce=restricted"),
    ({"pod-security.kubernetes.io/enforce-version": "v1.20"},
     "a preview namespace enforces the latest Pod Security standard: pod-security.kubernetes.io/enforce-version is 'latest' or absent"),
])
@pytest.mark.parametrize("operation", ["CREATE", "UPDATE"])
@pytest.mark.parametrize("resource", ["namespaces", "namespaces/status"])
def test_a_preview_namespace_keeps_pod_security_restricted(fence: dict[str, list[dict[str, Any]]], preview: list[dict[str, Any]],
                                                           labels: dict[str, str | None], message: str, operation: str, resource: str) -> None:
    namespace = _namespace_of(preview)
    tampered = copy.deepcopy(namespace)
    for key, value in labels.items():
        if value is None:
            tampered["metadata"]["labels"].pop(key)
        else:
            tampered["metadata"]["labels"][key] = value
    decision = _admit(fence, operation, tampered, old=namespace if operation == "UPDATE" else None, resource=resource)
    assert decision.messages == (message,)


def _netpol(spec: dict[str, Any], labels: dict[str, str] | None = None, name: str = "extra") -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "labels": labels or {}}, "spec": {"podSelector": {}, **spec}}


NO_TO = "in a preview namespace, every egress rule names its destinations ('to'): an empty one allows every address"
METADATA_OPEN = ("in a preview namespace, no egress ipBlock may hold the instance metadata endpoint (169.254.169.254/32,"
                 " fd00:ec2::254/128) without excepting it")
NO_FROM = "in a preview namespace, every ingress rule names its sources ('from'): an empty one admits every pod"
SHAPE = ("a cdk8s-django/baseline NetworkPolicy keeps its shape: 'ingress' denies ingress to every pod, 'egress' is every"
         " pod's egress")


def _egress(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": b} for b in blocks]}]}


@pytest.mark.parametrize(("policy", "messages"), [
    (_netpol({"policyTypes": ["Egress"], "egress": [{}]}), (NO_TO,)),
    (_netpol({"policyTypes": ["Egress"], "egress": [{"to": [], "ports": [{"port": 443}]}]}), (NO_TO,)),
    (_netpol(_egress({"cidr": "0.0.0.0/0"})), (METADATA_OPEN,)),
    (_netpol(_egress({"cidr": "::/0"})), (METADATA_OPEN,)),
    (_netpol(_egress({"cidr": "169.254.0.0/16"})), (METADATA_OPEN,)),
    (_netpol(_egress({"cidr": "169.254.169.254/32"})), (METADATA_OPEN,)),
    (_netpol(_egress({"cidr": "169.254.1.1/16"})), (METADATA_OPEN,)),  # host bits set: the API server keeps it as typed
    (_netpol(_egress({"cidr": "128.0.0.0/1"})), (METADATA_OPEN,)),
    (_netpol(_egress({"cidr": "fd00:ec2::/32"})), (METADATA_OPEN,)),
    (_netpol(_egress({"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]})), (METADATA_OPEN,)),
    (_netpol(_egress({"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}), {"cdk8s-django/baseline": "egress"}), ()),
    (_netpol(_egress({"cidr": "0.0.0.0/0", "except": ["169.254.0.0/16"]})), ()),
    (_netpol(_egress({"cidr": "10.0.0.0/8"}, {"cidr": "2001:db8::/32"})), ()),
    (_netpol({"policyTypes": ["Ingress"], "ingress": [{}]}), (NO_FROM,)),
    (_netpol({"policyTypes": ["Ingress"], "ingress": [{"from": []}]}), (NO_FROM,)),
    (_netpol({"policyTypes": ["Ingress"], "ingress": [{"ports": [{"port": 8000}]}]}, {"cdk8s-django/baseline": "ingress"}), (NO_FROM, SHAPE)),
    (_netpol({"podSelector": {"matchLabels": {"a": "b"}}, "policyTypes": ["Ingress"]}, {"cdk8s-django/baseline": "ingress"}), (SHAPE,)),
    (_netpol({"policyTypes": ["Egress"]}, {"cdk8s-django/baseline": "ingress"}), (SHAPE,)),
    (_netpol({"policyTypes": ["Ingress"]}, {"cdk8s-django/baseline": "something"}), (SHAPE,)),
])
def test_no_network_policy_in_a_preview_opens_what_the_baseline_closes(fence: dict[str, list[dict[str, Any]]], policy: dict[str, Any],
                                                                       messages: tuple[str, ...]) -> None:
    assert _admit(fence, "CREATE", policy, namespace="pr-shop--x").messages == messages
    assert _admit(fence, "UPDATE", policy, old=policy, namespace="pr-shop--x").messages == messages


def test_the_baselines_stay_until_their_namespace_goes(fence: dict[str, list[dict[str, Any]]], preview: list[dict[str, Any]]) -> None:
    name = _namespace_of(preview)["metadata"]["name"]
    policies = by_kind(preview, "NetworkPolicy")
    baselines = [p for p in policies if "cdk8s-django/baseline" in p["metadata"]["labels"]]
    for policy in baselines:
        assert _admit(fence, "DELETE", None, old=policy, namespace=name).messages == (
            "a preview's baseline NetworkPolicy is deleted only with its namespace",)
        assert _admit(fence, "DELETE", None, old=policy, namespace=name, terminating=True).allowed
        unlabelled = copy.deepcopy(policy)
        del unlabelled["metadata"]["labels"]["cdk8s-django/baseline"]
        assert _admit(fence, "UPDATE", unlabelled, old=policy, namespace=name).messages == (
            "the label cdk8s-django/baseline stays on a baseline NetworkPolicy, with its value",)
    other = next(p for p in policies if "cdk8s-django/baseline" not in p["metadata"]["labels"])
    assert _admit(fence, "DELETE", None, old=other, namespace=name).allowed  # the app's own openings come and go
    # Pods only beside both baselines, in their shape.
    pod = _pod(preview, name)
    missing = "cdk8s-django-preview-baseline: no param matches a binding's selector"
    for kept in ([], baselines[:1], baselines[1:]):
        assert _admit(fence, "CREATE", pod, namespace=name, params=[*kept, other]).messages == (missing,) * (2 - len(kept))
    fake = copy.deepcopy(baselines)
    fake[0]["spec"]["podSelector"] = {"matchLabels": {"nobody": "here"}}
    assert not _admit(fence, "CREATE", pod, namespace=name, params=fake).allowed


def test_argo_cd_writes_into_a_preview_only_for_its_own_application(fence: dict[str, list[dict[str, Any]]],
                                                                    preview: list[dict[str, Any]]) -> None:
    name = _namespace_of(preview)["metadata"]["name"]
    message = ("in a preview namespace, Argo CD writes only for the preview's own Application, named as the namespace",)
    for doc in (_namespace_of(preview), by_kind(preview, "ConfigMap")[0]):
        for owner in ("pr-shop--other", "shop-production", f"{name}x", name[:-1]):
            tracked = copy.deepcopy(doc)
            tracked["metadata"].setdefault("annotations", {})[TRACKING] = f"{owner}:/{doc['kind']}:{name}/x"
            namespace = "" if doc["kind"] == "Namespace" else name
            assert _admit(fence, "CREATE", tracked, namespace=namespace).messages == message, (doc["kind"], owner)
            assert _admit(fence, "UPDATE", tracked, old=doc, namespace=namespace).messages == message


@pytest.mark.parametrize(("subjects", "allowed"), [
    ([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "cdk8s-django:preview-reaper"}], True),
    ([{"kind": "ServiceAccount", "name": "ci", "namespace": "ci"}], False),
    ([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "cdk8s-django:preview-reaper"},
      {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "mallory"}], False),
    ([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"}], False),
    ([], False),
])
@pytest.mark.parametrize("kind", ["ClusterRoleBinding", "RoleBinding"])
def test_the_reapers_role_is_bound_to_its_fenced_group_alone(fence: dict[str, list[dict[str, Any]]], subjects: list[dict[str, str]],
                                                             allowed: bool, kind: str) -> None:
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"name": "b"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cdk8s-django-preview-reaper"},
               "subjects": subjects}
    decision = _admit(fence, "CREATE", binding, namespace="ci" if kind == "RoleBinding" else "")
    assert decision.allowed is allowed
    if not allowed:
        assert decision.messages == ("the ClusterRole cdk8s-django-preview-reaper is bound only to the group cdk8s-django:preview-reaper,"
                                     " which the fence confines",)
    other = {**binding, "roleRef": {**binding["roleRef"], "name": "view"}}
    assert _admit(fence, "CREATE", other, namespace="ci" if kind == "RoleBinding" else "").allowed


# --- random NetworkPolicies: never an error, and the metadata verdict is ipaddress's ------------

_V4 = st.builds(lambda a, n: f"{ipaddress.IPv4Address(a)}/{n}", st.integers(0, 2**32 - 1), st.integers(0, 32))
_V6 = st.builds(lambda a, n: f"{ipaddress.IPv6Address(a)}/{n}", st.integers(0, 2**128 - 1), st.integers(0, 128))
_NEAR = st.sampled_from(["169.254.169.254/32", "169.254.0.0/16", "169.254.169.0/24", "0.0.0.0/0", "::/0", "fd00:ec2::254/128",
                         "fd00:ec2::/32", "fc00::/7", "160.0.0.0/3", "169.254.170.23/32"])
_CIDRS = st.one_of(_V4, _V6, _NEAR)
_BLOCKS = st.fixed_dictionaries({"cidr": _CIDRS}, optional={"except": st.lists(_CIDRS, max_size=3)})
_PEERS = st.one_of(st.builds(lambda b: {"ipBlock": b}, _BLOCKS), st.just({"namespaceSelector": {}}), st.just({"podSelector": {}}))
_RULES = st.fixed_dictionaries({}, optional={"to": st.lists(_PEERS, max_size=3), "ports": st.just([{"port": 443}])})


def _reaches_metadata(rules: list[dict[str, Any]]) -> bool:
    """Python's own verdict: some rule allows every address, or an ipBlock holds a metadata address it does not except."""
    for rule in rules:
        if not rule.get("to"):
            return True
        for peer in rule["to"]:
            block = peer.get("ipBlock")
            if block is None:
                continue
            network = ipaddress.ip_network(block["cidr"], strict=False)
            excepted = [ipaddress.ip_network(e, strict=False) for e in block.get("except", [])]
            if any(m in network and not any(m in e for e in excepted) for m in METADATA if m.version == network.version):
                return True
    return False


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rules=st.lists(_RULES, max_size=3), operation=st.sampled_from(["CREATE", "UPDATE", "DELETE"]),
       baseline=st.sampled_from([None, "ingress", "egress"]))
def test_random_policies_never_error_and_the_metadata_endpoint_stays_closed(fence: dict[str, list[dict[str, Any]]], rules: list[dict[str, Any]],
                                                                            operation: str, baseline: str | None) -> None:
    policy = _netpol({"policyTypes": ["Egress"], "egress": rules}, {"cdk8s-django/baseline": baseline} if baseline else None)
    decision = _admit(fence, operation, None if operation == "DELETE" else policy, old=None if operation == "CREATE" else policy,
                      namespace="pr-shop--x")  # admit() raises CelError on any expression error
    if operation != "DELETE" and _reaches_metadata(rules):
        assert not decision.allowed
    if operation == "CREATE" and baseline is None and not _reaches_metadata(rules):
        assert decision.allowed

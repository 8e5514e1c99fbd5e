"""Unit tests of the NetworkPolicy evaluator in ``tests/netpol.py``."""

from __future__ import annotations

from typing import Any

import pytest

from netpol import Pod, allowed, matrix, render_matrix

NAMESPACES = {"shop": {"team": "shop"}, "other": {"team": "other"}, "monitoring": {"purpose": "metrics"}}

WEB = Pod("web", "shop", {"app": "shop", "component": "web"})
WORKER = Pod("worker", "shop", {"app": "shop", "component": "worker"})
POSTGRES = Pod("postgres", "shop", {"app": "shop", "component": "postgres"})
INTRUDER = Pod("intruder", "other", {"app": "shop", "component": "web"})
PROMETHEUS = Pod("prometheus", "monitoring", {"app": "prometheus"})


def policy(
    name: str = "p",
    namespace: str = "shop",
    pod_selector: dict[str, Any] | None = None,
    ingress: list[dict[str, Any]] | None = None,
    policy_types: list[str] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"podSelector": pod_selector if pod_selector is not None else {}}
    if ingress is not None:
        spec["ingress"] = ingress
    if policy_types is not None:
        spec["policyTypes"] = policy_types
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


DENY_ALL = policy("deny-all", policy_types=["Ingress"])
TO_POSTGRES = {"matchLabels": {"component": "postgres"}}


def reaches(policies: list[dict[str, Any]], source: Pod | str, target: Pod = POSTGRES, port: int = 5432,
            **kwargs: Any) -> bool:
    return allowed(policies, NAMESPACES, source, target, port, **kwargs)


# -- which policies apply ------------------------------------------------------------


def test_no_policy_allows_everything() -> None:
    assert reaches([], WORKER)
    assert reaches([], INTRUDER)
    assert reaches([], "203.0.113.9")


def test_non_policy_documents_are_ignored() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}}
    assert reaches([service], INTRUDER)
    assert not reaches([service, DENY_ALL], INTRUDER)


def test_default_deny_blocks_everything() -> None:
    for source in (WORKER, WEB, INTRUDER, PROMETHEUS, "10.0.3.7"):
        assert not reaches([DENY_ALL], source)
    assert not reaches([DENY_ALL], WORKER, target=WEB, port=8000)


def test_policy_with_empty_ingress_list_allows_nothing() -> None:
    assert not reaches([policy(ingress=[])], WORKER)


def test_rule_without_from_or_ports_allows_all() -> None:
    open_rule = policy(ingress=[{}])
    assert reaches([open_rule], INTRUDER, port=1)
    assert reaches([open_rule], "198.51.100.1", protocol="UDP")
    assert reaches([policy(ingress=[{"from": [], "ports": []}])], INTRUDER)


def test_pod_selector_of_the_policy_picks_targets() -> None:
    postgres_only = policy(pod_selector=TO_POSTGRES, policy_types=["Ingress"])
    assert not reaches([postgres_only], WORKER)
    assert reaches([postgres_only], WORKER, target=WEB, port=8000)


def test_policy_in_another_namespace_does_not_apply() -> None:
    deny_other = policy("deny-all", namespace="other", policy_types=["Ingress"])
    assert reaches([deny_other], INTRUDER)
    assert not reaches([deny_other], WORKER, target=INTRUDER)


def test_egress_only_policy_does_not_restrict_ingress() -> None:
    assert reaches([policy(policy_types=["Egress"])], INTRUDER)
    assert not reaches([policy(policy_types=["Egress", "Ingress"])], INTRUDER)


def test_absent_policy_types_include_ingress() -> None:
    assert not reaches([policy(ingress=[])], INTRUDER)
    assert not reaches([policy(ingress=[], policy_types=[])], INTRUDER)


def test_union_of_policies() -> None:
    from_worker = policy("from-worker", pod_selector=TO_POSTGRES,
                         ingress=[{"from": [{"podSelector": {"matchLabels": {"component": "worker"}}}]}])
    from_web = policy("from-web", pod_selector=TO_POSTGRES,
                      ingress=[{"from": [{"podSelector": {"matchLabels": {"component": "web"}}}]}])
    assert reaches([from_worker], WORKER)
    assert not reaches([from_worker], WEB)
    assert reaches([from_worker, from_web], WEB)
    assert reaches([DENY_ALL, from_worker, from_web], WORKER)
    assert not reaches([DENY_ALL, from_worker, from_web], PROMETHEUS)


# -- peers ---------------------------------------------------------------------------


def test_pod_selector_peer_only_matches_the_policys_namespace() -> None:
    from_web = policy(pod_selector=TO_POSTGRES,
                      ingress=[{"from": [{"podSelector": {"matchLabels": {"component": "web"}}}]}])
    assert reaches([from_web], WEB)
    assert not reaches([from_web], INTRUDER)  # same labels, other namespace
    everyone_here = policy(ingress=[{"from": [{"podSelector": {}}]}])
    assert reaches([everyone_here], WORKER)
    assert not reaches([everyone_here], PROMETHEUS)


def test_namespace_selector_via_implicit_name_label() -> None:
    from_monitoring = policy(ingress=[{"from": [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}},
    ]}])
    assert reaches([from_monitoring], PROMETHEUS)
    assert not reaches([from_monitoring], INTRUDER)
    assert not reaches([from_monitoring], WORKER)


def test_implicit_name_label_exists_for_undeclared_namespaces() -> None:
    from_elsewhere = policy(ingress=[{"from": [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "batch"}}},
    ]}])
    assert reaches([from_elsewhere], Pod("job", "batch", {}))
    assert not reaches([from_elsewhere], Pod("job", "batch2", {}))


def test_namespace_selector_uses_declared_labels() -> None:
    from_metrics = policy(ingress=[{"from": [
        {"namespaceSelector": {"matchLabels": {"purpose": "metrics"}}},
    ]}])
    assert reaches([from_metrics], PROMETHEUS)
    assert not reaches([from_metrics], WORKER)
    any_namespace = policy(ingress=[{"from": [{"namespaceSelector": {}}]}])
    assert reaches([any_namespace], INTRUDER)
    assert not reaches([any_namespace], "10.0.3.7")


def test_pod_and_namespace_selector_in_one_peer_is_and() -> None:
    both = policy(ingress=[{"from": [{
        "namespaceSelector": {"matchLabels": {"purpose": "metrics"}},
        "podSelector": {"matchLabels": {"app": "prometheus"}},
    }]}])
    assert reaches([both], PROMETHEUS)
    assert not reaches([both], Pod("grafana", "monitoring", {"app": "grafana"}))
    assert not reaches([both], Pod("prometheus", "shop", {"app": "prometheus"}))


def test_pod_and_namespace_selector_in_two_peers_is_or() -> None:
    either = policy(ingress=[{"from": [
        {"namespaceSelector": {"matchLabels": {"purpose": "metrics"}}},
        {"podSelector": {"matchLabels": {"app": "prometheus"}}},
    ]}])
    assert reaches([either], PROMETHEUS)
    assert reaches([either], Pod("grafana", "monitoring", {"app": "grafana"}))
    assert reaches([either], Pod("prometheus", "shop", {"app": "prometheus"}))
    assert not reaches([either], Pod("prometheus", "other", {"app": "prometheus"}))
    assert not reaches([either], WORKER)


def test_ip_block_with_except() -> None:
    from_vpc = policy(ingress=[{"from": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.9.0/24"]}}]}])
    assert reaches([from_vpc], "10.0.3.7")
    assert not reaches([from_vpc], "10.0.9.7")
    assert not reaches([from_vpc], "10.1.0.1")
    assert not reaches([from_vpc], "fd00::1")
    assert not reaches([from_vpc], WORKER)  # pods never match an ipBlock here


def test_ip_source_never_matches_selectors() -> None:
    from_anyone = policy(ingress=[{"from": [{"podSelector": {}}, {"namespaceSelector": {}}]}])
    assert reaches([from_anyone], WORKER)
    assert not reaches([from_anyone], "10.0.3.7")


def test_invalid_source_address_is_an_error() -> None:
    with pytest.raises(ValueError):
        reaches([DENY_ALL], "10.0.3")


@pytest.mark.parametrize("peer", [{}, {"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}])
def test_invalid_peers_are_errors(peer: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        reaches([policy(ingress=[{"from": [peer]}])], WORKER)


def test_policy_without_namespace_is_an_error() -> None:
    unnamespaced = policy()
    del unnamespaced["metadata"]["namespace"]
    with pytest.raises(ValueError):
        reaches([unnamespaced], WORKER)


# -- ports ---------------------------------------------------------------------------


def test_numeric_port_and_protocol() -> None:
    on_5432 = policy(ingress=[{"ports": [{"port": 5432}]}])
    assert reaches([on_5432], WORKER, port=5432)
    assert not reaches([on_5432], WORKER, port=5433)
    assert not reaches([on_5432], WORKER, port=5432, protocol="UDP")
    udp = policy(ingress=[{"ports": [{"port": 53, "protocol": "UDP"}]}])
    assert reaches([udp], WORKER, port=53, protocol="UDP")
    assert not reaches([udp], WORKER, port=53)


def test_port_entry_without_port_allows_every_port_of_its_protocol() -> None:
    any_tcp = policy(ingress=[{"ports": [{"protocol": "TCP"}]}])
    assert reaches([any_tcp], WORKER, port=12345)
    assert not reaches([any_tcp], WORKER, port=12345, protocol="UDP")


def test_named_port_resolution() -> None:
    on_http = policy(ingress=[{"ports": [{"port": "http"}]}])
    assert reaches([on_http], WORKER, target=WEB, port=8000, target_ports={"http": 8000})
    assert not reaches([on_http], WORKER, target=WEB, port=9000, target_ports={"http": 8000})
    assert not reaches([on_http], WORKER, target=WEB, port=8000, target_ports={"metrics": 8000})
    assert not reaches([on_http], WORKER, target=WEB, port=8000)


def test_end_port_range() -> None:
    ranged = policy(ingress=[{"ports": [{"port": 8000, "endPort": 8010}]}])
    assert reaches([ranged], WORKER, port=8000)
    assert reaches([ranged], WORKER, port=8005)
    assert reaches([ranged], WORKER, port=8010)
    assert not reaches([ranged], WORKER, port=7999)
    assert not reaches([ranged], WORKER, port=8011)


def test_from_and_ports_are_both_required() -> None:
    web_on_http = policy(ingress=[{
        "from": [{"podSelector": {"matchLabels": {"component": "web"}}}],
        "ports": [{"port": 5432}],
    }])
    assert reaches([web_on_http], WEB, port=5432)
    assert not reaches([web_on_http], WEB, port=22)
    assert not reaches([web_on_http], WORKER, port=5432)


# -- label selectors -----------------------------------------------------------------


def _only_from(selector: dict[str, Any]) -> list[dict[str, Any]]:
    return [policy(ingress=[{"from": [{"podSelector": selector}]}])]


def test_match_expressions_in_and_not_in() -> None:
    app_tier = _only_from({"matchExpressions": [
        {"key": "component", "operator": "In", "values": ["web", "worker"]},
    ]})
    assert reaches(app_tier, WEB)
    assert reaches(app_tier, WORKER)
    assert not reaches(app_tier, Pod("beat", "shop", {"component": "beat"}))
    assert not reaches(app_tier, Pod("bare", "shop", {}))
    not_web = _only_from({"matchExpressions": [{"key": "component", "operator": "NotIn", "values": ["web"]}]})
    assert not reaches(not_web, WEB)
    assert reaches(not_web, WORKER)
    assert reaches(not_web, Pod("bare", "shop", {}))  # NotIn matches a missing key


def test_match_expressions_exists_and_does_not_exist() -> None:
    has_component = _only_from({"matchExpressions": [{"key": "component", "operator": "Exists"}]})
    assert reaches(has_component, WORKER)
    assert not reaches(has_component, Pod("bare", "shop", {"app": "shop"}))
    no_component = _only_from({"matchExpressions": [{"key": "component", "operator": "DoesNotExist"}]})
    assert not reaches(no_component, WORKER)
    assert reaches(no_component, Pod("bare", "shop", {"app": "shop"}))


def test_match_labels_and_expressions_are_anded() -> None:
    selector = {
        "matchLabels": {"app": "shop"},
        "matchExpressions": [{"key": "component", "operator": "NotIn", "values": ["web"]}],
    }
    assert reaches(_only_from(selector), WORKER)
    assert not reaches(_only_from(selector), WEB)
    assert not reaches(_only_from(selector), Pod("stranger", "shop", {"component": "worker"}))


def test_unknown_operator_is_an_error() -> None:
    with pytest.raises(ValueError):
        reaches(_only_from({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}), WORKER)


# -- Pod, matrix, render -------------------------------------------------------------


def test_pod_is_hashable_and_copies_its_labels() -> None:
    labels = {"component": "web"}
    pod = Pod("web", "shop", labels)
    labels["component"] = "worker"
    assert pod.labels == {"component": "web"}
    assert pod == Pod("web", "shop", {"component": "web"})
    assert len({pod, Pod("web", "shop", {"component": "web"})}) == 1
    assert Pod("bare", "shop").labels == {}


def test_matrix_and_render() -> None:
    from_web_on_http = policy(pod_selector={"matchLabels": {"component": "web"}}, ingress=[{
        "from": [{"ipBlock": {"cidr": "10.0.0.0/16"}}],
        "ports": [{"port": "http"}],
    }])
    m = matrix(
        [DENY_ALL, from_web_on_http],
        NAMESPACES,
        sources={"lb": "10.0.3.7", "worker": WORKER},
        targets={"web": (WEB, 8000), "postgres": (POSTGRES, 5432)},
        target_ports_by_target={"web": {"http": 8000}},
    )
    assert m == {"lb": {"web": True, "postgres": False}, "worker": {"web": False, "postgres": False}}
    assert render_matrix(m) == (
        "        web  postgres\n"
        "lb      yes  -\n"
        "worker  -    -"
    )
    assert render_matrix({}) == ""

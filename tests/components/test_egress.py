"""Egress: by default every pod reaches the cluster, DNS and the internet, never the instance
metadata endpoint (IRSA needs none of it); an ``EgressAllowList`` replaces that with DNS, the
stores and HTTPS. Judged by the evaluator in tests/netpol.py (an ipBlock never matches a pod)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from cdk8s import App

import main
from _k8s import by_kind, synth
from cdk8s_django import DjangoChart, EgressAllowList
from netpol import Pod, egress_allowed

COREDNS = Pod("coredns", "kube-system", {"k8s-app": "kube-dns"})
OTHER_APP = Pod("other", "other-team", {"app": "other"})
NAMESPACES = {"kube-system": {}, "other-team": {}}


def _pods(docs: list[dict[str, Any]]) -> list[Pod]:
    return [Pod(d["metadata"]["name"], d["metadata"]["namespace"], d["spec"]["template"]["metadata"]["labels"])
            for d in docs if d["kind"] in ("Deployment", "StatefulSet")]


def _reach(docs: list[dict[str, Any]], pod: Pod, destination: Pod | str, port: int, protocol: str = "TCP") -> bool:
    return egress_allowed(docs, NAMESPACES, pod, destination, port, protocol)


@pytest.mark.parametrize("environment", ["qa", "production"])
def test_default_egress_reaches_everything_but_the_metadata_endpoint(example_docs: dict[str, list[dict[str, Any]]], environment: str) -> None:
    docs = example_docs[environment]
    assert [p["metadata"]["name"] for p in by_kind(docs, "NetworkPolicy") if "Egress" in p["spec"]["policyTypes"]] == ["shop-egress"]
    for pod in _pods(docs):
        assert not _reach(docs, pod, "169.254.169.254", 80) and not _reach(docs, pod, "fd00:ec2::254", 80), pod.name
        assert _reach(docs, pod, "169.254.170.23", 80), "EKS Pod Identity shares 169.254.0.0/16"
        assert _reach(docs, pod, "169.254.20.10", 53, "UDP"), "NodeLocal DNS shares 169.254.0.0/16"
        assert _reach(docs, pod, COREDNS, 53, "UDP") and _reach(docs, pod, OTHER_APP, 8080)
        assert _reach(docs, pod, "52.95.0.1", 443) and _reach(docs, pod, "2600:1f18::1", 443)


def _allow_listed(environment: int, **allow: Any) -> list[dict[str, Any]]:
    env = main.environments[environment]
    env = replace(env, network=replace(env.network, egress=EgressAllowList(**allow)))
    return synth(DjangoChart(App(), env.name, django_app=main.shop, environment=env))


def test_an_allow_list_replaces_the_default_in_production() -> None:
    docs = _allow_listed(2, managed_cidrs=("10.20.8.0/21",))
    assert [p["metadata"]["name"] for p in by_kind(docs, "NetworkPolicy") if "Egress" in p["spec"]["policyTypes"]] == ["shop-egress"]
    web = next(p for p in _pods(docs) if p.name == "shop-web")
    assert _reach(docs, web, COREDNS, 53, "UDP") and _reach(docs, web, "169.254.20.10", 53, "UDP")
    assert _reach(docs, web, "10.20.8.5", 5432) and _reach(docs, web, "10.20.8.5", 6379)
    assert not _reach(docs, web, "10.20.8.5", 22) and not _reach(docs, web, "10.99.0.1", 5432)
    assert _reach(docs, web, "52.95.0.1", 443) and not _reach(docs, web, "52.95.0.1", 80)
    assert not _reach(docs, web, "169.254.169.254", 443) and not _reach(docs, web, "fd00:ec2::254", 443)
    assert not _reach(docs, web, OTHER_APP, 8080)
    assert _reach(docs, web, "169.254.170.23", 80) and not _reach(docs, web, "169.254.170.23", 8080), "the EKS Pod Identity agent"


def test_an_allow_list_in_staging_opens_the_in_cluster_stores() -> None:
    docs = _allow_listed(0, https_cidrs=())
    pods = {p.name: p for p in _pods(docs)}
    worker = pods["shop-worker"]
    assert _reach(docs, worker, pods["shop-postgres"], 5432) and _reach(docs, worker, pods["shop-redis-broker"], 6379)
    assert not _reach(docs, worker, pods["shop-postgres"], 22) and not _reach(docs, worker, "52.95.0.1", 443)

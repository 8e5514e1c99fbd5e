"""The kubelet's rules make e2e applies to the manifests, checked on their own: $(VAR) expansion and env order."""

from __future__ import annotations

from .manifests import Cluster, Environment, container_env, expand


def test_expansion_as_the_kubelet_does_it() -> None:
    defined = {"A": "1", "B": "x$(A)"}
    assert expand("$(A)-$(B)", defined) == "1-x$(A)"  # a value is not expanded twice
    assert expand("$$(A) $(C) $( $A $", defined) == "$(A) $(C) $( $A $"  # escaped, undefined, malformed: as written
    assert expand("$(A", defined) == "$(A"


def test_env_comes_after_env_from_and_refers_only_to_what_came_before() -> None:
    env = Environment("t", {("ConfigMap", "c"): {"data": {"HOST": "db", "PORT": "5432", "1BAD": "skipped"}}}, "ns")
    container = {"name": "c", "envFrom": [{"configMapRef": {"name": "c"}}],
                 "env": [{"name": "URL", "value": "pg://$(HOST):$(PORT)/$(NAME)"}, {"name": "NAME", "value": "shop"},
                         {"name": "PORT", "value": "6432"}, {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}]}
    resolved = container_env(env, Cluster(pod_ip="10.0.0.9"), {"metadata": {}, "spec": {}}, container)
    assert resolved == {"HOST": "db", "PORT": "6432", "URL": "pg://db:5432/$(NAME)", "NAME": "shop", "IP": "10.0.0.9"}

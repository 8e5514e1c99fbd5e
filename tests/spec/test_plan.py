"""``resolve``: one checked, fully defaulted plan; an option left out is not the same as None."""

from __future__ import annotations

import dataclasses

import pytest
from cdk8s import App

from cdk8s_django import (
    UNSET,
    Autoscaling,
    DjangoApp,
    DjangoChart,
    Environment,
    Managed,
    QueueAutoscaling,
    Worker,
    resolve,
)
from cdk8s_django.testing import by_kind, find, synth

APP = DjangoApp(name="shop", image="shop:1.0", settings_module="shop.settings",
                workers=(Worker(name="worker"), Worker(name="worker-mail", autoscaling=None)))
MANAGED = {"postgres": Managed("db.example.com"), "cache": Managed("cache.example.com"), "broker": Managed("broker.example.com")}


def test_left_out_takes_the_kind_default_and_none_means_none() -> None:
    default = resolve("t", APP, Environment.production(**MANAGED))
    assert default.web_autoscaling == Autoscaling(min_replicas=2, max_replicas=10)
    assert default.max_connections == 400 and default.generate_database_password is False
    explicit = resolve("t", APP, Environment.production(**MANAGED, web_autoscaling=None, worker_autoscaling=None))
    assert explicit.web_autoscaling is None and all(w.scaling is None for w in explicit.workers)
    staging = resolve("t", APP, Environment.staging("qa"))
    assert staging.web_replicas == 1 and staging.max_connections == 100 and staging.generate_database_password is True
    preview = resolve("t", APP, Environment.for_branch("feat/x", owner="a", domain="p.example.com"))
    assert preview.workers[0].scaling == QueueAutoscaling(min_replicas=0, max_replicas=2)
    assert Environment.staging("qa").web_autoscaling is UNSET


def test_a_worker_can_opt_out_of_the_environments_autoscaling() -> None:
    docs = synth(DjangoChart(App(), "production", django_app=APP, environment=Environment.production(**MANAGED)))
    assert [hpa["metadata"]["name"] for hpa in by_kind(docs, "HorizontalPodAutoscaler")] == ["shop-web", "shop-worker"]
    assert find(docs, "Deployment", "shop-worker-mail")["spec"]["replicas"] == 1
    assert "replicas" not in find(docs, "Deployment", "shop-worker")["spec"]


def test_the_plan_is_frozen_and_the_chart_keeps_it() -> None:
    chart = DjangoChart(App(), "qa", django_app=APP, environment=Environment.staging("qa"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.plan.namespace = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        chart.plan.config_env["X"] = "1"  # type: ignore[index]
    assert chart.plan.namespace == "shop-qa" and chart.namespace_name == "shop-qa"


def test_in_cluster_store_images_can_be_pinned_by_digest() -> None:
    from cdk8s_django import InCluster

    digest = "sha256:" + "a" * 64
    env = Environment.staging("qa", postgres=InCluster(image=f"postgres@{digest}"), broker=InCluster(storage="1Gi", image=f"redis@{digest}"))
    docs = synth(DjangoChart(App(), "qa", django_app=APP, environment=env))
    image = {d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]["image"] for d in by_kind(docs, "StatefulSet")}
    assert image["shop-postgres"] == f"postgres@{digest}" and image["shop-redis-broker"] == f"redis@{digest}"
    assert image["shop-redis-cache"] == "redis:7.4-bookworm"


def test_each_store_keeps_its_own_volume_size_whatever_else_is_given() -> None:
    """Issue 20's bug: InCluster(storage_class="gp2") gave the broker Postgres's 10Gi (InCluster.storage defaulted to it)."""
    from cdk8s_django import InCluster

    env = Environment.staging("qa", postgres=InCluster(storage_class="gp2"), broker=InCluster(storage_class="gp2"),
                              cache=InCluster(storage_class="gp2"))
    docs = synth(DjangoChart(App(), "qa", django_app=APP, environment=env))
    claims = {d["metadata"]["name"]: d["spec"].get("volumeClaimTemplates", []) for d in by_kind(docs, "StatefulSet")}
    sizes = {name: [(c["spec"]["resources"]["requests"]["storage"], c["spec"]["storageClassName"]) for c in claim]
             for name, claim in claims.items() if name != "shop-shell" and name != "shop-beat"}
    assert sizes == {"shop-postgres": [("10Gi", "gp2")], "shop-redis-broker": [("1Gi", "gp2")], "shop-redis-cache": []}


def test_a_django_command_name_is_a_cron_key_as_written() -> None:
    """Issue 21 §3: 'rebuild_search_index' runs as CronJob shop-rebuild-search-index, with the command as written
    (the fix used to rename the command to one that does not exist)."""
    app = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings",
                    cron={"rebuild_search_index": "0 4 * * *", "clearsessions": "0 3 * * *"})
    docs = synth(DjangoChart(App(), "qa", django_app=app, environment=Environment.staging("qa")))
    commands = {d["metadata"]["name"]: d["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
                for d in by_kind(docs, "CronJob")}
    assert commands == {"shop-rebuild-search-index": ["python", "-m", "django", "rebuild_search_index"],
                        "shop-clearsessions": ["python", "-m", "django", "clearsessions"]}


def test_an_iam_role_in_another_aws_partition_is_accepted() -> None:
    """Issue 21 §6: arn:aws-cn and arn:aws-us-gov roles were refused though valid."""
    for arn in ("arn:aws-cn:iam::123456789012:role/shop", "arn:aws-us-gov:iam::123456789012:role/team/shop-app"):
        env = Environment.production(postgres=Managed("db.example.com"), cache=Managed("cache.example.com"),
                                     broker=Managed("broker.example.com"), iam_role_arn=arn, aws_region="cn-north-1")
        docs = synth(DjangoChart(App(), "production", django_app=APP, environment=env))
        assert find(docs, "ServiceAccount", "shop")["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == arn

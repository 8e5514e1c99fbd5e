"""Invariants of the example app's output that must hold without any snapshot."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import main
import yaml
from cdk8s import App
from cdk8s import Testing as Cdk8sTesting

from cdk8s_django import DjangoChart, Environment, mark_for_argo_cd

from _k8s import by_kind, containers, find, pod_spec, runs_app_code, synth
from conftest import ARGO_CD, CLUSTER

STAGING = ("qa", "demo")


def test_one_folder_per_environment(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    assert set(example_docs) == {"qa", "demo", "production"}
    for env, docs in example_docs.items():
        namespaces = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
        assert namespaces == {f"shop-{env}"}, env
        assert [d["metadata"]["name"] for d in by_kind(docs, "Namespace")] == [f"shop-{env}"]


def test_namespace_file_applies_first(rendered: dict[str, dict[str, str]]) -> None:
    for env, files in rendered.items():
        if env in (*CLUSTER, ARGO_CD):
            continue
        first = sorted(files)[0]
        assert yaml.safe_load(files[first])["kind"] == "Namespace", (env, first)


def test_one_image_for_every_app_pod(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        images = {c["image"] for d in docs if runs_app_code(d) for c in containers(d) if c["name"] != "nginx"}
        assert images == {main.shop.image}, env
        nginx = [(d["metadata"]["name"], c["image"]) for d in docs for c in containers(d) if c["name"] == "nginx"]
        assert nginx == ([("shop-web", main.NginxStatic().image)] if env == "demo" else []), env  # beside the app, in web only
        app_workloads = {d["metadata"]["labels"]["app.kubernetes.io/component"] for d in docs if runs_app_code(d)}
        assert app_workloads == {"web", "worker", "worker-emails", "beat", "shell", "migrate", "clearsessions", "weekly-report"}


def test_at_most_one_beat_and_never_a_deployment(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        beats = [d for d in docs if d["metadata"]["labels"]["app.kubernetes.io/component"] == "beat" and pod_spec(d)]
        assert len(beats) == 1, env
        assert beats[0]["kind"] == "StatefulSet"
        assert beats[0]["spec"]["replicas"] == 1
        assert not [d for d in by_kind(docs, "HorizontalPodAutoscaler") if "beat" in d["metadata"]["name"]]


def test_production_uses_managed_stores(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["production"]
    # Only app-code StatefulSets (one beat, one shell): no data store runs in the production cluster.
    assert sorted(d["metadata"]["name"] for d in by_kind(docs, "StatefulSet")) == ["shop-beat", "shop-shell"]
    assert not any("volumeClaimTemplates" in d.get("spec", {}) for d in docs)
    external = {d["metadata"]["name"]: d["spec"]["externalName"] for d in by_kind(docs, "Service") if d["spec"].get("type") == "ExternalName"}
    assert external == {
        "shop-postgres": "shop.abc123.eu-west-1.rds.amazonaws.com",
        "shop-redis-cache": "shop-cache.abc123.euw1.cache.amazonaws.com",
        "shop-redis-broker": "shop-broker.abc123.euw1.cache.amazonaws.com",
    }


def test_staging_runs_stores_in_cluster_with_sized_claims(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env in STAGING:
        docs = example_docs[env]
        postgres = find(docs, "StatefulSet", "shop-postgres")
        (claim,) = postgres["spec"]["volumeClaimTemplates"]
        assert claim["spec"]["resources"]["requests"]["storage"] == "10Gi"
        assert claim["spec"]["storageClassName"] == "gp3"
        assert postgres["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Delete", "whenScaled": "Retain"}
        assert find(docs, "Service", "shop-postgres-headless")["spec"]["clusterIP"] == "None"
        if env == "demo":  # the other stack: RabbitMQ on a 1Gi volume of its own, Memcached with none
            rabbitmq = find(docs, "StatefulSet", "shop-rabbitmq")
            assert rabbitmq["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "1Gi"
            memcached = find(docs, "Deployment", "shop-memcached")["spec"]["template"]["spec"]
            assert [v for v in memcached["volumes"] if "persistentVolumeClaim" in v] == []
            continue
        broker = find(docs, "StatefulSet", "shop-redis-broker")
        assert broker["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "1Gi"
        assert "noeviction" in broker["spec"]["template"]["spec"]["containers"][0]["command"]
        cache = find(docs, "StatefulSet", "shop-redis-cache")
        assert "allkeys-lru" in cache["spec"]["template"]["spec"]["containers"][0]["command"]
        for redis in (broker, cache):  # make e2e: without it, a Redis built with protected mode on refuses other pods
            command = redis["spec"]["template"]["spec"]["containers"][0]["command"]
            assert command[command.index("--protected-mode") + 1] == "no"
        assert "volumeClaimTemplates" not in cache["spec"]


def test_same_service_names_and_env_names_everywhere(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    store_services = {}
    env_keys = {}
    for env, docs in example_docs.items():
        store_services[env] = {d["metadata"]["name"] for d in by_kind(docs, "Service") if not d["metadata"]["name"].endswith("-headless")}
        web = find(docs, "Deployment", "shop-web")["spec"]["template"]["spec"]["containers"][0]
        env_keys[env] = ({*find(docs, "ConfigMap", "shop-env")["data"], *(e["name"] for e in web["env"])}
                         - {"DATABASE_SSLROOTCERT", "MEDIA_BUCKET", "METRICS_PORT", "AWS_REGION", "AWS_DEFAULT_REGION",
                            "CELERY_BROKER_PASSWORD"})
    # qa and production run one stack (demo runs RabbitMQ and Memcached: other Services, the same variables).
    assert store_services["qa"] == store_services["production"]
    assert env_keys["qa"] == env_keys["production"] == env_keys["demo"]


def test_every_app_pod_waits_for_migrations_except_the_migration(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        for doc in docs:
            if not runs_app_code(doc):
                continue
            init = [c["name"] for c in pod_spec(doc).get("initContainers", [])]  # type: ignore[union-attr]
            if doc["kind"] == "Job":
                assert init == [], doc["metadata"]["name"]
                assert doc["spec"]["template"]["spec"]["containers"][0]["command"][-2:] == ["migrate", "--noinput"]
            else:  # first; with nginx, web's static files are copied after it
                nginx = doc["metadata"]["name"] == "shop-web" and env == "demo"
                assert init == ["wait-for-migrations", *(["copy-static"] if nginx else [])], (env, doc["kind"], doc["metadata"]["name"])


def test_app_commands_are_exec_form(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for doc in example_docs["production"]:
        for container in containers(doc):
            if "command" in container:
                assert container["command"][0] not in ("sh", "bash", "/bin/sh"), container["name"]


def _migration_job_name(chart: DjangoChart) -> str:
    return chart.migration.name


def test_env_var_change_renames_the_migration_job() -> None:
    base = main.environments[0]
    names = set()
    for variant in (base, replace(base, env={"FEATURE_X": "on"}), replace(base, image="registry.example.com/shop:1.4.3")):
        chart = DjangoChart(App(), "qa", django_app=main.shop, environment=variant)
        names.add(_migration_job_name(chart))
    assert len(names) == 3
    again = DjangoChart(App(), "qa", django_app=main.shop, environment=base)
    assert _migration_job_name(again) in names


def test_config_change_rolls_pods_via_checksum() -> None:
    base = main.environments[0]
    before = synth(DjangoChart(App(), "qa", django_app=main.shop, environment=base))
    after = synth(DjangoChart(App(), "qa", django_app=main.shop, environment=replace(base, env={"FEATURE_X": "on"})))
    key = "cdk8s-django/config-checksum"
    web_before = find(before, "Deployment", "shop-web")["spec"]["template"]["metadata"]["annotations"][key]
    web_after = find(after, "Deployment", "shop-web")["spec"]["template"]["metadata"]["annotations"][key]
    assert web_before != web_after


SECRET_HINTS = ("PASSWORD", "SECRET", "TOKEN", "LICENSE_KEY", "API_KEY")


def test_no_secret_value_anywhere(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        assert not by_kind(docs, "Secret"), env
        for doc in docs:
            for container in containers(doc):
                for entry in container.get("env", []):
                    if any(h in entry["name"] for h in SECRET_HINTS):
                        assert "valueFrom" in entry and "secretKeyRef" in entry["valueFrom"], entry
            for cm in by_kind([doc], "ConfigMap"):
                for key in cm["data"]:
                    assert not any(h in key for h in SECRET_HINTS), (env, key)


def test_cron_jobs_never_overlap_and_have_a_time_zone(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for docs in example_docs.values():
        cron_jobs = by_kind(docs, "CronJob")
        assert {c["metadata"]["name"] for c in cron_jobs} == {"shop-clearsessions", "shop-weekly-report"}
        for cron_job in cron_jobs:
            assert cron_job["spec"]["concurrencyPolicy"] == "Forbid"
            assert len(cron_job["metadata"]["name"]) <= 52
        assert find(docs, "CronJob", "shop-weekly-report")["spec"]["timeZone"] == "Europe/Dublin"


def test_worker_grace_period_outlives_the_task_time_limit(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    worker = find(example_docs["production"], "Deployment", "shop-worker")
    command = worker["spec"]["template"]["spec"]["containers"][0]["command"]
    limit = int(command[command.index("--time-limit") + 1])
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > limit


def test_ingress_and_allowed_hosts_agree(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        ingress = find(docs, "Ingress", "shop-web")
        hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
        web = find(docs, "Deployment", "shop-web")
        env_vars = {e["name"]: e.get("value") for e in web["spec"]["template"]["spec"]["containers"][0]["env"]}
        allowed = env_vars["ALLOWED_HOSTS"].split(",")
        assert set(hosts) <= set(allowed) and "localhost" in allowed, env
        probe = web["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]
        assert {"name": "Host", "value": "localhost"} in probe["httpHeaders"]


def test_testing_synth_matches_render(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    """The chart's own cdk8s synthesis gives the same documents the App writes."""
    chart = DjangoChart(Cdk8sTesting.app(), "qa", django_app=main.shop, environment=main.environments[0])
    mark_for_argo_cd(chart)  # as main.py does
    key = lambda d: (d["kind"], d["metadata"]["name"])  # noqa: E731
    assert sorted(synth(chart), key=key) == sorted(example_docs["qa"], key=key)


def test_metrics_port_is_each_containers_own(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    """make e2e found the worker's metrics port 9808 unserved: METRICS_PORT came from the shared ConfigMap, web's 9100."""
    seen = set()
    for env, docs in example_docs.items():
        assert "METRICS_PORT" not in find(docs, "ConfigMap", "shop-env")["data"]
        for doc in docs:
            template = (doc.get("spec", {}).get("jobTemplate", {}).get("spec", {}) or doc.get("spec", {})).get("template")
            for container in (template or {}).get("spec", {}).get("containers", []):
                ports = [p["containerPort"] for p in container.get("ports", []) if p["name"] == "metrics"]
                values = [e["value"] for e in container.get("env", []) if e["name"] == "METRICS_PORT"]
                assert values == [str(p) for p in ports], (env, doc["metadata"]["name"], container["name"])
                seen.update((doc["metadata"]["name"], p) for p in ports)
    assert {("shop-web", 9100), ("shop-worker", 9808)} <= seen

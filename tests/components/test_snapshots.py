"""Snapshots of the environments and of each construct variant.

One environment snapshot per kind of environment (staging: qa; production), a slice of it: the whole of each
environment's YAML is the committed dist/, which test_dist holds byte for byte. One full snapshot of each construct's
base variant, and for every other variant only the documents or containers that make it that variant, with a test
that what the snapshot leaves out is the base variant, unchanged or changed exactly as that test says. Snapshots catch
unintended change; the invariants in the other test files say what must hold. After `pytest --snapshot-update`, read
the YAML diff before committing. tests/project/test_snapshot_budget.py holds the snapshots' total size.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cdk8s import App, Chart
from syrupy.assertion import SnapshotAssertion

from cdk8s_django import (
    AcmCertificate,
    AppConfig,
    AppRuntime,
    BeatScheduler,
    CeleryBeat,
    CeleryWorker,
    CertManagerIssuer,
    DjangoWeb,
    IngressController,
    IngressOptions,
    ManagedDataStore,
    ManagementCronJob,
    MigrationJob,
    NginxStatic,
    OpsShell,
    PostgresStatefulSet,
    RedisRole,
    RedisStatefulSet,
    SecretKeyRef,
)
from cdk8s_django.output.yaml_writer import dump_documents

from _k8s import by_kind, containers, find, pod_spec, synth

RUNTIME = AppRuntime(
    app="blog", namespace="blog-qa", image="registry.example.com/blog:2.0.0", settings_module="blog.settings",
    env_config_map="blog-env", secrets=("blog-django",), config_checksum="0123456789abcdef", environment="qa",
)

Docs = list[dict[str, Any]]


def _resources(container: dict[str, Any]) -> str:
    return " ".join(f"{bound}.{name}={value}" for bound, values in container["resources"].items() for name, value in values.items())


def _scale(workload: dict[str, Any], docs: Docs) -> int | str:
    name = workload["metadata"]["name"]
    hpas = [h["spec"] for h in by_kind(docs, "HorizontalPodAutoscaler") if h["spec"]["scaleTargetRef"]["name"] == name]
    if hpas:
        (hpa,) = hpas
        targets = ", ".join(f"{m['resource']['name']} {m['resource']['target']['averageUtilization']}%" for m in hpa["metrics"])
        return f"HPA {hpa['minReplicas']}..{hpa['maxReplicas']} at {targets}"
    return workload["spec"].get("replicas", "no replicas")  # type: ignore[no-any-return]


def _workload(doc: dict[str, Any], docs: Docs) -> dict[str, int | str]:
    """How many run (or when), and what each of its containers asks for."""
    if doc["kind"] == "CronJob":
        head: dict[str, int | str] = {"schedule": doc["spec"]["schedule"]}
    else:
        head = {} if doc["kind"] == "Job" else {"scale": _scale(doc, docs)}
    return head | {c["name"]: _resources(c) for c in pod_spec(doc)["containers"]}  # type: ignore[index]


def environment_slice(files: dict[str, str], docs: Docs) -> dict[str, Any]:
    """What a reader of an environment looks at first: its files in apply order, the variables every app pod reads,
    and each workload's scale and resources."""
    return {
        "files": sorted(files),
        "shop-env": find(docs, "ConfigMap", "shop-env")["data"],
        "workloads": {f"{d['kind']} {d['metadata']['name']}": _workload(d, docs)
                      for d in sorted(docs, key=lambda d: (d["kind"], d["metadata"]["name"])) if pod_spec(d) is not None},
    }


@pytest.mark.parametrize("environment", ["qa", "production"])
def test_environment_snapshot(rendered: dict[str, dict[str, str]], example_docs: dict[str, Docs], environment: str,
                              snapshot: SnapshotAssertion) -> None:
    """A slice of the environment, not its whole YAML: every byte of dist/<environment>/ is already held by
    test_dist (test_committed_dist_is_fresh compares a fresh render with the committed, reviewed dist/, and `make
    synth` is its --snapshot-update), so a whole-environment snapshot was a second copy of the same files. The slice
    keeps what a reader of a whole environment checks at a glance; test_environment_ingress and
    test_environment_scaling below, the invariants (test_invariants, test_production_grade, test_references) and
    tests/golden/diff-qa-production.txt pin the rest of what makes qa staging and production production."""
    assert dump_documents([environment_slice(rendered[environment], example_docs[environment])]) == snapshot


ALB = {
    "alb.ingress.kubernetes.io/healthcheck-path": "/healthz/",
    "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
    "alb.ingress.kubernetes.io/scheme": "internet-facing",
    "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/target-type": "ip",
}


@pytest.mark.parametrize(("environment", "hosts", "annotations"), [
    ("qa", ["qa.staging.shop.example.com"], {
        "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-1:123456789012:certificate/staging-wildcard",
        "alb.ingress.kubernetes.io/group.name": "shop-staging",  # one load balancer for every staging environment
        "external-dns.alpha.kubernetes.io/hostname": "qa.staging.shop.example.com",
    }),
    ("production", ["shop.example.com", "www.shop.example.com"], {
        "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-1:123456789012:certificate/production",
        "external-dns.alpha.kubernetes.io/hostname": "shop.example.com,www.shop.example.com",
    }),
])
def test_environment_ingress(example_docs: dict[str, Docs], environment: str, hosts: list[str], annotations: dict[str, str]) -> None:
    """The environment's Ingress (whole in dist/ only): an internet-facing ALB with the environment's certificate
    and DNS names, qa's shared with the other staging environments, a modern SSL policy, every host to web's http port."""
    ingress = find(example_docs[environment], "Ingress", "shop-web")
    assert ingress["metadata"]["annotations"] == ALB | annotations
    assert ingress["spec"]["ingressClassName"] == "alb" and "tls" not in ingress["spec"]  # TLS ends at the ALB (ACM)
    backend = {"service": {"name": "shop-web", "port": {"name": "http"}}}
    assert ingress["spec"]["rules"] == [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}
                                        for host in hosts]


def test_environment_scaling(example_docs: dict[str, Docs]) -> None:
    """qa runs one web and one of each worker; production scales web from 2 to 10 and each worker from 2 to 6 at 70% CPU."""
    qa, production = example_docs["qa"], example_docs["production"]
    scaled = ("shop-web", "shop-worker", "shop-worker-emails")
    assert {name: find(qa, "Deployment", name)["spec"]["replicas"] for name in scaled} == dict.fromkeys(scaled, 1)
    assert not by_kind(qa, "HorizontalPodAutoscaler") and not by_kind(qa, "PodDisruptionBudget")
    cpu_70 = [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]
    hpas = {h["metadata"]["name"]: h["spec"] for h in by_kind(production, "HorizontalPodAutoscaler")}
    assert hpas == {name: {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                           "minReplicas": 2, "maxReplicas": 10 if name == "shop-web" else 6, "metrics": cpu_70} for name in scaled}


def test_demo_worker_autoscaling_snapshot(example_docs: dict[str, Docs], snapshot: SnapshotAssertion) -> None:
    """demo is qa plus KEDA, on RabbitMQ (the whole of demo is held to the committed dist/demo/ by test_dist):
    a ScaledObject per worker, no fixed replica count, the broker open to KEDA."""
    qa, demo = example_docs["qa"], example_docs["demo"]
    workers = ("shop-worker", "shop-worker-emails")
    assert not by_kind(qa, "ScaledObject")
    for worker in workers:
        assert find(qa, "Deployment", worker)["spec"]["replicas"] == 1
        assert "replicas" not in find(demo, "Deployment", worker)["spec"]

    def broker_peers(docs: Docs, broker: str) -> Docs:
        return [peer for rule in find(docs, "NetworkPolicy", broker)["spec"]["ingress"] for peer in rule["from"]]

    keda = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "keda"}}}
    demo_peers, qa_peers = broker_peers(demo, "shop-rabbitmq"), broker_peers(qa, "shop-redis-broker")
    assert demo_peers[-1] == keda and keda not in qa_peers and len(demo_peers) == len(qa_peers) + 1
    assert sorted(d["metadata"]["name"] for d in by_kind(demo, "ScaledObject")) == list(workers)
    scaled = find(demo, "ScaledObject", "shop-worker")
    # shop-worker-emails' ScaledObject is shop-worker's with its own component, name and queue
    emails = json.loads(json.dumps(scaled).replace('"worker"', '"worker-emails"').replace('"shop-worker"', '"shop-worker-emails"'))
    emails["spec"]["triggers"][0]["metadata"]["queueName"] = "emails"
    emails["spec"]["triggers"][0]["authenticationRef"]["name"] = "shop-worker-emails-keda"
    assert find(demo, "ScaledObject", "shop-worker-emails") == emails
    assert dump_documents([scaled]) == snapshot


def everything(docs: Docs) -> Docs:
    return docs


def only(kind: str) -> Callable[[Docs], Docs]:
    """The documents of one kind."""
    return lambda docs: by_kind(docs, kind)


def container(kind: str, name: str, container_name: str) -> Callable[[Docs], Docs]:
    """One container of one workload."""
    return lambda docs: [c for c in containers(find(docs, kind, name)) if c["name"] == container_name]


def command(kind: str, name: str, container_name: str) -> Callable[[Docs], Docs]:
    """The command of one container of one workload."""
    return lambda docs: [c["command"] for c in container(kind, name, container_name)(docs)]


@dataclass(frozen=True)
class Variant:
    build: Callable[[Chart], object]
    part: Callable[[Docs], Docs] = everything  # what the snapshot holds: all of a base variant, the difference otherwise


# Base variants (snapshotted whole): web-no-ingress, worker-default, beat-file, shell, postgres, redis-cache,
# managed-store, migration-job, cron-job, config-with-files. Every other id is "<variant>/<the part snapshotted>".
VARIANTS: dict[str, Variant] = {
    "web-no-ingress": Variant(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME)),
    "web-alb-acm-group/ingress": Variant(lambda c: DjangoWeb(
        c, "Web", runtime=RUNTIME, hosts=["qa.blog.example.com"],
        ingress=IngressOptions(
            class_name="alb", tls=AcmCertificate("arn:aws:acm:eu-west-1:123456789012:certificate/abc"), group_name="staging",
        ),
    ), only("Ingress")),
    "web-nginx-cert-manager/ingress": Variant(lambda c: DjangoWeb(
        c, "Web", runtime=RUNTIME, hosts=["blog.example.com"],
        ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, tls=CertManagerIssuer("letsencrypt")),
    ), only("Ingress")),
    "web-nginx-static/nginx-containers-and-config": Variant(lambda c: DjangoWeb(
        c, "Web", runtime=RUNTIME, static=NginxStatic(), static_url="https://static.blog.example.com/static/",
    ), lambda docs: [*container("Deployment", "blog-web", "copy-static")(docs), *container("Deployment", "blog-web", "nginx")(docs),
                     find(docs, "ConfigMap", "blog-web-nginx")]),
    "worker-default": Variant(lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME)),
    "worker-queues/worker-container": Variant(
        lambda c: CeleryWorker(
            c, "Worker", runtime=RUNTIME, name="worker-emails", queues=["emails", "sms"], concurrency=8, task_time_limit=900,
        ),
        container("Deployment", "blog-worker-emails", "worker"),
    ),
    "beat-file": Variant(lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME)),
    "beat-database/beat-command": Variant(
        lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, scheduler=BeatScheduler.DATABASE),
        command("StatefulSet", "blog-beat", "beat"),
    ),
    "shell": Variant(lambda c: OpsShell(c, "Shell", runtime=RUNTIME)),
    "postgres": Variant(lambda c: PostgresStatefulSet(
        c, "Postgres", runtime=RUNTIME, password=SecretKeyRef("blog-database", "password"), storage="20Gi", storage_class="gp3-encrypted",
    )),
    "redis-cache": Variant(lambda c: RedisStatefulSet(c, "Cache", runtime=RUNTIME, role=RedisRole.CACHE)),
    "redis-broker/command-and-claim": Variant(
        lambda c: RedisStatefulSet(c, "Broker", runtime=RUNTIME, role=RedisRole.BROKER),
        lambda docs: [{"command": command("StatefulSet", "blog-redis-broker", "redis")(docs)[0],
                       **{key: find(docs, "StatefulSet", "blog-redis-broker")["spec"][key]
                          for key in ("volumeClaimTemplates", "persistentVolumeClaimRetentionPolicy")}}],
    ),
    "managed-store": Variant(lambda c: ManagedDataStore(
        c, "Postgres", runtime=RUNTIME, component="postgres", host="blog.abc.eu-west-1.rds.amazonaws.com", port=5432,
    )),
    "migration-job": Variant(lambda c: MigrationJob(c, "Migrate", runtime=RUNTIME)),
    "cron-job": Variant(lambda c: ManagementCronJob(
        c, "Cron", runtime=RUNTIME, name="clearsessions", schedule="0 3 * * *", time_zone="Europe/Dublin",
    )),
    "config-with-files": Variant(lambda c: AppConfig(
        c, "Config", app="blog", namespace="blog-qa", env={"A": "1"}, files={"newrelic.ini": "[newrelic]\n"},
    )),
}


def _synth(variant: str) -> Docs:
    chart = Chart(App(), "test")
    VARIANTS[variant].build(chart)
    return synth(chart)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_construct_snapshot(variant: str, snapshot: SnapshotAssertion) -> None:
    part = VARIANTS[variant].part(_synth(variant))
    assert part, f"{variant}: the snapshotted part is empty"
    assert dump_documents(part) == snapshot


@pytest.mark.parametrize(("variant", "base"), [
    ("web-alb-acm-group/ingress", "web-no-ingress"),
    ("web-nginx-cert-manager/ingress", "web-no-ingress"),
])
def test_ingress_variants_only_add_the_ingress(variant: str, base: str) -> None:
    """What the Ingress snapshots leave out is the base variant, unchanged."""
    assert [d for d in _synth(variant) if d["kind"] != "Ingress"] == _synth(base)


def test_beat_database_changes_only_the_beat_command() -> None:
    """What the beat-database snapshot leaves out is beat-file, unchanged."""
    def without_command(docs: Docs) -> Docs:
        for beat in container("StatefulSet", "blog-beat", "beat")(docs):
            del beat["command"]
        return docs

    assert without_command(_synth("beat-database/beat-command")) == without_command(_synth("beat-file"))


def test_worker_queues_grace_period_follows_its_time_limit() -> None:
    """The one pod-level field worker-queues changes beside its container (and its name)."""
    worker = find(_synth("worker-queues/worker-container"), "Deployment", "blog-worker-emails")
    assert worker["metadata"]["labels"]["app.kubernetes.io/component"] == "worker-emails"
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 900 + 30


def test_redis_broker_service_is_the_cache_service_renamed() -> None:
    """The broker's Service, left out of its snapshot, differs from the cache's only by the role's name."""
    cache = find(_synth("redis-cache"), "Service", "blog-redis-cache")
    broker = find(_synth("redis-broker/command-and-claim"), "Service", "blog-redis-broker")
    assert broker == json.loads(json.dumps(cache).replace("redis-cache", "redis-broker"))


def test_redis_broker_statefulset_is_the_cache_one_made_durable() -> None:
    """What the broker's snapshot leaves out of its StatefulSet is the cache's, renamed; the broker never evicts a
    task, writes every one to an append-only file on a 1Gi claim of its own, and loses the cache's 64Mi emptyDir."""
    cache = find(_synth("redis-cache"), "StatefulSet", "blog-redis-cache")
    broker = find(_synth("redis-broker/command-and-claim"), "StatefulSet", "blog-redis-broker")
    expected = json.loads(json.dumps(cache).replace("redis-cache", "redis-broker"))
    redis = expected["spec"]["template"]["spec"]["containers"][0]
    assert redis["command"][7:] == ["--maxmemory-policy", "allkeys-lru", "--save", "", "--appendonly", "no"]
    redis["command"][7:] = ["--maxmemory-policy", "noeviction", "--appendonly", "yes", "--dir", "/data"]
    volumes = expected["spec"]["template"]["spec"]["volumes"]
    assert volumes.pop() == {"name": "data", "emptyDir": {"sizeLimit": "64Mi"}}
    assert {"name": "data", "mountPath": "/data"} in redis["volumeMounts"]  # the same mount, now on the claim
    (claim,) = broker["spec"]["volumeClaimTemplates"]
    assert claim["metadata"] == {"name": "data", "labels": broker["metadata"]["labels"]}
    assert claim["spec"] == {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "1Gi"}}}
    expected["spec"]["volumeClaimTemplates"] = [claim]
    expected["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Delete", "whenScaled": "Retain"}
    assert broker == expected


def test_nginx_static_changes_only_web_and_adds_its_config() -> None:
    """What the nginx-static snapshot leaves out is web-no-ingress, changed exactly as here: gunicorn listens on
    localhost only and is probed through nginx's port, nginx's three volumes, the config's checksum on the pod
    template, and a grace period that outlasts nginx's drain."""
    base, variant = _synth("web-no-ingress"), _synth("web-nginx-static/nginx-containers-and-config")
    config = find(variant, "ConfigMap", "blog-web-nginx")
    expected = copy.deepcopy(base)
    template = find(expected, "Deployment", "blog-web")["spec"]["template"]
    checksum = hashlib.sha256(json.dumps(config["data"]["nginx.conf"]).encode()).hexdigest()[:16]
    template["metadata"]["annotations"]["cdk8s-django/nginx-config-checksum"] = f"sha256:{checksum}"
    pod = template["spec"]
    web = pod["containers"][0]
    assert web.pop("ports") == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]  # nothing outside the pod reaches gunicorn
    web["command"][web["command"].index("0.0.0.0:8000")] = "127.0.0.1:8000"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        web[probe]["httpGet"]["port"] = 8080
    pod["initContainers"] += container("Deployment", "blog-web", "copy-static")(variant)  # both in the snapshot
    pod["containers"] += container("Deployment", "blog-web", "nginx")(variant)
    pod["volumes"] += [{"name": "static-files", "emptyDir": {"sizeLimit": "1Gi"}},
                       {"name": "nginx-config", "configMap": {"name": "blog-web-nginx"}},
                       {"name": "nginx-tmp", "emptyDir": {"sizeLimit": "64Mi"}}]
    assert pod["terminationGracePeriodSeconds"] == 45
    pod["terminationGracePeriodSeconds"] = 51  # nginx's preStop (36) and shutdown timeout (5), plus the 10 s margin
    assert [doc for doc in variant if doc is not config] == expected

"""Snapshots of the environments' YAML and of each construct variant.

One whole-environment snapshot per kind of environment (staging: qa; production),
one full snapshot of each construct's base variant, and for every other variant only
the documents or containers that make it that variant. Snapshots catch unintended
change; the invariants in the other test files say what must hold. After
`pytest --snapshot-update`, read the YAML diff before committing.
"""

from __future__ import annotations

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

from _k8s import by_kind, containers, find, synth

RUNTIME = AppRuntime(
    app="blog", namespace="blog-qa", image="registry.example.com/blog:2.0.0", settings_module="blog.settings",
    env_config_map="blog-env", secrets=("blog-django",), config_checksum="0123456789abcdef", environment="qa",
)

Docs = list[dict[str, Any]]


@pytest.mark.parametrize("environment", ["qa", "production"])
def test_environment_snapshot(rendered: dict[str, dict[str, str]], environment: str, snapshot: SnapshotAssertion) -> None:
    """Every manifest file of the environment. ARCHITECTURE.md and NOTES.md are left out: test_dist holds them to
    the committed dist/ byte for byte and test_staging_at_scale checks what they say."""
    files = {name: text for name, text in rendered[environment].items() if name.endswith(".yaml")}
    assert set(rendered[environment]) - set(files) == {"ARCHITECTURE.md", "NOTES.md"}
    assert "".join(f"# {name}\n{files[name]}---\n" for name in sorted(files)) == snapshot


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
    "web-nginx-static/pod-and-config": Variant(lambda c: DjangoWeb(
        c, "Web", runtime=RUNTIME, static=NginxStatic(), static_url="https://static.blog.example.com/static/",
    ), lambda docs: [find(docs, "Deployment", "blog-web")["spec"]["template"], find(docs, "ConfigMap", "blog-web-nginx")]),
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
    "redis-broker/statefulset": Variant(
        lambda c: RedisStatefulSet(c, "Broker", runtime=RUNTIME, role=RedisRole.BROKER),
        only("StatefulSet"),
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
    broker = find(_synth("redis-broker/statefulset"), "Service", "blog-redis-broker")
    assert broker == json.loads(json.dumps(cache).replace("redis-cache", "redis-broker"))

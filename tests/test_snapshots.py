"""Snapshots of every environment's YAML and of each construct variant.

Snapshots catch unintended change; the invariants in the other test files say
what must hold. After `pytest --snapshot-update`, read the YAML diff before committing.
"""

from __future__ import annotations

from collections.abc import Callable

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
    OpsShell,
    PostgresStatefulSet,
    RedisRole,
    RedisStatefulSet,
    SecretKeyRef,
)
from cdk8s_django.output.writer import dump_documents

from _k8s import synth

RUNTIME = AppRuntime(
    app="blog", namespace="blog-qa", image="registry.example.com/blog:2.0.0", settings_module="blog.settings",
    env_config_map="blog-env", secrets=("blog-django",), config_checksum="0123456789abcdef", environment="qa",
)


@pytest.mark.parametrize("environment", ["qa", "demo", "production"])
def test_environment_snapshot(rendered: dict[str, dict[str, str]], environment: str, snapshot: SnapshotAssertion) -> None:
    files = rendered[environment]
    assert "".join(f"# {name}\n{files[name]}---\n" for name in sorted(files)) == snapshot


VARIANTS: dict[str, Callable[[Chart], object]] = {
    "web-no-ingress": lambda c: DjangoWeb(c, "Web", runtime=RUNTIME),
    "web-alb-acm-group": lambda c: DjangoWeb(
        c, "Web", runtime=RUNTIME, hosts=["qa.blog.example.com"],
        ingress=IngressOptions(class_name="alb", tls=AcmCertificate("arn:aws:acm:eu-west-1:123456789012:certificate/abc"), group_name="staging"),
    ),
    "web-nginx-cert-manager": lambda c: DjangoWeb(
        c, "Web", runtime=RUNTIME, hosts=["blog.example.com"],
        ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, tls=CertManagerIssuer("letsencrypt")),
    ),
    "worker-default": lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME),
    "worker-queues": lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME, name="worker-emails", queues=["emails", "sms"], concurrency=8, task_time_limit=900),
    "beat-file": lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME),
    "beat-database": lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, scheduler=BeatScheduler.DATABASE),
    "shell": lambda c: OpsShell(c, "Shell", runtime=RUNTIME),
    "postgres": lambda c: PostgresStatefulSet(c, "Postgres", runtime=RUNTIME, password=SecretKeyRef("blog-database", "password"), storage="20Gi", storage_class="gp3-encrypted"),
    "redis-cache": lambda c: RedisStatefulSet(c, "Cache", runtime=RUNTIME, role=RedisRole.CACHE),
    "redis-broker": lambda c: RedisStatefulSet(c, "Broker", runtime=RUNTIME, role=RedisRole.BROKER),
    "managed-store": lambda c: ManagedDataStore(c, "Postgres", runtime=RUNTIME, component="postgres", host="blog.abc.eu-west-1.rds.amazonaws.com", port=5432),
    "migration-job": lambda c: MigrationJob(c, "Migrate", runtime=RUNTIME),
    "cron-job": lambda c: ManagementCronJob(c, "Cron", runtime=RUNTIME, name="clearsessions", schedule="0 3 * * *", time_zone="Europe/Dublin"),
    "config-with-files": lambda c: AppConfig(c, "Config", app="blog", namespace="blog-qa", env={"A": "1"}, files={"newrelic.ini": "[newrelic]\n"}),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_construct_snapshot(variant: str, snapshot: SnapshotAssertion) -> None:
    chart = Chart(App(), "test")
    VARIANTS[variant](chart)
    assert dump_documents(synth(chart)) == snapshot

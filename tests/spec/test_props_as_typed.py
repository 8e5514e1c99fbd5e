"""Issue 21 §1: every error raised while building a DjangoChart names the prop as main.py spells it, with its owner
(``django_app.gunicorn_threads``, ``environment.cache.host``, ``Worker('emails').concurrency``), though the rule is the
component's (``DjangoWeb``'s ``threads``). Used directly, a component still names its own prop."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cdk8s import App

from cdk8s_django import (
    Autoscaling,
    ConfigError,
    CronTask,
    DjangoApp,
    DjangoChart,
    DjangoWeb,
    Environment,
    InCluster,
    Managed,
    Resources,
    Worker,
)
from cdk8s_django.stores import Memcached, RabbitMQ

APP = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings",
                workers=(Worker(name="emails", queues=("emails",)),), cron={"clear_sessions": "0 3 * * *"})
MANAGED = {"postgres": Managed("db.example.com"), "cache": Managed("cache.example.com"), "broker": Managed("broker.example.com")}
BAD_RESOURCES = Resources(cpu="lots")


def _app(**changes: Any) -> DjangoApp:
    return dataclasses.replace(APP, **changes)


def _worker(**changes: Any) -> DjangoApp:
    return _app(workers=(dataclasses.replace(APP.workers[0], **changes),))


STAGING = Environment.staging("qa")
# (what main.py got wrong, the app, the environment, the name the message must give)
CASES: list[tuple[str, DjangoApp, Environment, str]] = [
    ("gunicorn threads", _app(gunicorn_threads=0), STAGING, "django_app.gunicorn_threads=0"),
    ("gunicorn workers", _app(gunicorn_workers=0), STAGING, "django_app.gunicorn_workers=0"),
    ("web port", _app(web_port=70000), STAGING, "django_app.web_port=70000"),
    ("health check path", _app(health_check_path="healthz"), STAGING, "django_app.health_check_path="),
    ("wsgi application", _app(wsgi_application="--bind=0.0.0.0"), STAGING, "django_app.wsgi_application="),
    ("web replicas", APP, Environment.staging("qa", web_replicas=-1), "environment.web_replicas=-1"),
    ("web autoscaling", APP, Environment.staging("qa", web_autoscaling=Autoscaling(min_replicas=3, max_replicas=2)),
     "environment.web_autoscaling."),
    ("web resources", APP, Environment.staging("qa", resources={"web": BAD_RESOURCES}), "environment.resources['web'].cpu="),
    ("worker concurrency", _worker(concurrency=0), STAGING, "Worker('emails').concurrency=0"),
    ("worker queues", _worker(queues=()), STAGING, "Worker('emails').queues="),
    ("worker time limit", _worker(task_time_limit=0), STAGING, "Worker('emails').task_time_limit=0"),
    ("worker metrics port", _worker(metrics_port=70000), STAGING, "Worker('emails').metrics_port=70000"),
    ("worker's own autoscaling", _worker(autoscaling=Autoscaling(min_replicas=3, max_replicas=2)), STAGING,
     "Worker('emails').autoscaling."),
    ("environment's worker autoscaling", APP,
     Environment.staging("qa", worker_autoscaling=Autoscaling(min_replicas=3, max_replicas=2)), "environment.worker_autoscaling."),
    ("worker replicas", APP, Environment.staging("qa", worker_replicas=-1), "environment.worker_replicas=-1"),
    ("worker resources", APP, Environment.staging("qa", resources={"worker": BAD_RESOURCES}), "environment.resources['worker'].cpu="),
    ("beat resources", APP, Environment.staging("qa", resources={"beat": BAD_RESOURCES}), "environment.resources['beat'].cpu="),
    ("shell resources", APP, Environment.staging("qa", resources={"shell": BAD_RESOURCES}), "environment.resources['shell'].cpu="),
    ("migrate resources", APP, Environment.staging("qa", resources={"migrate": BAD_RESOURCES}), "environment.resources['migrate'].cpu="),
    ("cron resources", APP, Environment.staging("qa", resources={"cron": BAD_RESOURCES}), "environment.resources['cron'].cpu="),
    ("cron schedule as a string", _app(cron={"clear_sessions": "61 3 * * *"}), STAGING, "django_app.cron['clear_sessions']='61 3 * * *'"),
    ("cron schedule of a task", _app(cron={"report": CronTask("61 3 * * *")}), STAGING, "django_app.cron['report'].schedule="),
    ("cron time zone", _app(cron={"report": CronTask("0 3 * * *", time_zone="Mars/Olympus")}), STAGING,
     "django_app.cron['report'].time_zone="),
    ("cron command", _app(cron={"report": CronTask("0 3 * * *", command=())}), STAGING, "django_app.cron['report'].command="),
    ("postgres storage", APP, Environment.staging("qa", postgres=InCluster(storage="10GB")), "environment.postgres.storage="),
    ("postgres storage class", APP, Environment.staging("qa", postgres=InCluster(storage_class="GP3")),
     "environment.postgres.storage_class="),
    ("postgres image", APP, Environment.staging("qa", postgres=InCluster(image="Postgres:16")), "environment.postgres.image="),
    ("postgres resources", APP, Environment.staging("qa", resources={"postgres": BAD_RESOURCES}),
     "environment.resources['postgres'].cpu="),
    ("broker storage", APP, Environment.staging("qa", broker=InCluster(storage="1GB")), "environment.broker.storage="),
    ("redis resources", APP, Environment.staging("qa", resources={"redis": BAD_RESOURCES}), "environment.resources['redis'].cpu="),
    ("managed cache host", APP, Environment.production(**{**MANAGED, "cache": Managed("10.1.2.3")}), "environment.cache.host="),
    ("managed postgres port", APP, Environment.production(**{**MANAGED, "postgres": Managed("db.example.com", port=70000)}),
     "environment.postgres.port=70000"),
    ("rabbitmq storage", APP, Environment.staging("qa", broker=RabbitMQ(storage="1GB")), "environment.broker.storage="),
    ("rabbitmq image", APP, Environment.staging("qa", broker=RabbitMQ(image="RabbitMQ:3")), "environment.broker.image="),
    ("rabbitmq resources", APP, Environment.staging("qa", broker=RabbitMQ(), resources={"rabbitmq": BAD_RESOURCES}),
     "environment.resources['rabbitmq'].cpu="),
    ("memcached image", APP, Environment.staging("qa", cache=Memcached(image="Memcached:1")), "environment.cache.image="),
    ("memcached memory", APP, Environment.staging("qa", cache=Memcached(), resources={"memcached": Resources(memory="16Mi")}),
     "environment.resources['memcached'].memory_limit="),
]


@pytest.mark.parametrize(("app", "environment", "named"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_the_error_names_the_prop_as_main_py_spells_it(app: DjangoApp, environment: Environment, named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        DjangoChart(App(), environment.name, django_app=app, environment=environment)
    assert f"invalid {named}" in str(raised.value)


def test_a_component_used_directly_names_its_own_prop() -> None:
    from cdk8s import Chart

    from cdk8s_django.k8s.runtime import AppRuntime
    from cdk8s_django.k8s.security import PodSecurity

    runtime = AppRuntime(app="shop", namespace="shop-qa", image="registry.example.com/shop:1.4.2", settings_module="shop.settings",
                         env_config_map="shop-env", files_config_map="shop-files", config_files=(), secrets=(), secret_env={},
                         pod_env={}, config_checksum="0", service_account="shop", environment="qa", security=PodSecurity(run_as_user=10001),
                         command_prefix=())
    with pytest.raises(ConfigError) as raised:
        DjangoWeb(Chart(App(), "qa"), "Web", runtime=runtime, threads=0)
    assert str(raised.value).startswith("qa/Web: invalid threads=0:")

"""``DjangoChart``: one environment of one app, in its own namespace."""

from __future__ import annotations

from cdk8s import Chart
from constructs import Construct

from . import _validation as v
from ._base import LazyPath
from ._manifest import emit, object_labels
from .app_config import AppConfig
from .celery_beat import CeleryBeat
from .celery_worker import CeleryWorker
from .contract import config_env, pod_env
from .django_app import CronTask, DjangoApp
from .django_web import DjangoWeb
from .environment import Environment, EnvironmentKind, InCluster, Managed
from .managed_data_store import ManagedDataStore
from .management_cron_job import ManagementCronJob
from .migration_job import MigrationJob
from .ops_shell import OpsShell
from .postgres_stateful_set import POSTGRES_COMPONENT, POSTGRES_PORT, PostgresStatefulSet
from .redis_stateful_set import REDIS_PORT, RedisRole, RedisStatefulSet
from .runtime import AppRuntime, SecretKeyRef

__all__ = ["DjangoChart", "APP_NAME_MAX"]

# Leaves room for the longest suffix ("-redis-broker-headless", "-migrate-<hash>").
APP_NAME_MAX = 30


class DjangoChart(Chart):
    """Everything one app needs in one environment: namespace, config, web, workers,
    beat, ops shell, migrations, cron jobs and data stores.

    Staging gets ``PostgresStatefulSet`` and two ``RedisStatefulSet`` (cache and
    broker); production gets ``ManagedDataStore`` ExternalName Services under
    the same names. The app's wiring is the same in both.

    Args:
        scope: the cdk8s App.
        id: the chart id; by convention the environment's name.
        django_app: what runs.
        environment: where it runs.

    Attributes: ``namespace_name``, ``runtime``, ``config``, ``web``, ``workers``,
    ``beat``, ``shell``, ``migration``, ``cron_jobs``, ``stores`` (by component name).
    """

    def __init__(self, scope: Construct, id: str, *, django_app: DjangoApp, environment: Environment) -> None:
        where = LazyPath(scope, id)
        namespace = _check_inputs(where, django_app, environment)
        super().__init__(scope, id, disable_resource_name_hashes=True)
        self.chart_id = id

        self.django_app = django_app
        self.environment = environment
        self.namespace_name = namespace
        app = django_app.name
        production = environment.kind is EnvironmentKind.PRODUCTION

        self.namespace_object = emit(self, "Namespace", {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": namespace, "labels": object_labels(app, "namespace", environment.name)},
        })
        self.config = AppConfig(
            self, "Config", app=app, namespace=namespace,
            env=config_env(django_app, environment, namespace),
            files=dict(django_app.config_files), environment=environment.name,
        )
        password = environment.database_password or SecretKeyRef(f"{app}-database", "password")
        self.runtime = AppRuntime(
            app=app,
            namespace=namespace,
            image=environment.image or django_app.image,
            settings_module=django_app.settings_module,
            env_config_map=self.config.env_config_map_name,
            files_config_map=self.config.files_config_map_name,
            config_files=self.config.file_names,
            secrets=tuple(django_app.secrets),
            secret_env={"DATABASE_PASSWORD": password},
            pod_env=pod_env(django_app, environment, namespace),
            config_checksum=self.config.checksum,
            environment=environment.name,
        )
        runtime = self.runtime

        self.stores: dict[str, object] = {}
        if isinstance(environment.postgres, Managed):
            self.stores[POSTGRES_COMPONENT] = ManagedDataStore(
                self, "Postgres", runtime=runtime, component=POSTGRES_COMPONENT,
                host=environment.postgres.host, port=environment.postgres.port or POSTGRES_PORT,
            )
        else:
            self.stores[POSTGRES_COMPONENT] = PostgresStatefulSet(
                self, "Postgres", runtime=runtime, password=password,
                storage=environment.postgres.storage, storage_class=environment.postgres.storage_class,
            )
        for role, store, id_ in ((RedisRole.CACHE, environment.cache, "Cache"), (RedisRole.BROKER, environment.broker, "Broker")):
            if isinstance(store, Managed):
                self.stores[role.value] = ManagedDataStore(
                    self, id_, runtime=runtime, component=role.value, host=store.host, port=store.port or REDIS_PORT,
                )
            else:
                self.stores[role.value] = RedisStatefulSet(
                    self, id_, runtime=runtime, role=role, storage=store.storage, storage_class=store.storage_class,
                )

        self.migration = MigrationJob(self, "Migrate", runtime=runtime)
        self.web = DjangoWeb(
            self, "Web", runtime=runtime, hosts=environment.hosts, ingress=environment.ingress,
            port=django_app.web_port, health_check_path=django_app.health_check_path,
            replicas=environment.web_replicas, wsgi_application=django_app.wsgi_application,
        )
        self.workers = [
            CeleryWorker(
                self, f"Worker-{worker.name}", runtime=runtime, name=worker.name, queues=worker.queues,
                concurrency=worker.concurrency, task_time_limit=worker.task_time_limit,
                replicas=environment.worker_replicas, celery_app=django_app.celery_app,
            )
            for worker in django_app.workers
        ]
        self.beat = (
            CeleryBeat(self, "Beat", runtime=runtime, scheduler=django_app.beat_scheduler, celery_app=django_app.celery_app)
            if django_app.beat else None
        )
        self.shell = OpsShell(self, "Shell", runtime=runtime)
        self.cron_jobs = []
        for name, task in sorted(django_app.cron.items()):
            spec = task if isinstance(task, CronTask) else CronTask(schedule=task)
            self.cron_jobs.append(ManagementCronJob(
                self, f"Cron-{name}", runtime=runtime, name=name, schedule=spec.schedule,
                command=spec.command, time_zone=spec.time_zone,
            ))
        self.production = production


def _check_inputs(where: LazyPath, django_app: DjangoApp, environment: Environment) -> str:
    """Validate the app and the environment together; return the namespace name."""
    if not isinstance(django_app, DjangoApp):
        raise v.ConfigError(where, "django_app", type(django_app).__name__, "a DjangoApp", "build one with DjangoApp(name=..., image=..., settings_module=...)")
    if not isinstance(environment, Environment):
        raise v.ConfigError(where, "environment", type(environment).__name__, "an Environment", "use Environment.staging(...) or Environment.production(...)")
    v.check_dns_label(where, "django_app.name", django_app.name, max_len=APP_NAME_MAX)
    v.check_image(where, "django_app.image", django_app.image)
    if environment.image is not None:
        v.check_image(where, "environment.image", environment.image)
    if not isinstance(django_app.settings_module, str) or not all(
        part.isidentifier() for part in django_app.settings_module.split(".")
    ):
        raise v.ConfigError(where, "django_app.settings_module", django_app.settings_module, "a dotted Python module path such as 'shop.settings'", "use the value of DJANGO_SETTINGS_MODULE")
    v.check_unique(where, "django_app.workers", [w.name for w in django_app.workers])
    for secret in django_app.secrets:
        v.check_dns_subdomain(where, "django_app.secrets", secret)
    v.check_dns_label(where, "environment.name", environment.name)
    namespace = environment.namespace or f"{django_app.name}-{environment.name}"
    v.check_dns_label(where, "environment.namespace", namespace)
    v.check_int_range(where, "environment.web_replicas", environment.web_replicas, 0, 1000)
    v.check_int_range(where, "environment.worker_replicas", environment.worker_replicas, 0, 1000)
    production = environment.kind is EnvironmentKind.PRODUCTION
    for prop in ("postgres", "cache", "broker"):
        store = getattr(environment, prop)
        if not isinstance(store, (InCluster, Managed)):
            raise v.ConfigError(where, f"environment.{prop}", store, "InCluster() or Managed(host)", f"set {prop}=Managed('...') or InCluster()")
        if production and isinstance(store, InCluster):
            raise v.ConfigError(
                where, f"environment.{prop}", store, "a Managed store in production (in-cluster stores are for throwaway staging)",
                f"pass {prop}=Managed('<endpoint host name>')",
            )
        if isinstance(store, Managed):
            v.check_host_name(where, f"environment.{prop}.host", store.host)
            if store.port is not None:
                v.check_port(where, f"environment.{prop}.port", store.port)
    if environment.ingress is not None and not environment.hosts:
        raise v.ConfigError(where, "environment.hosts", environment.hosts, "at least one host name when ingress is set", "pass hosts=('shop.example.com',)")
    return namespace

"""``DjangoChart``: one environment of one app, in its own namespace."""

from __future__ import annotations

import re
from dataclasses import replace

from cdk8s import ApiObject, Chart

from constructs import Construct

from ..k8s._base import LazyPath
from ..k8s._manifest import emit, object_labels
from ..k8s.runtime import AppRuntime, SecretKeyRef
from ..k8s.security import RESTRICTED_NAMESPACE_LABELS, PodSecurity
from ..spec import _validation as v
from ..spec._budget import check_connection_budget
from ..spec._contract import RESERVED_ENV, config_env, pod_env
from ..spec.django_app import CronTask, DjangoApp
from ..spec.environment import Environment, EnvironmentKind, InCluster, Managed
from ..spec.ingress import IngressController
from ..spec.preview import PREVIEW_PREFIX
from .app_config import AppConfig
from .autoscaling import QueueAutoscaling, check_autoscaling
from .celery_beat import DEFAULT_BEAT_RESOURCES, CeleryBeat
from .celery_worker import DEFAULT_WORKER_RESOURCES, CeleryWorker
from .django_web import DEFAULT_WEB_RESOURCES, DjangoWeb
from .external_secrets import AwsSecret, GeneratedPassword
from .managed_data_store import ManagedDataStore
from .management_cron_job import DEFAULT_CRON_RESOURCES, ManagementCronJob
from .migration_job import DEFAULT_MIGRATION_RESOURCES, MigrationJob
from .monitoring import NEW_RELIC_COMMAND_PREFIX, NEW_RELIC_INI_FILE, Monitoring
from .network_policies import NetworkPolicies, check_network_access
from .ops_shell import DEFAULT_SHELL_RESOURCES, OpsShell
from .postgres_stateful_set import (
    DEFAULT_POSTGRES_RESOURCES,
    POSTGRES_COMPONENT,
    POSTGRES_PORT,
    PostgresStatefulSet,
)
from .redis_stateful_set import (
    DEFAULT_REDIS_RESOURCES,
    REDIS_PORT,
    RedisRole,
    RedisStatefulSet,
)
from .seed_data_job import SeedDataJob
from .shell_access import ShellAccess

__all__ = ["APP_NAME_MAX", "DjangoChart"]

# Leaves room for the longest suffix ("-redis-broker-headless", "-migrate-<hash>").
APP_NAME_MAX = 30
# Components the library names itself: a worker or cron job with one of these names
# would collide with their Services, selectors, HPAs and PDBs.
RESERVED_COMPONENTS = frozenset({
    "web", "beat", "shell", "shell-exec", "migrate", "seed", "config", "namespace", "secrets",
    "service-account", "network-policy", "default-deny", "postgres", "redis-cache", "redis-broker", "files", "env",
})
RESOURCE_KEYS = frozenset({"web", "worker", "beat", "shell", "migrate", "cron", "postgres", "redis"})
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|API_KEY|LICENSE_KEY|PRIVATE_KEY)$")
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
# The AWS Load Balancer Controller holds a new pod un-Ready until the ALB target is healthy,
# so a rollout never outruns the load balancer's registration.
ALB_READINESS_GATE = {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}


def _uses_alb(environment: Environment) -> bool:
    return environment.ingress is not None and environment.ingress.controller is IngressController.AWS_LOAD_BALANCER


class DjangoChart(Chart):
    """Everything one app needs in one environment: namespace, config, web, workers,
    beat, ops shell, migrations, cron jobs, data stores and their guard rails.

    Staging gets ``PostgresStatefulSet`` and two ``RedisStatefulSet`` (cache and
    broker); production gets ``ManagedDataStore`` ExternalName Services under
    the same names. The app's wiring is the same in both.

    Args:
        scope: the cdk8s App.
        id: the chart id; by convention the environment's name.
        django_app: what runs.
        environment: where it runs.

    Attributes: ``namespace_name``, ``runtime``, ``config``, ``service_account``, ``web``,
    ``workers``, ``beat``, ``shell``, ``migration``, ``cron_jobs``, ``stores`` (by component),
    ``network_policies``, ``secrets``, ``monitoring``, ``shell_access``.
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
        sizes = environment.resources

        self.namespace_object = emit(self, "Namespace", {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": namespace,
                "labels": {
                    **object_labels(app, "namespace", environment.name), **RESTRICTED_NAMESPACE_LABELS,
                    **(environment.preview.namespace_labels() if environment.preview else {}),
                    **(ALB_READINESS_GATE if _uses_alb(environment) else {}),
                },
                **({"annotations": environment.preview.namespace_annotations()} if environment.preview else {}),
            },
        })
        files = dict(django_app.config_files)
        if django_app.newrelic:
            files[NEW_RELIC_INI_FILE] = django_app.newrelic.ini
        self.config = AppConfig(
            self, "Config", app=app, namespace=namespace,
            env=config_env(django_app, environment, namespace), files=files, environment=environment.name,
        )
        password = environment.database_password or SecretKeyRef(f"{app}-database", "password")
        secret_env = {"DATABASE_PASSWORD": password}
        if django_app.newrelic:
            secret_env["NEW_RELIC_LICENSE_KEY"] = django_app.newrelic.license_key
        self.service_account: ApiObject = emit(self, "ServiceAccount", {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {
                "name": app, "namespace": namespace, "labels": object_labels(app, "service-account", environment.name),
                **({"annotations": {IRSA_ANNOTATION: environment.iam_role_arn}} if environment.iam_role_arn else {}),
            },
            "automountServiceAccountToken": False,
        })
        self.runtime = AppRuntime(
            app=app,
            namespace=namespace,
            image=environment.image or django_app.image,
            settings_module=django_app.settings_module,
            env_config_map=self.config.env_config_map_name,
            files_config_map=self.config.files_config_map_name,
            config_files=self.config.file_names,
            secrets=tuple(django_app.secrets),
            secret_env=secret_env,
            pod_env=pod_env(django_app, environment, namespace),
            config_checksum=self.config.checksum,
            service_account=app,
            environment=environment.name,
            security=PodSecurity(run_as_user=django_app.run_as_user),
            command_prefix=NEW_RELIC_COMMAND_PREFIX if django_app.newrelic else (),
        )
        runtime = self.runtime

        self.secrets: list[object] = []
        if environment.aws_secrets is not None:
            store = environment.aws_secrets
            prefix = store.prefix or f"{app}/{environment.name}"
            self.secrets.append(AwsSecret(
                self, "DatabaseSecret", runtime=runtime, name=password.name, store=store,
                remote_key=f"{prefix}/database",
            ))
            for secret in django_app.secrets:
                self.secrets.append(AwsSecret(self, f"Secret-{secret}", runtime=runtime, name=secret, store=store, remote_key=f"{prefix}/{secret}"))
        elif environment.generate_database_password and isinstance(environment.postgres, InCluster):
            self.secrets.append(GeneratedPassword(self, "DatabaseSecret", runtime=runtime, name=password.name))

        self.stores: dict[str, object] = {}
        in_cluster_ports: dict[str, int] = {}
        if isinstance(environment.postgres, Managed):
            self.stores[POSTGRES_COMPONENT] = ManagedDataStore(
                self, "Postgres", runtime=runtime, component=POSTGRES_COMPONENT,
                host=environment.postgres.host, port=environment.postgres.port or POSTGRES_PORT,
            )
        else:
            self.stores[POSTGRES_COMPONENT] = PostgresStatefulSet(
                self, "Postgres", runtime=runtime, password=password,
                storage=environment.postgres.storage, storage_class=environment.postgres.storage_class,
                resources=sizes.get("postgres", DEFAULT_POSTGRES_RESOURCES),
            )
            in_cluster_ports[POSTGRES_COMPONENT] = POSTGRES_PORT
        for role, store_spec, id_ in ((RedisRole.CACHE, environment.cache, "Cache"), (RedisRole.BROKER, environment.broker, "Broker")):
            if isinstance(store_spec, Managed):
                self.stores[role.value] = ManagedDataStore(
                    self, id_, runtime=runtime, component=role.value, host=store_spec.host, port=store_spec.port or REDIS_PORT,
                )
            else:
                self.stores[role.value] = RedisStatefulSet(
                    self, id_, runtime=runtime, role=role, storage=store_spec.storage, storage_class=store_spec.storage_class,
                    resources=sizes.get("redis", DEFAULT_REDIS_RESOURCES),
                )
                in_cluster_ports[role.value] = REDIS_PORT

        self.migration = MigrationJob(self, "Migrate", runtime=runtime, resources=sizes.get("migrate", DEFAULT_MIGRATION_RESOURCES))
        self.web = DjangoWeb(
            self, "Web", runtime=runtime, hosts=environment.hosts, ingress=environment.ingress,
            port=django_app.web_port, health_check_path=django_app.health_check_path,
            replicas=environment.web_replicas, autoscaling=environment.web_autoscaling,
            wsgi_application=django_app.wsgi_application,
            workers=django_app.gunicorn_workers, threads=django_app.gunicorn_threads,
            metrics_port=django_app.web_metrics_port if environment.monitoring else None,
            resources=sizes.get("web", DEFAULT_WEB_RESOURCES),
        )
        broker = environment.broker
        # KEDA dials from its own namespace: the fully qualified Service name in the cluster,
        # the endpoint itself when managed (its TLS certificate names the endpoint, not our alias).
        broker_port = getattr(broker, "port", None) or REDIS_PORT
        broker_host = broker.host if isinstance(broker, Managed) else f"{runtime.name(RedisRole.BROKER.value)}.{namespace}.svc"
        broker_address = f"{broker_host}:{broker_port}"
        self.workers = []
        keda_used = False
        for worker in django_app.workers:
            scaling = worker.autoscaling or environment.worker_autoscaling
            if isinstance(scaling, QueueAutoscaling):
                keda_used = True
                scaling = replace(scaling, address=scaling.address or broker_address, tls=isinstance(broker, Managed) and broker.tls)
            self.workers.append(CeleryWorker(
                self, f"Worker-{worker.name}", runtime=runtime, name=worker.name, queues=worker.queues,
                concurrency=worker.concurrency, task_time_limit=worker.task_time_limit,
                replicas=environment.worker_replicas, autoscaling=scaling, heartbeat=django_app.celery_heartbeat,
                celery_app=django_app.celery_app, metrics_port=worker.metrics_port,
                resources=sizes.get("worker", DEFAULT_WORKER_RESOURCES),
            ))
        self.beat = (
            CeleryBeat(
                self, "Beat", runtime=runtime, scheduler=django_app.beat_scheduler, celery_app=django_app.celery_app,
                heartbeat=django_app.celery_heartbeat, resources=sizes.get("beat", DEFAULT_BEAT_RESOURCES),
            )
            if django_app.beat else None
        )
        self.seed = SeedDataJob(self, "Seed", runtime=runtime, seed=environment.seed) if environment.seed else None
        self.shell = OpsShell(self, "Shell", runtime=runtime, resources=sizes.get("shell", DEFAULT_SHELL_RESOURCES))
        self.cron_jobs = []
        for name, task in sorted(django_app.cron.items()):
            spec = task if isinstance(task, CronTask) else CronTask(schedule=task)
            self.cron_jobs.append(ManagementCronJob(
                self, f"Cron-{name}", runtime=runtime, name=name, schedule=spec.schedule,
                command=spec.command, time_zone=spec.time_zone,
                resources=sizes.get("cron", DEFAULT_CRON_RESOURCES),
            ))

        metrics_ports = {w.component: w.metrics_port for w in self.workers if w.metrics_port} if environment.monitoring else {}
        if environment.monitoring:
            metrics_ports["web"] = django_app.web_metrics_port
        self.network_policies = NetworkPolicies(
            self, "NetworkPolicies", runtime=runtime, web_port=django_app.web_port, access=environment.network,
            metrics_ports=metrics_ports, stores=in_cluster_ports,
            keda_components=(RedisRole.BROKER.value,) if keda_used and RedisRole.BROKER.value in in_cluster_ports else (),
        )
        self.monitoring = (
            Monitoring(
                self, "Monitoring", runtime=runtime, web_path=django_app.metrics_path,
                worker_components=tuple(w.component for w in self.workers if w.metrics_port),
            )
            if environment.monitoring else None
        )
        self.shell_access = (
            ShellAccess(self, "ShellAccess", runtime=runtime, group=environment.shell_operators, pod_name=self.shell.pod_name)
            if environment.shell_operators else None
        )


def _check_inputs(where: LazyPath, django_app: DjangoApp, environment: Environment) -> str:
    """Validate the app and the environment together, before any object exists; return the namespace."""
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
    components = [w.name for w in django_app.workers] + list(django_app.cron)
    v.check_unique(where, "django_app.workers and django_app.cron", components)
    for component in components:
        if component in RESERVED_COMPONENTS:
            raise v.ConfigError(
                where, "django_app.workers and django_app.cron", component,
                f"a name other than {', '.join(sorted(RESERVED_COMPONENTS))} (the library's own components)",
                f"rename it, e.g. '{component}-task'",
            )
    for source, env in (("django_app.env", django_app.env), ("environment.env", environment.env)):
        for key in env:
            if key in RESERVED_ENV:
                raise v.ConfigError(where, source, key, "a variable the library does not set itself (it would be ignored)", "see the README's app contract; drop it")
            if SECRET_NAME.search(key):
                raise v.ConfigError(
                    where, source, key, "no secret in a ConfigMap (dist/ is committed)",
                    "put it in a Secret listed in DjangoApp.secrets",
                )
    unknown = set(environment.resources) - RESOURCE_KEYS
    if unknown:
        raise v.ConfigError(where, "environment.resources", min(unknown), f"one of {', '.join(sorted(RESOURCE_KEYS))}", "fix the key's spelling")
    for key, resources in environment.resources.items():
        resources.check(where, f"environment.resources[{key!r}]")
    for secret in django_app.secrets:
        v.check_dns_subdomain(where, "django_app.secrets", secret)
    if not isinstance(django_app.run_as_user, int) or not 1 <= django_app.run_as_user < 2**31:
        raise v.ConfigError(where, "django_app.run_as_user", django_app.run_as_user, "a non-root UID (1 to 2147483647; above 10000 avoids clashing with node users)", "use the default 10001 or the image's app user")
    v.check_int_range(where, "django_app.gunicorn_workers", django_app.gunicorn_workers, 1, 64)
    v.check_int_range(where, "django_app.gunicorn_threads", django_app.gunicorn_threads, 1, 256)
    v.check_dns_label(where, "environment.name", environment.name)
    if (environment.preview is None) == environment.name.startswith(PREVIEW_PREFIX):
        expected = f"a name starting with '{PREVIEW_PREFIX}' for a preview" if environment.preview else f"a name not starting with '{PREVIEW_PREFIX}' (reserved for previews, which expire)"
        raise v.ConfigError(where, "environment.name", environment.name, expected, "use Environment.for_branch(...) for previews and another name otherwise")
    namespace = environment.namespace or f"{django_app.name}-{environment.name}"
    v.check_dns_label(where, "environment.namespace", namespace)
    v.check_int_range(where, "environment.web_replicas", environment.web_replicas, 0, 1000)
    v.check_int_range(where, "environment.worker_replicas", environment.worker_replicas, 0, 1000)
    production = environment.kind is EnvironmentKind.PRODUCTION
    if production:
        image = environment.image or django_app.image
        if not v.image_is_pinned(image):
            raise v.ConfigError(
                where, "environment.image" if environment.image else "django_app.image", image, "a pinned image in production: a tag other than 'latest', or a digest",
                "use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'",
            )
        if environment.web_autoscaling is not None and environment.web_autoscaling.min_replicas < 2:
            raise v.ConfigError(where, "environment.web_autoscaling.min_replicas", environment.web_autoscaling.min_replicas, "at least 2 in production (one pod means downtime on every node drain)", "set min_replicas=2 or more")
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
    if environment.iam_role_arn is not None and not environment.iam_role_arn.startswith("arn:aws:iam::"):
        raise v.ConfigError(where, "environment.iam_role_arn", environment.iam_role_arn, "an IAM role ARN ('arn:aws:iam::<account>:role/<name>')", "copy the role's ARN")
    check_network_access(where, "environment.network", environment.network)
    if _uses_alb(environment) and not environment.network.load_balancer_cidrs:
        raise v.ConfigError(
            where, "environment.network.load_balancer_cidrs", (), "the CIDRs of the ALB's subnets (with IP targets, traffic to the pods comes from there)",
            "pass network=NetworkAccess(load_balancer_cidrs=('10.0.0.0/24', ...)); not the whole VPC, whose pods would then all reach web",
        )
    if environment.web_autoscaling is not None:
        check_autoscaling(where, "environment.web_autoscaling", environment.web_autoscaling)
    for prop, scaling in [("environment.worker_autoscaling", environment.worker_autoscaling),
                          *((f"django_app.workers[{w.name!r}].autoscaling", w.autoscaling) for w in django_app.workers)]:
        if scaling is not None:
            check_autoscaling(where, prop, scaling, require_address=False)
    check_connection_budget(where, django_app, environment)
    return namespace

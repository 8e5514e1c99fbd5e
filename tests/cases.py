"""Bad inputs, one or more per validation rule: (id, function that builds it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from cdk8s import App, Chart

from cdk8s_django import (
    Resources,
    AcmCertificate,
    Autoscaling,
    AwsSecret,
    AwsSecretsManager,
    GeneratedPassword,
    NetworkAccess,
    QueueAutoscaling,
    ShellAccess,
    AppConfig,
    AppRuntime,
    CeleryBeat,
    CeleryWorker,
    CertManagerIssuer,
    CronTask,
    DjangoApp,
    DjangoChart,
    DjangoWeb,
    Environment,
    InCluster,
    IngressController,
    IngressOptions,
    Managed,
    ManagedDataStore,
    NewRelic,
    ManagementCronJob,
    MigrationJob,
    PostgresStatefulSet,
    RedisRole,
    RedisStatefulSet,
    SecretKeyRef,
    Worker,
)

APP = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings")
QA = Environment.staging(
    "qa", hosts=("qa.example.com",), ingress=IngressOptions(class_name="alb"), network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24",))
)
PROD = Environment.production(
    postgres=Managed("db.example.com"), cache=Managed("cache.example.com"), broker=Managed("broker.example.com")
)
RUNTIME = AppRuntime(app="shop", namespace="shop-qa", image="shop:1", settings_module="shop.settings")


def chart(django_app: DjangoApp = APP, environment: Environment = QA) -> Callable[[], object]:
    return lambda: DjangoChart(App(), "qa", django_app=django_app, environment=environment)


def in_chart(build: Callable[[Chart], object]) -> Callable[[], object]:
    def run() -> object:
        return build(Chart(App(), "c"))
    return run


def two_environments_one_name() -> None:
    app = App()
    DjangoChart(app, "qa", django_app=APP, environment=QA)
    DjangoChart(app, "qa", django_app=APP, environment=QA)


def duplicate_id() -> None:
    scope = Chart(App(), "c")
    OpsShellLike = CeleryWorker
    OpsShellLike(scope, "Worker", runtime=RUNTIME)
    OpsShellLike(scope, "Worker", runtime=RUNTIME, name="other")


def duplicate_object_name() -> None:
    from cdk8s_django import App as DjangoCdk8sApp

    app = DjangoCdk8sApp(outdir="unused")
    chart_ = DjangoChart(app, "qa", django_app=APP, environment=QA)
    AppConfig(chart_, "ExtraConfig", app="shop", namespace="shop-qa", env={})
    app.render()


CASES: list[tuple[str, Callable[[], object]]] = [
    # What the API server would refuse, or what came out wrong, before the resolve stage (issue 9).
    ("app-name-starts-with-digit", chart(replace(APP, name="1shop"))),
    ("cidr-bare-address", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.1",))))),
    ("cidr-netmask-form", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/255.255.255.0",))))),
    ("cidr-host-bits", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.1/24",))))),
    ("resources-negative", chart(environment=replace(QA, resources={"web": Resources(cpu="-100m")}))),
    ("resources-exbibyte", in_chart(lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME, resources=Resources(memory="1Ei", memory_limit="1Mi")))),
    ("storage-zero", chart(environment=replace(QA, postgres=InCluster(storage="0")))),
    ("config-file-dotdot", chart(replace(APP, config_files={"..data": "x"}))),
    ("config-file-too-long", chart(replace(APP, config_files={"a" * 254: "x"}))),
    ("secret-ref-bad-name", chart(environment=replace(QA, database_password=SecretKeyRef("Shop_DB", "password")))),
    ("secret-ref-bad-key", chart(environment=replace(QA, database_password=SecretKeyRef("shop-db", "pass word")))),
    ("hosts-a-string", chart(environment=replace(QA, hosts="qa.example.com"))),  # type: ignore[arg-type]
    ("ingress-a-string", chart(environment=replace(QA, ingress="alb"))),  # type: ignore[arg-type]
    ("resources-a-list", chart(environment=replace(QA, resources={"web": ["100m", "256Mi"]}))),  # type: ignore[dict-item]
    ("two-environments-one-name", two_environments_one_name),
    ("cron-python-manage-py", chart(replace(APP, cron={"report": CronTask("0 6 * * 1", command=("python", "manage.py", "send_report"))}))),
    ("newrelic-ini-in-config-files", chart(replace(
        APP, newrelic=NewRelic(license_key=SecretKeyRef("shop-newrelic", "license_key"), ini="[newrelic]\n"),
        config_files={"newrelic.ini": "[newrelic]\nmine = 1\n"},
    ))),
    ("static-url-without-slash", chart(environment=replace(QA, static_url="https://cdn.example.com/static"))),
    ("factory-misspelt-option", lambda: Environment.staging("qa", web_replica=2)),  # type: ignore[call-arg]
    ("app-name-not-dns", chart(replace(APP, name="Shop_App"))),
    ("app-name-too-long", chart(replace(APP, name="a" * 31))),
    ("image-malformed", chart(replace(APP, image="Registry.example.com/Shop:1.4.2"))),
    ("image-bad-digest", chart(replace(APP, image="shop@sha256:1234"))),
    ("environment-image-malformed", chart(environment=replace(QA, image="shop:"))),
    ("settings-module", chart(replace(APP, settings_module="shop/settings.py"))),
    ("duplicate-workers", chart(replace(APP, workers=(Worker(), Worker())))),
    ("secret-name", chart(replace(APP, secrets=("Shop_Secrets",)))),
    ("environment-name", chart(environment=replace(QA, name="QA"))),
    ("namespace-too-long", chart(environment=replace(QA, namespace="n" * 64))),
    ("web-replicas-range", chart(environment=replace(QA, web_replicas=-1))),
    ("worker-replicas-type", chart(environment=replace(QA, worker_replicas="2"))),  # type: ignore[arg-type]
    ("production-in-cluster-store", chart(environment=replace(PROD, cache=InCluster()))),
    ("store-wrong-type", chart(environment=replace(QA, postgres="postgres.example.com"))),  # type: ignore[arg-type]
    ("managed-host-ip", chart(environment=replace(PROD, postgres=Managed("10.0.0.12")))),
    ("managed-host-url", chart(environment=replace(PROD, postgres=Managed("postgres://db.example.com")))),
    ("managed-port-range", chart(environment=replace(PROD, postgres=Managed("db.example.com", port=70000)))),
    ("ingress-without-hosts", chart(environment=replace(QA, hosts=()))),
    ("host-name-uppercase", chart(environment=replace(QA, hosts=("QA.example.com",)))),
    ("acm-with-nginx", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, tls=AcmCertificate("arn:aws:acm:eu-west-1:1:certificate/x"))))),
    ("cert-manager-with-alb", chart(environment=replace(QA, ingress=IngressOptions(class_name="alb", tls=CertManagerIssuer("letsencrypt"))))),
    ("acm-arn-malformed", chart(environment=replace(QA, ingress=IngressOptions(class_name="alb", tls=AcmCertificate("certificate/x"))))),
    ("group-name-with-nginx", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, group_name="staging")))),
    ("ingress-class-name", chart(environment=replace(QA, ingress=IngressOptions(class_name="ALB")))),
    ("issuer-kind", chart(environment=replace(QA, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX, tls=CertManagerIssuer("le", kind="Certificate"))))),
    ("worker-queues-empty", chart(replace(APP, workers=(Worker(queues=()),)))),
    ("worker-queue-comma", chart(replace(APP, workers=(Worker(queues=("a,b",)),)))),
    ("worker-queues-duplicate", chart(replace(APP, workers=(Worker(queues=("a", "a")),)))),
    ("worker-concurrency", chart(replace(APP, workers=(Worker(concurrency=0),)))),
    ("worker-time-limit", chart(replace(APP, workers=(Worker(task_time_limit=0),)))),
    ("worker-name", chart(replace(APP, workers=(Worker(name="Emails"),)))),
    ("beat-replicas", in_chart(lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, replicas=2))),
    ("beat-scheduler-type", in_chart(lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, scheduler="database"))),  # type: ignore[arg-type]
    ("cron-six-fields", chart(replace(APP, cron={"clearsessions": "0 0 3 * * *"}))),
    ("cron-out-of-range", chart(replace(APP, cron={"clearsessions": "61 3 * * *"}))),
    ("cron-name-too-long", chart(replace(APP, cron={"x" * 50: "0 3 * * *"}))),
    ("cron-name-not-dns", chart(replace(APP, cron={"clear_sessions": "0 3 * * *"}))),
    ("cron-time-zone", chart(replace(APP, cron={"clearsessions": CronTask("0 3 * * *", time_zone="Mars/Olympus")}))),
    ("cron-command-empty", chart(replace(APP, cron={"clearsessions": CronTask("0 3 * * *", command=())}))),
    ("cron-command-string", in_chart(lambda c: ManagementCronJob(c, "Cron", runtime=RUNTIME, name="x", schedule="@daily", command="clearsessions"))),
    ("storage-quantity", chart(environment=replace(QA, postgres=InCluster(storage="10GB")))),
    ("storage-class", chart(environment=replace(QA, postgres=InCluster(storage_class="GP3")))),
    ("postgres-image", in_chart(lambda c: PostgresStatefulSet(c, "Pg", runtime=RUNTIME, password=SecretKeyRef("db", "password"), image="postgres:"))),
    ("redis-role-type", in_chart(lambda c: RedisStatefulSet(c, "Redis", runtime=RUNTIME, role="cache"))),  # type: ignore[arg-type]
    ("web-port", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, port=0))),
    ("web-health-path", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, health_check_path="healthz"))),
    ("web-gunicorn-workers", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, workers=0))),
    ("env-var-name", chart(replace(APP, env={"NEW-RELIC": "1"}))),
    ("env-var-value", chart(replace(APP, env={"WORKERS": 4}))),  # type: ignore[dict-item]
    ("config-file-name", chart(replace(APP, config_files={"../newrelic.ini": "x"}))),
    ("config-file-content", in_chart(lambda c: AppConfig(c, "Config", app="shop", namespace="shop-qa", env={}, files={"a.ini": b"x"}))),  # type: ignore[dict-item]
    ("managed-store-component", in_chart(lambda c: ManagedDataStore(c, "Db", runtime=RUNTIME, component="Postgres", host="db.example.com", port=5432))),
    ("migration-ttl", in_chart(lambda c: MigrationJob(c, "Migrate", runtime=RUNTIME, ttl_seconds_after_finished=-1))),
    ("duplicate-construct-id", duplicate_id),
    ("duplicate-object-name", duplicate_object_name),
    ("production-latest-image", chart(replace(APP, image="registry.example.com/shop:latest"), PROD)),
    ("production-untagged-image", chart(replace(APP, image="registry.example.com/shop"), PROD)),
    ("production-web-min-replicas", chart(environment=replace(PROD, web_autoscaling=Autoscaling(min_replicas=1)))),
    ("connection-budget", chart(replace(APP, gunicorn_threads=8), replace(PROD, max_connections=150))),
    ("max-connections-range", chart(environment=replace(QA, max_connections=0))),
    ("autoscaling-max-below-min", chart(environment=replace(PROD, worker_autoscaling=Autoscaling(min_replicas=4, max_replicas=3)))),
    ("autoscaling-cpu-target", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, autoscaling=Autoscaling(cpu_utilization=0)))),
    ("keda-without-address", in_chart(lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME, autoscaling=QueueAutoscaling()))),
    ("hpa-on-beat", in_chart(lambda c: CeleryBeat(c, "Beat", runtime=RUNTIME, autoscaling=Autoscaling()))),
    ("worker-metrics-port", chart(replace(APP, workers=(Worker(metrics_port=70000),)))),
    ("iam-role-arn", chart(environment=replace(PROD, iam_role_arn="shop-role"))),
    ("run-as-root", chart(replace(APP, run_as_user=0))),
    ("gunicorn-threads", chart(replace(APP, gunicorn_threads=0))),
    ("network-cidr", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/33",))))),
    ("network-namespace", chart(environment=replace(QA, network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24",), ingress_namespace="Ingress_Nginx")))),
    ("secret-store-kind", in_chart(lambda c: AwsSecret(c, "S", runtime=RUNTIME, name="db", store=AwsSecretsManager(kind="Vault"), remote_key="k"))),
    ("generated-password-length", in_chart(lambda c: GeneratedPassword(c, "P", runtime=RUNTIME, name="db", length=8))),
    ("shell-operators-group", in_chart(lambda c: ShellAccess(c, "A", runtime=RUNTIME, group=" ", pod_name="shop-shell-0"))),
    ("environment-named-like-a-preview", chart(environment=replace(QA, name="pr-qa"))),
    ("worker-named-like-a-store", chart(replace(APP, workers=(Worker(name="postgres"),)))),
    ("cron-named-like-a-worker", chart(replace(APP, cron={"worker": "0 3 * * *"}))),
    ("env-reserved-name", chart(replace(APP, env={"ALLOWED_HOSTS": "*"}))),
    ("env-secret-in-configmap", chart(environment=replace(QA, env={"STRIPE_API_KEY": "sk_live_x"}))),
    ("resources-unknown-key", chart(environment=replace(QA, resources={"webs": Resources()}))),
    ("resources-bad-cpu", chart(environment=replace(QA, resources={"web": Resources(cpu="lots")}))),
    ("resources-limit-below-request", in_chart(lambda c: CeleryWorker(c, "Worker", runtime=RUNTIME, resources=Resources(memory="512Mi", memory_limit="256Mi")))),
    ("cron-day-of-week-7", chart(replace(APP, cron={"clearsessions": "0 3 * * 7"}))),
    ("cron-last-day", chart(replace(APP, cron={"clearsessions": "0 3 L * *"}))),
    ("redis-max-memory-above-limit", in_chart(lambda c: RedisStatefulSet(c, "Cache", runtime=RUNTIME, role=RedisRole.CACHE, max_memory="256Mi"))),
    ("alb-without-load-balancer-cidrs", chart(environment=replace(QA, network=NetworkAccess()))),
    ("web-metrics-port-is-web-port", in_chart(lambda c: DjangoWeb(c, "Web", runtime=RUNTIME, metrics_port=8000))),
    ("not-a-django-app", lambda: DjangoChart(App(), "qa", django_app={"name": "shop"}, environment=QA)),  # type: ignore[arg-type]
]

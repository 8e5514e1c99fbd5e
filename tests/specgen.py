"""Random DjangoApp/Environment specs for fuzzing cdk8s_django, driven by a ``random.Random``.

    random_spec(rng)     -> (app, env): type-correct, over the whole option space; about 85% fully
                            valid, the rest carry exactly one edge value (see EDGES)
    random_case(rng)     -> (app, env, edge): the same draw, with the edge's name (None when fully valid)
    random_invalid(rng)  -> (app, env, prop): a valid spec with exactly one value that must be rejected,
                            and the prop the error must name (the message contains f"invalid {prop}=")
    random_invalid_case(rng) -> (app, env, prop, mutation): the same draw, with the mutation's name (see INVALID)
    describe(app, env)   -> {option: present}: for fuzz statistics; never raises, whatever the spec holds

Only the package's public names are used: the top-level exports, the constructor and factory
keywords, and ``dataclasses.replace`` (whose keywords are the same field names). Options are read
back only through ``option()``, which maps an ``UNSET`` marker to the documented default, so a seed
draws the same spec whether the library stores defaults on the Environment or resolves them later.

Props follow the library's messages: chart-level checks name ``django_app.*`` / ``environment.*``,
checks inside a construct name the construct's own prop (``hosts``, ``queues``, ``schedule``,
``storage``...). Where the library accepts a value today that Kubernetes (or Django) would refuse,
the expected prop is the chart-level one in the same style (e.g. ``environment.static_url``).
"""

from __future__ import annotations

import math
import random
import string
import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cdk8s_django.stores import Memcached, RabbitMQ
from cdk8s_django import (
    STAGING_RESOURCES,
    AcmCertificate,
    Autoscaling,
    AwsSecretsManager,
    BeatScheduler,
    CertManagerIssuer,
    CronTask,
    DjangoApp,
    Environment,
    EnvironmentKind,
    InCluster,
    IngressController,
    IngressOptions,
    Managed,
    NetworkAccess,
    NewRelic,
    NginxStatic,
    QueueAutoscaling,
    Resources,
    SecretKeyRef,
    SeedData,
    Worker,
)

__all__ = [
    "CREATED_AT", "DEFAULTS", "EDGES", "EDGE_RATE", "INVALID", "connections", "describe", "kind_of", "option",
    "random_case", "random_invalid", "random_invalid_case", "random_spec",
]

# Fixed, so a preview's expiry annotation (and so the output) is the same on every run.
CREATED_AT = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
EDGE_RATE = 0.15
# nginx in the web pod: drawn at the end of a case, so the cases without it draw what they drew before.
NGINX_RATE = 0.2
NGINX_INVALID_RATE = 0.05
# Issue 21's classes of bad input, one strategy each: drawn last too, so every other case stays as it was.
ISSUE21_INVALID_RATE = 0.1

LETTERS = string.ascii_lowercase
NOT_P = LETTERS.replace("p", "")  # a first letter that never makes the reserved preview prefix "pr-"
ALNUM = LETTERS + string.digits
HEX = "0123456789abcdef"
RESOURCE_KEYS = ("web", "worker", "beat", "shell", "migrate", "cron", "postgres", "redis")
# Names are kept short enough that any app name up to 30 characters fits: worker names
# <= 32 (Deployment name <= 63), cron names <= 21 (CronJob name <= 52), environments <= 32.
APP_NAMES = ("shop", "blog", "api", "billing", "crm", "wiki", "helpdesk", "store-front", "app2", "x")
STAGING_NAMES = ("qa", "demo", "staging", "uat", "dev", "sandbox", "load-test", "qa2")
PRODUCTION_NAMES = ("production", "prod", "live", "prod-eu", "production-us-east-1")
WORKER_NAMES = ("worker", "worker-emails", "emails", "reports", "high-priority", "celery", "worker-2", "imports", "w")
QUEUE_NAMES = ("default", "celery", "emails", "reports", "high", "low", "media.thumbnails", "webhooks:out")
CRON_NAMES = ("clearsessions", "weekly-report", "sync-feeds", "cleanup", "publish-scheduled", "r", "rebuild-index")
SCHEDULES = (
    "0 3 * * *", "*/5 * * * *", "0 6 * * 1", "30 2 1 * *", "0 0 * * 0", "15,45 * * * *", "0 9-17 * * 1-5",
    "0 4 * JAN,JUL *", "0 5 * * MON", "@daily", "@hourly", "@weekly", "@monthly", "@yearly", "@midnight", "@annually",
)
TIME_ZONES = ("Etc/UTC", "Europe/Dublin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC",
              "America/Argentina/Buenos_Aires")
COMMANDS = (
    ("send_report", "--weekly"), ("clearsessions",), ("rebuild_index", "--noinput"),
    ("shell", "-c", "print('hi')"), ("dumpdata", "--output", "/tmp/x.json"),
)
CPUS = ("10m", "50m", "100m", "250m", "500m", "1", "2", "0.5", "1500m")
# Ascending byte values, so a limit drawn at or after the request's index is never below it.
MEMORIES = ("64Mi", "128Mi", "256Mi", "300M", "384Mi", "512Mi", "1G", "1Gi", "1.5Gi", "2Gi")
STORAGES = ("1Gi", "5Gi", "10Gi", "20Gi", "100Gi", "500Mi", "1Ti")
STORAGE_CLASSES = ("gp3", "gp3-encrypted", "standard", "ebs.csi.aws.com", "io2")
CIDRS = ("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.20.0.0/22", "172.16.0.0/20", "192.168.10.0/26",
         "100.64.0.0/16", "fd00:10::/64")
DOMAINS = ("example.com", "shop.example.com", "preview.example.org", "staging.acme.io", "eu-west-1.internal.example.net")
REGIONS = ("eu-west-1", "us-east-1", "ap-southeast-2")
BRANCHES = (
    "feature/JIRA-123_Add thing", "fix/ümlaut-größe", "dependabot/pip/django-5.0.6", "production", "main",
    "release/2024.05", "😀", "HEAD", "a-very-long-branch-name-that-goes-on-and-on-well-past-thirty-two-characters",
    "feat/x",
)
OWNERS = ("alice", "Bob Smith", "ci-bot[bot]", "émilie@example.com", "", "renovate")
TAGS = ("1.4.2", "v2", "2024.05.01-abc123", "sha-3f2a1c9", "1.0.0_rc1", "3")
ENV_KEYS = ("FEATURE_FLAGS", "LOG_LEVEL", "SENTRY_ENVIRONMENT", "_PRIVATE_FLAG", "debug", "WEB_CONCURRENCY", "X1")
ENV_VALUES = ("1", "", "info", "a,b,c", "with spaces and = signs", "multi\nline", "ünïcode", "0.5", "true")
INI = "[newrelic]\napp_name = {app}\nmonitor_mode = true\nlog_level = info\n"
CONFIG_FILES = {
    "logging.ini": "[loggers]\nkeys = root\n",
    "settings.toml": "debug = false\n",
    "feature-flags.json": '{"new_checkout": true}\n',
    "robots_txt": "User-agent: *\nDisallow:\n",
    ".env.defaults": "A=1\n",
    "empty.cfg": "",
}

# What an option left out of a factory means, by kind of environment (README and the docstrings).
# The generator reads options back through ``option()``: the base library stores these values on the
# Environment, a refactored one may store an ``UNSET`` marker and resolve it later; the draws (and so
# the specs of a seed) must be the same for both.
DEFAULTS: dict[str, dict[str, Any]] = {
    "staging": {"web_replicas": 1, "worker_replicas": 1, "web_autoscaling": None, "worker_autoscaling": None,
                "max_connections": 100, "resources": STAGING_RESOURCES, "generate_database_password": True},
    "preview": {"web_replicas": 1, "worker_replicas": 1, "web_autoscaling": None,
                "worker_autoscaling": QueueAutoscaling(min_replicas=0, max_replicas=2),
                "max_connections": 100, "resources": STAGING_RESOURCES, "generate_database_password": True},
    "production": {"web_replicas": 2, "worker_replicas": 1, "web_autoscaling": Autoscaling(min_replicas=2, max_replicas=10),
                   "worker_autoscaling": Autoscaling(min_replicas=2, max_replicas=6), "max_connections": 400, "resources": {},
                   "generate_database_password": False},
}

Spec = tuple[DjangoApp, Environment]
Mutation = Callable[[random.Random, DjangoApp, Environment], tuple[DjangoApp, Environment, str]]


# --- small draws ------------------------------------------------------------------------------

def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _not_preview(name: str) -> str:
    """An app's ``name`` kept clear of the preview prefix "pr-" and of "--" (which ends the app's name in
    preview namespaces), with no draw."""
    name = "q" + name[1:] if name.startswith("pr") else name
    while "--" in name:
        name = name.replace("--", "-a")
    return name


def _label(rng: random.Random, length: int, first: str = LETTERS) -> str:
    """An RFC 1123 label of exactly ``length`` characters whose first character comes from ``first``."""
    if length == 1:
        return rng.choice(first)
    middle = "".join(rng.choice(ALNUM + "-") for _ in range(length - 2))
    return rng.choice(first) + middle + rng.choice(ALNUM)


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(HEX) for _ in range(length))


def _image(rng: random.Random, app: str, pinned: bool = True) -> str:
    repo = rng.choice((
        f"registry.example.com/{app}", f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{app}",
        f"ghcr.io/acme/{app}", app, f"localhost:5000/team/{app}",
    ))
    if not pinned:
        return repo + rng.choice(("", ":latest"))
    digest = f"@sha256:{_hex(rng, 64)}"
    return repo + rng.choice((f":{rng.choice(TAGS)}", f":{rng.choice(TAGS)}", digest, f":{rng.choice(TAGS)}{digest}"))


def _package(app: str) -> str:
    package = app.replace("-", "_")
    return package if package.isidentifier() else f"app_{package}"


def _host(rng: random.Random, domain: str | None = None) -> str:
    domain = domain or rng.choice(DOMAINS)
    return rng.choice((domain, f"www.{domain}", f"{_label(rng, rng.randint(1, 12))}.{domain}", f"api-v2.{domain}"))


def _hosts(rng: random.Random, first: str) -> tuple[str, ...]:
    hosts = [first]
    for _ in range(rng.choice((0, 0, 1, 2))):
        host = _host(rng)
        if host not in hosts:
            hosts.append(host)
    return tuple(hosts)


def _resources(rng: random.Random) -> Resources:
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.8):
        kwargs["cpu"] = rng.choice(CPUS)
    index = rng.randrange(len(MEMORIES))
    if _chance(rng, 0.8):
        kwargs["memory"] = MEMORIES[index]
    else:
        index = MEMORIES.index("256Mi")
    if _chance(rng, 0.4):
        kwargs["memory_limit"] = MEMORIES[rng.randrange(index, len(MEMORIES))]
    return Resources(**kwargs)


def _resource_map(rng: random.Random) -> dict[str, Resources]:
    keys = rng.sample(RESOURCE_KEYS, rng.randint(1, len(RESOURCE_KEYS)))
    base = dict(STAGING_RESOURCES) if _chance(rng, 0.3) else {}
    return {**base, **{key: _resources(rng) for key in keys}}


def _autoscaling(rng: random.Random, low: int = 1) -> Autoscaling:
    kwargs: dict[str, Any] = {}
    minimum = rng.randint(low, 4)
    if minimum != 2 or _chance(rng, 0.5):
        kwargs["min_replicas"] = minimum
    if _chance(rng, 0.7):
        kwargs["max_replicas"] = rng.randint(max(1, minimum), 12)
    if _chance(rng, 0.5):
        kwargs["cpu_utilization"] = rng.randint(30, 95)
    return Autoscaling(**kwargs)


def _queue_autoscaling(rng: random.Random) -> QueueAutoscaling:
    kwargs: dict[str, Any] = {"min_replicas": rng.choice((0, 0, 1, 2))}
    kwargs["max_replicas"] = rng.randint(max(1, kwargs["min_replicas"]), 10)
    if _chance(rng, 0.4):
        kwargs["tasks_per_replica"] = rng.choice((1, 5, 20, 100, 100000))
    if _chance(rng, 0.4):
        kwargs["cooldown_seconds"] = rng.choice((0, 30, 300, 86400))
    if _chance(rng, 0.15):
        kwargs["address"] = rng.choice(("redis.example.com:6379", "broker.keda.svc:6380"))
        kwargs["tls"] = _chance(rng, 0.5)
    return QueueAutoscaling(**kwargs)


def _worker_scaling(rng: random.Random) -> Autoscaling | QueueAutoscaling | None:
    return rng.choice((None, None, None, _autoscaling(rng), _queue_autoscaling(rng)))


# --- the app ----------------------------------------------------------------------------------

def _worker(rng: random.Random, name: str | None) -> Worker:
    kwargs: dict[str, Any] = {} if name is None else {"name": name}
    if _chance(rng, 0.7):
        kwargs["queues"] = tuple(rng.sample(QUEUE_NAMES, rng.randint(1, 3)))
    if _chance(rng, 0.5):
        kwargs["concurrency"] = rng.choice((1, 2, 4, 8))
    if _chance(rng, 0.4):
        kwargs["task_time_limit"] = rng.choice((1, 30, 300, 3600, 86400))
    if _chance(rng, 0.3):
        scaling = _worker_scaling(rng)
        if scaling is not None:  # left out: the environment's (an explicit None means none since issue 9)
            kwargs["autoscaling"] = scaling
    if _chance(rng, 0.3):
        kwargs["metrics_port"] = rng.choice((9808, 9100, 8000, 1, 65535))
    return Worker(**kwargs)


def _workers(rng: random.Random) -> tuple[Worker, ...] | None:
    """None: leave the default (one ``worker``)."""
    count = rng.choices((0, 1, 2, 3), (1, 6, 3, 1))[0]
    if count == 1 and _chance(rng, 0.3):
        return None
    names = rng.sample(WORKER_NAMES, count)
    return tuple(_worker(rng, None if name == "worker" and _chance(rng, 0.5) else name) for name in names)


def _cron_task(rng: random.Random) -> str | CronTask:
    schedule = rng.choice(SCHEDULES)
    if _chance(rng, 0.5):
        return schedule
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.6):
        kwargs["command"] = rng.choice(COMMANDS)
    if _chance(rng, 0.6):
        kwargs["time_zone"] = rng.choice(TIME_ZONES)
    return CronTask(schedule, **kwargs)


def _cron(rng: random.Random, taken: set[str]) -> dict[str, str | CronTask]:
    names = [name for name in CRON_NAMES if name not in taken]
    return {name: _cron_task(rng) for name in rng.sample(names, rng.choice((0, 0, 1, 1, 2, 3)))}


def _env_vars(rng: random.Random) -> dict[str, str]:
    return {key: rng.choice(ENV_VALUES) for key in rng.sample(ENV_KEYS, rng.randint(1, 3))}


def _app_core(rng: random.Random, name: str) -> dict[str, Any]:
    package = _package(name)
    kwargs: dict[str, Any] = {"name": name, "image": _image(rng, name), "settings_module": rng.choice((
        f"{package}.settings", f"{package}.settings.production", "config.settings", f"{package}.conf.settings_2"))}
    workers = _workers(rng)
    if workers is not None:
        kwargs["workers"] = workers
    taken = {w.name for w in kwargs.get("workers", (Worker(),))}
    if _chance(rng, 0.6):
        kwargs["cron"] = _cron(rng, taken)
    if _chance(rng, 0.2):
        kwargs["beat"] = False
    elif _chance(rng, 0.3):
        kwargs["beat_scheduler"] = rng.choice((BeatScheduler.FILE, BeatScheduler.DATABASE))
    if _chance(rng, 0.4):
        kwargs["celery_heartbeat"] = _chance(rng, 0.8)
    if _chance(rng, 0.2):
        kwargs["wsgi_application"] = f"{package}.wsgi:application"
    if _chance(rng, 0.2):
        kwargs["celery_app"] = rng.choice((package, f"{package}.celery:app"))
    return kwargs


def _app_config(rng: random.Random, name: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.5):
        kwargs["secrets"] = tuple(rng.sample((f"{name}-django", f"{name}-stripe", "common.shared", f"{name}-sentry"), rng.randint(1, 3)))
    if _chance(rng, 0.4):
        kwargs["env"] = _env_vars(rng)
    if _chance(rng, 0.4):
        kwargs["config_files"] = {key: CONFIG_FILES[key] for key in rng.sample(sorted(CONFIG_FILES), rng.randint(1, 3))}
    if _chance(rng, 0.35):
        key = SecretKeyRef(rng.choice((f"{name}-newrelic", "newrelic")), rng.choice(("license_key", "LICENSE_KEY", "key.txt")))
        kwargs["newrelic"] = NewRelic(license_key=key, ini=INI.format(app=name))
    return kwargs


def _app_runtime(rng: random.Random) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.2):
        kwargs["health_check_path"] = rng.choice(("/health", "/-/ready", "/"))
    if _chance(rng, 0.2):
        kwargs["web_port"] = rng.choice((8080, 8001, 1024, 65535))
    if _chance(rng, 0.3):
        kwargs["gunicorn_workers"] = rng.choice((1, 2, 3, 4, 8))
    if _chance(rng, 0.3):
        kwargs["gunicorn_threads"] = rng.choice((1, 2, 4, 8))
    if _chance(rng, 0.2):
        kwargs["run_as_user"] = rng.choice((1, 1000, 10002, 65534, 2**31 - 1))
    if _chance(rng, 0.2):
        kwargs["metrics_path"] = rng.choice(("/metrics/", "/prometheus/metrics"))
    if _chance(rng, 0.2):
        kwargs["web_metrics_port"] = rng.choice((9000, 9464, 65534))
    return kwargs


def _app(rng: random.Random) -> DjangoApp:
    name = rng.choice(APP_NAMES) if _chance(rng, 0.8) else _not_preview(_label(rng, rng.randint(1, 30)))
    return DjangoApp(**_app_core(rng, name), **_app_config(rng, name), **_app_runtime(rng))


# --- the environment --------------------------------------------------------------------------

def _ingress(rng: random.Random) -> IngressOptions | None:
    kind = rng.choice(("none", "alb", "alb", "nginx"))
    if kind == "none":
        return None
    if kind == "nginx":
        tls = rng.choice((None, CertManagerIssuer("letsencrypt"), CertManagerIssuer("internal-ca", kind="Issuer")))
        return IngressOptions(class_name=rng.choice(("nginx", "nginx-internal")), controller=IngressController.NGINX, tls=tls)
    kwargs: dict[str, Any] = {"class_name": rng.choice(("alb", "alb", "alb-internal"))}
    if _chance(rng, 0.7):
        kwargs["tls"] = AcmCertificate(f"arn:aws:acm:{rng.choice(REGIONS)}:123456789012:certificate/{_hex(rng, 8)}")
    if _chance(rng, 0.5):
        kwargs["group_name"] = rng.choice(("shared-staging", "g", _label(rng, 63)))
    if _chance(rng, 0.3):
        kwargs["internet_facing"] = False
    if _chance(rng, 0.2):
        kwargs["external_dns"] = False
    if _chance(rng, 0.2):
        kwargs["controller"] = IngressController.AWS_LOAD_BALANCER
    return IngressOptions(**kwargs)


def _network(rng: random.Random, ingress: IngressOptions | None) -> NetworkAccess | None:
    alb = ingress is not None and ingress.controller is IngressController.AWS_LOAD_BALANCER
    nginx = ingress is not None and not alb
    kwargs: dict[str, Any] = {}
    if alb or _chance(rng, 0.2):
        kwargs["load_balancer_cidrs"] = tuple(rng.sample(CIDRS, rng.randint(1, 3)))
    if (nginx and _chance(rng, 0.8)) or _chance(rng, 0.1):
        kwargs["ingress_namespace"] = rng.choice(("ingress-nginx", "nginx"))
    if _chance(rng, 0.2):
        kwargs["monitoring_namespace"] = rng.choice(("prometheus", "observability"))
    if _chance(rng, 0.2):
        kwargs["keda_namespace"] = rng.choice(("keda-system", "kube-system"))
    return NetworkAccess(**kwargs) if kwargs or _chance(rng, 0.5) else None


def _managed(rng: random.Random, app: str, store: str) -> Managed:
    host = rng.choice((f"{app}-{store}.abc123.{rng.choice(REGIONS)}.rds.amazonaws.com", f"{store}.internal", f"{app}-{store}.example.com"))
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.2):
        kwargs["port"] = rng.choice((5432, 6380, 16379, 1, 65535))
    if _chance(rng, 0.15):
        kwargs["tls"] = False
    if _chance(rng, 0.15):
        kwargs["ca_bundle"] = rng.choice(("/etc/ssl/certs/ca-certificates.crt", "/app/certs/rds-eu-west-1.pem"))
    return Managed(host, **kwargs)


def _in_cluster(rng: random.Random, volume: bool = True) -> InCluster:
    """``volume``: the store keeps one (not the cache, which refuses a storage); the same draws either way."""
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.5):
        storage = rng.choice(STORAGES)
        if volume:
            kwargs["storage"] = storage
    if _chance(rng, 0.4):
        kwargs["storage_class"] = rng.choice(STORAGE_CLASSES)
    return InCluster(**kwargs)


def _aws_secrets(rng: random.Random, app: str) -> AwsSecretsManager:
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.3):
        kwargs["store"] = rng.choice(("aws-secrets-manager-eu", "secrets.aws"))
    if _chance(rng, 0.3):
        kwargs["kind"] = rng.choice(("ClusterSecretStore", "SecretStore"))
    if _chance(rng, 0.3):
        kwargs["prefix"] = rng.choice((f"teams/{app}", "prod", f"{app}/shared/v2"))
    return AwsSecretsManager(**kwargs)


def _seed(rng: random.Random, app: str) -> SeedData:
    fixtures = tuple(rng.sample(("demo", "users.json", "catalog/products.yaml", "initial_data"), rng.randint(0, 2)))
    secret = f"{app}-preview-superuser" if not fixtures or _chance(rng, 0.5) else None
    return SeedData(fixtures=fixtures, superuser_secret=secret) if secret else SeedData(fixtures=fixtures)


def _env_common(rng: random.Random, app: DjangoApp, name: str) -> dict[str, Any]:
    """Options every kind of environment takes."""
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.3):
        kwargs["env"] = _env_vars(rng)
    if _chance(rng, 0.3):
        kwargs["media_bucket"] = f"{app.name}-media-{name}"[:63].rstrip("-")  # an S3 bucket name: at most 63 characters
    if _chance(rng, 0.3):
        kwargs["static_url"] = rng.choice(("/assets/", f"https://static.{rng.choice(DOMAINS)}/static/", "https://cdn.example.com/"))
    if _chance(rng, 0.35):
        kwargs["monitoring"] = True
    if _chance(rng, 0.3):
        kwargs["iam_role_arn"] = f"arn:aws:iam::123456789012:role/{app.name}-{name}"
    if _chance(rng, 0.3):
        kwargs["shell_operators"] = rng.choice((f"{app.name}-operators", "oncall", "team:platform"))
    if _chance(rng, 0.25):
        kwargs["aws_secrets"] = _aws_secrets(rng, app.name)
    if _chance(rng, 0.3):
        kwargs["worker_replicas"] = rng.choice((0, 1, 2, 3))
    if _chance(rng, 0.2):
        kwargs["image"] = _image(rng, app.name)
    if _chance(rng, 0.3):
        kwargs["resources"] = _resource_map(rng)
    return kwargs


def _staging_env(rng: random.Random, app: DjangoApp) -> Environment:
    name = rng.choice(STAGING_NAMES) if _chance(rng, 0.8) else _label(rng, rng.randint(1, 32), NOT_P)
    ingress = _ingress(rng)
    kwargs = _env_common(rng, app, name)
    if ingress is not None or _chance(rng, 0.3):
        hosts = _hosts(rng, f"{name}.{rng.choice(DOMAINS)}")
        if ingress is not None:  # public host names need an Ingress (issue 10); the draws stay the same
            kwargs["hosts"] = hosts
    kwargs["ingress"] = ingress
    network = _network(rng, ingress)
    if network is not None:
        kwargs["network"] = network
    if _chance(rng, 0.5):
        kwargs["postgres"] = _managed(rng, app.name, "postgres") if _chance(rng, 0.2) else _in_cluster(rng)
    if _chance(rng, 0.3):
        kwargs["web_replicas"] = rng.choice((0, 1, 2, 3))
    if _chance(rng, 0.2):
        kwargs["web_autoscaling"] = _autoscaling(rng)
    if _chance(rng, 0.4):
        kwargs["worker_autoscaling"] = rng.choice((_autoscaling(rng), _queue_autoscaling(rng)))
    if _chance(rng, 0.15):
        kwargs["seed"] = _seed(rng, app.name)
    if _chance(rng, 0.15):
        kwargs["generate_database_password"] = False
    if _chance(rng, 0.15):
        kwargs["namespace"] = rng.choice((f"{app.name}-{name}-ns", f"team-{name}"))
    env = Environment.staging(name, **kwargs)
    return _staging_stores(rng, app, env)


def _staging_stores(rng: random.Random, app: DjangoApp, env: Environment) -> Environment:
    """The factory fixes the Redis stores; vary them afterwards, and the database password's Secret."""
    if _chance(rng, 0.2):
        env = replace(env, cache=_in_cluster(rng, volume=False) if _chance(rng, 0.6) else _managed(rng, app.name, "cache"))
    if _chance(rng, 0.2):
        env = replace(env, broker=_in_cluster(rng) if _chance(rng, 0.6) else _managed(rng, app.name, "broker"))
    if _chance(rng, 0.15):
        env = replace(env, database_password=SecretKeyRef(f"{app.name}-db", "password"))
    return env


def _production_env(rng: random.Random, app: DjangoApp) -> Environment:
    name = rng.choice(PRODUCTION_NAMES)
    ingress = _ingress(rng)
    kwargs = _env_common(rng, app, name)
    kwargs.update(postgres=_managed(rng, app.name, "postgres"), cache=_managed(rng, app.name, "cache"))
    kwargs["broker"] = _managed(rng, app.name, "broker")
    if name != "production" or _chance(rng, 0.3):
        kwargs["name"] = name
    if ingress is not None or _chance(rng, 0.3):
        hosts = _hosts(rng, rng.choice(DOMAINS))
        if ingress is not None:
            kwargs["hosts"] = hosts
    if ingress is not None or _chance(rng, 0.5):
        kwargs["ingress"] = ingress
    network = _network(rng, ingress)
    if network is not None:
        kwargs["network"] = network
    if _chance(rng, 0.3):
        kwargs["web_autoscaling"] = _autoscaling(rng, low=2) if _chance(rng, 0.8) else None
        kwargs["web_replicas"] = rng.choice((2, 3, 5))
    if _chance(rng, 0.3):
        kwargs["worker_autoscaling"] = rng.choice((_autoscaling(rng), _queue_autoscaling(rng), None))
    if _chance(rng, 0.2):
        name = rng.choice((f"{app.name}-rds", "db-credentials"))
        kwargs["database_password"] = SecretKeyRef(name, rng.choice(("password", "DB_PASSWORD")))
    if _chance(rng, 0.15):
        _seed(rng, app.name)  # drawn, not used: production takes no seed (the same draws as before it was refused)
    return Environment.production(**kwargs)


def _preview_env(rng: random.Random, app: DjangoApp) -> Environment:
    ingress = _ingress(rng)
    kwargs = _env_common(rng, app, "preview")
    # A preview creates no RBAC and reads no secret store (drawn, then dropped: the other draws stay as they were).
    kwargs.pop("shell_operators", None)
    kwargs.pop("aws_secrets", None)
    kwargs.update(owner=rng.choice(OWNERS), domain=rng.choice(DOMAINS), created_at=CREATED_AT, ingress=ingress)
    if _chance(rng, 0.3):
        kwargs["ttl"] = timedelta(days=rng.choice((1, 7)), hours=rng.choice((0, 12)))
    network = _network(rng, ingress)
    if network is not None:
        kwargs["network"] = network
    if _chance(rng, 0.6):
        kwargs["seed"] = _seed(rng, app.name)
    if _chance(rng, 0.3):
        kwargs["worker_autoscaling"] = rng.choice((None, _autoscaling(rng), _queue_autoscaling(rng)))
    postgres = _in_cluster(rng) if _chance(rng, 0.2) else None
    env = Environment.for_branch(rng.choice(BRANCHES), **kwargs)
    # Not through the factory: the base for_branch forwards postgres= to staging(), a refactored one may not.
    return env if postgres is None else replace(env, postgres=postgres)


# --- reading options back ---------------------------------------------------------------------

def kind_of(env: Any) -> str:
    """``staging``, ``preview`` or ``production``."""
    if getattr(env, "kind", None) is EnvironmentKind.PRODUCTION:
        return "production"
    return "preview" if getattr(env, "preview", None) is not None else "staging"


def option(env: Any, field: str) -> Any:
    """An environment option as it takes effect: its default when left out (``UNSET``, class ``Unset``)."""
    value = getattr(env, field, None)
    if type(value).__name__ == "Unset":
        return DEFAULTS[kind_of(env)][field]
    return value


# --- the connection budget --------------------------------------------------------------------

def connections(app: DjangoApp, env: Environment) -> int:
    """What the library's budget check adds up (README "connection budget"), without the reserve of 3."""
    def surge(pods: int) -> int:
        return pods + math.ceil(pods * 0.25)

    web_scaling = option(env, "web_autoscaling")
    web = web_scaling.max_replicas if web_scaling else option(env, "web_replicas")
    total = surge(web) * app.gunicorn_workers * app.gunicorn_threads
    for worker in app.workers:
        own = worker.autoscaling
        scaling = option(env, "worker_autoscaling") if own is None or type(own).__name__ == "Unset" else own
        total += surge(scaling.max_replicas if scaling else option(env, "worker_replicas")) * worker.concurrency
    return total + int(bool(app.beat)) + 2 + len(app.cron)


def _fit_budget(rng: random.Random, app: DjangoApp, env: Environment) -> Environment:
    """max_connections with room for every connection: the default when it fits (sometimes), else a margin."""
    needed = connections(app, env) + 3
    if needed <= option(env, "max_connections") and _chance(rng, 0.5):
        return env
    return replace(env, max_connections=needed + rng.choice((0, 1, 10, 50, 200, 1000)))


def _roomy(app: DjangoApp, env: Environment) -> Environment:
    """Room for a few more workers or cron jobs: a mutation adding one never trips the budget first."""
    return replace(env, max_connections=connections(app, env) + 3 + 500)


def _room_after(app: DjangoApp, env: Environment) -> Environment:
    """After a mutation: raise max_connections to fit numbers that are now out of range (a worker's
    concurrency of 257), so the budget check never fires before the check of the mutated value."""
    try:
        needed = connections(app, env) + 3 + 500
    except (TypeError, AttributeError, ValueError):
        return env
    current = option(env, "max_connections")
    if not isinstance(needed, int) or not isinstance(current, int) or needed <= current:
        return env
    return replace(env, max_connections=min(needed, 262143))


def _valid_spec(rng: random.Random) -> Spec:
    app = _app(rng)
    kind = rng.choices(("staging", "production", "preview"), (45, 35, 20))[0]
    build = {"staging": _staging_env, "production": _production_env, "preview": _preview_env}[kind]
    env = build(rng, app)
    return app, _without_unused_broker(app, _with_other_kinds(app, _with_ingress_source(_with_region(_fit_budget(rng, app, env)))))


def _runs_celery(app: object) -> bool:
    """A worker or beat: only then does the environment have a broker."""
    workers = getattr(app, "workers", ())
    return not isinstance(workers, tuple) or bool(workers) or getattr(app, "beat", True) is not False


def _store_prop(rng: random.Random, app: DjangoApp) -> str:
    """A store to mutate; the cache instead of the broker for an app without Celery (which has none). Same draws."""
    store = rng.choice(("postgres", "cache", "broker"))
    return "cache" if store == "broker" and not _runs_celery(app) else store


def _with_broker_if_celery(app: DjangoApp, env: Environment) -> Environment:
    """A mutation that gives an app without Celery a worker gives its environment the broker it then needs."""
    if not isinstance(env, Environment) or not _runs_celery(app) or env.broker is not None:
        return env
    return replace(env, broker=InCluster() if isinstance(env.postgres, InCluster) else Managed(f"{app.name}-broker.example.com"))


def _without_unused_broker(app: DjangoApp, env: Environment) -> Environment:
    """An app without Celery gets no broker: ``broker=None`` (a broker given would be refused as unused)."""
    return env if not isinstance(env, Environment) or _runs_celery(app) else replace(env, broker=None)


def _with_other_kinds(app: DjangoApp, env: Environment) -> Environment:
    """RabbitMQ as the broker, Memcached as the cache, in a quarter of the specs each. Drawn from a generator of
    their own, seeded by the spec: the main one's draws, and so the rest of the corpus, stay put."""
    if not isinstance(env, Environment) or not isinstance(app, DjangoApp):
        return env
    alt = random.Random(zlib.crc32(repr((app.name, env.name, env.kind, env.hosts, env.resources)).encode()))
    managed = not isinstance(env.postgres, InCluster)
    if alt.random() < 0.25:
        if managed:
            env = replace(env, broker=RabbitMQ(host=f"b-{_hex(alt, 8)}.mq.eu-west-1.amazonaws.com", vhost=alt.choice(("/", app.name)),
                                               password=SecretKeyRef(f"{app.name}-broker", "password")))
        else:
            longest = max((w.task_time_limit for w in app.workers), default=300)
            env = replace(env, broker=RabbitMQ(storage=alt.choice((None, "2Gi")), storage_class=alt.choice(("gp3", "gp2")),
                                               consumer_timeout=alt.choice((None, max(60, longest * 3))),
                                               username=alt.choice((None, "celery"))))
    if alt.random() < 0.25:
        env = replace(env, cache=Memcached(host=f"{app.name}-mc.{_hex(alt, 6)}.cfg.euw1.cache.amazonaws.com", tls=alt.random() < 0.5)
                      if managed else Memcached())
    return env


def _with_ingress_source(env: Environment) -> Environment:
    """An Ingress needs a load-balancer source, or web would admit no traffic: an nginx Ingress
    without one gets the controller's namespace (no draw: the corpus stays put)."""
    ingress, network = getattr(env, "ingress", None), getattr(env, "network", None)
    # `is not None`: an empty name is a mutation's invalid value, never a missing source to fill in
    if ingress is None or not hasattr(network, "ingress_namespace") or network.ingress_namespace is not None or network.load_balancer_cidrs:
        return env
    return replace(env, network=replace(network, ingress_namespace="ingress-nginx"))


def _with_region(env: Environment) -> Environment:
    """An app that talks to AWS needs its region, which pods cannot read from the blocked metadata
    endpoint: set it when the ACM certificate's ARN does not name it (no draw: the corpus stays put)."""
    talks_to_aws = getattr(env, "iam_role_arn", None) or getattr(env, "media_bucket", None)
    ingress = getattr(env, "ingress", None)
    acm = type(getattr(ingress, "tls", None)).__name__ == "AcmCertificate"
    if talks_to_aws and not acm and hasattr(env, "aws_region"):
        return replace(env, aws_region="eu-west-1")
    return env


# --- helpers for one-value mutations ----------------------------------------------------------

def _with_worker(app: DjangoApp, **changes: Any) -> tuple[DjangoApp, str]:
    """Change the first worker (adding a small one when there is none); return the app and its name."""
    workers = list(app.workers) or [Worker(name="worker", concurrency=1)]
    workers[0] = replace(workers[0], **changes)
    return replace(app, workers=tuple(workers)), workers[0].name


def _with_cron(app: DjangoApp, task: Any, name: str = "fz") -> DjangoApp:
    return replace(app, cron={**app.cron, name: task})


def _with_resources(env: Environment, key: str, value: Any) -> Environment:
    return replace(env, resources={**option(env, "resources"), key: value})


def _with_ingress(rng: random.Random, env: Environment, options: Any) -> Environment:
    """Set the ingress, with what a valid one needs around it: hosts and the ALB's CIDRs."""
    hosts = env.hosts or (_host(rng),)
    cidrs = env.network.load_balancer_cidrs or ("10.0.0.0/24",)
    return _with_region(replace(env, ingress=options, hosts=hosts, network=replace(env.network, load_balancer_cidrs=cidrs)))


def _with_network(env: Environment, **changes: Any) -> Environment:
    return replace(env, network=replace(env.network, **changes))


def _staging_base(rng: random.Random, app: DjangoApp, env: Environment) -> Environment:
    """The env itself when it is staging (or a preview) with in-cluster Postgres; else a fresh staging env."""
    if kind_of(env) == "production":
        env = _staging_env(rng, app)
    if not isinstance(env.postgres, InCluster):
        env = replace(env, postgres=InCluster())
    return _roomy(app, env)


def _production_base(rng: random.Random, app: DjangoApp, env: Environment) -> Environment:
    return env if kind_of(env) == "production" else _roomy(app, _production_env(rng, app))


def _secret_odd(rng: random.Random) -> str:
    return rng.choice(("Shop_Django", "shop_django", "shop..django", "-shop", "shop-", "shop django", "ünïcode", "a" * 254, ""))


def _key_odd(rng: random.Random) -> str:
    return rng.choice(("license key", "a/b", "", "..", "licence:key", "ключ", "k" * 254))


def _file_odd(rng: random.Random) -> str:
    return rng.choice(("..data", "..2024_05_01", "f" * 254, "..", "."))


def _cidr_odd(rng: random.Random) -> str:
    return rng.choice(("10.0.0.1", "10.0.0.0/255.255.255.0", "fd00::1"))


def _negative(rng: random.Random) -> str:
    return rng.choice(("-1Gi", "-1", "-100m", "-0.5Gi"))


# --- invalid values: (name, mutation returning the prop the error must name) ------------------

def _app_name(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    name = rng.choice(("Shop_App", "shop.app", "shop-", "-shop", "", "a" * 31, _label(rng, 31), "ünï", 42))
    return replace(app, name=name), env, "django_app.name"


def _app_name_digit(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    # A valid DNS-1123 label, but Service names are DNS-1035 labels: '<app>-web' must start with a letter.
    return replace(app, name=rng.choice(("1shop", "42", "9-lives", _label(rng, rng.randint(2, 30), string.digits)))), env, "django_app.name"


def _image_bad(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    image = rng.choice(("Registry.example.com/Shop:1.4.2", "shop@sha256:1234", "shop:", "shop:1 2", "", 123, ("shop:1",)))
    return replace(app, image=image), env, "django_app.image"


def _env_image_bad(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    return app, replace(env, image=rng.choice(("shop:", "SHOP:1", "shop@sha256:xyz", 7))), "environment.image"


def _production_unpinned(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = replace(_production_base(rng, app, env), image=None)
    return replace(app, image=_image(rng, app.name, pinned=False)), env, "django_app.image"


def _production_env_unpinned(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _production_base(rng, app, env)
    return app, replace(env, image=_image(rng, app.name, pinned=False)), "environment.image"


def _production_in_cluster(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    store = _store_prop(rng, app)
    return app, replace(_production_base(rng, app, env), **{store: _in_cluster(rng)}), f"environment.{store}"


def _production_web_min(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _production_base(rng, app, env)
    scaling = Autoscaling(min_replicas=1, max_replicas=rng.randint(1, 10))
    return app, replace(env, web_autoscaling=scaling), "environment.web_autoscaling.min_replicas"


def _store_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if _chance(rng, 0.5):
        host = rng.choice(("db.example.com", "postgres://db.example.com"))
        cache, broker = _managed(rng, app.name, "cache"), _managed(rng, app.name, "broker")
        env = Environment.production(postgres=host, cache=cache, broker=broker)  # type: ignore[arg-type]
        return app, _roomy(app, env), "environment.postgres"
    store = _store_prop(rng, app)
    value = rng.choice(("db.example.com", None, {"host": "db.example.com"}, ("db.example.com",)))
    return app, replace(env, **{store: value}), f"environment.{store}"


def _managed_host(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    store = _store_prop(rng, app)
    host = rng.choice(("10.0.0.12", "postgres://db.example.com", "DB.example.com", "db.example.com:5432", "", "db_1.example.com", 5))
    return app, replace(env, **{store: Managed(host)}), f"environment.{store}.host"


def _managed_port(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    store = _store_prop(rng, app)
    port = rng.choice((0, 70000, -1, "5432"))
    return app, replace(env, **{store: Managed(f"{store}.example.com", port=port)}), f"environment.{store}.port"


def _settings_bad(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    value = rng.choice(("shop/settings.py", "shop.settings.", "1shop.settings", "shop-app.settings", "", 5))
    return replace(app, settings_module=value), env, "django_app.settings_module"


def _duplicate_workers(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    name = rng.choice(("worker", "emails"))
    app = replace(app, workers=(Worker(name=name, concurrency=1), Worker(name=name, queues=("other",), concurrency=1)))
    return replace(app, cron={k: t for k, t in app.cron.items() if k != name}), env, "django_app.workers"


def _reserved_component(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    name = rng.choice(("web", "beat", "shell", "migrate", "seed", "postgres", "redis-cache", "files", "env", "shell-exec"))
    if _chance(rng, 0.5):
        app, _ = _with_worker(app, name=name)
    else:
        app = _with_cron(app, "0 3 * * *", name=name)
    return app, env, "django_app.workers and django_app.cron"


def _cron_like_worker(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    app, name = _with_worker(app)
    return _with_cron(app, rng.choice(SCHEDULES), name=name), env, "django_app.workers and django_app.cron"


def _worker_name(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    name = rng.choice(("Emails", "worker_2", "worker.", "-w", "w" * (64 - len(app.name)), 5))
    app, _ = _with_worker(app, name=name)
    return app, env, "name"


def _worker_queues(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    queues = rng.choice(((), ("a,b",), ("a b",), ("",), ("a", "a"), "default", (1,)))
    app, _ = _with_worker(app, queues=queues)
    return app, env, "queues"


def _worker_numbers(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    prop, value = rng.choice((("concurrency", 0), ("concurrency", 257), ("concurrency", "4"), ("task_time_limit", 0),
                              ("task_time_limit", 86401), ("metrics_port", 0), ("metrics_port", 70000), ("metrics_port", "9808")))
    app, _ = _with_worker(app, **{prop: value})
    return app, env, prop


def _worker_autoscaling(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    field, value = rng.choice((("min_replicas", 0), ("max_replicas", 1001), ("cpu_utilization", 0), ("cpu_utilization", 101)))
    scaling = replace(Autoscaling(min_replicas=1, max_replicas=3), **{field: value})
    if field == "min_replicas" and _chance(rng, 0.5):
        field, scaling = "tasks_per_replica", QueueAutoscaling(tasks_per_replica=0)
    app, name = _with_worker(app, autoscaling=scaling)
    return app, env, f"django_app.workers[{name!r}].autoscaling.{field}"


def _worker_autoscaling_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    app, name = _with_worker(app, autoscaling=rng.choice(("hpa", 3, {"min_replicas": 1}, (1, 3))))
    return app, env, f"django_app.workers[{name!r}].autoscaling"


def _env_autoscaling(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    choice = rng.randrange(4)
    if choice == 0:
        low = 2 if kind_of(env) == "production" else 1
        scaling = Autoscaling(min_replicas=low + 2, max_replicas=low + 1)
        return app, replace(env, web_autoscaling=scaling), "environment.web_autoscaling.max_replicas"
    if choice == 1:
        scaling = Autoscaling(cpu_utilization=rng.choice((0, 101)))
        return app, replace(env, web_autoscaling=scaling), "environment.web_autoscaling.cpu_utilization"
    if choice == 2:
        scaling = QueueAutoscaling(min_replicas=3, max_replicas=2)
        return app, replace(env, worker_autoscaling=scaling), "environment.worker_autoscaling.max_replicas"
    scaling = QueueAutoscaling(cooldown_seconds=rng.choice((-1, 86401)))
    return app, replace(env, worker_autoscaling=scaling), "environment.worker_autoscaling.cooldown_seconds"


def _web_autoscaling_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    value = rng.choice((QueueAutoscaling(min_replicas=2, max_replicas=4), "hpa", 10))
    return app, replace(env, web_autoscaling=value), "environment.web_autoscaling"


def _cron_schedule(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    schedule = rng.choice(("61 3 * * *", "0 0 3 * * *", "0 3 * * 7", "0 3 L * *", "0 3 * * 1#2", "every day", "@reboot", "", 5))
    task = schedule if _chance(rng, 0.5) and isinstance(schedule, str) else CronTask(schedule)
    return _with_cron(app, task), env, "django_app.cron"  # django_app.cron['fz'], or its .schedule


def _cron_time_zone(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    time_zone = rng.choice(("Mars/Olympus", "utc", "Europe/dublin", "", "CET ", None))
    return _with_cron(app, CronTask("0 3 * * *", time_zone=time_zone)), env, "time_zone"


def _cron_command(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    command = rng.choice(((), "clearsessions", ("clearsessions", ""), ("clearsessions", 3), [""]))
    return _with_cron(app, CronTask("0 3 * * *", command=command)), env, "command"


def _cron_manage_py(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    # Runs `python -m django python manage.py ...`: the command is the management command alone.
    command = rng.choice((("python", "manage.py", "clearsessions"), ("python", "-m", "django", "clearsessions"), ("./manage.py", "x")))
    return _with_cron(app, CronTask("0 3 * * *", command=command)), env, "command"


def _cron_name(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    # Not 'clear_sessions': a Django command's name is a cron key as written (its CronJob takes '-').
    name = rng.choice(("clear sessions", "Report", "x" * (53 - len(app.name)), "-x", "a.b"))
    return _with_cron(app, "0 3 * * *", name=name), env, "django_app.cron"  # the key as typed


def _env_var_key(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    key, prop = rng.choice((("1VAR", "env"), ("NEW-RELIC", "env"), ("A.B", "env"), ("", "env"), ("A B", "env"),
                            ("ALLOWED_HOSTS", "{}.env"), ("DATABASE_URL", "{}.env"), ("STRIPE_API_KEY", "{}.env"),
                            ("DB_PASSWORD", "{}.env"), ("GITHUB_TOKEN", "{}.env")))
    if _chance(rng, 0.5):
        return replace(app, env={**app.env, key: "x"}), env, prop.format("django_app")
    return app, replace(env, env={**env.env, key: "x"}), prop.format("environment")


def _env_var_value(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    value = rng.choice((4, None, True, b"x", ["a"]))
    if _chance(rng, 0.5):
        return replace(app, env={**app.env, "WORKERS": value}), env, "env['WORKERS']"
    return app, replace(env, env={**env.env, "WORKERS": value}), "env['WORKERS']"


def _config_file_name(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    name = rng.choice(("../newrelic.ini", "a b.ini", "conf/app.ini", "", _file_odd(rng), _file_odd(rng)))
    return replace(app, config_files={**app.config_files, name: "x = 1\n"}), env, "files"


def _config_file_content(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    content = rng.choice((b"bytes", 42, None, ["a = 1"]))
    return replace(app, config_files={**app.config_files, "app.ini": content}), env, "files['app.ini']"


def _newrelic_ini_twice(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    # The library writes newrelic.ini itself from NewRelic.ini: the user's file would vanish silently.
    newrelic = app.newrelic or NewRelic(SecretKeyRef(f"{app.name}-newrelic", "license_key"), INI.format(app=app.name))
    files = {**app.config_files, "newrelic.ini": rng.choice(("[newrelic]\nlog_level = debug\n", INI.format(app=app.name)))}
    return replace(app, newrelic=newrelic, config_files=files), env, "django_app.config_files"


def _secrets_bad(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    secrets = rng.choice(((_secret_odd(rng),), (f"{app.name}-django", _secret_odd(rng)), f"{app.name}-django", (5,)))
    return replace(app, secrets=secrets), env, "django_app.secrets"


def _newrelic_key(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if _chance(rng, 0.5):
        ref, prop = SecretKeyRef(f"{app.name}-newrelic", _key_odd(rng)), "django_app.newrelic.license_key.key"
    else:
        ref, prop = SecretKeyRef(_secret_odd(rng), "license_key"), "django_app.newrelic.license_key.name"
    return replace(app, newrelic=NewRelic(license_key=ref, ini=INI.format(app=app.name))), env, prop


def _newrelic_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if _chance(rng, 0.5):
        key = rng.choice(("shop-newrelic", ("shop-newrelic", "license_key"), None))
        return replace(app, newrelic=NewRelic(license_key=key, ini=INI)), env, "django_app.newrelic.license_key"
    newrelic = NewRelic(SecretKeyRef("newrelic", "license_key"), ini=rng.choice((b"[newrelic]\n", None, 5)))
    return replace(app, newrelic=newrelic), env, "django_app.newrelic.ini"


def _database_password(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    choice = rng.randrange(3)
    if choice == 0:
        return app, replace(env, database_password=SecretKeyRef(f"{app.name}-db", _key_odd(rng))), "environment.database_password.key"
    if choice == 1:
        return app, replace(env, database_password=SecretKeyRef(_secret_odd(rng), "password")), "environment.database_password.name"
    value = rng.choice((f"{app.name}-database", ("db", "password"), 5))
    return app, replace(env, database_password=value), "environment.database_password"


def _run_as_user(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    return replace(app, run_as_user=rng.choice((0, -1, 2**31, "10001", 10001.0, True))), env, "django_app.run_as_user"


def _gunicorn(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    field, value = rng.choice((("gunicorn_workers", 0), ("gunicorn_workers", 65), ("gunicorn_workers", 2.0),
                               ("gunicorn_threads", 0), ("gunicorn_threads", 257), ("gunicorn_threads", "4")))
    return replace(app, **{field: value}), env, f"django_app.{field}"


def _web_port(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    choice = rng.randrange(3)
    if choice == 0:
        return replace(app, web_port=rng.choice((0, 65536, "8000"))), env, "port"
    if choice == 1:
        app = replace(app, web_metrics_port=app.web_port)
        return app, replace(env, monitoring=True), "metrics_port"
    return replace(app, health_check_path=rng.choice(("healthz", "", "http://x/healthz/", None))), env, "health_check_path"


def _env_name(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if kind_of(env) == "preview":
        return app, replace(env, name=rng.choice(("qa", "preview-x", "production"))), "environment.name"
    return app, replace(env, name=rng.choice(("QA", "qa_1", "-qa", "pr-qa", "pr-x", "", "q" * 64))), "environment.name"


def _namespace(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if kind_of(env) != "preview" and _chance(rng, 0.5):
        # The default namespace '<app>-<env>' past 63 characters.
        name = _label(rng, 63 - len(app.name), NOT_P)
        return app, replace(env, name=name, namespace=None), "environment.namespace"
    value = rng.choice(("n" * 64, "Shop-QA", "shop.qa", "-shop", _label(rng, 64)))
    return app, replace(env, namespace=value), "environment.namespace"


def _replicas(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    field = rng.choice(("web_replicas", "worker_replicas"))
    value = rng.choice((-1, 1001, "2", 2.5, None))
    env = replace(env, **{field: value})
    if field == "web_replicas":
        env = replace(env, web_autoscaling=None)
    else:
        env = replace(env, worker_autoscaling=None)
    return app, env, f"environment.{field}"


def _budget(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if _chance(rng, 0.3):
        return app, replace(env, max_connections=rng.choice((0, -5, 262144, "400", 400.0))), "environment.max_connections"
    return app, replace(env, max_connections=connections(app, env) + 3 - rng.choice((1, 1, 2, 50))), "environment.max_connections"


def _iam_role(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    value = rng.choice(("shop-role", "arn:aws:s3:::bucket", "", 123456789012, ("arn:aws:iam::1:role/x",)))
    return app, replace(env, iam_role_arn=value), "environment.iam_role_arn"


def _string_settings(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    field, value = rng.choice((
        # Django refuses a STATIC_URL without its trailing slash (ImproperlyConfigured).
        ("static_url", "/static"), ("static_url", "https://cdn.example.com/static"), ("static_url", ""), ("static_url", 5),
        ("media_bucket", 5), ("media_bucket", ("a", "b")), ("shell_operators", 5),
    ))
    prop = f"environment.{field}"
    return app, replace(env, **{field: value}), prop


def _not_a_preview(rng: random.Random, app: DjangoApp, env: Environment) -> Environment:
    """A preview refuses shell_operators and aws_secrets whatever their value: a case about the value needs another
    environment (drawn for previews alone, so the other cases keep their draws)."""
    return _production_base(rng, app, env) if getattr(env, "preview", None) is not None else env


def _shell_operators(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _not_a_preview(rng, app, env)
    return app, replace(env, shell_operators=rng.choice((" ", "\t", "g" * 254))), "group"


def _host_bad(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    host = rng.choice(("QA.example.com", "Shop.Example.com", "10.0.0.1", "https://qa.example.com", "qa.example.com:443",
                       "qa_1.example.com", "*.example.com", "", "a." * 127 + "com", "-qa.example.com"))
    hosts = (*env.hosts, host) if _chance(rng, 0.5) else (host,)
    return app, replace(env, hosts=hosts), "hosts"


def _hosts_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    host = rng.choice(("a.example.com", "qa.example.com", "localhost"))
    if _chance(rng, 0.5):
        # Through the factory, as a user would write it.
        fresh = Environment.staging(env.name if kind_of(env) == "staging" else "qa", hosts=host)  # type: ignore[arg-type]
        return app, _roomy(app, fresh), "environment.hosts"
    return app, replace(env, hosts=rng.choice((host, 5, None))), "environment.hosts"


def _ingress_without_hosts(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _with_ingress(rng, env, IngressOptions(class_name="alb"))
    return app, replace(env, hosts=()), "environment.hosts"


def _alb_without_cidrs(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _with_ingress(rng, env, IngressOptions(class_name="alb", tls=AcmCertificate("arn:aws:acm:eu-west-1:1:certificate/x")))
    return app, _with_network(env, load_balancer_cidrs=()), "environment.network.load_balancer_cidrs"


def _ingress_options(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    nginx = IngressController.NGINX
    options, prop = rng.choice((
        (IngressOptions(class_name="ALB"), "ingress.class_name"),
        (IngressOptions(class_name=""), "ingress.class_name"),
        (IngressOptions(class_name="nginx", controller=nginx, tls=AcmCertificate("arn:aws:acm:eu-west-1:1:certificate/x")), "ingress.tls"),
        (IngressOptions(class_name="alb", tls=CertManagerIssuer("letsencrypt")), "ingress.tls"),
        (IngressOptions(class_name="alb", tls=AcmCertificate("certificate/x")), "ingress.tls.arn"),
        (IngressOptions(class_name="nginx", controller=nginx, tls=CertManagerIssuer("le", kind="Certificate")), "ingress.tls.kind"),
        (IngressOptions(class_name="nginx", controller=nginx, tls=CertManagerIssuer("Lets_Encrypt")), "ingress.tls.name"),
        (IngressOptions(class_name="nginx", controller=nginx, group_name="staging"), "ingress.group_name"),
        (IngressOptions(class_name="alb", group_name=rng.choice(("Shared", "g" * 64, "a.b"))), "ingress.group_name"),
    ))
    return app, _with_ingress(rng, env, options), prop


def _ingress_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _with_ingress(rng, env, IngressOptions(class_name="alb"))
    return app, replace(env, ingress=rng.choice(("alb", True, {"class_name": "alb"}))), "environment.ingress"


def _cidrs(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    cidr = rng.choice(("10.0.0.0/33", "10.0.0.0/8/8", "10.0.0.256/24", "vpc", "", _cidr_odd(rng), _cidr_odd(rng), _cidr_odd(rng)))
    cidrs = (*env.network.load_balancer_cidrs, cidr) if _chance(rng, 0.5) else (cidr,)
    return app, _with_network(env, load_balancer_cidrs=cidrs), "environment.network.load_balancer_cidrs"


def _network_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if _chance(rng, 0.5):
        return app, _with_network(env, load_balancer_cidrs=rng.choice(("10.0.0.0/24", "10.0.0.0/24,10.0.1.0/24"))), \
            "environment.network.load_balancer_cidrs"
    return app, replace(env, network=rng.choice((("10.0.0.0/24",), "10.0.0.0/24", None))), "environment.network"


def _network_namespaces(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    field = rng.choice(("ingress_namespace", "monitoring_namespace", "keda_namespace"))
    value = rng.choice(("Ingress_Nginx", "kube.system", "", "n" * 64, "-keda"))
    return app, _with_network(env, **{field: value}), f"environment.network.{field}"


def _resource_key(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    key = rng.choice(("webs", "Web", "workers", "redis-cache", "seed", ""))
    return app, _with_resources(env, key, Resources()), "environment.resources"


def _resource_quantity(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    key = rng.choice(RESOURCE_KEYS)
    field, value = rng.choice((("cpu", "lots"), ("cpu", 1), ("cpu", "1 core"), ("memory", "10GB"), ("memory", "1.5.Gi"),
                               ("memory", 512), ("memory", ""), ("memory_limit", "1gi"), ("cpu", _negative(rng)),
                               ("memory", _negative(rng)), ("memory", _negative(rng))))
    resources = replace(Resources(), **{field: value})
    if field == "memory" and isinstance(value, str) and value.startswith("-"):
        resources = replace(resources, memory_limit=rng.choice((None, "256Mi")))
    return app, _with_resources(env, key, resources), f"environment.resources[{key!r}].{field}"


def _resource_limit(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    key = rng.choice(RESOURCE_KEYS)
    memory, limit = rng.choice((("512Mi", "256Mi"), ("1Gi", "1000Mi"), ("1G", "953Mi"), ("2Gi", "0"), ("256Mi", _negative(rng))))
    resources = Resources(memory=memory, memory_limit=limit)
    return app, _with_resources(env, key, resources), f"environment.resources[{key!r}].memory_limit"


def _resource_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    key = rng.choice(RESOURCE_KEYS)
    value = rng.choice((["100m", "256Mi"], {"cpu": "100m", "memory": "256Mi"}, "256Mi", None, ("100m", "256Mi")))
    return app, _with_resources(env, key, value), f"environment.resources[{key!r}]"


def _resources_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    return app, replace(env, resources=rng.choice((Resources(), [Resources()]))), "environment.resources"


def _storage(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _staging_base(rng, app, env)
    field, value = rng.choice((("storage", "10GB"), ("storage", "0"), ("storage", "ten"), ("storage", 10), ("storage", _negative(rng)),
                               ("storage_class", "GP3"), ("storage_class", "gp3_encrypted"), ("storage_class", "")))
    store = _store_prop(rng, app)
    return app, replace(env, **{store: replace(InCluster(), **{field: value})}), field


def _aws_store(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    env = _not_a_preview(rng, app, env)
    if _chance(rng, 0.5):
        return app, replace(env, aws_secrets=AwsSecretsManager(kind=rng.choice(("Vault", "clustersecretstore", "")))), "store.kind"
    return app, replace(env, aws_secrets=AwsSecretsManager(store=rng.choice(("AWS", "aws_sm", "")))), "store.store"


def _aws_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    return app, replace(env, aws_secrets=rng.choice((True, "aws-secrets-manager", {"store": "x"}))), "environment.aws_secrets"


def _seed_bad(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    if env.kind is EnvironmentKind.PRODUCTION:
        env = _staging_base(rng, app, env)  # production refuses any seed, good or bad
    seed, prop = rng.choice((
        (SeedData(), "seed"),
        (SeedData(fixtures=("-v",)), "seed.fixtures"),
        (SeedData(fixtures=("",)), "seed.fixtures"),
        (SeedData(fixtures="demo"), "seed.fixtures"),  # type: ignore[arg-type]
        (SeedData(superuser_secret="Admin_User"), "seed.superuser_secret"),
    ))
    return app, replace(env, seed=seed), prop


def _beat_scheduler(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    return replace(app, beat=True, beat_scheduler=rng.choice(("database", "file", None))), env, "scheduler"


def _workers_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    value = rng.choice((Worker(), "worker", [("worker",)]))
    return replace(app, workers=value), env, "django_app.workers"


def _cron_type(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    value = rng.choice((["clearsessions"], "clearsessions", (("clearsessions", "0 3 * * *"),)))
    return replace(app, cron=value), env, "django_app.cron"


INVALID: tuple[tuple[str, Mutation], ...] = (
    ("app-name", _app_name), ("app-name-digit", _app_name_digit), ("image", _image_bad), ("environment-image", _env_image_bad),
    ("production-unpinned", _production_unpinned), ("production-environment-image-unpinned", _production_env_unpinned),
    ("production-in-cluster", _production_in_cluster), ("production-web-min-replicas", _production_web_min),
    ("store-type", _store_type), ("managed-host", _managed_host), ("managed-port", _managed_port),
    ("settings-module", _settings_bad), ("duplicate-workers", _duplicate_workers), ("reserved-component", _reserved_component),
    ("cron-named-like-worker", _cron_like_worker), ("worker-name", _worker_name), ("worker-queues", _worker_queues),
    ("worker-numbers", _worker_numbers), ("worker-autoscaling", _worker_autoscaling), ("worker-autoscaling-type", _worker_autoscaling_type),
    ("environment-autoscaling", _env_autoscaling), ("web-autoscaling-type", _web_autoscaling_type),
    ("cron-schedule", _cron_schedule), ("cron-time-zone", _cron_time_zone), ("cron-command", _cron_command),
    ("cron-python-manage-py", _cron_manage_py), ("cron-name", _cron_name), ("env-key", _env_var_key), ("env-value", _env_var_value),
    ("config-file-name", _config_file_name), ("config-file-content", _config_file_content), ("newrelic-ini-twice", _newrelic_ini_twice),
    ("secret-name", _secrets_bad), ("newrelic-secret-key", _newrelic_key), ("newrelic-type", _newrelic_type),
    ("database-password", _database_password), ("run-as-user", _run_as_user), ("gunicorn", _gunicorn), ("web-port", _web_port),
    ("environment-name", _env_name), ("namespace", _namespace), ("replicas", _replicas), ("connection-budget", _budget),
    ("iam-role-arn", _iam_role), ("string-settings", _string_settings), ("shell-operators", _shell_operators),
    ("host", _host_bad), ("hosts-type", _hosts_type), ("ingress-without-hosts", _ingress_without_hosts),
    ("alb-without-cidrs", _alb_without_cidrs), ("ingress-options", _ingress_options), ("ingress-type", _ingress_type),
    ("cidr", _cidrs), ("network-type", _network_type), ("network-namespace", _network_namespaces),
    ("resources-key", _resource_key), ("resources-quantity", _resource_quantity), ("resources-limit", _resource_limit),
    ("resources-entry-type", _resource_type), ("resources-type", _resources_type), ("storage", _storage),
    ("aws-secrets-store", _aws_store), ("aws-secrets-type", _aws_type), ("seed", _seed_bad), ("beat-scheduler", _beat_scheduler),
    ("workers-type", _workers_type), ("cron-type", _cron_type),
)


# --- edges for random_spec: values at the boundaries Kubernetes cares about -------------------

def _edge_app_name_30(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    return replace(app, name=_not_preview(_label(rng, 30))), env


def _edge_namespace_63(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    if kind_of(env) != "preview" and _chance(rng, 0.5):
        return app, replace(env, name=_label(rng, 63 - len(app.name) - 1, NOT_P), namespace=None)
    value = _label(rng, 63)
    if kind_of(env) == "preview":  # its namespace is 'pr-<app>--<its name after pr->', never its own
        return app, replace(env, name="pr-" + value[len(app.name) + 5:])
    return app, replace(env, namespace=_not_preview(value))


def _edge_quantity(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    key = rng.choice(RESOURCE_KEYS)
    resources = rng.choice((Resources(cpu="0", memory="0"), Resources(memory="1.5Gi"), Resources(memory="1Ei"),
                            Resources(cpu="0.001", memory="1Ki"), Resources(memory="1Gi", memory_limit="1Ei"),
                            Resources(cpu="1e3", memory="128974848"), Resources(memory="0", memory_limit="0")))
    return app, _with_resources(env, key, resources)


def _edge_storage(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    env = _staging_base(rng, app, env)
    store = _store_prop(rng, app)
    storage = rng.choice(("0", "1.5Gi", "1Ei", "1"))
    return app, replace(env, **{store: InCluster(storage=None if store == "cache" else storage, storage_class="s" * 253)})


def _edge_names_max(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    """A worker and a cron job at the longest names that fit (Deployment 63, CronJob 52 characters)."""
    worker = _label(rng, 63 - len(app.name) - 1)
    cron = _label(rng, 52 - len(app.name) - 1)
    app = replace(app, workers=(*app.workers, Worker(name=worker, concurrency=1)), cron={**app.cron, cron: "0 3 * * *"})
    return app, _roomy(app, env)


def _edge_digit_names(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    """Worker, cron and environment names starting with a digit: '<app>-1x' is still a valid name."""
    app = replace(app, workers=(*app.workers, Worker(name="2nd", concurrency=1)), cron={**app.cron, "7days": "@daily"})
    if kind_of(env) != "preview":
        env = replace(env, name="1" + env.name[:31])
    return app, _roomy(app, env)


def _edge_config_file_253(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    name = rng.choice(("f" * 253, ".hidden", "a..b", "_", "-", "UPPER.INI"))
    return replace(app, config_files={**app.config_files, name: "x\n"}), env


def _edge_env_keys(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    key = rng.choice(("_", "lower_case", "X" * 200, "DATABASE_HOST", "STATIC_URL", "PASSWORD_MIN_LENGTH_HINT"))
    return replace(app, env={**app.env, key: rng.choice(ENV_VALUES)}), env


def _edge_secret_names(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    secrets = rng.choice(((f"{app.name}.django",), ("a",), ("s" * 253,), ("1-secret",)))
    return replace(app, secrets=secrets), env


def _edge_budget_exact(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    return app, replace(env, max_connections=connections(app, env) + 3)


def _edge_ports(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    app = replace(app, web_port=rng.choice((1, 65535)), web_metrics_port=rng.choice((2, 65534)))
    return app, replace(env, monitoring=True)


def _edge_host_long(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    host = ".".join([_label(rng, 63)] * 3 + [_label(rng, 61)])  # 253 characters
    return app, replace(env, hosts=(*env.hosts, host))


def _edge_app_name_31(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    return replace(app, name=_label(rng, 31)), env


def _edge_namespace_64(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    return app, replace(env, namespace=_label(rng, 64))


def _edge_cidr(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    """Python's ip_network reads these; the API server's CIDR parser does not."""
    return app, _with_network(env, load_balancer_cidrs=(*env.network.load_balancer_cidrs, _cidr_odd(rng)))


def _edge_negative(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    field = rng.choice(("cpu", "memory", "memory_limit"))
    return app, _with_resources(env, rng.choice(RESOURCE_KEYS), replace(Resources(), **{field: _negative(rng)}))


def _edge_secret_odd(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    choice = rng.randrange(3)
    if choice == 0:
        return replace(app, secrets=(*app.secrets, _secret_odd(rng))), env
    if choice == 1:
        ref = SecretKeyRef(f"{app.name}-newrelic", _key_odd(rng))
        return replace(app, newrelic=NewRelic(license_key=ref, ini=INI.format(app=app.name))), env
    return app, replace(env, database_password=SecretKeyRef(rng.choice((_secret_odd(rng), f"{app.name}-db")), _key_odd(rng)))


def _edge_config_file_odd(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    return replace(app, config_files={**app.config_files, _file_odd(rng): "x\n"}), env


def _edge_env_key_odd(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    key = rng.choice(("1VAR", "A.B", "A-B", "DATABASE_URL", "STRIPE_SECRET"))
    return app, replace(env, env={**env.env, key: "x"})


def _edge_host_upper(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    host = rng.choice(("QA.example.com", "Shop.Example.com", "WWW.EXAMPLE.COM"))
    return app, replace(env, hosts=(*env.hosts, host))


def _edge_static_url(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    return app, replace(env, static_url=rng.choice(("/static", "https://cdn.example.com/static", "static/")))


def _edge_budget_over(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
    return app, replace(env, max_connections=connections(app, env) + 3 - 1)


def _edge_reused(name: str) -> Callable[[random.Random, DjangoApp, Environment], Spec]:
    """An invalid-value mutation whose values are all of the right type."""
    mutation = dict(INVALID)[name]

    def edge(rng: random.Random, app: DjangoApp, env: Environment) -> Spec:
        app, env, _ = mutation(rng, app, _roomy(app, env))
        return app, env
    return edge


EDGES: tuple[tuple[str, Callable[[random.Random, DjangoApp, Environment], Spec]], ...] = (
    # Valid for the API server.
    ("app-name-30", _edge_app_name_30), ("namespace-63", _edge_namespace_63), ("quantity", _edge_quantity),
    ("storage", _edge_storage), ("names-max", _edge_names_max), ("digit-names", _edge_digit_names),
    ("config-file-name", _edge_config_file_253), ("env-key", _edge_env_keys), ("secret-name", _edge_secret_names),
    ("budget-exact", _edge_budget_exact), ("ports", _edge_ports), ("host-253", _edge_host_long),
    # Refused by the API server, by Django, or by the library's own rules.
    ("app-name-31", _edge_app_name_31), ("namespace-64", _edge_namespace_64), ("cidr-odd", _edge_cidr),
    ("quantity-negative", _edge_negative), ("secret-odd", _edge_secret_odd), ("config-file-odd", _edge_config_file_odd),
    ("env-key-odd", _edge_env_key_odd), ("host-uppercase", _edge_host_upper), ("static-url-no-slash", _edge_static_url),
    ("budget-over", _edge_budget_over),
    *((name, _edge_reused(name)) for name in (
        "app-name-digit", "cron-python-manage-py", "newrelic-ini-twice", "duplicate-workers", "production-unpinned",
        "production-in-cluster",
    )),
)


# --- the entry points -------------------------------------------------------------------------

def _nginx_static(rng: random.Random) -> NginxStatic:
    kwargs: dict[str, Any] = {}
    if _chance(rng, 0.3):
        kwargs["port"] = rng.choice((8081, 8088, 3000, 65535))
    if _chance(rng, 0.3):
        kwargs["resources"] = _resources(rng)
    if _chance(rng, 0.2):
        kwargs["static_root"] = rng.choice(("/srv/static", "/code/static_root/", "/app/static-files"))
    if _chance(rng, 0.2):
        kwargs["image"] = rng.choice(("nginxinc/nginx-unprivileged:1.27-bookworm", f"ghcr.io/acme/nginx@sha256:{_hex(rng, 64)}"))
    return NginxStatic(**kwargs)


def _with_static(rng: random.Random, app: DjangoApp, env: Environment) -> Environment:
    """Sometimes nginx in the web pod: drawn last in a case, so every case without it stays as it was. Kept valid: a
    port of its own, and only where STATIC_URL has a path of its own (drawn, then dropped, where it has none)."""
    if not _chance(rng, NGINX_RATE):
        return env
    static = _nginx_static(rng)
    if not isinstance(env, Environment) or urlsplit(str(env.static_url)).path == "/":
        return env
    taken = {app.web_port, app.web_metrics_port if env.monitoring else None}
    if static.port in taken:
        static = replace(static, port=next(p for p in (8080, 8081, 8082) if p not in taken))
    return replace(env, static=static)


def _nginx_invalid(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    """One bad value of nginx in the web pod, on a valid spec (the others valid: a port of nginx's own)."""
    choice = rng.randrange(4)
    if choice == 0:
        return app, replace(env, static=NginxStatic(port=app.web_port)), "static.port"
    base = NginxStatic(port=next(p for p in (8080, 8081, 8082) if p not in (app.web_port, app.web_metrics_port)))
    if choice == 1:
        image = rng.choice(("nginxinc/nginx-unprivileged", "nginx:latest"))
        return app, replace(env, static=replace(base, image=image)), "static.image"
    if choice == 2:
        root = rng.choice(("staticfiles", "/", "/app/../etc"))
        return app, replace(env, static=replace(base, static_root=root)), "static.static_root"
    return app, replace(env, static=rng.choice(("nginx", True, {"port": 8080}))), "environment.static"


def _as_typed_invalid(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    """§1: a bad value the app or the environment passes down to a component, named as main.py spells it."""
    choice = rng.randrange(3)
    if choice == 0:
        return replace(app, gunicorn_threads=rng.choice((0, -1, 10_000))), env, "django_app.gunicorn_threads"
    if choice == 1 and app.workers:
        worker = app.workers[0]
        workers = (replace(worker, concurrency=rng.choice((0, -2))), *app.workers[1:])
        return replace(app, workers=workers), env, f"Worker({worker.name!r}).concurrency"
    return app, replace(env, resources={"web": Resources(cpu=rng.choice(("-1", "ten")))}), "environment.resources['web'].cpu"


def _element_invalid(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    """§2: one bad element of a tuple, named with its index (the value shown is that element, as given)."""
    bad = rng.choice(("Bad_Host.example.com", "shop example.com", "10.0.0.1"))
    if env.ingress is not None and env.hosts and kind_of(env) != "preview":
        at = rng.randrange(len(env.hosts) + 1)
        return app, replace(env, hosts=(*env.hosts[:at], bad, *env.hosts[at:])), f"environment.hosts[{at}]"
    return replace(app, secrets=(*app.secrets, "Bad_Secret")), env, f"django_app.secrets[{len(app.secrets)}]"


def _edge_value_invalid(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    """§5: a blank argument in a cron command, or a name with whitespace at its edge."""
    if _chance(rng, 0.5):
        task = CronTask("0 3 * * *", command=("clearsessions", rng.choice((" ", "", "\t"))))
        return replace(app, cron={**app.cron, "fz-blank": task}), env, "django_app.cron['fz-blank'].command"
    return replace(app, settings_module=app.settings_module + rng.choice((" ", "\n"))), env, "django_app.settings_module"


def _silent_invalid(rng: random.Random, app: DjangoApp, env: Environment) -> tuple[DjangoApp, Environment, str]:
    """§4 and §6: what passed silently. Cache and broker on one server, a variable the contract owns, a staging
    environment named production, a broker for an app without Celery."""
    choice = rng.randrange(4)
    if choice == 0 and isinstance(env.cache, Managed) and isinstance(env.broker, Managed):
        return app, replace(env, broker=replace(env.cache)), "environment.broker"
    if choice == 1 and kind_of(env) == "staging" and env.namespace is None:
        return app, replace(env, name="production"), "environment.name"
    if choice == 2 and not _runs_celery(app):
        broker = InCluster() if isinstance(env.postgres, InCluster) else Managed(f"{app.name}-broker.example.com")
        return app, replace(env, broker=broker), "environment.broker"
    owned = rng.choice(("STATIC_URL", "DATABASE_HOST", "CACHE_URL", "DJANGO_ENVIRONMENT"))
    return app, replace(env, env={**env.env, owned: "x"}), "environment.env"


_ISSUE21_INVALID = (("as-typed", _as_typed_invalid), ("element-index", _element_invalid), ("edge-value", _edge_value_invalid),
                    ("silent", _silent_invalid))


def random_case(rng: random.Random) -> tuple[DjangoApp, Environment, str | None]:
    """A spec and the name of the one edge it carries (None for the ~85% that are fully valid)."""
    app, env = _valid_spec(rng)
    if not _chance(rng, EDGE_RATE):
        return app, _with_static(rng, app, env), None
    name, edge = rng.choice(EDGES)
    app, env = edge(rng, app, env)
    return app, _with_static(rng, app, _without_unused_broker(app, env)), name


def random_spec(rng: random.Random) -> tuple[DjangoApp, Environment]:
    """A type-correct spec over the whole option space; about 85% fully valid, the rest with one edge value."""
    app, env, _ = random_case(rng)
    return app, env


def random_invalid(rng: random.Random) -> tuple[DjangoApp, Environment, str]:
    """A valid spec with exactly one value that must be rejected, and the prop the error must name."""
    app, env, prop, _ = random_invalid_case(rng)
    return app, env, prop


def random_invalid_case(rng: random.Random) -> tuple[DjangoApp, Environment, str, str]:
    """``random_invalid`` with the mutation's name last (same draws, so the same spec for a seed)."""
    app, env = _valid_spec(rng)
    env = _roomy(app, env)
    name, mutation = rng.choice(INVALID)
    valid = (app, env)
    app, env, prop = mutation(rng, app, env)
    if _chance(rng, NGINX_INVALID_RATE):  # drawn last, so every other case stays as it was
        name, (app, env, prop) = "nginx-static", _nginx_invalid(rng, *valid)
    if _chance(rng, ISSUE21_INVALID_RATE):  # after nginx's draw, for the same reason
        name, strategy = rng.choice(_ISSUE21_INVALID)
        app, env, prop = strategy(rng, *valid)
    if name != "connection-budget":
        env = _room_after(app, env)
    if isinstance(env, Environment):
        # a mutation that changes the ingress must not also drop the region or the load-balancer source
        env = _with_ingress_source(_with_region(env))
        if not prop.startswith("environment.broker"):  # nor give an app without Celery a broker, nor take one from Celery
            env = _with_broker_if_celery(app, _without_unused_broker(app, env))
    return app, env, prop, name


# --- statistics -------------------------------------------------------------------------------

def _is(value: object, kind: type | tuple[type, ...]) -> bool:
    return isinstance(value, kind)


def _describe_app(app: Any) -> dict[str, bool]:
    workers = getattr(app, "workers", ())
    workers = workers if isinstance(workers, tuple) else ()
    cron = getattr(app, "cron", {})
    tasks = list(cron.values()) if isinstance(cron, dict) else []
    image = getattr(app, "image", "")
    return {
        "app.no_workers": not workers,
        "app.several_workers": len(workers) > 1,
        "app.worker_autoscaling_hpa": any(_is(getattr(w, "autoscaling", None), Autoscaling) for w in workers),
        "app.worker_autoscaling_keda": any(_is(getattr(w, "autoscaling", None), QueueAutoscaling) for w in workers),
        "app.worker_metrics_port": any(getattr(w, "metrics_port", None) is not None for w in workers),
        "app.cron": bool(tasks),
        "app.cron_task": any(_is(t, CronTask) for t in tasks),
        "app.cron_command": any(getattr(t, "command", None) is not None for t in tasks),
        "app.cron_time_zone": any(getattr(t, "time_zone", "Etc/UTC") != "Etc/UTC" for t in tasks),
        "app.beat": bool(getattr(app, "beat", True)),
        "app.beat_database": getattr(app, "beat_scheduler", None) is BeatScheduler.DATABASE,
        "app.celery_heartbeat": bool(getattr(app, "celery_heartbeat", False)),
        "app.secrets": bool(getattr(app, "secrets", ())),
        "app.env": bool(getattr(app, "env", {})),
        "app.config_files": bool(getattr(app, "config_files", {})),
        "app.newrelic": getattr(app, "newrelic", None) is not None,
        "app.digest_image": isinstance(image, str) and "@sha256:" in image,
        "app.wsgi_application": getattr(app, "wsgi_application", None) is not None,
        "app.celery_app": getattr(app, "celery_app", None) is not None,
        "app.custom_health_check_path": getattr(app, "health_check_path", "/healthz/") != "/healthz/",
        "app.custom_web_port": getattr(app, "web_port", 8000) != 8000,
        "app.custom_gunicorn": (getattr(app, "gunicorn_workers", 2), getattr(app, "gunicorn_threads", 4)) != (2, 4),
        "app.custom_run_as_user": getattr(app, "run_as_user", 10001) != 10001,
    }


def _describe_stores(env: Any) -> dict[str, bool]:
    stores = [getattr(env, name, None) for name in ("postgres", "cache", "broker")]
    return {
        "env.postgres_managed": _is(stores[0], Managed),
        "env.postgres_in_cluster": _is(stores[0], InCluster),
        "env.redis_managed": any(_is(s, Managed) for s in stores[1:]),
        "env.redis_in_cluster": any(_is(s, InCluster) for s in stores[1:]),
        "env.managed_port": any(getattr(s, "port", None) is not None for s in stores if _is(s, Managed)),
        "env.managed_without_tls": any(getattr(s, "tls", True) is False for s in stores if _is(s, Managed)),
        "env.managed_ca_bundle": any(_is(s, Managed) and "rds-global-bundle" not in str(getattr(s, "ca_bundle", "")) for s in stores),
        "env.custom_storage": any(_is(s, InCluster) and (s.storage, s.storage_class) != (InCluster().storage, InCluster().storage_class)
                                  for s in stores),
        "env.rabbitmq_in_cluster": _is(stores[2], RabbitMQ) and getattr(stores[2], "host", None) is None,
        "env.rabbitmq_managed": _is(stores[2], RabbitMQ) and getattr(stores[2], "host", None) is not None,
        "env.memcached_in_cluster": _is(stores[1], Memcached) and getattr(stores[1], "host", None) is None,
        "env.memcached_managed": _is(stores[1], Memcached) and getattr(stores[1], "host", None) is not None,
    }


def _describe_env(env: Any) -> dict[str, bool]:
    ingress = getattr(env, "ingress", None)
    network = getattr(env, "network", None)
    alb = _is(ingress, IngressOptions) and ingress.controller is IngressController.AWS_LOAD_BALANCER
    return {
        "env.staging": kind_of(env) == "staging",
        "env.production": kind_of(env) == "production",
        "env.preview": kind_of(env) == "preview",
        "env.hosts": bool(getattr(env, "hosts", ())),
        "env.ingress_alb": alb,
        "env.ingress_nginx": _is(ingress, IngressOptions) and not alb,
        "env.tls_acm": _is(getattr(ingress, "tls", None), AcmCertificate),
        "env.tls_cert_manager": _is(getattr(ingress, "tls", None), CertManagerIssuer),
        "env.group_name": getattr(ingress, "group_name", None) is not None,
        "env.load_balancer_cidrs": bool(getattr(network, "load_balancer_cidrs", ())),
        "env.ingress_namespace": getattr(network, "ingress_namespace", None) is not None,
        "env.web_autoscaling": option(env, "web_autoscaling") is not None,
        "env.worker_autoscaling_hpa": _is(option(env, "worker_autoscaling"), Autoscaling),
        "env.worker_autoscaling_keda": _is(option(env, "worker_autoscaling"), QueueAutoscaling),
        "env.custom_resources": option(env, "resources") != DEFAULTS[kind_of(env)]["resources"],
        "env.aws_secrets": getattr(env, "aws_secrets", None) is not None,
        "env.generated_password": option(env, "generate_database_password") is True,
        "env.database_password": getattr(env, "database_password", None) is not None,
        "env.seed": getattr(env, "seed", None) is not None,
        "env.env": bool(getattr(env, "env", {})),
        "env.monitoring": bool(getattr(env, "monitoring", False)),
        "env.iam_role_arn": getattr(env, "iam_role_arn", None) is not None,
        "env.shell_operators": getattr(env, "shell_operators", None) is not None,
        "env.media_bucket": getattr(env, "media_bucket", None) is not None,
        "env.custom_static_url": getattr(env, "static_url", "/static/") != "/static/",
        "env.nginx_static": _is(getattr(env, "static", None), NginxStatic),
        "env.image_override": getattr(env, "image", None) is not None,
        "env.namespace_override": getattr(env, "namespace", None) is not None,
    }


def describe(app: DjangoApp, env: Environment) -> dict[str, bool]:
    """Which options the spec uses (for fuzz statistics); tolerates specs of the wrong types."""
    return {**_describe_app(app), **_describe_stores(env), **_describe_env(env)}

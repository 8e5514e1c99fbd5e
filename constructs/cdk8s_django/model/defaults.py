"""Every default of the library, declared once (httpx's ``_config.py`` is the model).

Constructs take these as their keyword defaults; ``resolve`` takes the
per-environment-kind ones. The defaults of one option type's own fields are
declared on that type, in ``options.py`` (``Resources.cpu``, ``IngressOptions.ssl_policy``).
The README's "Production-grade defaults" documents them.
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType

from .options import Autoscaling, NetworkAccess, QueueAutoscaling, Resources

__all__ = [
    "APP_NAME_MAX",
    "DEFAULT_ACTIVE_DEADLINE_SECONDS",
    "DEFAULT_APP_UID",
    "DEFAULT_BACKOFF_LIMIT",
    "DEFAULT_BEAT_RESOURCES",
    "DEFAULT_BROKER_STORAGE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_CONFIG_MOUNT_PATH",
    "DEFAULT_CRON_RESOURCES",
    "DEFAULT_GUNICORN_THREADS",
    "DEFAULT_GUNICORN_TIMEOUT",
    "DEFAULT_GUNICORN_WORKERS",
    "DEFAULT_HEALTH_CHECK_PATH",
    "DEFAULT_KPLUS_RESOURCES",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_METRICS_PATH",
    "DEFAULT_MIGRATION_RESOURCES",
    "DEFAULT_NETWORK_ACCESS",
    "DEFAULT_POSTGRES_IMAGE",
    "DEFAULT_POSTGRES_RESOURCES",
    "DEFAULT_POSTGRES_STORAGE",
    "DEFAULT_PREVIEW_TTL",
    "DEFAULT_QUEUES",
    "DEFAULT_REDIS_IMAGE",
    "DEFAULT_REDIS_RESOURCES",
    "DEFAULT_SEED_RESOURCES",
    "DEFAULT_SHELL_RESOURCES",
    "DEFAULT_STATIC_URL",
    "DEFAULT_STORAGE_CLASS",
    "DEFAULT_TASK_TIME_LIMIT",
    "DEFAULT_TIME_ZONE",
    "DEFAULT_TTL_SECONDS_AFTER_FINISHED",
    "DEFAULT_WEB_METRICS_PORT",
    "DEFAULT_WEB_PORT",
    "DEFAULT_WEB_REPLICAS",
    "DEFAULT_WEB_RESOURCES",
    "DEFAULT_WORKER_NAME",
    "DEFAULT_WORKER_REPLICAS",
    "DEFAULT_WORKER_RESOURCES",
    "POSTGRES_PORT",
    "PREVIEW_WORKER_AUTOSCALING",
    "PRODUCTION_MAX_CONNECTIONS",
    "PRODUCTION_WEB_AUTOSCALING",
    "PRODUCTION_WORKER_AUTOSCALING",
    "REDIS_PORT",
    "ROLLOUT_SURGE_PERCENT",
    "STAGING_KPLUS_RESOURCES",
    "STAGING_RESOURCES",
    "STAGING_WEB_REPLICAS",
    "STORE_UID",
]

# -- names ---------------------------------------------------------------
# Leaves room for the longest suffix ("-redis-broker-headless", "-migrate-<hash>").
APP_NAME_MAX = 30

# -- pods ----------------------------------------------------------------
# Above 10000: never a UID the node's own users have (checkov CKV_K8S_40).
DEFAULT_APP_UID = 10001
STORE_UID = 10999
DEFAULT_CONFIG_MOUNT_PATH = "/etc/django"

# -- web -----------------------------------------------------------------
DEFAULT_WEB_PORT = 8000
DEFAULT_HEALTH_CHECK_PATH = "/healthz/"
DEFAULT_WEB_REPLICAS = 2
DEFAULT_GUNICORN_WORKERS = 2
DEFAULT_GUNICORN_THREADS = 4
DEFAULT_GUNICORN_TIMEOUT = 30
DEFAULT_WEB_RESOURCES = Resources(cpu="250m", memory="512Mi")
DEFAULT_METRICS_PATH = "/metrics"
DEFAULT_WEB_METRICS_PORT = 9100
DEFAULT_STATIC_URL = "/static/"

# Deployments' maxSurge during a rollout (web and workers); the connection budget counts those extra pods.
ROLLOUT_SURGE_PERCENT = 25

# -- Celery --------------------------------------------------------------
DEFAULT_WORKER_NAME = "worker"
DEFAULT_QUEUES = ("celery",)
DEFAULT_CONCURRENCY = 4
DEFAULT_TASK_TIME_LIMIT = 300
DEFAULT_WORKER_REPLICAS = 1
DEFAULT_WORKER_RESOURCES = Resources(cpu="250m", memory="512Mi")
DEFAULT_BEAT_RESOURCES = Resources(cpu="50m", memory="256Mi")

# -- shell, jobs, cron ---------------------------------------------------
DEFAULT_SHELL_RESOURCES = Resources(cpu="50m", memory="512Mi", memory_limit="1Gi")
DEFAULT_MIGRATION_RESOURCES = Resources(cpu="100m", memory="512Mi")
DEFAULT_SEED_RESOURCES = Resources(cpu="100m", memory="512Mi")
DEFAULT_CRON_RESOURCES = Resources(cpu="100m", memory="512Mi")
DEFAULT_TIME_ZONE = "Etc/UTC"
DEFAULT_TTL_SECONDS_AFTER_FINISHED = 7 * 24 * 3600
# Exponential back-off (10 s, 20 s, ... capped at 6 min): about 40 minutes of retries,
# enough for a fresh environment's volume, image pull and initdb.
DEFAULT_BACKOFF_LIMIT = 10
DEFAULT_ACTIVE_DEADLINE_SECONDS = 3 * 3600

# -- stores --------------------------------------------------------------
POSTGRES_PORT = 5432
REDIS_PORT = 6379
DEFAULT_POSTGRES_IMAGE = "postgres:16.4-bookworm"
DEFAULT_REDIS_IMAGE = "redis:7.4-bookworm"
DEFAULT_STORAGE_CLASS = "gp3"
DEFAULT_POSTGRES_STORAGE = "10Gi"
DEFAULT_BROKER_STORAGE = "1Gi"
DEFAULT_POSTGRES_RESOURCES = Resources(cpu="250m", memory="512Mi", memory_limit="1Gi")
DEFAULT_REDIS_RESOURCES = Resources(cpu="50m", memory="256Mi")
# Postgres's own default.
DEFAULT_MAX_CONNECTIONS = 100

# Who may connect into a namespace: nobody from outside until told (the ALB's CIDRs, an ingress namespace).
DEFAULT_NETWORK_ACCESS = NetworkAccess()

# -- per environment kind ------------------------------------------------
# Staging runs tens of environments side by side: small requests, same limits' shape.
STAGING_RESOURCES = MappingProxyType({
    "web": Resources(cpu="50m", memory="384Mi"),
    "worker": Resources(cpu="50m", memory="384Mi"),
    "beat": Resources(cpu="10m", memory="192Mi"),
    "shell": Resources(cpu="10m", memory="256Mi", memory_limit="1Gi"),
    "migrate": Resources(cpu="50m", memory="384Mi"),
    "cron": Resources(cpu="50m", memory="384Mi"),
    "postgres": Resources(cpu="50m", memory="256Mi", memory_limit="512Mi"),
    "redis": Resources(cpu="10m", memory="128Mi"),
})
STAGING_WEB_REPLICAS = 1
# A team's cdk8s-plus container whose resources it left unset (``run_with_app``): sized as beat, the library's
# smallest app component, instead of cdk8s-plus-27's 1000m/1500m CPU and 512Mi/2048Mi memory.
DEFAULT_KPLUS_RESOURCES = DEFAULT_BEAT_RESOURCES
STAGING_KPLUS_RESOURCES = STAGING_RESOURCES["beat"]
# RDS's default for a 4 GiB instance is about 450.
PRODUCTION_MAX_CONNECTIONS = 400
PRODUCTION_WEB_AUTOSCALING = Autoscaling(min_replicas=2, max_replicas=10)
PRODUCTION_WORKER_AUTOSCALING = Autoscaling(min_replicas=2, max_replicas=6)
DEFAULT_PREVIEW_TTL = timedelta(days=3)
PREVIEW_WORKER_AUTOSCALING = QueueAutoscaling(min_replicas=0, max_replicas=2)

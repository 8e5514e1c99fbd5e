"""cdk8s-django: deploy a Django app (gunicorn, Celery, beat, ops shell, Postgres, Redis)
to Kubernetes from its image name, one chart per environment.
"""

from __future__ import annotations

from .app import App
from .app_config import AppConfig
from .celery_beat import BeatScheduler, CeleryBeat
from .celery_worker import CeleryWorker
from .chart import DjangoChart
from .django_app import CronTask, DjangoApp, Worker
from .django_web import DjangoWeb
from .environment import Environment, EnvironmentKind, InCluster, Managed
from .ingress import AcmCertificate, CertManagerIssuer, IngressController, IngressOptions
from .managed_data_store import ManagedDataStore
from .management_cron_job import ManagementCronJob
from .migration_job import MigrationJob
from .ops_shell import OpsShell
from .postgres_stateful_set import PostgresStatefulSet
from .redis_stateful_set import RedisRole, RedisStatefulSet
from .runtime import AppRuntime, Resources, SecretKeyRef

__version__ = "0.1.0"

__all__ = [
    "AcmCertificate",
    "App",
    "AppConfig",
    "AppRuntime",
    "BeatScheduler",
    "CeleryBeat",
    "CeleryWorker",
    "CertManagerIssuer",
    "CronTask",
    "DjangoApp",
    "DjangoChart",
    "DjangoWeb",
    "Environment",
    "EnvironmentKind",
    "InCluster",
    "IngressController",
    "IngressOptions",
    "Managed",
    "ManagedDataStore",
    "ManagementCronJob",
    "MigrationJob",
    "OpsShell",
    "PostgresStatefulSet",
    "RedisRole",
    "RedisStatefulSet",
    "Resources",
    "SecretKeyRef",
    "Worker",
    "__version__",
]

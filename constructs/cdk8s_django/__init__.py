"""cdk8s-django: deploy a Django app (gunicorn, Celery, beat, ops shell, Postgres, Redis)
to Kubernetes from its image name, one chart per environment.
"""

from __future__ import annotations

from .app import App
from .app_config import AppConfig
from .autoscaling import Autoscaling, QueueAutoscaling
from .celery_beat import BeatScheduler, CeleryBeat
from .celery_worker import CeleryWorker
from .chart import DjangoChart
from .django_app import CronTask, DjangoApp, Worker
from .django_web import DjangoWeb
from .environment import (
    STAGING_RESOURCES,
    Environment,
    EnvironmentKind,
    InCluster,
    Managed,
)
from .external_secrets import AwsSecret, AwsSecretsManager, GeneratedPassword
from .ingress import (
    AcmCertificate,
    CertManagerIssuer,
    IngressController,
    IngressOptions,
)
from .managed_data_store import ManagedDataStore
from .management_cron_job import ManagementCronJob
from .migration_job import MigrationJob
from .monitoring import Monitoring, NewRelic
from .network_policies import NetworkAccess, NetworkPolicies
from .ops_shell import OpsShell
from .postgres_stateful_set import PostgresStatefulSet
from .redis_stateful_set import RedisRole, RedisStatefulSet
from .runtime import AppRuntime, Resources, SecretKeyRef
from .security import PodSecurity
from .shell_access import ShellAccess

__version__ = "0.1.0"

__all__ = [
    "STAGING_RESOURCES",
    "AcmCertificate",
    "App",
    "AppConfig",
    "AppRuntime",
    "Autoscaling",
    "AwsSecret",
    "AwsSecretsManager",
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
    "GeneratedPassword",
    "InCluster",
    "IngressController",
    "IngressOptions",
    "Managed",
    "ManagedDataStore",
    "ManagementCronJob",
    "MigrationJob",
    "Monitoring",
    "NetworkAccess",
    "NetworkPolicies",
    "NewRelic",
    "OpsShell",
    "PodSecurity",
    "PostgresStatefulSet",
    "QueueAutoscaling",
    "RedisRole",
    "RedisStatefulSet",
    "Resources",
    "SecretKeyRef",
    "ShellAccess",
    "Worker",
    "__version__",
]

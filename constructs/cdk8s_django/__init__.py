"""cdk8s-django: deploy a Django app (gunicorn, Celery, beat, ops shell, Postgres, Redis)
to Kubernetes from its image name, one chart per environment.

Attributes load on first use (PEP 562), so ``python -m cdk8s_django diff`` and
``expire`` run without starting the jsii Node process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import App
    from .app_config import AppConfig
    from .autoscaling import Autoscaling, QueueAutoscaling
    from .celery_beat import BeatScheduler, CeleryBeat
    from .celery_worker import CeleryWorker
    from .chart import DjangoChart
    from .django_app import CronTask, DjangoApp, Worker
    from .django_web import DjangoWeb
    from .environment import STAGING_RESOURCES, Environment, EnvironmentKind, InCluster, Managed
    from .external_secrets import AwsSecret, AwsSecretsManager, GeneratedPassword
    from .ingress import AcmCertificate, CertManagerIssuer, IngressController, IngressOptions
    from .managed_data_store import ManagedDataStore
    from .management_cron_job import ManagementCronJob
    from .migration_job import MigrationJob
    from .monitoring import Monitoring, NewRelic
    from .network_policies import NetworkAccess, NetworkPolicies
    from .ops_shell import OpsShell
    from .postgres_stateful_set import PostgresStatefulSet
    from .preview import ExpiredPreview, Preview, SeedData, expired_previews, preview_name
    from .preview_reaper import PreviewReaperAccess
    from .redis_stateful_set import RedisRole, RedisStatefulSet
    from .runtime import AppRuntime, Resources, SecretKeyRef
    from .security import PodSecurity
    from .seed_data_job import SeedDataJob
    from .shell_access import ShellAccess

__version__ = "0.1.0"

_EXPORTS = {
    "AcmCertificate": "ingress",
    "App": "app",
    "AppConfig": "app_config",
    "AppRuntime": "runtime",
    "Autoscaling": "autoscaling",
    "AwsSecret": "external_secrets",
    "AwsSecretsManager": "external_secrets",
    "BeatScheduler": "celery_beat",
    "CeleryBeat": "celery_beat",
    "CeleryWorker": "celery_worker",
    "CertManagerIssuer": "ingress",
    "CronTask": "django_app",
    "DjangoApp": "django_app",
    "DjangoChart": "chart",
    "DjangoWeb": "django_web",
    "Environment": "environment",
    "EnvironmentKind": "environment",
    "expired_previews": "preview",
    "ExpiredPreview": "preview",
    "GeneratedPassword": "external_secrets",
    "InCluster": "environment",
    "IngressController": "ingress",
    "IngressOptions": "ingress",
    "Managed": "environment",
    "ManagedDataStore": "managed_data_store",
    "ManagementCronJob": "management_cron_job",
    "MigrationJob": "migration_job",
    "Monitoring": "monitoring",
    "NetworkAccess": "network_policies",
    "NetworkPolicies": "network_policies",
    "NewRelic": "monitoring",
    "OpsShell": "ops_shell",
    "PodSecurity": "security",
    "PostgresStatefulSet": "postgres_stateful_set",
    "Preview": "preview",
    "PreviewReaperAccess": "preview_reaper",
    "preview_name": "preview",
    "QueueAutoscaling": "autoscaling",
    "RedisRole": "redis_stateful_set",
    "RedisStatefulSet": "redis_stateful_set",
    "Resources": "runtime",
    "SecretKeyRef": "runtime",
    "SeedData": "preview",
    "SeedDataJob": "seed_data_job",
    "ShellAccess": "shell_access",
    "STAGING_RESOURCES": "environment",
    "Worker": "django_app",
}

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
    "ExpiredPreview",
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
    "Preview",
    "PreviewReaperAccess",
    "QueueAutoscaling",
    "RedisRole",
    "RedisStatefulSet",
    "Resources",
    "SecretKeyRef",
    "SeedData",
    "SeedDataJob",
    "ShellAccess",
    "Worker",
    "__version__",
    "expired_previews",
    "preview_name",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

"""cdk8s-django: deploy a Django app (gunicorn, Celery, beat, ops shell, Postgres, Redis)
to Kubernetes from its image name, one chart per environment.

Attributes load on first use (PEP 562), so ``python -m cdk8s_django diff`` and
``expire`` run without starting the jsii Node process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .components.app_config import AppConfig
    from .components.autoscaling import Autoscaling, QueueAutoscaling
    from .components.celery_beat import BeatScheduler, CeleryBeat
    from .components.celery_worker import CeleryWorker
    from .components.chart import DjangoChart
    from .components.django_web import DjangoWeb
    from .components.external_secrets import AwsSecret, AwsSecretsManager, GeneratedPassword
    from .components.managed_data_store import ManagedDataStore
    from .components.management_cron_job import ManagementCronJob
    from .components.migration_job import MigrationJob
    from .components.monitoring import Monitoring, NewRelic
    from .components.network_policies import NetworkAccess, NetworkPolicies
    from .components.ops_shell import OpsShell
    from .components.postgres_stateful_set import PostgresStatefulSet
    from .components.preview_reaper import PreviewReaperAccess
    from .components.redis_stateful_set import RedisRole, RedisStatefulSet
    from .components.seed_data_job import SeedDataJob
    from .components.shell_access import ShellAccess
    from .k8s.runtime import AppRuntime, Resources, SecretKeyRef
    from .k8s.security import PodSecurity
    from .output.writer import App
    from .spec.django_app import CronTask, DjangoApp, Worker
    from .spec.environment import STAGING_RESOURCES, Environment, EnvironmentKind, InCluster, Managed
    from .spec.ingress import AcmCertificate, CertManagerIssuer, IngressController, IngressOptions
    from .spec.preview import ExpiredPreview, Preview, SeedData, expired_previews, preview_name

__version__ = "0.1.0"

_EXPORTS = {
    "AcmCertificate": "spec.ingress",
    "App": "output.writer",
    "AppConfig": "components.app_config",
    "AppRuntime": "k8s.runtime",
    "Autoscaling": "components.autoscaling",
    "AwsSecret": "components.external_secrets",
    "AwsSecretsManager": "components.external_secrets",
    "BeatScheduler": "components.celery_beat",
    "CeleryBeat": "components.celery_beat",
    "CeleryWorker": "components.celery_worker",
    "CertManagerIssuer": "spec.ingress",
    "CronTask": "spec.django_app",
    "DjangoApp": "spec.django_app",
    "DjangoChart": "components.chart",
    "DjangoWeb": "components.django_web",
    "Environment": "spec.environment",
    "EnvironmentKind": "spec.environment",
    "expired_previews": "spec.preview",
    "ExpiredPreview": "spec.preview",
    "GeneratedPassword": "components.external_secrets",
    "InCluster": "spec.environment",
    "IngressController": "spec.ingress",
    "IngressOptions": "spec.ingress",
    "Managed": "spec.environment",
    "ManagedDataStore": "components.managed_data_store",
    "ManagementCronJob": "components.management_cron_job",
    "MigrationJob": "components.migration_job",
    "Monitoring": "components.monitoring",
    "NetworkAccess": "components.network_policies",
    "NetworkPolicies": "components.network_policies",
    "NewRelic": "components.monitoring",
    "OpsShell": "components.ops_shell",
    "PodSecurity": "k8s.security",
    "PostgresStatefulSet": "components.postgres_stateful_set",
    "Preview": "spec.preview",
    "PreviewReaperAccess": "components.preview_reaper",
    "preview_name": "spec.preview",
    "QueueAutoscaling": "components.autoscaling",
    "RedisRole": "components.redis_stateful_set",
    "RedisStatefulSet": "components.redis_stateful_set",
    "Resources": "k8s.runtime",
    "SecretKeyRef": "k8s.runtime",
    "SeedData": "spec.preview",
    "SeedDataJob": "components.seed_data_job",
    "ShellAccess": "components.shell_access",
    "STAGING_RESOURCES": "spec.environment",
    "Worker": "spec.django_app",
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

"""cdk8s-django: deploy a Django app (gunicorn, Celery, beat, ops shell, Postgres, Redis)
to Kubernetes from its image name, one chart per environment.

Attributes load on first use (PEP 562), so ``python -m cdk8s_django diff`` and
``expire`` run without starting the jsii Node process.

Importing it before ``cdk8s`` also silences jsii's 11-line banner for a Node release past its
end of life (set ``JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION`` yourself to choose); the
README recommends Node 22 or later.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# jsii reads it when it starts Node (on `import cdk8s`): the Node majors past their end of life.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "14,16,18,20")

if TYPE_CHECKING:
    from .components.app_config import AppConfig
    from .components.argo_cd import ArgoCdApplications, ArgoCdPreviews, ArgoCdSync, mark_for_argo_cd
    from .components.aws_secret_store import AwsSecretStore
    from .components.celery_beat import CeleryBeat
    from .components.celery_worker import CeleryWorker
    from .components.chart import DjangoChart
    from .components.django_web import DjangoWeb
    from .components.external_secrets import AwsSecret, GeneratedPassword
    from .components.managed_data_store import ManagedDataStore
    from .components.management_cron_job import ManagementCronJob
    from .components.migration_job import MigrationJob
    from .components.monitoring import Monitoring
    from .components.namespace_fence import NamespaceFence
    from .components.network_policies import NetworkPolicies
    from .components.ops_shell import OpsShell
    from .components.postgres_stateful_set import PostgresStatefulSet
    from .components.preview_reaper import PreviewReaperAccess
    from .components.redis_stateful_set import RedisStatefulSet
    from .components.seed_data_job import SeedDataJob
    from .components.shell_access import ShellAccess
    from .k8s.runtime import AppRuntime
    from .k8s.security import PodSecurity
    from .model._validation import ConfigError
    from .model.defaults import STAGING_RESOURCES
    from .model.django_app import CronTask, DjangoApp, Worker
    from .model.environment import Environment, EnvironmentKind, EnvironmentOptions, InCluster, Managed
    from .model.options import (
        UNSET,
        AcmCertificate,
        Autoscaling,
        AwsSecretsManager,
        BeatScheduler,
        CertManagerIssuer,
        EgressAllowList,
        IngressController,
        IngressOptions,
        NetworkAccess,
        NewRelic,
        NginxStatic,
        QueueAutoscaling,
        RedisRole,
        Resources,
        SecretKeyRef,
        StoreRole,
    )
    from .model.placeholders import PLACEHOLDER, placeholders
    from .model.plan import Plan, resolve
    from .model.preview import ExpiredPreview, Preview, SeedData, expired_previews, preview_name
    from .output.writer import App

__version__ = "0.1.0"

_EXPORTS = {
    "EgressAllowList": "model.options",
    "AppConfig": "components.app_config",
    "ArgoCdApplications": "components.argo_cd",
    "ArgoCdPreviews": "components.argo_cd",
    "ArgoCdSync": "components.argo_cd",
    "AwsSecretStore": "components.aws_secret_store",
    "mark_for_argo_cd": "components.argo_cd",
    "CeleryBeat": "components.celery_beat",
    "CeleryWorker": "components.celery_worker",
    "DjangoChart": "components.chart",
    "DjangoWeb": "components.django_web",
    "AwsSecret": "components.external_secrets",
    "GeneratedPassword": "components.external_secrets",
    "ManagedDataStore": "components.managed_data_store",
    "ManagementCronJob": "components.management_cron_job",
    "MigrationJob": "components.migration_job",
    "Monitoring": "components.monitoring",
    "NamespaceFence": "components.namespace_fence",
    "PLACEHOLDER": "model.placeholders",
    "placeholders": "model.placeholders",
    "NetworkPolicies": "components.network_policies",
    "OpsShell": "components.ops_shell",
    "PostgresStatefulSet": "components.postgres_stateful_set",
    "PreviewReaperAccess": "components.preview_reaper",
    "RedisStatefulSet": "components.redis_stateful_set",
    "SeedDataJob": "components.seed_data_job",
    "ShellAccess": "components.shell_access",
    "AppRuntime": "k8s.runtime",
    "PodSecurity": "k8s.security",
    "App": "output.writer",
    "ConfigError": "model._validation",
    "STAGING_RESOURCES": "model.defaults",
    "CronTask": "model.django_app",
    "DjangoApp": "model.django_app",
    "Worker": "model.django_app",
    "Environment": "model.environment",
    "EnvironmentKind": "model.environment",
    "EnvironmentOptions": "model.environment",
    "InCluster": "model.environment",
    "Managed": "model.environment",
    "AcmCertificate": "model.options",
    "Autoscaling": "model.options",
    "AwsSecretsManager": "model.options",
    "BeatScheduler": "model.options",
    "CertManagerIssuer": "model.options",
    "IngressController": "model.options",
    "IngressOptions": "model.options",
    "NetworkAccess": "model.options",
    "NewRelic": "model.options",
    "NginxStatic": "model.options",
    "QueueAutoscaling": "model.options",
    "RedisRole": "model.options",
    "Resources": "model.options",
    "SecretKeyRef": "model.options",
    "StoreRole": "model.options",
    "UNSET": "model.options",
    "Plan": "model.plan",
    "resolve": "model.plan",
    "ExpiredPreview": "model.preview",
    "Preview": "model.preview",
    "SeedData": "model.preview",
    "expired_previews": "model.preview",
    "preview_name": "model.preview",
}

__all__ = [
    "PLACEHOLDER",
    "STAGING_RESOURCES",
    "UNSET",
    "AcmCertificate",
    "App",
    "AppConfig",
    "AppRuntime",
    "ArgoCdApplications",
    "ArgoCdPreviews",
    "ArgoCdSync",
    "Autoscaling",
    "AwsSecret",
    "AwsSecretStore",
    "AwsSecretsManager",
    "BeatScheduler",
    "CeleryBeat",
    "CeleryWorker",
    "CertManagerIssuer",
    "ConfigError",
    "CronTask",
    "DjangoApp",
    "DjangoChart",
    "DjangoWeb",
    "EgressAllowList",
    "Environment",
    "EnvironmentKind",
    "EnvironmentOptions",
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
    "NamespaceFence",
    "NetworkAccess",
    "NetworkPolicies",
    "NewRelic",
    "NginxStatic",
    "OpsShell",
    "Plan",
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
    "StoreRole",
    "Worker",
    "__version__",
    "expired_previews",
    "mark_for_argo_cd",
    "placeholders",
    "preview_name",
    "resolve",
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

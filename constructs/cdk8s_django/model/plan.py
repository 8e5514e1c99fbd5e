"""The resolve step: (``DjangoApp``, ``Environment``) in, one checked, fully defaulted ``Plan`` out.

Every cross-field rule and every check of a value no construct owns runs here,
once, before any cdk8s object exists. Each construct then checks only its own
props. The plan is plain frozen data: ``DjangoChart`` composes from it, and the
notes and diagrams read it instead of parsing the YAML back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TypeVar

from ..stores import KINDS, StoreKind, kind_of, store_components
from ..workloads import WORKLOAD_KINDS, WorkloadPlan
from . import _validation as v
from ._contract import CONTRACT_ENV, NEW_RELIC_COMMAND_PREFIX, NEW_RELIC_INI_FILE, RESERVED_ENV, config_env, pod_env, secret_env
from ._secrets import check_file, check_no_secrets, check_values
from ._types import check_spec_types
from .defaults import (
    APP_NAME_MAX,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_WEB_REPLICAS,
    DEFAULT_WORKER_REPLICAS,
    PREVIEW_WORKER_AUTOSCALING,
    PRODUCTION_MAX_CONNECTIONS,
    PRODUCTION_WEB_AUTOSCALING,
    PRODUCTION_WORKER_AUTOSCALING,
    STAGING_WEB_REPLICAS,
)
from .django_app import CronTask, DjangoApp, Worker
from .environment import IN_CLUSTER, Environment, EnvironmentKind, InCluster, Managed
from .options import AcmCertificate, Autoscaling, IngressController, QueueAutoscaling, Resources, SecretKeyRef, StoreRole, Unset
from .placeholders import PLACEHOLDER, first_placeholder
from .preview import APP_SEPARATOR, PREVIEW_PREFIX, preview_namespace

__all__ = ["RESERVED_COMPONENTS", "RESOURCE_KEYS", "STORE_PROPS", "Plan", "StorePlan", "WorkerPlan", "resolve"]

# Components the library names itself: a worker or cron job with one of these names
# would collide with their Services, selectors, HPAs and PDBs.
RESERVED_COMPONENTS = frozenset({
    *(name for kind in WORKLOAD_KINDS for name in kind.reserved), "config", "namespace", "secrets",
    "service-account", "network-policy", "default-deny", "files", "env", *store_components(),
})
# Each workload kind's key, then each store kind's (the registries' order).
_SIZED_WORKLOADS = [kind for kind in WORKLOAD_KINDS if kind.resources_key is not None]
_DEFAULT_RESOURCES = {
    **{kind.resources_key: kind.resources for kind in _SIZED_WORKLOADS if kind.resources_key},
    **{kind.resources_key: kind.resources for kind in KINDS},
}
_STAGING_RESOURCES = {
    **{kind.resources_key: kind.staging_resources for kind in KINDS},
    **{kind.resources_key: kind.staging_resources for kind in _SIZED_WORKLOADS if kind.resources_key and kind.staging_resources},
}
RESOURCE_KEYS = tuple(_DEFAULT_RESOURCES)


@dataclass(frozen=True)
class StorePlan:
    """One of the three stores, resolved: its kind, where it runs, its port and (in the cluster) its size.

    ``host`` is the managed endpoint (None: in the cluster); ``tls``: clients connect with TLS (a managed
    store that asks for it); ``storage``: the in-cluster claim's size, None for no volume."""

    role: StoreRole
    kind: StoreKind
    spec: object
    port: int
    resources: Resources
    host: str | None = None
    tls: bool = False
    storage: str | None = None
    image: str | None = None
    from_aws: bool = False  # its Secrets come from AWS Secrets Manager through ESO, which also writes them URL-encoded

    @property
    def component(self) -> str:
        """The stable name's suffix: the Service ``<app>-<component>``, the same in every environment."""
        return self.kind.component(self.role)

    @property
    def managed(self) -> Managed | None:
        """The spec when it is a generic ``Managed`` (Postgres reads its CA bundle from it)."""
        return self.spec if isinstance(self.spec, Managed) else None

    @property
    def in_cluster(self) -> bool:
        return self.host is None


@dataclass(frozen=True)
class WorkerPlan:
    """A worker with the environment's choices applied: its scaling, replicas and size."""

    worker: Worker
    scaling: Autoscaling | QueueAutoscaling | None
    replicas: int


@dataclass(frozen=True)
class Plan:
    """Everything ``DjangoChart`` needs, checked and defaulted. Read-only.

    The connection budget (``spec._budget``) is checked by ``DjangoChart`` once the components
    have checked the sizes it adds up, so a bad size is reported as itself, not as a budget overrun.
    """


    app: DjangoApp
    environment: Environment
    namespace: str
    image: str
    production: bool
    uses_alb: bool
    resources: Mapping[str, Resources]
    stores: Mapping[StoreRole, StorePlan]
    web_replicas: int
    web_autoscaling: Autoscaling | None
    workers: tuple[WorkerPlan, ...]
    cron: tuple[tuple[str, CronTask], ...]
    max_connections: int
    database_password: SecretKeyRef
    secret_env: Mapping[str, SecretKeyRef]
    config_env: Mapping[str, str]
    pod_env: Mapping[str, str]
    config_files: Mapping[str, str]
    command_prefix: tuple[str, ...]
    generate_database_password: bool
    aws_secrets_prefix: str
    database_secret_by_eso: bool
    workloads: tuple[WorkloadPlan, ...]  # every workload, in the manifests' order (the workload registry's)

    @property
    def broker(self) -> StorePlan | None:
        """None for an app without Celery (no worker, no beat)."""
        return self.stores.get(StoreRole.BROKER)

    @property
    def uses_keda(self) -> bool:
        return any(isinstance(w.scaling, QueueAutoscaling) for w in self.workers)


def resolve(where: object, django_app: DjangoApp, environment: Environment) -> Plan:
    """Check the app and the environment together and fill in every default."""
    _check_types(where, django_app, environment)
    # Not the preview's branch and owner: CI supplies them, and a branch may well say REPLACE-ME.
    for spec, prefix in ((django_app, "django_app"), (replace(environment, preview=None), "environment")):
        found = first_placeholder(spec, prefix)
        if found is not None:  # a scaffold's REPLACE-ME never reaches dist/
            raise v.ConfigError(where, found[0], found[1], f"a real value, not the placeholder {PLACEHOLDER}",
                                "replace it in main.py (`placeholders(environment)` lists every one left)")
    _check_app(where, django_app)
    namespace = _check_environment(where, django_app, environment)
    production = environment.kind is EnvironmentKind.PRODUCTION
    image = environment.image if environment.image is not None else django_app.image
    if production:
        _check_production(where, django_app, environment, image)
    _check_env_vars(where, django_app, environment)
    resources = _resources(where, environment)
    web_autoscaling = _pick(environment.web_autoscaling, PRODUCTION_WEB_AUTOSCALING if production else None)
    worker_default = PRODUCTION_WORKER_AUTOSCALING if production else PREVIEW_WORKER_AUTOSCALING if environment.preview else None
    worker_scaling = _pick(environment.worker_autoscaling, worker_default)
    worker_replicas = _pick(environment.worker_replicas, DEFAULT_WORKER_REPLICAS)
    stores = _stores(where, django_app, environment, resources)
    region = _aws_region(where, environment)
    password = environment.database_password or SecretKeyRef(f"{django_app.name}-database", "password")
    v.check_secret_ref(where, "environment.database_password", password)
    generate = _pick(environment.generate_database_password, not production)
    # ESO makes the database Secret (AwsSecret, or GeneratedPassword for an in-cluster Postgres): it holds the password URL-encoded too.
    by_eso = environment.aws_secrets is not None or (generate and stores[StoreRole.POSTGRES].in_cluster)
    plan = Plan(
        app=django_app, environment=environment, namespace=namespace, image=image, production=production,
        uses_alb=environment.ingress is not None and environment.ingress.controller is IngressController.AWS_LOAD_BALANCER,
        resources=resources, stores=stores,
        web_replicas=_pick(environment.web_replicas, DEFAULT_WEB_REPLICAS if production else STAGING_WEB_REPLICAS),
        web_autoscaling=web_autoscaling,
        workers=tuple(WorkerPlan(w, _pick(w.autoscaling, worker_scaling), worker_replicas) for w in django_app.workers),
        cron=_cron_plans(django_app),
        max_connections=_pick(environment.max_connections, PRODUCTION_MAX_CONNECTIONS if production else DEFAULT_MAX_CONNECTIONS),
        database_password=password,
        secret_env=MappingProxyType(secret_env(django_app, password, url_encoded=by_eso, stores=stores)),
        config_env=MappingProxyType(config_env(django_app, environment, stores, region)),
        pod_env=MappingProxyType(pod_env(django_app, environment, namespace, stores[StoreRole.POSTGRES], url_encoded=by_eso,
                                         stores=stores)),
        config_files=_config_files(where, django_app),
        command_prefix=NEW_RELIC_COMMAND_PREFIX if django_app.newrelic else (),
        generate_database_password=generate,
        aws_secrets_prefix=_aws_secrets_prefix(django_app, environment),
        database_secret_by_eso=by_eso,
        workloads=(),  # each kind reads the rest of the plan to say which workloads it runs:
    )
    plan = replace(plan, workloads=tuple(w for kind in WORKLOAD_KINDS for w in kind.plans(plan)))
    _check_network(where, plan)
    _check_secrets(where, plan)
    _check_unused_options(where, plan)
    return plan


_T = TypeVar("_T")


def _pick(value: _T | Unset, default: _T) -> _T:
    """The value given, or the default when the option was left out (``None`` is a value)."""
    return default if isinstance(value, Unset) else value


def _check_types(where: object, django_app: DjangoApp, environment: Environment) -> None:
    if not isinstance(django_app, DjangoApp):
        raise v.ConfigError(where, "django_app", type(django_app).__name__, "a DjangoApp",
                            "build one with DjangoApp(name=..., image=..., settings_module=...)")
    if not isinstance(environment, Environment):
        raise v.ConfigError(where, "environment", type(environment).__name__, "an Environment",
                            "use Environment.staging(...) or Environment.production(...)")
    check_spec_types(where, "django_app", django_app)
    if isinstance(django_app.workers, tuple) and not django_app.workers and django_app.beat is False:
        _broker_spec(where, django_app, environment)  # a broker of any type is refused as unused, not for its type
    check_spec_types(where, "environment", environment)


def _check_app(where: object, django_app: DjangoApp) -> None:
    v.check_dns1035_label(where, "django_app.name", django_app.name, max_len=APP_NAME_MAX)
    if APP_SEPARATOR in django_app.name:
        raise v.ConfigError(where, "django_app.name", django_app.name,
                            f"a name without '{APP_SEPARATOR}' (it ends the app's name in preview namespaces, pr-<app>--<branch>)",
                            f"use {django_app.name.replace(APP_SEPARATOR, '-')!r}")
    v.check_image(where, "django_app.image", django_app.image)
    if not all(part.isidentifier() for part in django_app.settings_module.split(".")):
        raise v.ConfigError(where, "django_app.settings_module", django_app.settings_module,
                            "a dotted Python module path such as 'shop.settings'", "use the value of DJANGO_SETTINGS_MODULE")
    v.check_unique(where, "django_app.workers", [w.name for w in django_app.workers])
    _check_cron_names(where, django_app)
    components = [w.name for w in django_app.workers] + [cron_job_name(key) for key in django_app.cron]
    v.check_unique(where, "django_app.workers and django_app.cron", components)
    for component in components:
        if component in RESERVED_COMPONENTS:
            raise v.ConfigError(
                where, "django_app.workers and django_app.cron", component,
                f"a name other than {', '.join(sorted(RESERVED_COMPONENTS))} (the library's own components)",
                f"rename it, e.g. '{component}-task'",
            )
    for name, task in django_app.cron.items():
        if isinstance(task, CronTask) and task.command:
            check_values(where, f"django_app.cron[{name!r}].command", task.command)
    for index, secret in enumerate(django_app.secrets):
        v.check_dns_subdomain(where, f"django_app.secrets[{index}]", secret)
    v.check_unique(where, "django_app.secrets", django_app.secrets)
    if not 1 <= django_app.run_as_user < 2**31:
        raise v.ConfigError(where, "django_app.run_as_user", django_app.run_as_user,
                            "a non-root UID (1 to 2147483647; above 10000 avoids clashing with node users)",
                            "use the default 10001 or the image's app user")
    if django_app.newrelic is not None:
        v.check_secret_ref(where, "django_app.newrelic.license_key", django_app.newrelic.license_key)


def _check_environment(where: object, django_app: DjangoApp, environment: Environment) -> str:
    """The environment's own values; returns its namespace."""
    v.check_dns_label(where, "environment.name", environment.name)
    _check_name_and_hosts(where, environment)
    if (environment.preview is None) == environment.name.startswith(PREVIEW_PREFIX):
        expected = (f"a name starting with '{PREVIEW_PREFIX}' for a preview" if environment.preview
                    else f"a name not starting with '{PREVIEW_PREFIX}' (reserved for previews, which expire)")
        raise v.ConfigError(where, "environment.name", environment.name, expected,
                            "use Environment.for_branch(...) for previews and another name otherwise")
    if environment.preview is not None and environment.namespace is not None:
        raise v.ConfigError(where, "environment.namespace", environment.namespace,
                            f"None for a preview: its namespace is '{preview_namespace(django_app.name, environment.name)}',"
                            " from the branch, so that the preview reaper can tell previews apart", "drop namespace=")
    namespace = _namespace(django_app, environment)
    v.check_dns_label(where, "environment.namespace", namespace)
    if namespace == "default" or namespace.startswith("kube-"):
        raise v.ConfigError(where, "environment.namespace", namespace,
                            "a namespace of the app's own, not 'default' or a 'kube-' one (the cluster's)",
                            "set environment.namespace to a name of the app's own, or rename the app or the environment")
    if environment.preview is None and namespace.startswith(PREVIEW_PREFIX):
        raise v.ConfigError(where, "environment.namespace", namespace,
                            f"a namespace not starting with '{PREVIEW_PREFIX}' (cluster-wide, the prefix of preview namespaces,"
                            " which the preview reaper may delete)",
                            "set environment.namespace to a name without the prefix, or rename the app")
    if environment.preview is not None:
        _check_preview(where, environment)
    if environment.image is not None:
        v.check_image(where, "environment.image", environment.image)
    if environment.iam_role_arn is not None and not _IAM_ROLE_ARN.fullmatch(environment.iam_role_arn):
        raise v.ConfigError(where, "environment.iam_role_arn", environment.iam_role_arn,
                            "an IAM role ARN ('arn:aws:iam::<12-digit account>:role/<name>', or another partition's:"
                            " arn:aws-cn, arn:aws-us-gov)", "copy the role's ARN")
    if not environment.static_url.endswith("/"):
        raise v.ConfigError(where, "environment.static_url", environment.static_url,
                            "a URL ending with '/' (Django's check refuses STATIC_URL without one)",
                            f"use {environment.static_url + '/'!r}")
    if environment.media_bucket is not None:
        v.check_dns_subdomain(where, "environment.media_bucket", environment.media_bucket, max_len=63)
    return namespace


def _check_preview(where: object, environment: Environment) -> None:
    """What a preview may not have: its rendering is a pull request's code, confined by its AppProject (no RBAC)
    and by the secret store's conditions (no store but ESO's generators)."""
    if environment.deletion_protection:
        raise v.ConfigError(where, "environment.deletion_protection", True,
                            "False for a preview (previews expire and are deleted)", "drop deletion_protection=")
    if environment.aws_secrets is not None:
        raise v.ConfigError(where, "environment.aws_secrets", environment.aws_secrets,
                            "None for a preview: previews get generated passwords only, never a secret store's secrets",
                            "drop aws_secrets= (ESO generates the preview's database password)")
    if environment.shell_operators is not None:
        raise v.ConfigError(where, "environment.shell_operators", environment.shell_operators,
                            "None for a preview: a preview may create no RBAC (its AppProject refuses Roles and RoleBindings)",
                            "drop shell_operators=; exec into a preview with the CI deployer's own access")


def _check_name_and_hosts(where: object, environment: Environment) -> None:
    """A staging environment is never named production's; each host is served once."""
    if environment.kind is EnvironmentKind.STAGING and environment.name in ("production", "prod"):
        raise v.ConfigError(where, "environment.name", environment.name,
                            "a staging name other than production's (it would get production's namespace without its checks)",
                            "use Environment.production(...) for production, or another name for staging")
    seen: set[str] = set()
    for host in environment.hosts:
        if host.lower() in seen:
            raise v.ConfigError(where, "environment.hosts", environment.hosts,
                                f"each host once ({host!r} twice would give duplicate Ingress rules, DNS records and CSRF origins)",
                                f"drop the second {host!r}")
        seen.add(host.lower())


def _namespace(django_app: DjangoApp, environment: Environment) -> str:
    if environment.preview is not None:
        return preview_namespace(django_app.name, environment.name)
    return environment.namespace if environment.namespace is not None else f"{django_app.name}-{environment.name}"


def _check_production(where: object, django_app: DjangoApp, environment: Environment, image: str) -> None:
    if environment.seed is not None:  # its Job is renamed with each image: loaddata would rerun on every release
        raise v.ConfigError(where, "environment.seed", environment.seed,
                            "no seed in production (fixtures for staging and previews; the Job reruns with every new image)",
                            "drop seed=; load production data with a one-off Job or a migration")
    if not v.image_is_pinned(image):
        raise v.ConfigError(
            where, "environment.image" if environment.image else "django_app.image", image,
            "a pinned image in production: a tag other than 'latest', or a digest",
            "use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'",
        )
    scaling = environment.web_autoscaling
    if isinstance(scaling, Autoscaling) and scaling.min_replicas < 2:
        raise v.ConfigError(where, "environment.web_autoscaling.min_replicas", scaling.min_replicas,
                            "at least 2 in production (one pod means downtime on every node drain)", "set min_replicas=2 or more")
    for role, store in _store_specs(where, django_app, environment):
        if _placement(store)[0] is None:
            prop = STORE_PROPS[role]
            raise v.ConfigError(
                where, f"environment.{prop}", store, "a Managed store in production (in-cluster stores are for throwaway staging)",
                f"pass {prop}=Managed('<endpoint host name>')",
            )


def cron_job_name(key: str) -> str:
    """A cron key is the Django command's name (``rebuild_search_index``) and the CronJob's (``rebuild-search-index``:
    Kubernetes names take no ``_``). Without ``command``, the key as written is the command."""
    return key.replace("_", "-")


def _check_cron_names(where: object, django_app: DjangoApp) -> None:
    seen: dict[str, str] = {}
    for key in sorted(django_app.cron):
        name = cron_job_name(key)
        if name in seen:
            raise v.ConfigError(where, f"django_app.cron[{key!r}]", key,
                                f"a key whose CronJob name is its own: {seen[name]!r} and {key!r} are both '{name}'",
                                "rename one of the two keys")
        seen[name] = key


def _cron_plans(django_app: DjangoApp) -> tuple[tuple[str, CronTask], ...]:
    """(CronJob name, task with its command): the command defaults to the key as written."""
    plans = []
    for key, task in sorted(django_app.cron.items()):
        task = task if isinstance(task, CronTask) else CronTask(schedule=task)
        plans.append((cron_job_name(key), task if task.command is not None else replace(task, command=(key,))))
    return tuple(plans)


def _check_env_vars(where: object, django_app: DjangoApp, environment: Environment) -> None:
    for source, env in (("django_app.env", django_app.env), ("environment.env", environment.env)):
        for key in env:
            v.check_env_var_name(where, source, key)
            if key in RESERVED_ENV:
                raise v.ConfigError(where, source, key, "a variable the library does not set itself (it would be ignored)",
                                    "see the README's app contract; drop it")
            if key in CONTRACT_ENV:  # the option sets it; an override would contradict the option
                raise v.ConfigError(where, source, key, f"a variable the contract does not own (it comes from {CONTRACT_ENV[key]})",
                                    f"drop {key!r} from {source}: {CONTRACT_ENV[key]} sets it")
    files = dict(django_app.config_files)
    check_no_secrets(where, "django_app", django_app.env, files, django_app.not_secret)
    check_no_secrets(where, "environment", environment.env, {}, django_app.not_secret)
    if django_app.newrelic is not None:
        check_file(where, "django_app.newrelic.ini", NEW_RELIC_INI_FILE, django_app.newrelic.ini, django_app.not_secret)


def _resources(where: object, environment: Environment) -> Mapping[str, Resources]:
    given = _pick(environment.resources, _STAGING_RESOURCES if environment.kind is EnvironmentKind.STAGING else {})
    unknown = set(given) - set(RESOURCE_KEYS)
    if unknown:
        raise v.ConfigError(where, "environment.resources", min(unknown), f"one of {', '.join(sorted(RESOURCE_KEYS))}",
                            "fix the key's spelling")
    return MappingProxyType({key: given.get(key, _DEFAULT_RESOURCES[key]) for key in RESOURCE_KEYS})


# Each store role by the Environment option that gives it.
STORE_PROPS = {StoreRole.POSTGRES: "postgres", StoreRole.CACHE: "cache", StoreRole.BROKER: "broker"}


def _store_specs(where: object, django_app: DjangoApp, environment: Environment) -> list[tuple[StoreRole, object]]:
    specs: list[tuple[StoreRole, object]] = [(StoreRole.POSTGRES, environment.postgres), (StoreRole.CACHE, environment.cache)]
    broker = _broker_spec(where, django_app, environment)
    return specs if broker is None else [*specs, (StoreRole.BROKER, broker)]


def _broker_spec(where: object, django_app: DjangoApp, environment: Environment) -> object:
    """The broker, for an app that runs Celery only: without a worker or beat nothing reads CELERY_BROKER_URL,
    and a broker nobody consumes is a StatefulSet, a volume and a policy for nothing."""
    consumers = [f"Worker({w.name!r})" for w in django_app.workers] + (["beat"] if django_app.beat else [])
    given = environment.broker
    if consumers:
        if isinstance(given, Unset) and environment.kind is EnvironmentKind.PRODUCTION:
            raise v.ConfigError(where, "environment.broker", given, f"a managed broker: the app runs Celery ({', '.join(consumers)})",
                                "pass broker=Managed(host=...) (ElastiCache) or broker=RabbitMQ(host=..., password=...) (Amazon MQ)")
        if given is None:
            raise v.ConfigError(where, "environment.broker", None, f"a broker: the app runs Celery ({', '.join(consumers)})",
                                "pass broker=Managed(host=...) in production, or leave it out in staging (an in-cluster Redis)")
        return IN_CLUSTER if isinstance(given, Unset) else given
    if given is None or isinstance(given, Unset):
        return None
    raise v.ConfigError(where, "environment.broker", given,
                        "None: the app runs no Celery worker and no beat, so nothing would read the broker",
                        "leave broker= out (or pass broker=None), or add a Worker to django_app.workers")


def _placement(spec: object) -> tuple[str | None, int | None, bool]:
    """(managed host or None for in the cluster, the port given, TLS asked): every kind's option type has them."""
    if isinstance(spec, InCluster):
        return None, None, False
    host = getattr(spec, "host", None)
    return host, getattr(spec, "port", None), host is not None and bool(getattr(spec, "tls", False))


def _stores(where: object, django_app: DjangoApp, environment: Environment,
            resources: Mapping[str, Resources]) -> Mapping[StoreRole, StorePlan]:
    plans = {}
    for role, spec in _store_specs(where, django_app, environment):
        prop = f"environment.{STORE_PROPS[role]}"
        kind = kind_of(role, spec)
        if kind is None or role not in kind.roles:
            fits = [k.options.__name__ + "(...)" for k in KINDS if role in k.roles and k.options is not InCluster]
            raise v.ConfigError(
                where, prop, spec, f"a store that can be the {STORE_PROPS[role]}: InCluster(), Managed(host)"
                + "".join(f" or {name}" for name in fits),
                f"pass {STORE_PROPS[role]}=" + (fits[0] if fits else "InCluster()"),
            )
        host, port, tls = _placement(spec)
        default_storage = kind.storage[role]
        storage = image = None
        if host is None:
            given = getattr(spec, "storage", None)
            if given is not None and default_storage is None:
                raise v.ConfigError(where, f"{prop}.storage", given,
                                    f"no storage: the in-cluster {STORE_PROPS[role]} keeps no volume (it starts empty after a restart)",
                                    f"drop storage= from {STORE_PROPS[role]}={type(spec).__name__}(...); size its memory with"
                                    f" Environment.resources[{kind.resources_key!r}]")
            storage = given if given is not None else default_storage
            image = getattr(spec, "image", None) or kind.image
        port = port if port is not None else kind.managed_port if host is not None else kind.port
        plans[role] = StorePlan(role, kind, spec, port, resources[kind.resources_key], host=host, tls=tls,
                                storage=storage, image=image, from_aws=environment.aws_secrets is not None)
        if kind.check is not None:
            kind.check(where, prop, plans[role])
    if StoreRole.BROKER in plans:
        _check_separate_cache_and_broker(where, plans[StoreRole.CACHE], plans[StoreRole.BROKER])
    return MappingProxyType(plans)


def _check_separate_cache_and_broker(where: object, cache: StorePlan, broker: StorePlan) -> None:
    """A cache evicts (allkeys-lru) and a broker must not lose a task: one server cannot be both (its eviction
    policy is one, whichever database number each uses). No opt-in: a second server is the fix."""
    if cache.host is None or broker.host is None:
        return
    endpoint = (cache.host.lower().rstrip("."), cache.port)
    if (broker.host.lower().rstrip("."), broker.port) == endpoint:
        shared = f"{cache.host}:{cache.port}"
        raise v.ConfigError(
            where, "environment.broker", broker.spec,
            f"a server other than environment.cache's ({shared}): a cache evicts keys under memory pressure and would"
            " evict queued tasks with them", "give the broker a server of its own (e.g. a second ElastiCache cluster, noeviction)",
        )


def _config_files(where: object, django_app: DjangoApp) -> Mapping[str, str]:
    files = dict(django_app.config_files)
    if django_app.newrelic:
        if NEW_RELIC_INI_FILE in files:
            raise v.ConfigError(where, "django_app.config_files", NEW_RELIC_INI_FILE,
                                "no 'newrelic.ini' when newrelic is set (the library writes it from NewRelic.ini)",
                                "put its content in NewRelic(ini=...) and drop it from config_files")
        files[NEW_RELIC_INI_FILE] = django_app.newrelic.ini
    return MappingProxyType(files)


def _check_network(where: object, plan: Plan) -> None:
    network = plan.environment.network
    if plan.environment.hosts and plan.environment.ingress is None:
        raise v.ConfigError(
            where, "environment.hosts", plan.environment.hosts,
            "no public host names without an Ingress (nothing would serve them, and web admits no traffic from outside)",
            "pass ingress=IngressOptions(...) to serve them, or drop hosts",
        )
    if plan.environment.ingress is not None and not plan.uses_alb and not (network.ingress_namespace or network.load_balancer_cidrs):
        raise v.ConfigError(
            where, "environment.network.ingress_namespace", network.ingress_namespace,
            "the ingress controller's namespace (or the load balancer's CIDRs): without a source, web admits no traffic",
            "pass network=NetworkAccess(ingress_namespace='ingress-nginx')",
        )
    managed = any(store.host is not None for store in plan.stores.values())
    if network.egress is not None and managed and not network.egress.managed_cidrs:
        raise v.ConfigError(
            where, "environment.network.egress.managed_cidrs", network.egress.managed_cidrs,
            "the CIDRs of the managed stores' subnets: with an egress allow-list, nothing else reaches RDS or ElastiCache",
            "pass EgressAllowList(managed_cidrs=('10.20.8.0/21', ...)) with the database and cache subnets",
        )
    for cidr in network.load_balancer_cidrs:
        if cidr.endswith("/0"):  # the whole value as given: the fix replaces it whole
            raise v.ConfigError(
                where, "environment.network.load_balancer_cidrs", network.load_balancer_cidrs,
                "the load balancer's own subnets, not every address (a /0 admits the whole internet and every pod to web)",
                "pass the ALB subnets' CIDRs, e.g. ('10.0.0.0/24', '10.0.1.0/24')",
            )
    if plan.uses_alb and not network.load_balancer_cidrs:
        raise v.ConfigError(
            where, "environment.network.load_balancer_cidrs", (),
            "the CIDRs of the ALB's subnets (with IP targets, traffic to the pods comes from there)",
            "pass network=NetworkAccess(load_balancer_cidrs=('10.0.0.0/24', ...)); not the whole VPC, whose pods would then all reach web",
        )


def _consumers(plan: Plan) -> dict[str, bool]:
    """Which resource keys a construct of this environment will receive (and check)."""
    in_cluster = {store.kind.resources_key for store in plan.stores.values() if store.in_cluster}
    running = {workload.kind.resources_key for workload in plan.workloads}
    return {
        **{kind.resources_key: kind.resources_key in running for kind in _SIZED_WORKLOADS if kind.resources_key},
        **{kind.resources_key: kind.resources_key in in_cluster for kind in KINDS},
    }


def _check_unused_options(where: object, plan: Plan) -> None:
    """Values no construct receives are checked here, so a bad one never passes silently;
    the rest are checked once, by the construct that receives them."""
    environment = plan.environment
    if not isinstance(environment.resources, Unset):
        consumed = _consumers(plan)
        for key, resources in environment.resources.items():
            if not consumed[key]:
                v.check_resources(where, f"environment.resources[{key!r}]", resources)
    if not plan.workers and not isinstance(environment.worker_replicas, Unset):
        v.check_int_range(where, "environment.worker_replicas", environment.worker_replicas, 0, 1000)
    scaling = environment.worker_autoscaling
    if isinstance(scaling, (Autoscaling, QueueAutoscaling)) and all(not isinstance(w.worker.autoscaling, Unset) for w in plan.workers):
        v.check_autoscaling(where, "environment.worker_autoscaling", scaling)


def _aws_secrets_prefix(django_app: DjangoApp, environment: Environment) -> str:
    """Where the environment's secrets live in AWS Secrets Manager: ``<prefix>/<secret>``."""
    store = environment.aws_secrets
    return store.prefix if store is not None and store.prefix is not None else f"{django_app.name}/{environment.name}"


def _check_secrets(where: object, plan: Plan) -> None:
    """A generated database password is written under the key ``password``: the reference must read that key."""
    if plan.database_secret_by_eso and plan.environment.aws_secrets is None and plan.database_password.key != "password":
        raise v.ConfigError(
            where, "environment.database_password.key", plan.database_password.key,
            "'password' when the password is generated (ESO's generator writes that key)",
            "use SecretKeyRef(<name>, 'password'), or generate_database_password=False with your own Secret",
        )
    if plan.environment.aws_secrets is not None and plan.environment.aws_secrets.prefix is not None:
        prefix = plan.environment.aws_secrets.prefix
        if not prefix or prefix.startswith("/") or prefix.endswith("/") or any(c.isspace() for c in prefix):
            raise v.ConfigError(where, "environment.aws_secrets.prefix", prefix, "a Secrets Manager path such as 'shop/production'",
                                "drop leading and trailing '/' and spaces")


# Every AWS partition (aws, aws-cn, aws-us-gov, aws-iso...); IAM's role names allow letters, digits and +=,.@_-, with paths.
_IAM_ROLE_ARN = re.compile(r"arn:aws(-[a-z]+)*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}")
_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):")  # the region field; DjangoWeb checks the rest
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$")


def _aws_region(where: object, environment: Environment) -> str | None:
    """The region the app's AWS clients use, when it talks to AWS: boto3 cannot read it from the
    instance metadata endpoint, which the egress policy blocks."""
    if environment.iam_role_arn is None and environment.media_bucket is None and environment.aws_region is None:
        return None
    region = environment.aws_region
    tls = environment.ingress.tls if environment.ingress is not None else None
    if region is None and isinstance(tls, AcmCertificate):
        if not tls.arn.startswith("arn:aws:acm:"):
            return None  # DjangoWeb refuses the ARN itself, naming it
        match = _ACM_ARN.match(tls.arn)
        if match is None:
            raise v.ConfigError(where, "environment.ingress.tls.arn", tls.arn,
                                "an ACM certificate ARN ('arn:aws:acm:<region>:<account>:certificate/<id>'), which also gives AWS_REGION",
                                "copy the ARN from the ACM console, or set aws_region")
        region = match.group(1)
    if region is None or not _REGION.fullmatch(region):
        raise v.ConfigError(
            where, "environment.aws_region", region,
            "the AWS region, e.g. 'eu-west-1': the app talks to AWS (iam_role_arn or media_bucket) and pods cannot read it"
            " from the metadata endpoint",
            "pass aws_region='eu-west-1'",
        )
    return region

"""``DjangoChart``: one environment of one app, in its own namespace.

It resolves the specs into a checked ``Plan`` (``model.plan.resolve``), then
composes the components from it, handing each the objects it refers to.
"""

from __future__ import annotations

import builtins
from typing import Any

from cdk8s import ApiObject, App, Chart

from constructs import Construct

from ..k8s._base import LazyPath, from_checked_plan, unique_id
from ..k8s._manifest import batched, emit, object_labels
from ..k8s.runtime import AppRuntime
from ..k8s.security import RESTRICTED_NAMESPACE_LABELS, PodSecurity
from ..model._budget import check_connection_budget
from ..model._validation import ConfigError, props_as_typed
from ..model.django_app import DjangoApp
from ..model.environment import Environment
from ..model.options import AcmCertificate, StoreRole
from ..model.plan import STORE_PROPS, Plan, resolve
from ..model.preview import LABEL_DELETION_PROTECTION
from ..workloads import WORKLOAD_KINDS
from ..workloads._kind import resources_as_typed
from .app_config import AppConfig
from .celery_beat import CeleryBeat
from .celery_worker import CeleryWorker
from .django_web import DjangoWeb
from .external_secrets import AwsSecret, GeneratedPassword
from .managed_data_store import ManagedDataStore
from .management_cron_job import ManagementCronJob
from .migration_job import MigrationJob
from .monitoring import Monitoring
from .network_policies import NetworkPolicies
from .ops_shell import OpsShell
from .seed_data_job import SeedDataJob
from .shell_access import ShellAccess

__all__ = ["DjangoChart"]

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
# The AWS Load Balancer Controller holds a new pod un-Ready until the ALB target is healthy,
# so a rollout never outruns the load balancer's registration.
ALB_READINESS_GATE = {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}
_STORE_IDS = {StoreRole.POSTGRES: "Postgres", StoreRole.CACHE: "Cache", StoreRole.BROKER: "Broker"}
# A store construct's props that are its option type's fields, as typed: environment.<store>.<name>.
_STORE_OPTIONS = ("host", "port", "storage", "storage_class", "image", "vhost", "username", "password", "consumer_timeout")
Store = Any  # an in-cluster store's construct (its kind's) or a ManagedDataStore


class DjangoChart(Chart):
    """Everything one app needs in one environment: namespace, config, web, workers,
    beat, ops shell, migrations, cron jobs, data stores and their guard rails.

    Staging runs its stores in the cluster (``PostgresStatefulSet``, and a Redis cache and, for an app that
    runs Celery, a Redis broker, or the kinds chosen from ``cdk8s_django.stores``); production gets
    ``ManagedDataStore`` ExternalName Services under the same names. The app's wiring is the same in both.

    Args:
        scope: the cdk8s App.
        id: the environment's name (it names ``dist/<id>/``), or its namespace when two apps share the App.
        django_app: what runs.
        environment: where it runs.

    Attributes: ``plan`` (the resolved, checked spec), ``namespace_name``, ``runtime``, ``config``,
    ``service_account``, ``workloads`` (each kind's constructs, by kind), and of them ``web``, ``workers``, ``beat``,
    ``seed``, ``shell``, ``migration``, ``cron_jobs``;
    ``stores`` (by component), ``network_policies``, ``secrets``, ``monitoring``, ``shell_access``.
    """

    def __init__(self, scope: Construct, id: str, *, django_app: DjangoApp, environment: Environment) -> None:
        name = getattr(environment, "name", None)
        if not isinstance(id, str):
            raise ConfigError(LazyPath(scope, str(id)), "id", id, "a string: the environment's name",
                              f"pass {name if isinstance(name, str) else str(id)!r}")
        if id in ("", ".", "..") or "/" in id:
            raise ConfigError(LazyPath(scope, id) if id else "DjangoChart", "id", id,
                              "the environment's name, which names its folder dist/<id>/ (not empty, no '/')",
                              f"pass {name if isinstance(name, str) else (id.replace('/', '-').strip('.-') or 'qa')!r}")
        plan = resolve(LazyPath(scope, id), django_app, environment)
        if id not in (environment.name, plan.namespace):  # dist/staging/ holding shop-qa misleads whoever applies it
            taken = environment.name in _seen(scope, "folders") and _namespace_is_free(scope, plan)
            raise ConfigError(LazyPath(scope, id), "id", id,
                              f"the environment's name {environment.name!r} (or its namespace {plan.namespace!r}, for two apps"
                              " in one App): the id names the folder dist/<id>/ that holds the environment",
                              f"pass {plan.namespace!r} (the namespace: {environment.name!r} is another app's)" if taken
                              else f"pass {environment.name!r} (environment.name)")
        second = id == environment.name != plan.namespace and _namespace_is_free(scope, plan)  # before it is recorded
        remembered = _check_app_wide(scope, id, plan)
        try:
            hint = (f"pass {plan.namespace!r} (the environment's namespace) for a second app's {id!r}" if second
                    else "give each environment its own name (the chart id and dist/ folder)")
            with unique_id(scope, id, hint):
                super().__init__(scope, id, disable_resource_name_hashes=True)
        except BaseException:
            _forget(remembered)
            raise
        try:
            self.chart_id = id
            self.plan = plan
            self.django_app = django_app
            self.environment = environment
            self.namespace_name = plan.namespace
            self.namespace_object: ApiObject = emit(self, "Namespace", _namespace_manifest(plan))
            with from_checked_plan():  # resolve() checked the types: the components check only their values
                self._compose(scope, id, plan, django_app, environment)
        except BaseException:
            # A chart that failed half-way leaves nothing behind: not in the App's tree (an `app.synth()`
            # after a caught error writes only the charts that were built), nor in the app-wide rules.
            scope.node.try_remove_child(self.node.id)
            _forget(remembered)
            raise

    def _compose(self, scope: Construct, id: str, plan: Plan, django_app: DjangoApp, environment: Environment) -> None:
        with props_as_typed({"files": "django_app.config_files", "env": "django_app.env and environment.env (with the contract's)"}):
            self.config = AppConfig(
                self, "Config", app=django_app.name, namespace=plan.namespace,
                env=plan.config_env, files=plan.config_files, environment=environment.name,
            )
        self.service_account: ApiObject = emit(self, "ServiceAccount", _service_account_manifest(plan))
        self.runtime = _runtime(plan, self.config)
        # The components' objects in one jsii call. The chart's own two are made at once above:
        # they stay before the components in the tree, so plain cdk8s writes the Namespace first.
        with batched():
            self.secrets: list[object] = self._secrets(plan)
            self.stores: dict[str, Store] = {store.component: self._store(plan, role) for role, store in plan.stores.items()}
            self._compose_workloads(plan)
            check_connection_budget(LazyPath(scope, id), plan)  # after the components checked the sizes it adds up
            self._compose_guard_rails(plan)

    def _secrets(self, plan: Plan) -> list[object]:
        runtime, store = self.runtime, plan.environment.aws_secrets
        if store is not None:
            prefix = plan.aws_secrets_prefix
            secrets: list[object] = [AwsSecret(self, "DatabaseSecret", runtime=runtime, name=plan.database_password.name,
                                               store=store, remote_key=f"{prefix}/database", url_encode=plan.database_password.key)]
            secrets += [AwsSecret(self, f"Secret-{name}", runtime=runtime, name=name, store=store, remote_key=f"{prefix}/{name}")
                        for name in plan.app.secrets]
            for role, store_plan in plan.stores.items():  # a managed store's password (Amazon MQ's), URL-encoded too
                for ref in store_plan.kind.aws_secrets(plan.app.name, store_plan):
                    if ref.name in plan.app.secrets or ref.name == plan.database_password.name:
                        raise ConfigError(LazyPath(self, "Secrets"), f"environment.{STORE_PROPS[role]}.password.name", ref.name,
                                          "a Secret of the store's own (ESO writes it with the password URL-encoded beside it)",
                                          f"use SecretKeyRef('{plan.app.name}-{store_plan.component}', {ref.key!r})")
                    secrets.append(AwsSecret(self, f"Secret-{ref.name}", runtime=runtime, name=ref.name, store=store,
                                             remote_key=f"{prefix}/{ref.name}", url_encode=ref.key))
            return secrets
        if plan.database_secret_by_eso:
            return [GeneratedPassword(self, "DatabaseSecret", runtime=runtime, name=plan.database_password.name)]
        return []

    def _store(self, plan: Plan, role: StoreRole) -> Store:
        """A managed store's ExternalName alias, or the in-cluster construct its kind builds."""
        store, id = plan.stores[role], _STORE_IDS[role]
        prop = f"environment.{STORE_PROPS[role]}"
        as_typed = {name: f"{prop}.{name}" for name in _STORE_OPTIONS}
        as_typed.update(resources_as_typed(store.kind.resources_key))
        if role is StoreRole.POSTGRES:
            as_typed["password"] = "environment.database_password"
        with props_as_typed(as_typed):
            if store.host is not None:
                return ManagedDataStore(self, id, runtime=self.runtime, component=store.component, host=store.host,
                                        port=store.port, tls=store.tls)
            built: Store = store.kind.build(self, id, store)
            return built

    def _compose_workloads(self, plan: Plan) -> None:
        """Each kind of the registry builds its constructs from the plan, in the registry's order."""
        self.workloads: dict[str, list[Any]] = {}
        for kind in WORKLOAD_KINDS:  # one by one: a kind that fails leaves those built before it to be inspected
            self.workloads[kind.name] = kind.build(self, plan)

    def workload_names(self) -> dict[str, str]:
        """Each workload's component to its object's name (the migration Job's is hashed), for the notes and diagram."""
        return {built.component: built.name for constructs in self.workloads.values() for built in constructs}

    def _one(self, kind: str) -> Any:
        return next(iter(self.workloads[kind]), None)

    @property
    def migration(self) -> MigrationJob:
        built: MigrationJob = self._one("migrate")
        return built

    @property
    def web(self) -> DjangoWeb:
        built: DjangoWeb = self._one("web")
        return built

    @property
    def workers(self) -> list[CeleryWorker]:
        return list(self.workloads["worker"])

    @property
    def beat(self) -> CeleryBeat | None:
        built: CeleryBeat | None = self._one("beat")
        return built

    @property
    def seed(self) -> SeedDataJob | None:
        built: SeedDataJob | None = self._one("seed")
        return built

    @property
    def shell(self) -> OpsShell:
        built: OpsShell = self._one("shell")
        return built

    @property
    def cron_jobs(self) -> list[ManagementCronJob]:
        return list(self.workloads["cron"])

    def _compose_guard_rails(self, plan: Plan) -> None:
        environment, runtime = plan.environment, self.runtime
        in_cluster = [s for s in self.stores.values() if not isinstance(s, ManagedDataStore)]
        broker = self.stores[plan.broker.component] if plan.broker is not None else None
        with props_as_typed({"access": "environment.network"}):
            self.network_policies = NetworkPolicies(
                self, "NetworkPolicies", runtime=runtime, web=self.web, access=environment.network,
                workers=self.workers, monitoring=environment.monitoring, stores=in_cluster,
                keda_stores=[broker] if plan.uses_keda and broker is not None and not isinstance(broker, ManagedDataStore) else [],
                managed_stores=[s for s in self.stores.values() if isinstance(s, ManagedDataStore)],
            )
        self.monitoring = Monitoring(
            self, "Monitoring", runtime=runtime, web_path=plan.app.metrics_path,
            worker_components=tuple(w.component for w in self.workers if w.metrics_port),
        ) if environment.monitoring else None
        self.shell_access = ShellAccess(
            self, "ShellAccess", runtime=runtime, group=environment.shell_operators, pod_name=self.shell.pod_name,
        ) if environment.shell_operators else None


def _namespace_manifest(plan: Plan) -> dict[str, Any]:
    environment = plan.environment
    preview = environment.preview
    labels = {
        **object_labels(plan.app.name, "namespace", environment.name), **RESTRICTED_NAMESPACE_LABELS,
        **(preview.namespace_labels() if preview else {}),
        **({LABEL_DELETION_PROTECTION: "true"} if environment.deletion_protection else {}),
        **(ALB_READINESS_GATE if plan.uses_alb else {}),
    }
    metadata: dict[str, Any] = {"name": plan.namespace, "labels": labels}
    if preview:
        metadata["annotations"] = preview.namespace_annotations()
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def _service_account_manifest(plan: Plan) -> dict[str, Any]:
    app, environment = plan.app.name, plan.environment
    metadata: dict[str, Any] = {"name": app, "namespace": plan.namespace, "labels": object_labels(app, "service-account", environment.name)}
    if environment.iam_role_arn:
        metadata["annotations"] = {IRSA_ANNOTATION: environment.iam_role_arn}
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata, "automountServiceAccountToken": False}


def _runtime(plan: Plan, config: AppConfig) -> AppRuntime:
    app = plan.app
    return AppRuntime(
        app=app.name, namespace=plan.namespace, image=plan.image, settings_module=app.settings_module,
        env_config_map=config.env_config_map_name, files_config_map=config.files_config_map_name,
        config_files=config.file_names, secrets=tuple(app.secrets), secret_env=plan.secret_env,
        pod_env=plan.pod_env, config_checksum=config.checksum, service_account=app.name,
        environment=plan.environment.name, security=PodSecurity(run_as_user=app.run_as_user),
        command_prefix=plan.command_prefix,
    )


def _forget(remembered: list[tuple[dict[str, tuple[str, str]], str]]) -> None:
    for entries, key in remembered:
        entries.pop(key, None)


def _seen(scope: Construct, what: str) -> dict[str, tuple[str, str]]:
    """The dist/ folders or namespaces the App's charts took so far (``_check_app_wide`` records them)."""
    root = scope if isinstance(scope, App) else scope.node.root
    seen: dict[str, dict[str, tuple[str, str]]] = root.__dict__.get("_cdk8s_django_seen", {})
    return seen.get(what, {})


def _namespace_is_free(scope: Construct, plan: Plan) -> bool:
    """A second app's environment of a taken name can take its namespace as its id, unless a chart has it."""
    return plan.namespace not in _seen(scope, "folders") and plan.namespace not in _seen(scope, "namespaces")


def _check_app_wide(scope: Construct, id: str, plan: Plan) -> list[tuple[dict[str, tuple[str, str]], str]]:
    """Rules across the environments of one App: one namespace each, and the Ingresses of one ALB
    group (which share its HTTPS listener) agree on the SSL policy. Remembered on the App's root;
    returns what it added, for ``_forget`` when the chart fails."""
    root = scope if isinstance(scope, App) else scope.node.root  # an App is its tree's root: two jsii calls fewer
    seen: dict[str, dict[str, tuple[str, str]]] = root.__dict__.setdefault("_cdk8s_django_seen", {})
    namespaces = seen.setdefault("namespaces", {})
    other = namespaces.get(plan.namespace)
    if other is not None and other[0] != id:
        raise ConfigError(
            LazyPath(scope, id), "environment.namespace", plan.namespace,
            f"a namespace of this environment's own (environment {other[0]!r} already deploys into it)",
            "give each environment its own namespace (leave namespace unset for '<app>-<environment>')",
        )
    folders = seen.setdefault("folders", {})  # the chart id names its dist/ folder: one per App, whatever the parent
    if id in folders and folders[id][1] != str(builtins.id(scope)):
        free = id != plan.namespace and plan.namespace not in folders and other is None
        raise ConfigError(
            LazyPath(scope, id), "id", id, "an environment name of its own in the App (it names the folder dist/<id>/)",
            f"pass {plan.namespace!r} (the environment's namespace) for a second app's {id!r}" if free
            else "give each environment its own name",
        )
    # One rule per host on an ALB group's shared load balancer: two environments of the group serving one host clash.
    group = plan.environment.ingress.group_name if plan.environment.ingress is not None else None
    hosts = seen.setdefault("hosts", {})
    group_hosts = {f"{group}/{host.lower()}": host for host in plan.environment.hosts} if group is not None else {}
    for key, host in group_hosts.items():
        owner = hosts.get(key)
        if owner is not None and owner[0] != id:
            raise ConfigError(
                LazyPath(scope, id), "environment.hosts", plan.environment.hosts,
                f"hosts of this environment's own (environment {owner[0]!r} already serves {host!r} on ALB group {group!r}:"
                " two rules of one load balancer, one name)",
                f"drop {host!r} from one of the two environments",
            )
    added = [] if plan.namespace in namespaces else [(namespaces, plan.namespace)]
    if id not in folders:
        added.append((folders, id))
        folders[id] = (id, str(builtins.id(scope)))
    namespaces[plan.namespace] = (id, "")
    for key in group_hosts:
        if key not in hosts:
            added.append((hosts, key))
            hosts[key] = (id, "")
    ingress = plan.environment.ingress
    if ingress is None or ingress.group_name is None or not isinstance(ingress.tls, AcmCertificate):
        return added
    groups = seen.setdefault("alb_groups", {})
    if ingress.group_name not in groups:
        added.append((groups, ingress.group_name))
    first = groups.setdefault(ingress.group_name, (id, ingress.ssl_policy))
    if first[1] != ingress.ssl_policy:
        _forget(added)
        raise ConfigError(
            LazyPath(scope, id), "environment.ingress.ssl_policy", ingress.ssl_policy,
            f"the SSL policy of the other Ingresses of ALB group {ingress.group_name!r} ({first[1]!r}, set by {first[0]!r}):"
            " they share one listener",
            "give every environment of the group the same ssl_policy, or another group_name",
        )
    return added

"""What every pod that runs the app's code shares: one image, one configuration.

``AppRuntime`` is plain Python (no jsii calls). ``DjangoChart`` builds one per
environment; teams that compose the lower-level constructs themselves build
their own and hand the same instance to ``DjangoWeb``, ``CeleryWorker``,
``CeleryBeat``, ``OpsShell``, ``MigrationJob`` and ``ManagementCronJob``, which
is how "one image for every component" holds by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model.defaults import DEFAULT_CONFIG_MOUNT_PATH
from ..model.options import Resources, SecretKeyRef
from ._manifest import object_labels, selector_labels
from .security import PodSecurity

__all__ = ["WAIT_FOR_MIGRATIONS_SCRIPT", "AppRuntime", "resources_dict", "secret_source"]

DEFAULT_MIGRATION_POLL_SECONDS = 5
TMP_SIZE_MIB = 256
TMP_VOLUME = {"name": "tmp", "emptyDir": {"sizeLimit": f"{TMP_SIZE_MIB}Mi"}}
CONFIG_FILES_VOLUME = "config-files"
TMP_MOUNT = {"name": "tmp", "mountPath": "/tmp"}

# Runs in an init container of every app pod: blocks until `migrate --check`
# says the schema is current. `python -m django` needs no manage.py and no shell.
WAIT_FOR_MIGRATIONS_SCRIPT = (
    "import subprocess, sys, time\n"
    "while subprocess.call([sys.executable, '-m', 'django', 'migrate', '--check']) != 0:\n"
    "    print('waiting for migrations', flush=True)\n"
    "    time.sleep({poll})\n"
)


def secret_source(ref: SecretKeyRef) -> dict[str, Any]:
    """An env var's ``valueFrom`` reading one Secret key."""
    return {"secretKeyRef": {"name": ref.name, "key": ref.key}}


def resources_dict(resources: Resources) -> dict[str, Any]:
    """Requests for CPU and memory, a limit for memory only (a CPU limit throttles)."""
    return {"requests": {"cpu": resources.cpu, "memory": resources.memory}, "limits": {"memory": resources.limit}}


@dataclass(frozen=True)
class AppRuntime:
    """The shared runtime of every pod that runs the app's code.

    Attributes:
        app: app name, the prefix of every object name (a DNS label).
        namespace: the namespace every object goes to.
        image: the one image every component runs.
        settings_module: value of ``DJANGO_SETTINGS_MODULE``.
        env_config_map: name of the ConfigMap whose keys become env vars (``envFrom``). Default None: none.
        files_config_map: name of the ConfigMap of whole files. Default None (no files).
        config_files: the file names in ``files_config_map``, mounted under ``config_mount_path``. Default none.
        config_mount_path: where config files appear in the pods. Default ``/etc/django``.
        secrets: Secret names whose keys become env vars (``envFrom``), in order. Default none.
        secret_env: single env vars read from one Secret key each, e.g. ``DATABASE_PASSWORD``. Default none.
        pod_env: env vars set on the container itself, after ``envFrom``; values may
            refer to earlier variables as ``$(NAME)`` (Kubernetes expands them). Default none.
        config_checksum: hash of all ConfigMap content; a pod-template annotation,
            so a config change rolls every pod that reads it. Default empty (no annotation).
        service_account: the ServiceAccount the pods run as, or None for the namespace default.
        environment: the environment's name (a label on every object). Default None: no ``instance`` label.
        wait_for_migrations: add the init container that waits for the schema. Default True.
        security: user, group and read-only root filesystem of every app pod. Default ``PodSecurity()`` (UID 10001).
        command_prefix: prepended to the long-running app commands (web, workers, beat,
            jobs), e.g. ``("newrelic-admin", "run-program")``. Default none.
        automount_service_account_token: mount an API token into app pods. Default False:
            the app does not talk to the Kubernetes API (IRSA uses its own projected token).
    """

    app: str
    namespace: str
    image: str
    settings_module: str
    env_config_map: str | None = None
    files_config_map: str | None = None
    config_files: tuple[str, ...] = ()
    config_mount_path: str = DEFAULT_CONFIG_MOUNT_PATH
    secrets: tuple[str, ...] = ()
    secret_env: Mapping[str, SecretKeyRef] = field(default_factory=dict)
    pod_env: Mapping[str, str] = field(default_factory=dict)
    config_checksum: str = ""
    service_account: str | None = None
    environment: str | None = None
    wait_for_migrations: bool = True
    security: PodSecurity = field(default_factory=PodSecurity)
    command_prefix: tuple[str, ...] = ()
    automount_service_account_token: bool = False

    # -- names and labels -------------------------------------------------
    @property
    def package(self) -> str:
        """The app's top package (of the settings module): gunicorn's and Celery's default target."""
        return self.settings_module.split(".")[0]

    def name(self, component: str) -> str:
        return f"{self.app}-{component}"

    def labels(self, component: str) -> dict[str, str]:
        return object_labels(self.app, component, self.environment)

    def selector(self, component: str) -> dict[str, str]:
        return selector_labels(self.app, component)

    def metadata(self, component: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "name": name or self.name(component),
            "namespace": self.namespace,
            "labels": self.labels(component),
        }
        meta.update({k: v for k, v in extra.items() if v})
        return meta

    # -- containers -------------------------------------------------------
    def env(self) -> list[dict[str, Any]]:
        """Explicit env entries: settings module, secret keys, then pod-level values."""
        entries: list[dict[str, Any]] = [{"name": "DJANGO_SETTINGS_MODULE", "value": self.settings_module}]
        entries.append({"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}})
        for name, ref in self.secret_env.items():
            entries.append({"name": name, "valueFrom": secret_source(ref)})
        for name, value in self.pod_env.items():
            entries.append({"name": name, "value": value})
        return entries

    def env_from(self) -> list[dict[str, Any]]:
        sources: list[dict[str, Any]] = []
        if self.env_config_map:
            sources.append({"configMapRef": {"name": self.env_config_map}})
        sources.extend({"secretRef": {"name": secret}} for secret in self.secrets)
        return sources

    def volume_mounts(self) -> list[dict[str, Any]]:
        if not self.files_config_map:
            return []
        return [{"name": CONFIG_FILES_VOLUME, "mountPath": self.config_mount_path, "readOnly": True}]

    def volumes(self) -> list[dict[str, Any]]:
        if not self.files_config_map:
            return []
        return [{"name": CONFIG_FILES_VOLUME, "configMap": {"name": self.files_config_map}}]

    def container(
        self,
        name: str,
        command: Sequence[str],
        *,
        resources: Resources,
        ports: Sequence[dict[str, Any]] = (),
        probes: Mapping[str, Any] | None = None,
        extra_mounts: Sequence[dict[str, Any]] = (),
        lifecycle: Mapping[str, Any] | None = None,
        wrap: bool = True,
    ) -> dict[str, Any]:
        """An app container in exec form (no shell, so SIGTERM reaches the process).

        ``wrap`` prepends ``command_prefix`` (an agent such as New Relic's that
        execs the real command, keeping it the signal receiver).
        """
        # METRICS_PORT is the container's own ``metrics`` port (web's, or a worker's): per container, never in
        # the shared ConfigMap, which would give every worker the web's port (make e2e found nothing served on 9808).
        metrics = [{"name": "METRICS_PORT", "value": str(port["containerPort"])} for port in ports if port.get("name") == "metrics"]
        container: dict[str, Any] = {
            "name": name,
            "image": self.image,
            "command": [*(self.command_prefix if wrap else ()), *command],
            "env": [*self.env(), *metrics],
        }
        if self.env_from():
            container["envFrom"] = self.env_from()
        if ports:
            container["ports"] = list(ports)
        container.update(dict(probes or {}))
        if lifecycle:
            container["lifecycle"] = dict(lifecycle)
        container["resources"] = resources_dict(resources)
        container["securityContext"] = self.security.container_context()
        container["volumeMounts"] = [TMP_MOUNT, *self.volume_mounts(), *extra_mounts]
        return container

    def wait_for_migrations_container(self) -> dict[str, Any]:
        return self.container(
            "wait-for-migrations",
            ["python", "-c", WAIT_FOR_MIGRATIONS_SCRIPT.format(poll=DEFAULT_MIGRATION_POLL_SECONDS)],
            resources=Resources(cpu="50m", memory="192Mi"),
            wrap=False,
        )

    def pod_template(
        self,
        component: str,
        containers: Sequence[dict[str, Any]],
        *,
        extra_volumes: Sequence[dict[str, Any]] = (),
        init_containers: Sequence[dict[str, Any]] = (),
        wait_for_migrations: bool | None = None,
        restart_policy: str | None = None,
        termination_grace_period_seconds: int | None = None,
        annotations: Mapping[str, str] | None = None,
        extra_spec: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A pod template carrying the config checksum, so config changes roll the pods. ``init_containers`` run
        after the one waiting for migrations."""
        wait = self.wait_for_migrations if wait_for_migrations is None else wait_for_migrations
        pod_annotations = {"cdk8s-django/config-checksum": f"sha256:{self.config_checksum}"} if self.config_checksum else {}
        pod_annotations.update(annotations or {})
        spec: dict[str, Any] = {}
        if self.service_account:
            spec["serviceAccountName"] = self.service_account
        spec["automountServiceAccountToken"] = self.automount_service_account_token
        spec["securityContext"] = self.security.pod_context()
        init = [*([self.wait_for_migrations_container()] if wait else []), *init_containers]
        if init:
            spec["initContainers"] = init
        spec["containers"] = list(containers)
        spec["volumes"] = [TMP_VOLUME, *self.volumes(), *extra_volumes]
        if restart_policy:
            spec["restartPolicy"] = restart_policy
        if termination_grace_period_seconds is not None:
            spec["terminationGracePeriodSeconds"] = termination_grace_period_seconds
        spec.update(extra_spec or {})
        metadata: dict[str, Any] = {"labels": self.labels(component)}
        if pod_annotations:
            metadata["annotations"] = pod_annotations
        return {"metadata": metadata, "spec": spec}

    def singleton_stateful_set(self, component: str, template: dict[str, Any]) -> dict[str, Any]:
        """A one-replica StatefulSet for app code that must never run twice (beat) or needs a
        stable pod name (the shell). Its governing Service is not created: neither needs DNS;
        the StatefulSet only waits for the old pod to be gone before starting the new one."""
        return {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": self.metadata(component),
            "spec": {
                "replicas": 1,
                "serviceName": self.name(component),
                "podManagementPolicy": "OrderedReady",
                "revisionHistoryLimit": 3,
                "updateStrategy": {"type": "RollingUpdate"},
                "selector": {"matchLabels": self.selector(component)},
                "template": template,
            },
        }

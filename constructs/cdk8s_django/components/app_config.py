"""``AppConfig``: the app's ConfigMaps, and the checksum that rolls pods when they change."""

from __future__ import annotations

from collections.abc import Mapping

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import content_hash, emit, object_labels
from ..model import _validation as v

__all__ = ["AppConfig"]



CONFIG_MAP_MAX_BYTES = 1024 * 1024


class AppConfig(DjangoConstruct):
    """ConfigMap ``<app>-env`` (env vars) and, with files, ConfigMap ``<app>-files``.

    ``checksum`` hashes both; ``AppRuntime.config_checksum`` puts it on every
    app pod template, so changing a value or a file rolls the pods that read it.

    Args:
        app: the app name (object name prefix).
        namespace: the target namespace.
        env: env var names to values. Never put secrets here: ``dist/`` is committed.
        files: file names to contents, mounted read-only into the app pods. Default none.
        environment: environment name for the labels. Default None: no ``instance`` label.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        app: str,
        namespace: str,
        env: Mapping[str, str],
        files: Mapping[str, str] | None = None,
        environment: str | None = None,
    ) -> None:
        where = LazyPath(scope, id)
        for key in env:  # types: checked_props
            v.check_env_var_name(where, "env", key)
        for name in files or {}:
            v.check_config_key(where, "files", name)
        for prop, data in (("env", env), ("files", files or {})):  # the API server's limit for one ConfigMap
            size = sum(len(key.encode()) + len(value.encode()) for key, value in data.items())
            if size > CONFIG_MAP_MAX_BYTES:
                raise v.ConfigError(where, prop, f"<{size} bytes>", f"at most {CONFIG_MAP_MAX_BYTES} bytes in all (1 MiB, the"
                                    " API server's limit for a ConfigMap)", "move large content into the image or object storage")
        super().__init__(scope, id)

        labels = object_labels(app, "config", environment)
        self.env_config_map_name = f"{app}-env"
        self.files_config_map_name = f"{app}-files" if files else None
        self.file_names = tuple(sorted(files or {}))
        self.checksum = content_hash({"env": dict(env), "files": dict(files or {})}, 16)
        self.env_config_map: ApiObject = emit(self, "Resource", {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": self.env_config_map_name, "namespace": namespace, "labels": labels},
            "data": dict(sorted(env.items())),
        })
        self.files_config_map: ApiObject | None = None
        if files:
            self.files_config_map = emit(self, "Files", {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": self.files_config_map_name, "namespace": namespace, "labels": labels},
                "data": dict(sorted(files.items())),
            })

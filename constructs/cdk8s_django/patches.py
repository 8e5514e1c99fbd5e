"""Escape hatches: change what a construct emitted without forking it.

Every construct exposes its objects as cdk8s ``ApiObject`` attributes
(``web.deployment``, ``worker.deployment``, ``beat.stateful_set``,
``migration.job``, ``cron.cron_job``, ...). These helpers add the usual things
to a workload's pod template with one JSON patch each; for anything else, patch
any field directly: ``obj.add_json_patch(JsonPatch.replace("/spec/...", value))``.
Object labels and annotations: ``obj.metadata.add_label(key, value)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdk8s import ApiObject, JsonPatch

from .k8s.security import PodSecurity

__all__ = ["add_env", "add_pod_annotations", "add_pod_labels", "add_sidecar", "add_volume", "pod_template_path"]

_TEMPLATE_PATHS = {
    "Deployment": "/spec/template",
    "StatefulSet": "/spec/template",
    "Job": "/spec/template",
    "DaemonSet": "/spec/template",
    "CronJob": "/spec/jobTemplate/spec/template",
}


def pod_template_path(obj: ApiObject) -> str:
    """The JSON pointer of a workload's pod template."""
    kind = obj.kind
    if kind not in _TEMPLATE_PATHS:
        raise ValueError(
            f"{obj.node.path}: invalid object kind={kind!r}: expected a workload ({', '.join(_TEMPLATE_PATHS)}). "
            "Fix: pass the construct's workload attribute, e.g. web.deployment"
        )
    return _TEMPLATE_PATHS[kind]


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def add_sidecar(obj: ApiObject, container: Mapping[str, Any], *, security: PodSecurity | None = None) -> None:
    """Append a container to the pod. Without a ``securityContext`` it gets the
    restricted one every other container has, so the namespace still admits the pod."""
    sidecar = dict(container)
    sidecar.setdefault("securityContext", (security or PodSecurity()).container_context())
    obj.add_json_patch(JsonPatch.add(f"{pod_template_path(obj)}/spec/containers/-", sidecar))


def add_env(obj: ApiObject, env: Mapping[str, str], *, container: int = 0) -> None:
    """Append env vars to one container (the main one by default)."""
    base = f"{pod_template_path(obj)}/spec/containers/{container}/env/-"
    obj.add_json_patch(*[JsonPatch.add(base, {"name": name, "value": value}) for name, value in env.items()])


def add_volume(
    obj: ApiObject, volume: Mapping[str, Any], *, mount_path: str | None = None, read_only: bool = True, container: int = 0,
) -> None:
    """Add a pod volume and, with ``mount_path``, mount it into one container."""
    template = pod_template_path(obj)
    patches = [JsonPatch.add(f"{template}/spec/volumes/-", dict(volume))]
    if mount_path:
        patches.append(JsonPatch.add(
            f"{template}/spec/containers/{container}/volumeMounts/-",
            {"name": volume["name"], "mountPath": mount_path, "readOnly": read_only},
        ))
    obj.add_json_patch(*patches)


def add_pod_labels(obj: ApiObject, labels: Mapping[str, str]) -> None:
    """Add labels to the pods (not to the selector, which must never change)."""
    template = pod_template_path(obj)
    obj.add_json_patch(*[JsonPatch.add(f"{template}/metadata/labels/{_escape(k)}", v) for k, v in labels.items()])


def add_pod_annotations(obj: ApiObject, annotations: Mapping[str, str]) -> None:
    """Add annotations to the pods (a pod-template change: the pods roll)."""
    template = pod_template_path(obj)
    patches = [JsonPatch.add(f"{template}/metadata/annotations/{_escape(k)}", v) for k, v in annotations.items()]
    obj.add_json_patch(*patches)

"""The output-side gate for random specs: what the API server would say, independent of the
library's own input checks (nothing here imports cdk8s_django's validation code).

- kubernetes-validate --strict on the oldest and newest supported schemas (1.27, 1.37);
- the custom resources against their CRDs;
- the API server's rules that schemas miss (``oracle.violations``);
- Pod Security "restricted", as the admission plugin checks it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jsonschema
from kubernetes_validate import utils as kv
from referencing import Registry, Resource

import crd_schema
from oracle import violations

__all__ = ["GATE_VERSIONS", "gate", "restricted_violations", "strict_schema_errors"]

GATE_VERSIONS = ("1.27", "1.37")
_ALLOWED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}


def _pod_specs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc.get("spec") or {}
    if doc["kind"] == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    if doc["kind"] in ("Deployment", "StatefulSet", "Job", "DaemonSet", "ReplicaSet"):
        return [spec["template"]["spec"]]
    return [spec] if doc["kind"] == "Pod" else []


def _container_violations(where: str, pod: dict[str, Any], container: dict[str, Any]) -> list[str]:
    pod_context, context = pod.get("securityContext") or {}, container.get("securityContext") or {}
    name, problems = f"{where}: container {container.get('name')}", []
    if context.get("privileged"):
        problems.append(f"{name}: privileged")
    if context.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{name}: allowPrivilegeEscalation must be false")
    capabilities = context.get("capabilities") or {}
    if "ALL" not in (capabilities.get("drop") or []) or set(capabilities.get("add") or []) - {"NET_BIND_SERVICE"}:
        problems.append(f"{name}: capabilities must drop ALL and add at most NET_BIND_SERVICE")
    if context.get("runAsNonRoot", pod_context.get("runAsNonRoot")) is not True:
        problems.append(f"{name}: runAsNonRoot must be true")
    if context.get("runAsUser", pod_context.get("runAsUser")) == 0:
        problems.append(f"{name}: runAsUser 0")
    seccomp = (context.get("seccompProfile") or pod_context.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        problems.append(f"{name}: seccompProfile must be RuntimeDefault or Localhost")
    if any(port.get("hostPort") for port in container.get("ports") or []):
        problems.append(f"{name}: hostPort")
    return problems


def restricted_violations(doc: dict[str, Any]) -> list[str]:
    """Pod Security Standard "restricted" (latest) for the pods a document makes."""
    problems: list[str] = []
    where = f"{doc['kind']}/{doc['metadata']['name']}"
    for pod in _pod_specs(doc):
        for flag in ("hostNetwork", "hostPID", "hostIPC"):
            if pod.get(flag):
                problems.append(f"{where}: {flag}")
        for volume in pod.get("volumes") or []:
            kinds = set(volume) - {"name"}
            if not kinds <= _ALLOWED_VOLUMES:
                problems.append(f"{where}: volume {volume['name']} of type {sorted(kinds)}")
        for container in [*(pod.get("initContainers") or []), *pod["containers"]]:
            problems += _container_violations(where, pod, container)
    return problems


@functools.lru_cache(maxsize=None)
def _definitions(schema_dir: str) -> Resource:
    return Resource.from_contents(kv.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json", schema_dir))


@functools.lru_cache(maxsize=None)
def _validator(kind: str, api_version: str, version: str) -> jsonschema.protocols.Validator:
    """kubernetes-validate's own strict schema for the kind, built once: ``kubernetes_validate.validate``
    re-reads the whole definitions file on every call (0.4 s per environment)."""
    schema_version = [v for v in kv.all_versions() if kv.major_minor(v) <= version][-1]
    schema_dir = f"v{schema_version}-local-strict"
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema = kv.schema_contents(f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{group_version}.json", version)
    registry: Registry = Resource.from_contents(schema) @ (_definitions(schema_dir) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def strict_schema_errors(doc: dict[str, Any], version: str) -> list[str]:
    """What ``kubernetes_validate.validate(doc, version, strict=True)`` would raise, as messages."""
    validator = _validator(doc["kind"], doc["apiVersion"], version)
    return [f"{error.message} at {list(error.path)}" for error in validator.iter_errors(doc)]


def gate(documents: list[dict[str, Any]]) -> list[str]:
    """Every reason the API server (or Pod Security admission) would refuse these documents."""
    problems = list(violations(documents))
    for doc in documents:
        where = f"{doc['kind']}/{doc['metadata']['name']}"
        if crd_schema.is_custom(doc):
            try:
                crd_schema.validate(doc)
            except Exception as error:  # jsonschema.ValidationError
                problems.append(f"{where}: CRD schema: {getattr(error, 'message', error)}")
            continue
        for version in GATE_VERSIONS:
            problems += [f"{where}: schema {version}: {message}" for message in strict_schema_errors(doc, version)]
        problems += restricted_violations(doc)
    return problems

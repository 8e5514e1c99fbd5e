"""The YAML writer: manifests (JSON values) to the text ``dist/`` holds, and their file names.

Imports neither cdk8s nor jsii: the benchmark's floor writes the same documents
through it with no Node process at all.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["KIND_ORDER", "dump_documents", "manifest_file_name"]

# Apply order inside an environment folder (as Helm installs): what others refer to comes first.
KIND_ORDER = (
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget",
    "ServiceAccount", "Secret", "Password", "ExternalSecret", "ConfigMap", "StorageClass",
    "PersistentVolumeClaim", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "Service", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "Ingress",
    # Argo CD: a project before the Applications that name it.
    "AppProject",
)


def manifest_file_name(document: dict[str, Any]) -> str:
    """``NN-<kind>-<name>.yaml``: ``kubectl apply -f`` reads a folder in name order."""
    kind = document["kind"]
    rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return f"{rank:02d}-{kind.lower()}-{document['metadata']['name']}.yaml"


_Base = yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper
_TAG = "tag:yaml.org,2002:"


_RESOLVER = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=1 << 16)
def _scalar_tag(value: str, implicit: tuple[bool, bool]) -> str:
    return str(_RESOLVER.resolve(ScalarNode, value, implicit))  # type: ignore[no-untyped-call]


class _Dumper(_Base):  # type: ignore[misc,valid-type]
    """libyaml's emitter with PyYAML's own tag resolution, memoised: the same labels,
    keys and values recur in every document."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return _scalar_tag(value, tuple(implicit))
        return super().resolve(kind, value, implicit)


def _node(data: Any) -> Node:
    """The YAML node of a JSON value: what PyYAML's representer builds, without its
    generic machinery (a third of the synthesis time at 50 environments). Block
    style; multi-line strings as literal blocks; mapping keys in the order given."""
    if isinstance(data, str):
        return ScalarNode(f"{_TAG}str", data, style="|" if "\n" in data else None)
    if isinstance(data, dict):
        return MappingNode(f"{_TAG}map", [(ScalarNode(f"{_TAG}str", str(k)), _node(v)) for k, v in data.items()], flow_style=False)
    if isinstance(data, list):
        return SequenceNode(f"{_TAG}seq", [_node(v) for v in data], flow_style=False)
    if isinstance(data, bool):
        return ScalarNode(f"{_TAG}bool", "true" if data else "false")
    if isinstance(data, int):
        return ScalarNode(f"{_TAG}int", str(data))
    if isinstance(data, float):
        return ScalarNode(f"{_TAG}float", repr(data))
    if data is None:
        return ScalarNode(f"{_TAG}null", "null")
    raise TypeError(f"cannot write {type(data).__name__} to YAML: manifests hold JSON values only")


def dump_documents(documents: list[dict[str, Any]]) -> str:
    """Documents as YAML, ``---`` between them: the text PyYAML's safe representer writes
    with literal blocks for multi-line strings, byte for byte (a test holds it to that)."""
    return str(yaml.serialize_all([_node(d) for d in documents], Dumper=_Dumper, width=1_000_000))

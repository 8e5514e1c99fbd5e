"""Helpers for teams testing their own charts built with cdk8s-django.

    from cdk8s_django.testing import synth, find, to_yaml

    def test_web_has_three_replicas(snapshot):
        docs = synth(chart)
        assert find(docs, "Deployment", "blog-web")["spec"]["replicas"] == 3
        assert to_yaml(docs) == snapshot      # syrupy: a readable YAML snapshot
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cdk8s import Chart
from cdk8s import Testing as _Cdk8sTesting

from .output.yaml_writer import dump_documents

__all__ = ["by_kind", "containers", "find", "pod_spec", "synth", "to_yaml"]


def synth(chart: Chart) -> list[dict[str, Any]]:
    """The chart's documents as plain dicts, in synthesis order."""
    return list(_Cdk8sTesting.synth(chart))


def to_yaml(documents: list[dict[str, Any]]) -> str:
    """The documents as one multi-document YAML string, as ``dist/`` writes them: stable for snapshots."""
    return dump_documents(documents)


def by_kind(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in documents if d["kind"] == kind]


def find(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    """The one document of that kind and name; ``AssertionError`` when there is not exactly one."""
    matches = [d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found among {[(d['kind'], d['metadata']['name']) for d in documents]}"
    return matches[0]


def pod_spec(document: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec inside a workload of any kind, or None for other kinds."""
    spec = document.get("spec", {})
    if document["kind"] in ("Deployment", "StatefulSet", "Job", "DaemonSet"):
        return spec["template"]["spec"]  # type: ignore[no-any-return]
    if document["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]  # type: ignore[no-any-return]
    return None


def containers(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Init containers then containers of a workload (nothing for other kinds)."""
    spec = pod_spec(document)
    if spec:
        yield from spec.get("initContainers", [])
        yield from spec["containers"]

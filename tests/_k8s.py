"""Helpers to read synthesized manifests in tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cdk8s import Testing as Cdk8sTesting

STORE_COMPONENTS = {"postgres", "redis-cache", "redis-broker"}


def synth(chart: Any) -> list[dict[str, Any]]:
    return list(Cdk8sTesting.synth(chart))


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec inside a workload, whatever its kind."""
    spec = doc.get("spec", {})
    if doc["kind"] in ("Deployment", "StatefulSet", "Job", "DaemonSet"):
        return spec["template"]["spec"]
    if doc["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    return None


def containers(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    spec = pod_spec(doc)
    if spec:
        yield from spec.get("initContainers", [])
        yield from spec["containers"]


def runs_app_code(doc: dict[str, Any]) -> bool:
    return pod_spec(doc) is not None and doc["metadata"]["labels"]["app.kubernetes.io/component"] not in STORE_COMPONENTS


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]

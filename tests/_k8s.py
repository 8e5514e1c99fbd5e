"""Helpers to read synthesized manifests in tests: the public testing helpers plus one rule of ours."""

from __future__ import annotations

from typing import Any

from cdk8s_django.stores import store_components
from cdk8s_django.testing import by_kind, containers, find, pod_spec, synth

__all__ = ["by_kind", "containers", "find", "pod_spec", "synth", "runs_app_code", "STORE_COMPONENTS"]

STORE_COMPONENTS = set(store_components())  # the registry's


def runs_app_code(doc: dict[str, Any]) -> bool:
    return pod_spec(doc) is not None and doc["metadata"]["labels"]["app.kubernetes.io/component"] not in STORE_COMPONENTS

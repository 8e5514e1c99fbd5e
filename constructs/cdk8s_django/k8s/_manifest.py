"""Turn a manifest computed in Python into one cdk8s ``ApiObject``.

Measured (see the README's benchmark): every call across the jsii bridge costs
about 0.3 ms whatever it carries, so constructs compute each whole manifest as
plain dicts and cross the bridge once per object, through the library's jsii
companion (``companion/``, built with the jsii toolchain): it builds the
``ApiObject`` and its JSON patch on the Node side exactly as stock cdk8s would
from three calls. The objects stay ordinary cdk8s objects, so
``add_json_patch`` and every other cdk8s tool keep working on them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from .._companion import Manifests

__all__ = ["LABEL_APP", "LABEL_COMPONENT", "LABEL_PART_OF", "MANAGED_BY", "content_hash", "emit"]

MANAGED_BY = "cdk8s-django"
LABEL_APP = "app.kubernetes.io/name"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_INSTANCE = "app.kubernetes.io/instance"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"


def emit(scope: Construct, id: str, manifest: Mapping[str, Any]) -> ApiObject:
    """Create one ``ApiObject`` from a complete manifest dict, with one jsii call.

    ``apiVersion``, ``kind`` and ``metadata`` go into the constructor; every
    other top-level key (``spec``, ``data``...) goes in with a single JSON
    patch that replaces the document root's remaining fields at once (a patch
    keeps an empty value such as ``podSelector: {}``, which props would drop).
    """
    (obj,) = Manifests.emit([scope], [id], json.dumps([manifest], separators=(",", ":"), allow_nan=False))
    return obj


def content_hash(value: Any, length: int = 10) -> str:
    """A short, stable hash of any JSON-serialisable value (sorted keys)."""
    raw = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:length]


def object_labels(app: str, component: str, environment: str | None = None) -> dict[str, str]:
    """The common labels every object carries (also the prune selector)."""
    labels = {
        LABEL_APP: app,
        LABEL_COMPONENT: component,
        LABEL_PART_OF: app,
        LABEL_MANAGED_BY: MANAGED_BY,
    }
    if environment:
        labels[LABEL_INSTANCE] = environment
    return labels


def selector_labels(app: str, component: str) -> dict[str, str]:
    """The immutable subset used in selectors: never add to it after a first deploy."""
    return {LABEL_APP: app, LABEL_COMPONENT: component}


JOB_HASH_LENGTH = 10


def emit_hashed_job(
    scope: Construct, runtime: Any, component: str, template: dict[str, Any], spec: Mapping[str, Any]
) -> tuple[str, ApiObject]:
    """A Job named ``<app>-<component>-<hash of its pod template>``.

    A Job's template is immutable: a fixed name would make the next ``kubectl
    apply`` with a new image fail. With the hash, any change that could matter
    is a new Job, and re-applying the same output changes nothing.
    """
    name = f"{runtime.name(component)}-{content_hash(template, JOB_HASH_LENGTH)}"
    return name, emit(scope, "Resource", {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": runtime.metadata(component, name=name),
        "spec": {**spec, "template": template},
    })

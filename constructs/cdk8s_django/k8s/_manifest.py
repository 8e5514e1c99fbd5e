"""Turn a manifest computed in Python into one cdk8s ``ApiObject``.

Measured (see the README's benchmark): every call across the jsii bridge has a
fixed cost of about 0.25 ms, so constructs compute each whole manifest as plain
dicts and cross the bridge once per batch of objects (``batched``), through the
library's jsii companion (``companion/``, built with the jsii toolchain): it
builds each ``ApiObject`` and its JSON patch on the Node side exactly as stock
cdk8s would from three calls. The objects stay ordinary cdk8s objects, so
``add_json_patch`` and every other cdk8s tool keep working on them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from cdk8s import ApiObject

from constructs import Construct

from .._companion import Manifests

__all__ = ["LABEL_APP", "LABEL_COMPONENT", "LABEL_PART_OF", "MANAGED_BY", "batched", "content_hash", "emit"]

MANAGED_BY = "cdk8s-django"
LABEL_APP = "app.kubernetes.io/name"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_INSTANCE = "app.kubernetes.io/instance"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"


class _Unborn:
    """An ``ApiObject`` made inside ``batched()``, until the block ends and creates it.

    Only the library's own component code ever holds one: the batch puts the real object where
    this was stored (an attribute of its scope, or inside a list, tuple or dict there) before any
    user code runs. Anything else it is asked is a bug in the library, said at once.
    """

    __slots__ = ("failed", "id", "json", "scope")

    def __init__(self, scope: Construct, id: str, json_text: str) -> None:
        self.scope, self.id, self.json, self.failed = scope, id, json_text, False

    def __getattr__(self, name: str) -> Any:
        if self.failed:
            raise RuntimeError(f"cdk8s-django: {self.id!r} was never created: the construction it belonged to "
                               "failed with the error raised then (fix that one; this construct is unusable)")
        raise RuntimeError(f"cdk8s-django: {self.id!r} is created when its construct's batch ends; "
                           f"read .{name} after that (a bug in the library: please report it)")


_BATCH: ContextVar[list[_Unborn] | None] = ContextVar("cdk8s_django_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Create every object emitted inside the block with one jsii call when it ends.

    A component's ``__init__`` runs inside one (``checked_props``), a ``DjangoChart`` around its
    components: their objects cost one call in all instead of one per object. An inner block
    joins the outer one. Each object keeps its scope, id and place among its siblings, so
    the tree and the output are what one call per object gave. If the block fails, or two of its
    objects share an id in one scope, nothing is created.
    """
    if _BATCH.get() is not None:
        yield
        return
    unborn: list[_Unborn] = []
    token = _BATCH.set(unborn)
    try:
        yield
    except BaseException:
        for placeholder in unborn:  # left behind in a construct that failed half-way: say so if it is read
            placeholder.failed = True
        raise
    finally:
        _BATCH.reset(token)
    if not unborn:
        return
    _check_unique_ids(unborn)
    made = Manifests.emit([u.scope for u in unborn], [u.id for u in unborn], f"[{','.join(u.json for u in unborn)}]")
    born = {id(u): obj for u, obj in zip(unborn, made, strict=True)}
    for scope in {id(u.scope): u.scope for u in unborn}.values():
        for name, value in list(vars(scope).items()):
            replaced = _born(value, born)
            if replaced is not value:
                setattr(scope, name, replaced)


def _check_unique_ids(unborn: list[_Unborn]) -> None:
    """Two objects with one id in one scope: the construct path and the fix, before anything is created."""
    seen: set[tuple[int, str]] = set()
    for placeholder in unborn:
        key = (id(placeholder.scope), placeholder.id)
        if key in seen:
            from ..model._validation import ConfigError
            from ._base import LazyPath

            for other in unborn:
                other.failed = True
            raise ConfigError(LazyPath(placeholder.scope, placeholder.id), "id", placeholder.id, "an id unique within its scope",
                              "give the second object another id")
        seen.add(key)


def _born(value: Any, born: dict[int, ApiObject]) -> Any:
    """``value`` with each ``_Unborn`` in it (itself, or in a list, tuple or dict) replaced by its object."""
    if isinstance(value, _Unborn):
        return born[id(value)]
    if type(value) in (list, tuple):
        items = [_born(item, born) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
    if type(value) is dict:
        values = {key: _born(item, born) for key, item in value.items()}
        return value if all(values[key] is item for key, item in value.items()) else values
    return value


def emit(scope: Construct, id: str, manifest: Mapping[str, Any]) -> ApiObject:
    """Create one ``ApiObject`` from a complete manifest dict: at once, with one jsii call, or
    inside ``batched()`` when the block ends, with the batch's one call.

    ``apiVersion``, ``kind`` and ``metadata`` go into the constructor; every
    other top-level key (``spec``, ``data``...) goes in with a single JSON
    patch that replaces the document root's remaining fields at once (a patch
    keeps an empty value such as ``podSelector: {}``, which props would drop).
    """
    text = json.dumps(manifest, separators=(",", ":"), allow_nan=False)
    batch = _BATCH.get()
    if batch is not None:
        unborn = _Unborn(scope, id, text)
        batch.append(unborn)
        return cast(ApiObject, unborn)
    (obj,) = Manifests.emit([scope], [id], f"[{text}]")
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

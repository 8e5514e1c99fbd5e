"""Walk the Python side of a construct tree: what the library left in its constructs' attributes.

The library creates a component's objects (inside a ``DjangoChart``, all its components'
objects) in one jsii call when that construction ends (``k8s._manifest.batched``), and puts
each real ``ApiObject`` where a placeholder stood. A
placeholder left anywhere would reach users as an escape hatch that is not an ``ApiObject``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cdk8s_django.k8s._manifest import _Unborn

from constructs import Construct

__all__ = ["unborn_objects"]


def _walk(value: Any, where: str, seen: set[int], found: list[str]) -> None:
    if isinstance(value, _Unborn):
        found.append(where)
        return
    if id(value) in seen or isinstance(value, str | bytes | int | float | bool | type(None)):
        return
    seen.add(id(value))
    if isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            _walk(item, f"{where}[{index}]", seen, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{where}[{key!r}]", seen, found)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _walk(getattr(value, field.name), f"{where}.{field.name}", seen, found)
    elif not isinstance(value, Construct) and hasattr(value, "__dict__") and type(value).__module__.startswith("cdk8s_django"):
        for name, item in vars(value).items():
            _walk(item, f"{where}.{name}", seen, found)


def unborn_objects(root: Construct) -> list[str]:
    """Every attribute path under ``root``'s constructs that still holds a placeholder (none, or a bug)."""
    found: list[str] = []
    seen: set[int] = set()
    for construct in root.node.find_all():
        for name, value in vars(construct).items():
            _walk(value, f"{construct.node.path or '<root>'}.{name}", seen, found)
    return found

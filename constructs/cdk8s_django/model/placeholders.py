"""Placeholders: values a scaffold leaves for a person to fill in (``REPLACE-ME``).

``python -m cdk8s_django init`` writes production with ``REPLACE-ME`` where only the team
knows the value (the RDS host, the certificate). ``placeholders`` finds them, so a
``main.py`` can leave such an environment out, and ``resolve`` refuses to synthesize one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

__all__ = ["PLACEHOLDER", "placeholders"]

PLACEHOLDER = "REPLACE-ME"


def placeholders(spec: object, prefix: str = "environment") -> list[str]:
    """The props of ``spec`` (an ``Environment``, a ``DjangoApp`` or any option) whose value still
    contains ``REPLACE-ME``, as paths such as ``environment.postgres.host``."""
    return [path for path, _ in _walk(spec, prefix)]


def first_placeholder(spec: object, prefix: str) -> tuple[str, str] | None:
    return next(_walk(spec, prefix), None)


def _walk(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if PLACEHOLDER in value:
            yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _walk(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{key!r}]")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")

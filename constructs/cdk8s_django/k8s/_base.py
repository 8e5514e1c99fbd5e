"""The base every cdk8s-django construct shares: early errors with a construct path."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from cdk8s import Chart

from constructs import Construct

from ._manifest import batched

__all__ = ["FOLDER_NOTES", "DjangoConstruct", "LazyPath", "add_folder_notes", "checked_props", "from_checked_plan", "unique_id"]

# Notes a construct leaves on its chart (a plain cdk8s Chart too), for the writer's NOTES.md in its folder.
FOLDER_NOTES = "_cdk8s_django_folder_notes"

_Init = TypeVar("_Init", bound=Callable[..., None])


class LazyPath:
    """The path a construct will have; computed only when an error message needs it.

    Reading ``scope.node.path`` crosses the jsii bridge, so validation passes
    this instead and pays only when it fails.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        self._scope = scope
        self._id = id

    def __str__(self) -> str:
        parent = self._scope.node.path
        return f"{parent}/{self._id}" if parent else str(self._id)

    __repr__ = __str__


@contextmanager
def unique_id(scope: Construct, id: str, fix: str = "give the second construct another id") -> Iterator[None]:
    """Turn jsii's duplicate-id ``RuntimeError`` into a ``ConfigError`` with the path and the fix."""
    from ..model._validation import ConfigError

    try:
        yield
    except Exception as error:  # jsii raises RuntimeError from the Node side
        if "already a Construct with name" in str(error):
            raise ConfigError(LazyPath(scope, id), "id", id, "an id unique within its scope", fix) from None
        raise


class DjangoConstruct(Construct):
    """A ``Construct`` whose duplicate-id error is a ``ConfigError`` with the path and the fix."""

    def __init__(self, scope: Construct, id: str) -> None:
        with unique_id(scope, id):
            super().__init__(scope, id)




def add_folder_notes(construct: Construct, render: Callable[[str], str]) -> None:
    """Leave ``render(folder)`` on the construct's chart: the writer puts it into that folder's ``NOTES.md``."""
    notes: list[Callable[[str], str]] = Chart.of(construct).__dict__.setdefault(FOLDER_NOTES, [])
    notes.append(render)


# Set while a DjangoChart composes its components from a Plan that resolve() has type-checked (mypy
# --strict checks the library's own calls): the components' runtime type checks would only repeat it.
_FROM_CHECKED_PLAN: ContextVar[bool] = ContextVar("cdk8s_django_from_checked_plan", default=False)


@contextmanager
def from_checked_plan() -> Iterator[None]:
    """Components made inside skip their props' type checks (their value checks still run)."""
    token = _FROM_CHECKED_PLAN.set(True)
    try:
        yield
    finally:
        _FROM_CHECKED_PLAN.reset(token)


def checked_props(init: _Init) -> _Init:
    """Check a construct's props against its ``__init__`` annotations before anything reads them:
    a wrong type is a ``ConfigError`` naming the construct path and the prop, never an
    ``AttributeError`` from deep inside (or a wrong value written to the YAML). Then run it
    inside ``batched()``: all the objects it emits are created with one jsii call."""
    from ..model._types import check_arguments
    from ..model._validation import ConfigError

    @functools.wraps(init)
    def wrapper(self: Construct, scope: Construct, id: str, **props: Any) -> None:
        if not isinstance(id, str):
            raise ConfigError(LazyPath(scope, str(id)), "id", id, "a string", f"pass id={str(id)!r}")
        if not _FROM_CHECKED_PLAN.get():
            check_arguments(LazyPath(scope, id), init, props)
        with batched():  # the component's objects in one jsii call (inside a DjangoChart, with the chart's batch)
            init(self, scope, id, **props)

    return cast(_Init, wrapper)

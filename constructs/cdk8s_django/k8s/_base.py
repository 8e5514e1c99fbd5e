"""The base every cdk8s-django construct shares: early errors with a construct path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from constructs import Construct

__all__ = ["DjangoConstruct", "LazyPath", "unique_id"]


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
        return f"{parent}/{self._id}" if parent else self._id

    __repr__ = __str__


@contextmanager
def unique_id(scope: Construct, id: str, fix: str = "give the second construct another id") -> Iterator[None]:
    """Turn jsii's duplicate-id ``RuntimeError`` into a ``ConfigError`` with the path and the fix."""
    from ..spec._validation import ConfigError

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



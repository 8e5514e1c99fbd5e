"""The base every cdk8s-django construct shares: early errors with a construct path."""

from __future__ import annotations

from constructs import Construct

__all__ = ["DjangoConstruct", "LazyPath"]


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


class DjangoConstruct(Construct):
    """A ``Construct`` whose duplicate-id error is a ``ValueError`` with the path and the fix."""

    def __init__(self, scope: Construct, id: str) -> None:
        try:
            super().__init__(scope, id)
        except Exception as error:  # jsii raises RuntimeError from the Node side
            if "already a Construct with name" in str(error):
                raise ValueError(
                    f"{LazyPath(scope, id)}: invalid id={id!r}: expected an id unique within its scope. "
                    f"Fix: give the second construct another id"
                ) from None
            raise

"""A ValidatingAdmissionPolicy evaluator for tests: the API server's decision on one request.

CEL runs in cel-python, made as strict as the API server's cel-go where the two
differ for our expressions: cel-python's ``has(e.f)`` answers False when ``e``
itself fails (a null ``oldObject`` on CREATE, a missing ``metadata``), where
cel-go reports an error. Here it is an error too, and an error is what the
property tests look for: with ``failurePolicy: Fail``, an expression that errors
blocks the request, whatever it was.

The object on the side that does not exist for the operation (``oldObject`` on
CREATE, ``object`` on DELETE) is null, as in the API server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import celpy
import lark
from celpy import celtypes
from celpy.evaluation import CELEvalError, Evaluator

__all__ = ["CelError", "Decision", "admit", "evaluate"]


class CelError(Exception):
    """An expression errored: with failurePolicy Fail, the API server refuses the request."""


class _StrictEvaluator(Evaluator):
    def macro_has_eval(self, exprlist: lark.Tree) -> Any:
        """``has(e.f)``: ``e`` must evaluate to a map; otherwise an error, as in cel-go."""
        node: Any = exprlist
        while isinstance(node, lark.Tree) and node.data != "member_dot" and len(node.children) == 1:
            node = node.children[0]
        if not isinstance(node, lark.Tree) or node.data != "member_dot":
            return CELEvalError(f"has() needs a field selection, got {node!r}", TypeError, None)
        member = self.visit(node.children[0])
        if isinstance(member, CELEvalError):
            return member
        if not isinstance(member, celtypes.MapType):
            return CELEvalError(f"has() on a {type(member).__name__}: no such field", TypeError, None)
        return celtypes.BoolType(celtypes.StringType(node.children[1].value) in member)


class _StrictRunner(celpy.InterpretedRunner):
    def evaluate(self, context: Any) -> Any:
        return _StrictEvaluator(ast=self.ast, activation=self.new_activation()).evaluate(context)


@cache
def _program(expression: str) -> Any:
    environment = celpy.Environment(runner_class=_StrictRunner)
    return environment.program(environment.compile(expression))


def evaluate(expression: str, activation: Mapping[str, Any]) -> bool:
    """The expression's boolean value; ``CelError`` if it errors or is not a bool."""
    context = {name: celpy.json_to_cel(value) if value is not None else celtypes.NullType() for name, value in activation.items()}
    try:
        result = _program(expression).evaluate(context)
    except CELEvalError as error:
        raise CelError(f"{expression}: {error}") from error
    if not isinstance(result, celtypes.BoolType):
        raise CelError(f"{expression}: evaluated to {result!r}, not a bool")
    return bool(result)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    messages: tuple[str, ...] = ()


def admit(policies: Iterable[Mapping[str, Any]], operation: str, *, groups: Sequence[str] | None = (),
          obj: Mapping[str, Any] | None = None, old: Mapping[str, Any] | None = None, resource: str = "namespaces") -> Decision:
    """What the bound ``policies`` (ValidatingAdmissionPolicy documents, all bound with Deny) decide on a
    namespace request (``resource``: ``namespaces`` or a subresource such as ``namespaces/status``).
    ``obj`` is absent on DELETE, ``old`` on CREATE."""
    user: dict[str, Any] = {"username": "someone"}
    if groups is not None:  # None: a user without groups (the API server omits the empty field)
        user["groups"] = list(groups)
    activation = {
        "request": {"operation": operation, "userInfo": user},
        "object": None if operation == "DELETE" else obj,
        "oldObject": None if operation == "CREATE" else old,
    }
    messages = []
    for policy in policies:
        spec = policy["spec"]
        rules = spec["matchConstraints"]["resourceRules"]
        if not any(operation in rule["operations"] and resource in rule["resources"] for rule in rules):
            continue
        # Every expression is evaluated (no short cut), so that any that errors is found.
        if not all([evaluate(condition["expression"], activation) for condition in spec.get("matchConditions", [])]):
            continue
        results = [(v["message"], evaluate(v["expression"], activation)) for v in spec["validations"]]
        messages += [message for message, allowed in results if not allowed]
    return Decision(allowed=not messages, messages=tuple(messages))

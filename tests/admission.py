"""A ValidatingAdmissionPolicy evaluator for tests: the API server's decision on one request.

CEL runs in cel-python, made as strict as the API server's cel-go where the two
differ for our expressions: cel-python's ``has(e.f)`` answers False when ``e``
itself fails (a null ``oldObject`` on CREATE, a missing ``metadata``), where
cel-go reports an error. Here it is an error too, and an error is what the
property tests look for: with ``failurePolicy: Fail``, an expression that errors
blocks the request, whatever it was.

The object on the side that does not exist for the operation (``oldObject`` on
CREATE, ``object`` on DELETE) is null, as in the API server.

Kubernetes' IP and CIDR library (``isCIDR``, ``cidr``, ``ip``, ``containsIP``) is
modelled on Go's ``netip``: a prefix may have host bits set (the API server keeps
such ``ipBlock`` CIDRs), a family mismatch contains nothing, an IPv4-mapped IPv6
address is refused, and ``cidr()`` of a malformed string is an error.
A policy with a ``paramKind`` is evaluated once per param its binding's selector
matches in the request's namespace; none matched is a denial (``parameterNotFoundAction: Deny``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import ipaddress

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


@dataclass(frozen=True)
class _Cidr:
    network: ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped is not None:
        return None
    return network


def _is_cidr(text: Any) -> Any:
    return celtypes.BoolType(isinstance(text, str) and _parse_cidr(text) is not None)


def _cidr(text: Any) -> Any:
    network = _parse_cidr(str(text))
    return _Cidr(network) if network is not None else CELEvalError(f"cidr({text!r}): not a CIDR", ValueError, None)


def _ip(text: Any) -> Any:
    try:
        return celtypes.StringType(str(ipaddress.ip_address(str(text))))
    except ValueError:
        return CELEvalError(f"ip({text!r}): not an IP address", ValueError, None)


def _contains_ip(block: Any, address: Any) -> Any:
    if not isinstance(block, _Cidr):
        return CELEvalError(f"containsIP on {block!r}", TypeError, None)
    parsed = ipaddress.ip_address(str(address))
    return celtypes.BoolType(parsed.version == block.network.version and parsed in block.network)


FUNCTIONS = {"isCIDR": _is_cidr, "cidr": _cidr, "ip": _ip, "containsIP": _contains_ip}


@cache
def _program(expression: str) -> Any:
    environment = celpy.Environment(runner_class=_StrictRunner)
    return environment.program(environment.compile(expression), functions=FUNCTIONS)


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
          obj: Mapping[str, Any] | None = None, old: Mapping[str, Any] | None = None, resource: str = "namespaces",
          group: str = "", namespace: str = "", namespace_object: Mapping[str, Any] | None = None,
          bindings: Iterable[Mapping[str, Any]] = (), params: Iterable[Mapping[str, Any]] = ()) -> Decision:
    """What the bound ``policies`` (ValidatingAdmissionPolicy documents, all bound with Deny) decide on a
    request for ``resource`` (``namespaces``, a subresource such as ``namespaces/status``, ``pods``...) of API
    ``group`` in ``namespace`` ('' for cluster-wide objects). ``obj`` is absent on DELETE, ``old`` on CREATE.
    A policy with a ``paramKind`` needs its ``bindings``; ``params`` are the objects in the request's namespace."""
    user: dict[str, Any] = {"username": "someone"}
    if groups is not None:  # None: a user without groups (the API server omits the empty field)
        user["groups"] = list(groups)
    activation = {
        "request": {"operation": operation, "userInfo": user, "namespace": namespace,
                    "resource": {"group": group, "version": "v1", "resource": resource.split("/")[0]}},
        "object": None if operation == "DELETE" else obj,
        "oldObject": None if operation == "CREATE" else old,
        "namespaceObject": namespace_object,
    }
    bindings, params = list(bindings), list(params)
    messages = []
    for policy in policies:
        spec = policy["spec"]
        if not any(_matches(rule, operation, group, resource) for rule in spec["matchConstraints"]["resourceRules"]):
            continue
        # Every expression is evaluated (no short cut), so that any that errors is found.
        if not all([evaluate(condition["expression"], activation) for condition in spec.get("matchConditions", [])]):
            continue
        for param in _params(policy, bindings, params):
            if param is _NOT_FOUND:
                messages.append(f"{policy['metadata']['name']}: no param matches a binding's selector")
                continue
            context = {**activation, "params": param}
            results = [(v["message"], evaluate(v["expression"], context)) for v in spec["validations"]]
            messages += [message for message, allowed in results if not allowed]
    return Decision(allowed=not messages, messages=tuple(messages))


_NOT_FOUND: Any = object()


def _matches(rule: Mapping[str, Any], operation: str, group: str, resource: str) -> bool:
    resources = rule["resources"]
    named = resource in resources or ("*" in resources and "/" not in resource)
    return operation in rule["operations"] and (group in rule["apiGroups"] or "*" in rule["apiGroups"]) and named


def _params(policy: Mapping[str, Any], bindings: list[Mapping[str, Any]], params: list[Mapping[str, Any]]) -> list[Any]:
    """One entry per evaluation: ``None`` for a policy without params, else each matched param of each binding."""
    if "paramKind" not in policy["spec"]:
        return [None]
    own = [b for b in bindings if b["spec"]["policyName"] == policy["metadata"]["name"]]
    if not own:
        raise ValueError(f"{policy['metadata']['name']} has a paramKind: pass its bindings")
    kind = policy["spec"]["paramKind"]
    evaluations: list[Any] = []
    for binding in own:
        selector = binding["spec"]["paramRef"]["selector"]["matchLabels"]
        matched = [p for p in params if p.get("kind") == kind["kind"] and p.get("apiVersion") == kind["apiVersion"]
                   and selector.items() <= (p.get("metadata", {}).get("labels") or {}).items()]
        evaluations += matched or [_NOT_FOUND]
    return evaluations

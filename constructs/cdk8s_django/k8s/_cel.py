"""ValidatingAdmissionPolicies for the library's cluster fence, and the CEL they hold.

The policies fail closed (``failurePolicy: Fail``): an expression that errors refuses the
request, whatever it was. So every field is reached through ``has()`` first, and every
literal put in an expression is one the library chose or checked (no quote can end it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ._manifest import emit

__all__ = ["PREVIEW_NAMESPACE", "emit_policy", "has_label", "same_label"]

VAP_API = "admissionregistration.k8s.io/v1"
# A request in a preview namespace (pr-…), or on one: the match condition of every preview rule.
PREVIEW_NAMESPACE = "request.namespace.startsWith('pr-')"


def has_label(root: str, key: str, value: str | None = None) -> str:
    """``root`` carries label ``key`` (with ``value``). No optionals: works from Kubernetes 1.30 on."""
    labels = f"{root}.metadata.labels"
    condition = f"has({labels}) && '{key}' in {labels}"
    return f"({condition} && {labels}['{key}'] == '{value}')" if value is not None else f"({condition})"


def same_label(key: str) -> str:
    """``object`` has label ``key`` exactly as ``oldObject`` had it, or neither has it."""
    new, old = has_label("object", key), has_label("oldObject", key)
    return f"({new} == {old}) && (!{new} || object.metadata.labels['{key}'] == oldObject.metadata.labels['{key}'])"


def emit_policy(scope: Construct, id: str, name: str, labels: Mapping[str, str], rules: Sequence[Mapping[str, Any]],
                validations: Sequence[tuple[str, str]], *, match_conditions: Sequence[tuple[str, str]] = (),
                param_kind: Mapping[str, str] | None = None, param_selectors: Sequence[Mapping[str, str]] = ()) -> ApiObject:
    """A policy (id ``id``) and its Deny bindings (``<id>Binding``; with ``param_selectors``, one binding per
    selector, ``<id>Binding-<n>``, each denying when no param in the request's namespace matches it)."""
    spec: dict[str, Any] = {"failurePolicy": "Fail"}
    if param_kind is not None:
        spec["paramKind"] = dict(param_kind)
    spec["matchConstraints"] = {"resourceRules": [dict(rule) for rule in rules]}
    if match_conditions:
        spec["matchConditions"] = [{"name": n, "expression": e} for n, e in match_conditions]
    spec["validations"] = [{"expression": expression, "message": message} for expression, message in validations]
    policy = emit(scope, id, {"apiVersion": VAP_API, "kind": "ValidatingAdmissionPolicy",
                              "metadata": {"name": name, "labels": dict(labels)}, "spec": spec})
    if not param_selectors:
        emit(scope, f"{id}Binding", {"apiVersion": VAP_API, "kind": "ValidatingAdmissionPolicyBinding",
                                     "metadata": {"name": name, "labels": dict(labels)},
                                     "spec": {"policyName": name, "validationActions": ["Deny"]}})
    for number, selector in enumerate(param_selectors, 1):
        emit(scope, f"{id}Binding-{number}", {
            "apiVersion": VAP_API, "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": {"name": f"{name}-{number}", "labels": dict(labels)},
            "spec": {"policyName": name, "validationActions": ["Deny"],
                     "paramRef": {"selector": {"matchLabels": dict(selector)}, "parameterNotFoundAction": "Deny"}},
        })
    return policy

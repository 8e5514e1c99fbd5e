"""``NamespaceFence``: admission policies that make namespace deletion safe to delegate.

Three ValidatingAdmissionPolicies (Kubernetes 1.30+), applied once per cluster
and *before* ``PreviewReaperAccess`` (its own folder, applied last):

- **preview marker**: the label ``cdk8s-django/preview`` exists only on a
  namespace *created* as a preview: named with the cluster-wide prefix ``pr-``,
  managed by cdk8s-django and carrying a well-formed expiry annotation. Adding
  it to an existing namespace is refused, for everyone.
- **reaper**: the reaper's group may delete only such a namespace.
- **deletion protection**: nobody may delete a namespace labelled
  ``cdk8s-django/deletion-protection=true`` (``Environment(deletion_protection=True)``).

Kubernetes CEL has no clock, so expiry is not enforced here: which preview has
expired stays the reaper's own decision (``expired_previews``). Every expression
is guarded so that it never errors (the policies fail closed: an error would
block every namespace change in the cluster); a property test holds them to it.
"""

from __future__ import annotations

import re

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, add_folder_notes, checked_props
from ..k8s._manifest import LABEL_MANAGED_BY, MANAGED_BY, emit
from ..spec import _validation as v
from ..spec.preview import (
    ANNOTATION_EXPIRES_AT,
    EXPIRES_AT_PATTERN,
    LABEL_DELETION_PROTECTION,
    LABEL_PREVIEW,
    PREVIEW_PREFIX,
    REAPER_POLICY,
)

__all__ = ["DEFAULT_REAPER_GROUP", "NamespaceFence", "check_group", "group_condition"]

DEFAULT_REAPER_GROUP = "cdk8s-django:preview-reaper"
PREFIX = "cdk8s-django-"
MARKER_POLICY = f"{PREFIX}preview-marker"
PROTECTION_POLICY = f"{PREFIX}deletion-protection"
LABELS = {"app.kubernetes.io/name": "cdk8s-django", "app.kubernetes.io/component": "namespace-fence", LABEL_MANAGED_BY: MANAGED_BY}
# A group name goes into a CEL string literal: letters, digits and : . _ @ / - only, so it can neither
# end the literal nor escape out of it.
_GROUP = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._@/-]{0,252}")


class NamespaceFence(DjangoConstruct):
    """The cluster's admission fence around namespaces (apply before ``PreviewReaperAccess``).

    Args:
        reaper_group: the group the preview reaper's identity belongs to. Default
            ``cdk8s-django:preview-reaper``. Not a ``system:`` group.
    """

    @checked_props
    def __init__(self, scope: Construct, id: str, *, reaper_group: str = DEFAULT_REAPER_GROUP) -> None:
        where = LazyPath(scope, id)
        check_group(where, "reaper_group", reaper_group)
        super().__init__(scope, id)
        self.reaper_group = reaper_group
        self.marker_policy: ApiObject = self._policy("Marker", MARKER_POLICY, ["CREATE", "UPDATE"], None, [
            (f"request.operation != 'CREATE' || !{_has_label('object', LABEL_PREVIEW)} || {_created_as_preview('object')}",
             (f"the label {LABEL_PREVIEW} is for namespaces created as previews: named '{PREVIEW_PREFIX}...', labelled"
              f" {LABEL_MANAGED_BY}={MANAGED_BY}, annotated {ANNOTATION_EXPIRES_AT}=YYYY-MM-DDTHH:MM:SSZ")),
            (f"request.operation != 'UPDATE' || !{_has_label('object', LABEL_PREVIEW)} || {_has_label('oldObject', LABEL_PREVIEW)}",
             f"the label {LABEL_PREVIEW} cannot be added to an existing namespace: it would let the preview reaper delete it"),
        ])
        self.reaper_policy: ApiObject = self._policy("Reaper", REAPER_POLICY, ["DELETE"], reaper_group, [
            (_created_as_preview("oldObject"),
             (f"the preview reaper ({reaper_group}) may delete only preview namespaces: named '{PREVIEW_PREFIX}...', labelled"
              f" {LABEL_PREVIEW}=true and {LABEL_MANAGED_BY}={MANAGED_BY}, with a {ANNOTATION_EXPIRES_AT} annotation")),
        ])
        self.protection_policy: ApiObject = self._policy("Protection", PROTECTION_POLICY, ["DELETE"], None, [
            (f"has(oldObject.metadata.deletionTimestamp) || !{_has_label('oldObject', LABEL_DELETION_PROTECTION, 'true')}",
             f"the namespace is deletion-protected: remove the label {LABEL_DELETION_PROTECTION} first, on purpose"),
        ])
        add_folder_notes(self, fence_notes)

    def _policy(self, id: str, name: str, operations: list[str], group: str | None,
                validations: list[tuple[str, str]]) -> ApiObject:
        """A policy on namespaces with its binding; ``group``: it applies to that group's requests only.
        Updates through the status and finalize subresources are matched too: both keep label changes."""
        resources = ["namespaces", *(["namespaces/status", "namespaces/finalize"] if "UPDATE" in operations else [])]
        spec: dict[str, object] = {
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": [
                {"apiGroups": [""], "apiVersions": ["v1"], "operations": operations, "resources": resources},
            ]},
        }
        if group is not None:
            spec["matchConditions"] = [{"name": "is-preview-reaper", "expression": group_condition(group)}]
        spec["validations"] = [{"expression": expression, "message": message} for expression, message in validations]
        metadata = {"name": name, "labels": LABELS}
        policy = emit(self, id, {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
                                 "metadata": metadata, "spec": spec})
        emit(self, f"{id}Binding", {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
                                    "metadata": metadata, "spec": {"policyName": name, "validationActions": ["Deny"]}})
        return policy


def check_group(where: object, prop: str, group: object) -> None:
    """A group name safe inside a CEL string literal, and not one of Kubernetes' own (``system:authenticated``
    is every user)."""
    if not isinstance(group, str) or not _GROUP.fullmatch(group) or group.startswith("system:"):
        raise v.ConfigError(where, prop, group,
                            "a group name of letters, digits and ':._@/-' (at most 253), not a 'system:' group",
                            f"use a group of the reaper's own, e.g. '{DEFAULT_REAPER_GROUP}'")


def group_condition(group: str) -> str:
    """CEL: the request comes from a member of ``group`` (``check_group`` made it a safe literal)."""
    return f"has(request.userInfo.groups) && '{group}' in request.userInfo.groups"


def _has_label(root: str, key: str, value: str | None = None) -> str:
    """CEL, never erroring: ``root`` carries label ``key`` (with ``value``). No optionals: works from 1.30 on."""
    labels = f"{root}.metadata.labels"
    condition = f"has({labels}) && '{key}' in {labels}"
    return f"({condition} && {labels}['{key}'] == '{value}')" if value is not None else f"({condition})"


def _created_as_preview(root: str) -> str:
    """CEL, never erroring: ``root`` has everything a preview namespace is created with."""
    annotations = f"{root}.metadata.annotations"
    return " && ".join([
        f"(has({root}.metadata.name) && {root}.metadata.name.startsWith('{PREVIEW_PREFIX}'))",
        _has_label(root, LABEL_PREVIEW, "true"),
        _has_label(root, LABEL_MANAGED_BY, MANAGED_BY),
        (f"(has({annotations}) && '{ANNOTATION_EXPIRES_AT}' in {annotations}"
         f" && {annotations}['{ANNOTATION_EXPIRES_AT}'].matches('{EXPIRES_AT_PATTERN}'))"),
    ])


def fence_notes(folder: str) -> str:
    return "\n".join([
        "# The namespace fence: operator notes", "",
        "Generated by cdk8s-django. Apply it once per cluster, before anything that grants the preview reaper access:", "",
        "```sh", f"kubectl apply -f {folder}/", "```", "",
        "Needs Kubernetes 1.30+ (ValidatingAdmissionPolicy v1). On an older cluster the API server refuses these objects:",
        "apply the reaper's access only after this folder applied cleanly (its NOTES.md chains both with `&&`), and",
        "`python -m cdk8s_django expire --apply` refuses to run while the fence is missing. Without the fence, no",
        f"namespace is protected by `{LABEL_DELETION_PROTECTION}=true` either.", "",
        "Kubernetes CEL has no clock: the fence checks what a preview namespace *is* (its `pr-` name, and the labels and",
        "expiry annotation it was created with), never *whether* it has expired. That stays the reaper's own decision.", "",
        "Turn deletion protection off for one namespace, on purpose:", "",
        "```sh", f"kubectl label namespace <namespace> {LABEL_DELETION_PROTECTION}-", "```", "",
    ])

"""``NamespaceFence``: admission policies that make namespace deletion safe to delegate.

ValidatingAdmissionPolicies (Kubernetes 1.31+), applied once per cluster
and *before* ``PreviewReaperAccess`` (its own folder, applied last):

- **preview marker**: the label ``cdk8s-django/preview`` exists only on a
  namespace *created* as a preview: named with the cluster-wide prefix ``pr-``,
  managed by cdk8s-django and carrying a well-formed expiry annotation. Adding
  it to an existing namespace is refused, for everyone, and a preview's expiry
  never moves earlier.
- **reaper**: the reaper's group may delete only such a namespace, and its
  ClusterRole can be bound to that group alone.
- **deletion protection**: nobody may delete a namespace labelled
  ``cdk8s-django/deletion-protection=true`` (``Environment(deletion_protection=True)``).
- **preview guard** (``PreviewGuard``): what a preview's own manifests cannot weaken.

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
from ..k8s._cel import emit_policy, has_label
from ..k8s._manifest import LABEL_MANAGED_BY, MANAGED_BY
from ..model import _validation as v
from ..model.preview import (
    ANNOTATION_EXPIRES_AT,
    EXPIRES_AT_PATTERN,
    LABEL_DELETION_PROTECTION,
    LABEL_PREVIEW,
    PREVIEW_PREFIX,
    REAPER_POLICY,
)
from .preview_guard import PreviewGuard

__all__ = ["DEFAULT_REAPER_GROUP", "NamespaceFence", "check_group", "group_condition"]

DEFAULT_REAPER_GROUP = "cdk8s-django:preview-reaper"
PREFIX = "cdk8s-django-"
MARKER_POLICY = f"{PREFIX}preview-marker"
PROTECTION_POLICY = f"{PREFIX}deletion-protection"
BINDING_POLICY = f"{PREFIX}preview-reaper-binding"
LABELS = {"app.kubernetes.io/name": "cdk8s-django", "app.kubernetes.io/component": "namespace-fence", LABEL_MANAGED_BY: MANAGED_BY}
# A group name goes into a CEL string literal: letters, digits and : . _ @ / - only, so it can neither
# end the literal nor escape out of it.
_GROUP = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._@/-]{0,252}")


class NamespaceFence(DjangoConstruct):
    """The cluster's admission fence around namespaces (apply before ``PreviewReaperAccess``), with the
    ``PreviewGuard`` that confines what previews may do in their namespaces.

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
        self.marker_policy: ApiObject = emit_policy(self, "Marker", MARKER_POLICY, LABELS, _namespace_rules(["CREATE", "UPDATE"]), [
            (f"request.operation != 'CREATE' || !{has_label('object', LABEL_PREVIEW)} || {_created_as_preview('object')}",
             (f"the label {LABEL_PREVIEW} is for namespaces created as previews: named '{PREVIEW_PREFIX}...', labelled"
              f" {LABEL_MANAGED_BY}={MANAGED_BY}, annotated {ANNOTATION_EXPIRES_AT}=YYYY-MM-DDTHH:MM:SSZ")),
            ((f"request.operation != 'UPDATE' || !{has_label('object', LABEL_PREVIEW, 'true')}"
             f" || {has_label('oldObject', LABEL_PREVIEW, 'true')}"),
             f"the label {LABEL_PREVIEW}=true cannot be given to an existing namespace: it would let the preview reaper delete it"),
            ((f"request.operation != 'UPDATE' || !{has_label('oldObject', LABEL_PREVIEW, 'true')}"
             f" || !{has_label('object', LABEL_PREVIEW, 'true')} || {_expiry_not_earlier()}"),
             (f"a preview's {ANNOTATION_EXPIRES_AT} stays well-formed and never moves earlier (extend it, or delete"
              " the preview)")),
        ])
        self.reaper_policy: ApiObject = emit_policy(self, "Reaper", REAPER_POLICY, LABELS, _namespace_rules(["DELETE"]), [
            (_created_as_preview("oldObject"),
             (f"the preview reaper ({reaper_group}) may delete only preview namespaces: named '{PREVIEW_PREFIX}...', labelled"
              f" {LABEL_PREVIEW}=true and {LABEL_MANAGED_BY}={MANAGED_BY}, with a {ANNOTATION_EXPIRES_AT} annotation")),
        ], match_conditions=[("is-preview-reaper", group_condition(reaper_group))])
        self.protection_policy: ApiObject = emit_policy(self, "Protection", PROTECTION_POLICY, LABELS, _namespace_rules(["DELETE"]), [
            (f"has(oldObject.metadata.deletionTimestamp) || !{has_label('oldObject', LABEL_DELETION_PROTECTION, 'true')}",
             f"the namespace is deletion-protected: remove the label {LABEL_DELETION_PROTECTION} first, on purpose"),
        ])
        # The reaper's ClusterRole goes to the fenced group alone: bound to anyone else, its deletions would be unfenced.
        self.binding_policy: ApiObject = emit_policy(self, "BindingGuard", BINDING_POLICY, LABELS, [
            {"apiGroups": ["rbac.authorization.k8s.io"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
             "resources": ["clusterrolebindings", "rolebindings"]},
        ], [
            (("has(object.subjects) && size(object.subjects) == 1 && object.subjects[0].kind == 'Group'"
             f" && object.subjects[0].name == '{reaper_group}'"),
             f"the ClusterRole {REAPER_POLICY} is bound only to the group {reaper_group}, which the fence confines"),
        ], match_conditions=[("binds-the-reaper-role",
                              f"object.roleRef.kind == 'ClusterRole' && object.roleRef.name == '{REAPER_POLICY}'")])
        self.guard = PreviewGuard(self, "Guard")
        add_folder_notes(self, fence_notes)


def _namespace_rules(operations: list[str]) -> list[dict[str, object]]:
    """Namespaces; updates through the status and finalize subresources too: both keep label changes."""
    resources = ["namespaces", *(["namespaces/status", "namespaces/finalize"] if "UPDATE" in operations else [])]
    return [{"apiGroups": [""], "apiVersions": ["v1"], "operations": operations, "resources": resources}]


def _expiry_not_earlier() -> str:
    """CEL: the new expiry is well-formed and not before the old one (a fixed format compares as text)."""
    new, old = "object.metadata.annotations", "oldObject.metadata.annotations"
    key = ANNOTATION_EXPIRES_AT
    well_formed = f"has({new}) && '{key}' in {new} && {new}['{key}'].matches('{EXPIRES_AT_PATTERN}')"
    old_readable = f"has({old}) && '{key}' in {old} && {old}['{key}'].matches('{EXPIRES_AT_PATTERN}')"
    return f"({well_formed} && (!({old_readable}) || {new}['{key}'] >= {old}['{key}']))"


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


def _created_as_preview(root: str) -> str:
    """CEL, never erroring: ``root`` has everything a preview namespace is created with."""
    annotations = f"{root}.metadata.annotations"
    return " && ".join([
        f"(has({root}.metadata.name) && {root}.metadata.name.startsWith('{PREVIEW_PREFIX}'))",
        has_label(root, LABEL_PREVIEW, "true"),
        has_label(root, LABEL_MANAGED_BY, MANAGED_BY),
        (f"(has({annotations}) && '{ANNOTATION_EXPIRES_AT}' in {annotations}"
         f" && {annotations}['{ANNOTATION_EXPIRES_AT}'].matches('{EXPIRES_AT_PATTERN}'))"),
    ])


def fence_notes(folder: str) -> str:
    return "\n".join([
        "# The namespace fence: operator notes", "",
        "Generated by cdk8s-django. Apply it once per cluster, before anything that grants the preview reaper access:", "",
        "```sh", f"kubectl apply -f {folder}/", "```", "",
        "Needs Kubernetes 1.31+ (ValidatingAdmissionPolicy v1, and CEL's IP and CIDR library for the preview guard). On an",
        "older cluster the API server refuses these objects:",
        "apply the reaper's access only after this folder applied cleanly (its NOTES.md chains both with `&&`), and",
        "`python -m cdk8s_django expire --apply` refuses to run while the fence is missing. Without the fence, no",
        f"namespace is protected by `{LABEL_DELETION_PROTECTION}=true` either.", "",
        "Kubernetes CEL has no clock: the fence checks what a preview namespace *is* (its `pr-` name, and the labels and",
        "expiry annotation it was created with), never *whether* it has expired. That stays the reaper's own decision.", "",
        "The preview guard (`cdk8s-django-preview-*`) holds in every `pr-` namespace, whoever writes there: Pod Security",
        "\"restricted\" on the namespace; no NetworkPolicy egress to everything or to the instance metadata endpoint, no",
        "ingress from everywhere; pods only beside the two `cdk8s-django/baseline` NetworkPolicies (deny ingress, the only",
        "egress), which keep their shape and go only with their namespace; and Argo CD writes there only for the",
        "Application named as the namespace.", "",
        "Turn deletion protection off for one namespace, on purpose:", "",
        "```sh", f"kubectl label namespace <namespace> {LABEL_DELETION_PROTECTION}-", "```", "",
    ])

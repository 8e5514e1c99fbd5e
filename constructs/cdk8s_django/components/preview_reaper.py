"""``PreviewReaperAccess``: the power to expire previews, fenced to preview namespaces.

RBAC cannot restrict ``delete`` by label, so the identity that runs
``python -m cdk8s_django expire --apply`` (a CI job's group) gets a ClusterRole
to delete namespaces, and a ValidatingAdmissionPolicy refuses every deletion it
asks for unless the namespace is labelled ``cdk8s-django/preview=true`` and
managed by cdk8s-django. Needs Kubernetes 1.30+ (ValidatingAdmissionPolicy v1).
"""

from __future__ import annotations

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import MANAGED_BY, emit
from ..spec import _validation as v
from ..spec.preview import LABEL_PREVIEW

__all__ = ["DEFAULT_REAPER_GROUP", "PreviewReaperAccess"]

DEFAULT_REAPER_GROUP = "cdk8s-django:preview-reaper"
NAME = "cdk8s-django-preview-reaper"
LABELS = {
    "app.kubernetes.io/name": "cdk8s-django", "app.kubernetes.io/component": "preview-reaper", "app.kubernetes.io/managed-by": MANAGED_BY,
}


class PreviewReaperAccess(DjangoConstruct):
    """Cluster objects (apply once per cluster) letting one group delete expired previews only.

    Args:
        group: the group the reaper's identity belongs to (e.g. mapped from the CI
            role by an EKS access entry). Default ``cdk8s-django:preview-reaper``.
    """

    @checked_props
    def __init__(self, scope: Construct, id: str, *, group: str = DEFAULT_REAPER_GROUP) -> None:
        where = LazyPath(scope, id)
        if not group.strip() or "'" in group:
            raise v.ConfigError(where, "group", group, "a non-empty group name without quotes", "pass the reaper identity's group")
        super().__init__(scope, id)
        metadata = {"name": NAME, "labels": LABELS}
        self.cluster_role: ApiObject = emit(self, "Role", {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": metadata,
            "rules": [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "delete"]}],
        })
        self.cluster_role_binding: ApiObject = emit(self, "Binding", {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": metadata,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": NAME},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}],
        })
        is_preview = " && ".join([
            "has(oldObject.metadata.labels)",
            _label_equals(LABEL_PREVIEW, "true"),
            _label_equals("app.kubernetes.io/managed-by", MANAGED_BY),
        ])
        self.policy: ApiObject = emit(self, "Resource", {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicy",
            "metadata": metadata,
            "spec": {
                "failurePolicy": "Fail",
                "matchConstraints": {"resourceRules": [
                    {"apiGroups": [""], "apiVersions": ["v1"], "operations": ["DELETE"], "resources": ["namespaces"]},
                ]},
                "matchConditions": [{"name": "is-preview-reaper", "expression": f"'{group}' in request.userInfo.groups"}],
                "validations": [{
                    "expression": is_preview,
                    "message": f"the preview reaper may delete only namespaces labelled {LABEL_PREVIEW}=true and managed by {MANAGED_BY}",
                }],
            },
        })
        self.policy_binding: ApiObject = emit(self, "PolicyBinding", {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": metadata,
            "spec": {"policyName": NAME, "validationActions": ["Deny"]},
        })


def _label_equals(key: str, value: str) -> str:
    """CEL: the old object has label ``key`` with ``value`` (no optionals: works from 1.30 on)."""
    return f"'{key}' in oldObject.metadata.labels && oldObject.metadata.labels['{key}'] == '{value}'"

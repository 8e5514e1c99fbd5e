"""``ShellAccess``: RBAC for production operators: exec into the ops shell, nothing else."""

from __future__ import annotations

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v

__all__ = ["ShellAccess"]


class ShellAccess(DjangoConstruct):
    """A Role and RoleBinding granting a group ``exec`` into one pod, ``<app>-shell-0``.

    The ops shell is a StatefulSet, so its pod name is stable and RBAC can name
    it (``resourceNames``); operators can read that pod and exec into it, and
    cannot list Secrets, read other pods or exec anywhere else.

    Args:
        runtime: the app runtime (names, labels, namespace).
        group: the group (as the cluster's authenticator maps it, e.g. an EKS access entry) to bind.
        pod_name: the shell pod's name.
    """

    @checked_props
    def __init__(self, scope: Construct, id: str, *, runtime: AppRuntime, group: str, pod_name: str) -> None:
        where = LazyPath(scope, id)
        if not group.strip() or len(group) > 253:
            raise v.ConfigError(where, "group", group, "a non-empty group name", "pass the operators' group name")
        super().__init__(scope, id)
        name = runtime.name("shell-exec")
        self.role: ApiObject = emit(self, "Role", {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": runtime.metadata("shell", name=name),
            "rules": [
                {"apiGroups": [""], "resources": ["pods"], "resourceNames": [pod_name], "verbs": ["get"]},
                {"apiGroups": [""], "resources": ["pods/exec"], "resourceNames": [pod_name], "verbs": ["create", "get"]},
            ],
        })
        self.role_binding: ApiObject = emit(self, "Binding", {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": runtime.metadata("shell", name=name),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}],
        })

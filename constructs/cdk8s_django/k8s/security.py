"""Pod Security Standard "restricted" for every pod the library emits.

Non-root, no privilege escalation, every capability dropped, RuntimeDefault
seccomp and a read-only root filesystem; each process gets the emptyDirs it
writes to. Namespaces are labelled to enforce the same standard, so a pod that
breaks it is refused by the API server, not discovered in an audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model.defaults import DEFAULT_APP_UID, STORE_UID

__all__ = ["DEFAULT_APP_UID", "RESTRICTED_NAMESPACE_LABELS", "STORE_UID", "PodSecurity"]

POD_SECURITY_VERSION = "latest"
RESTRICTED_NAMESPACE_LABELS = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
}


@dataclass(frozen=True)
class PodSecurity:
    """The user a pod runs as and whether its root filesystem is read-only.

    Attributes:
        run_as_user: UID of every container. Default 10001.
        run_as_group: GID. Default: same as ``run_as_user``.
        fs_group: group owning mounted volumes. Default: same as ``run_as_group``.
        read_only_root_filesystem: Default True; writable paths are emptyDirs.
    """

    run_as_user: int = DEFAULT_APP_UID
    run_as_group: int | None = None
    fs_group: int | None = None
    read_only_root_filesystem: bool = True

    def pod_context(self) -> dict[str, Any]:
        group = self.run_as_group if self.run_as_group is not None else self.run_as_user
        return {
            "runAsNonRoot": True,
            "runAsUser": self.run_as_user,
            "runAsGroup": group,
            "fsGroup": self.fs_group if self.fs_group is not None else group,
            "seccompProfile": {"type": "RuntimeDefault"},
        }

    def container_context(self) -> dict[str, Any]:
        return {
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": self.read_only_root_filesystem,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        }

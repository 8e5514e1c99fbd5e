"""The ops shell engineers ``kubectl exec`` into (``components/ops_shell.py``), and its exec grant."""

from __future__ import annotations

from ..model.defaults import DEFAULT_SHELL_RESOURCES, STAGING_RESOURCES
from ._kind import WorkloadKind, every_store

SHELL = WorkloadKind(
    name="shell", manifest="StatefulSet", resources_key="shell", resources=DEFAULT_SHELL_RESOURCES,
    staging_resources=STAGING_RESOURCES["shell"], reserved=("shell", "shell-exec"),
    components=lambda plan: ("shell",), stores=every_store, budget=lambda plan: [("shell", "1", 1)],
)

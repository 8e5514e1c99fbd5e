"""The ops shell engineers ``kubectl exec`` into (``components/ops_shell.py``), and its exec grant."""

from __future__ import annotations

from ..model.defaults import DEFAULT_SHELL_RESOURCES, STAGING_RESOURCES
from ._kind import WorkloadKind, every_store


def _notes(namespace: str, name: str) -> list[str]:
    """A StatefulSet of one: its pod is ``<name>-0``."""
    return ["Open the ops shell, or run a management command in it:", "", "```sh",
            f"kubectl -n {namespace} exec -it {name}-0 -- python -m django shell",
            f"kubectl -n {namespace} exec -it {name}-0 -- python -m django showmigrations", "```", ""]


SHELL = WorkloadKind(
    name="shell", manifest="StatefulSet", resources_key="shell", resources=DEFAULT_SHELL_RESOURCES,
    staging_resources=STAGING_RESOURCES["shell"], reserved=("shell", "shell-exec"),
    components=lambda plan: ("shell",), stores=every_store, budget=lambda plan: [("shell", "1", 1)],
    construct="..components.ops_shell:from_plan", notes=_notes,
)

"""``OpsShell``: the pod engineers ``kubectl exec`` into (it replaces ssh to the scheduler box)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import DEFAULT_SHELL_RESOURCES
from ..model.options import Resources
from ..workloads._kind import resources_as_typed

if TYPE_CHECKING:
    from ..model.plan import Plan

__all__ = ["IDLE_COMMAND", "OpsShell", "from_plan"]

COMPONENT = "shell"
# Python idles as PID 1 and exits on SIGTERM (PID 1 ignores signals it has no handler for).
IDLE_COMMAND = (
    "python", "-c",
    "import signal, sys\nsignal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\nsignal.pause()\n",
)


class OpsShell(DjangoConstruct):
    """One idle pod with the app's image, environment and config files; no Service.

    A one-replica StatefulSet named ``<app>-shell``: a controller brings the pod
    back after a lost node, and the pod's name is always ``<app>-shell-0``, so
    RBAC can grant ``pods/exec`` on that one pod. Its governing Service is not
    created: the shell needs no DNS name. Open a Django shell with
    ``kubectl -n <namespace> exec -it <app>-shell-0 -- python -m django shell``.

    Args:
        runtime: the shared app runtime.
        resources: requests and memory limit. Default 50m CPU, 512Mi request, 1Gi limit.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        resources: Resources = DEFAULT_SHELL_RESOURCES,
    ) -> None:
        v.check_resources(LazyPath(scope, id), "resources", resources)
        super().__init__(scope, id)
        self.runtime = runtime
        self.component = COMPONENT
        self.name = runtime.name(COMPONENT)
        container = runtime.container("shell", IDLE_COMMAND, resources=resources, wrap=False)
        self.pod_name = f"{self.name}-0"
        self.stateful_set: ApiObject = emit(self, "Resource", runtime.singleton_stateful_set(
            COMPONENT, runtime.pod_template(COMPONENT, [container], termination_grace_period_seconds=10),
        ))


def from_plan(chart: Any, plan: Plan) -> list[OpsShell]:
    with v.props_as_typed(resources_as_typed("shell")):
        return [OpsShell(chart, "Shell", runtime=chart.runtime, resources=plan.resources["shell"])]

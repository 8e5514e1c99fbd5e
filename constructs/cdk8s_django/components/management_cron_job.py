"""``ManagementCronJob``: a Django management command on a schedule (the old box's cron)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model._secrets import check_values
from ..model.defaults import DEFAULT_CRON_RESOURCES, DEFAULT_TIME_ZONE
from ..model.options import Resources
from ..workloads._kind import resources_as_typed

if TYPE_CHECKING:
    from ..model.plan import Plan

__all__ = ["CRON_JOB_NAME_MAX", "ManagementCronJob", "from_plan"]

CRON_JOB_NAME_MAX = 52  # the controller appends an 11-character suffix to Job names
DEFAULT_STARTING_DEADLINE_SECONDS = 300
# The job runs `python -m django <command>`: a command that starts Django itself would run it twice.
LAUNCHERS = frozenset({"python", "python3", "manage.py", "./manage.py", "django-admin", "-m"})


class ManagementCronJob(DjangoConstruct):
    """A CronJob named ``<app>-<name>`` running ``python -m django <command...>``.

    Runs never overlap (``concurrencyPolicy: Forbid``); a failed run is not
    retried (``backoffLimit: 0``): the next schedule is the retry, since
    management commands are not always safe to run twice.

    Args:
        runtime: the shared app runtime.
        name: the component name; ``<app>-<name>`` must fit 52 characters.
        schedule: five-field cron schedule, e.g. ``0 3 * * *``.
        command: the management command and its arguments, no secret among them (they are written to
            ``dist/``: pass ``--password=$(SMTP_PASSWORD)``, which Kubernetes expands from the env). Default: ``(name,)``.
        time_zone: IANA zone the schedule is read in. Default ``Etc/UTC``.
        active_deadline_seconds: longest a run may take. Default 3600.
        resources: requests and memory limit. Default 100m CPU, 512Mi.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        name: str,
        schedule: str,
        command: Sequence[str] | None = None,
        time_zone: str = DEFAULT_TIME_ZONE,
        active_deadline_seconds: int = 3600,
        resources: Resources = DEFAULT_CRON_RESOURCES,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        v.check_dns_label(where, "name", name)
        full_name = runtime.name(name)
        if len(full_name) > CRON_JOB_NAME_MAX:
            raise v.ConfigError(
                where, "name", name,
                f"a name whose CronJob name '{full_name}' fits {CRON_JOB_NAME_MAX} characters (it has {len(full_name)})",
                f"shorten the name by {len(full_name) - CRON_JOB_NAME_MAX} characters",
            )
        v.check_cron(where, "schedule", schedule)
        v.check_time_zone(where, "time_zone", time_zone)
        v.check_int_range(where, "active_deadline_seconds", active_deadline_seconds, 1, 7 * 24 * 3600)
        args = list(command) if command is not None else [name]
        if not args or not all(isinstance(arg, str) and arg.strip() for arg in args):
            raise v.ConfigError(
                where, "command", command,
                "a list of strings, none blank: the command then its arguments",
                "pass command=('clearsessions',)",
            )
        _check_management_command(where, args)
        check_values(where, "command", args)
        super().__init__(scope, id)

        self.runtime = runtime
        self.component = name
        self.name = full_name
        container = runtime.container("command", ["python", "-m", "django", *args], resources=resources)
        self.cron_job: ApiObject = emit(self, "Resource", {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": runtime.metadata(name),
            "spec": {
                "schedule": schedule,
                "timeZone": time_zone,
                "concurrencyPolicy": "Forbid",
                "startingDeadlineSeconds": DEFAULT_STARTING_DEADLINE_SECONDS,
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3,
                "jobTemplate": {
                    "metadata": {"labels": runtime.labels(name)},
                    "spec": {
                        "backoffLimit": 0,
                        "activeDeadlineSeconds": active_deadline_seconds,
                        "template": runtime.pod_template(name, [container], restart_policy="Never"),
                    },
                },
            },
        })


def _check_management_command(where: LazyPath, args: list[str]) -> None:
    first = args[0].split()
    if first[0] in LAUNCHERS:
        raise v.ConfigError(
            where, "command", tuple(args), "the management command and its arguments only (the job runs 'python -m django <command>')",
            f"drop {first[0]!r} and what launches Django, e.g. command=('clearsessions',)",
        )
    if len(first) > 1:
        raise v.ConfigError(
            where, "command", tuple(args), "the command and each argument as separate strings (exec form, no shell)",
            f"pass command={tuple(args[0].split()) + tuple(args[1:])!r}",
        )


def from_plan(chart: Any, plan: Plan) -> list[ManagementCronJob]:
    """One CronJob per ``DjangoApp.cron`` entry; its errors name the entry as main.py keys it."""
    from ..model.plan import cron_job_name

    app, built = plan.app, []
    keys = {cron_job_name(key): key for key in app.cron}
    for name, task in plan.cron:
        key = keys[name]
        entry = f"django_app.cron[{key!r}]"
        schedule = entry if isinstance(app.cron[key], str) else f"{entry}.schedule"
        as_typed = {"name": entry, "schedule": schedule, "command": f"{entry}.command", "time_zone": f"{entry}.time_zone"}
        with v.props_as_typed({**as_typed, **resources_as_typed("cron")}):
            built.append(ManagementCronJob(chart, f"Cron-{name}", runtime=chart.runtime, name=name, schedule=task.schedule,
                                           command=task.command, time_zone=task.time_zone, resources=plan.resources["cron"]))
    return built

"""``SeedDataJob``: fixtures and a first superuser for a fresh (preview) environment."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit_hashed_job
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import DEFAULT_SEED_RESOURCES
from ..model.options import Resources
from ..model.preview import SeedData

if TYPE_CHECKING:
    from ..model.plan import Plan

__all__ = ["SEED_SCRIPT", "SeedDataJob", "from_plan"]

COMPONENT = "seed"
# Idempotent, so a re-run (new image, new config) is harmless: loaddata updates the
# fixtures' rows; createsuperuser runs only while no superuser exists.
SEED_SCRIPT = """\
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
fixtures = sys.argv[1:]
if fixtures:
    call_command("loaddata", *fixtures)
if {superuser} and not get_user_model().objects.filter(is_superuser=True).exists():
    call_command("createsuperuser", interactive=False)
"""


class SeedDataJob(DjangoConstruct):
    """A Job ``<app>-seed-<hash>`` that loads fixtures and creates a superuser.

    It waits for migrations like every app pod. The superuser's name, e-mail and
    password come from the Secret's ``DJANGO_SUPERUSER_*`` keys (Django's
    ``createsuperuser --noinput`` contract), never from ``dist/``.

    Args:
        runtime: the shared app runtime.
        seed: what to load.
        ttl_seconds_after_finished: how long a finished Job stays. Default 1 day.
        resources: requests and memory limit. Default 100m CPU, 512Mi.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        seed: SeedData,
        ttl_seconds_after_finished: int = 86400,
        resources: Resources = DEFAULT_SEED_RESOURCES,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_resources(where, "resources", resources)
        if not seed.fixtures and not seed.superuser_secret:
            raise v.ConfigError(
                where, "seed", seed,
                "fixtures, a superuser_secret, or both",
                "pass SeedData(fixtures=('demo',)) or drop seed",
            )
        for index, fixture in enumerate(seed.fixtures):
            if not fixture or fixture.startswith("-"):
                raise v.ConfigError(where, f"seed.fixtures[{index}]", fixture, "a fixture name or path",
                                    "name a fixture of the app, e.g. 'demo'")
        if seed.superuser_secret is not None:
            v.check_dns_subdomain(where, "seed.superuser_secret", seed.superuser_secret)
        super().__init__(scope, id)
        job_runtime = replace(runtime, secrets=(*runtime.secrets, seed.superuser_secret)) if seed.superuser_secret else runtime
        script = SEED_SCRIPT.format(superuser=bool(seed.superuser_secret))
        container = job_runtime.container("seed", ["python", "-c", script, *seed.fixtures], resources=resources, wrap=False)
        template = job_runtime.pod_template(COMPONENT, [container], restart_policy="Never")
        self.component = COMPONENT
        self.job: ApiObject
        self.name, self.job = emit_hashed_job(
            self, runtime, COMPONENT, template, {"backoffLimit": 3, "ttlSecondsAfterFinished": ttl_seconds_after_finished}
        )


def from_plan(chart: Any, plan: Plan) -> list[SeedDataJob]:
    seed = plan.environment.seed
    if seed is None:
        return []
    with v.props_as_typed({"seed": "environment.seed"}):
        return [SeedDataJob(chart, "Seed", runtime=chart.runtime, seed=seed)]

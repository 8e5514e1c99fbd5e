"""Issue 20 §1: the workload registry. Each workload kind is one descriptor (``cdk8s_django.workloads``);
``resolve()`` turns them into ``Plan.workloads``, which the budget, the notes and the diagram read."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace

from cdk8s import App

import main
from cdk8s_django import DjangoChart, Environment, SeedData
from cdk8s_django import workloads as registry
from cdk8s_django.model._budget import connection_budget
from cdk8s_django.model.options import StoreRole
from cdk8s_django.model.plan import RESERVED_COMPONENTS, RESOURCE_KEYS
from cdk8s_django.output._facts import facts
from cdk8s_django.stores import KINDS
from cdk8s_django.testing import synth
from cdk8s_django.workloads import WORKLOAD_KINDS, WorkloadKind


def _chart(django_app=main.shop, environment=main.environments[0]) -> DjangoChart:  # type: ignore[no-untyped-def]
    return DjangoChart(App(), environment.name, django_app=django_app, environment=environment)


def test_each_kind_is_one_descriptor_in_its_own_module_and_in_the_registry() -> None:
    found = {}
    for module in pkgutil.iter_modules(registry.__path__):
        if not module.name.startswith("_"):
            kinds = [value for value in vars(importlib.import_module(f"{registry.__name__}.{module.name}")).values()
                     if isinstance(value, WorkloadKind)]
            assert len(kinds) == 1, module.name
            found[module.name] = kinds[0]
    assert sorted(found) == sorted(kind.name for kind in WORKLOAD_KINDS)
    assert all(found[kind.name] is kind for kind in WORKLOAD_KINDS)


def test_the_plan_lists_every_workload_the_chart_writes_in_its_order() -> None:
    chart = _chart()
    plan = chart.plan
    assert [(w.component, w.kind.manifest) for w in plan.workloads] == [
        ("migrate", "Job"), ("web", "Deployment"), ("worker", "Deployment"), ("worker-emails", "Deployment"),
        ("beat", "StatefulSet"), ("shell", "StatefulSet"), ("clearsessions", "CronJob"), ("weekly-report", "CronJob")]
    written = {(d["kind"], d["metadata"]["name"]) for d in synth(chart)}
    names = chart.workload_names()
    assert all((w.kind.manifest, names[w.component]) in written for w in plan.workloads)
    stores = {w.component: w.stores for w in plan.workloads}
    assert stores["web"] == stores["shell"] == (StoreRole.POSTGRES, StoreRole.CACHE, StoreRole.BROKER)
    assert stores["migrate"] == stores["clearsessions"] == (StoreRole.POSTGRES,)
    assert [(w.component, w.kind, w.stores) for w in facts(chart).workloads] == [
        (w.component, w.kind.manifest, w.stores) for w in plan.workloads]


def test_the_budget_is_the_sum_of_each_kinds_terms() -> None:
    plan = _chart(environment=main.environments[2]).plan
    terms = connection_budget(plan)
    assert [name for name, _, _ in terms] == ["migrate", "web", "worker", "worker-emails", "beat", "shell", "cron jobs"]
    assert terms == [term for kind in WORKLOAD_KINDS for term in kind.budget(plan)]
    assert terms[1] == ("web", "13 pods (10 + rollout surge) x 2 workers x 4 threads", 104)


def test_kinds_come_and_go_with_the_spec() -> None:
    no_celery = replace(main.shop, workers=(), beat=False)
    plan = _chart(no_celery, Environment.staging("qa", seed=SeedData(fixtures=("demo",)))).plan
    assert [w.component for w in plan.workloads] == ["migrate", "web", "seed", "shell", "clearsessions", "weekly-report"]
    assert {w.component: w.stores for w in plan.workloads}["web"] == (StoreRole.POSTGRES, StoreRole.CACHE)


def test_reserved_names_and_resource_keys_come_from_the_registries() -> None:
    assert {name for kind in WORKLOAD_KINDS for name in kind.reserved} <= RESERVED_COMPONENTS
    assert {"web", "beat", "shell", "shell-exec", "migrate", "seed"} <= RESERVED_COMPONENTS
    assert RESOURCE_KEYS == (*(k.resources_key for k in WORKLOAD_KINDS if k.resources_key), *(k.resources_key for k in KINDS))

"""Exact error messages: one case at least per validation rule (each case and its message in cases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cases import CASES, Case
from conftest import ROOT


def test_every_case_has_a_unique_id_and_a_message() -> None:
    ids = [case.id for case in CASES]
    assert len(set(ids)) == len(ids), sorted({i for i in ids if ids.count(i) > 1})
    assert all(case.message for case in CASES)
    assert len(CASES) >= 25


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


DIST_BEFORE = _tree(ROOT / "dist")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_fails_at_construction_with_exact_message(case: Case) -> None:
    with pytest.raises(ValueError) as error:
        case.build()
    assert str(error.value) == case.message
    assert _tree(ROOT / "dist") == DIST_BEFORE, "a failed construction must leave dist/ untouched"


def test_placeholders_lists_every_prop_left_to_fill() -> None:
    from dataclasses import replace

    from cdk8s_django import AcmCertificate, Environment, IngressOptions, Managed, NetworkAccess, placeholders

    production = Environment.production(
        hosts=("REPLACE-ME.example.com",), ingress=IngressOptions(class_name="alb", tls=AcmCertificate("REPLACE-ME")),
        postgres=Managed("REPLACE-ME.rds.amazonaws.com"), cache=Managed("cache.example.com"), broker=Managed("broker.example.com"),
        network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24", "REPLACE-ME")), env={"A": "REPLACE-ME"},
    )
    assert placeholders(production) == [
        "environment.postgres.host", "environment.hosts[0]", "environment.ingress.tls.arn", "environment.env['A']",
        "environment.network.load_balancer_cidrs[1]",
    ]
    assert placeholders(replace(production, hosts=(), ingress=None, postgres=Managed("db"), env={},
                                network=NetworkAccess())) == []


def test_a_branch_may_say_replace_me() -> None:
    """The placeholder check reads what a scaffold leaves, not a preview's branch or owner (CI's)."""
    from cdk8s import App

    from cdk8s_django import DjangoApp, DjangoChart, Environment

    environment = Environment.for_branch("chore/drop-REPLACE-ME-strings", owner="REPLACE-ME bot", domain="preview.example.com")
    DjangoChart(App(), environment.name, django_app=DjangoApp(name="shop", image="shop:1", settings_module="shop.settings"),
                environment=environment)

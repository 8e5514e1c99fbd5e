"""Property-based tests (hypothesis, derandomized, fixed budget): random specs either
synthesize output the API server accepts, or fail with a ``ConfigError`` naming the prop.

The judge is the output gate (``output_checks``), which imports nothing from the
library's validation code; ``make fuzz`` runs the same properties for longer.
"""

from __future__ import annotations

import ast
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TESTS
from fuzzing import judge, names_the_prop
from specgen import random_invalid, random_spec

def _budget(examples: int) -> settings:
    """A fixed, derandomized budget: the same examples on every run (``make fuzz`` for a random, long one)."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_budget(50)
@given(st.randoms(use_true_random=False))
def test_random_specs_synthesize_valid_output_or_name_the_bad_prop(rng: random.Random) -> None:
    outcome = judge(*random_spec(rng))
    assert outcome.kind in ("valid", "rejected"), outcome.detail


@_budget(150)
@given(st.randoms(use_true_random=False))
def test_random_invalid_values_raise_a_config_error_naming_the_prop(rng: random.Random) -> None:
    django_app, environment, prop = random_invalid(rng)
    outcome = judge(django_app, environment)
    assert outcome.kind == "rejected", f"{prop}: {outcome}"
    assert names_the_prop(prop, outcome.prop), (prop, outcome.detail)


def test_the_oracle_is_independent_of_the_input_checks() -> None:
    """The gate would prove nothing if it reused the code it judges."""
    for module in ("oracle.py", "output_checks.py", "crd_schema.py"):
        tree = ast.parse((TESTS / module).read_text())
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if m.startswith("cdk8s_django")], (module, imported)


def test_the_cached_schema_check_agrees_with_kubernetes_validate(example_docs: dict[str, list[dict[str, object]]]) -> None:
    """The gate's memoised validators refuse what kubernetes-validate refuses, and accept what it accepts."""
    import kubernetes_validate

    from output_checks import strict_schema_errors

    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "datta": {}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, "1.37", strict=True)
    assert strict_schema_errors(bad, "1.37") and strict_schema_errors(bad, "1.27")
    doc = next(d for d in example_docs["qa"] if d["kind"] == "Deployment")
    kubernetes_validate.validate(doc, "1.27", strict=True)
    assert strict_schema_errors(doc, "1.27") == []
    broken = {**doc, "spec": {**doc["spec"], "replicas": "two"}}  # type: ignore[dict-item]
    assert strict_schema_errors(broken, "1.37")

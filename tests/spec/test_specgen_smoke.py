"""The random spec generator (tests/specgen.py) returns what it promises; nothing is synthesized here."""

from __future__ import annotations

import random

import pytest
from cdk8s_django import DjangoApp, Environment
from specgen import describe, random_invalid, random_spec

SEEDS = range(21)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_spec_types(seed: int) -> None:
    app, env = random_spec(random.Random(seed))
    assert isinstance(app, DjangoApp)
    assert isinstance(env, Environment)
    flags = describe(app, env)
    assert flags and all(isinstance(k, str) and isinstance(v, bool) for k, v in flags.items())


@pytest.mark.parametrize("seed", SEEDS)
def test_random_invalid_types(seed: int) -> None:
    app, env, prop = random_invalid(random.Random(seed))
    assert isinstance(app, DjangoApp)
    assert isinstance(env, Environment)
    assert isinstance(prop, str) and prop and "=" not in prop
    assert all(isinstance(v, bool) for v in describe(app, env).values())


def test_same_seed_same_spec() -> None:
    assert random_spec(random.Random(7)) == random_spec(random.Random(7))
    assert random_invalid(random.Random(7)) == random_invalid(random.Random(7))

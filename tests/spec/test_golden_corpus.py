"""The output stays what it was unless a change means it: 300 random specs, main.py and
examples/blog against ``tests/golden/corpus.json``.

History: recorded at fdeb6ae, before the resolve-stage refactor (issue 9), which kept every
byte but for the fixes it listed here (commit 3df1c3c and after: the web policy's empty
``from``, explicit KEDA TLS honoured, inputs the API server refuses). Re-recorded when the
ALB listeners got a TLS 1.2+ SSL policy, public hosts came to need an Ingress, and egress
stopped reaching the instance metadata endpoint (issue 10).

An intended output change lists the seeds it changes in ``CHANGED`` with a reason the test
checks, or re-records the corpus (``python tests/golden/record_corpus.py --root .``) in a
commit that names the change. ``make test`` checks every third seed; ``make golden`` all.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys

import cdk8s
import pytest

from cdk8s_django import DjangoChart
from cdk8s_django.testing import synth, to_yaml
from conftest import ROOT
from specgen import random_spec

sys.path.insert(0, str(ROOT / "tests" / "golden"))
import record_corpus  # noqa: E402

CORPUS = json.loads((ROOT / "tests" / "golden" / "corpus.json").read_text())

# Seeds an intended change alters since the corpus was recorded, each with a phrase its new output or error shows.
CHANGED: dict[int, str] = {}


def _render(seed: int) -> tuple[str | None, str | None]:
    django_app, environment = random_spec(random.Random(seed))
    try:
        chart = DjangoChart(cdk8s.App(), environment.name, django_app=django_app, environment=environment)
    except ValueError as error:
        return None, f"{type(error).__name__}: {error}"
    return to_yaml(synth(chart)), None


def _record(text: str | None, error: str | None) -> dict[str, object]:
    if text is None:
        return {"error": error}
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "lines": len(text.splitlines())}


def _check_listed_change(seed: int, text: str | None, error: str | None) -> None:
    phrase = CHANGED[seed]
    assert phrase in (text if text is not None else str(error)), f"seed {seed}: {phrase!r} not in its new output or error"


STRIDE = 1 if os.environ.get("GOLDEN_ALL") else 3


@pytest.mark.parametrize("chunk", range(2))
def test_random_specs_match_the_corpus_or_a_listed_fix(chunk: int) -> None:
    drift = []
    for key, recorded in CORPUS["seeds"].items():
        seed = int(key)
        if seed % STRIDE or (seed // STRIDE) % 2 != chunk:
            continue
        text, error = _render(seed)
        current = _record(text, error)
        if seed in CHANGED:
            assert current != recorded, f"seed {seed} is listed as changed ({CHANGED[seed]}) but matches the corpus"
            _check_listed_change(seed, text, error)
        elif current != recorded:
            drift.append(f"seed {seed}: {recorded} -> {current}")
    assert drift == []


def test_the_example_apps_match_the_corpus() -> None:
    assert record_corpus.record_main(ROOT) == CORPUS["main"]
    assert record_corpus.record_blog(ROOT) == CORPUS["blog"]

"""Run one random spec through the library and judge the result by the output gate.

Outcomes: ``valid`` (synthesized, and the gate finds nothing), ``rejected`` (a
``ConfigError`` naming a prop, before any output), ``invalid`` (anything else:
output the API server would refuse, or an error other than ``ConfigError``).
Shared by the property tests (fixed budget, in ``make test``) and ``make fuzz``.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cdk8s import App  # noqa: E402

from cdk8s_django import ConfigError, DjangoApp, DjangoChart, Environment  # noqa: E402
from cdk8s_django.testing import synth  # noqa: E402
from construct_walk import unborn_objects  # noqa: E402
from output_checks import gate  # noqa: E402

__all__ = ["Outcome", "judge", "main", "names_the_prop"]


class Outcome:
    def __init__(self, kind: str, detail: str = "", documents: list[dict[str, Any]] | None = None, prop: str = "") -> None:
        self.kind, self.detail, self.documents, self.prop = kind, detail, documents or [], prop

    def __repr__(self) -> str:
        return f"Outcome({self.kind!r}, {self.detail!r})"


def judge(django_app: DjangoApp, environment: Environment) -> Outcome:
    try:
        chart = DjangoChart(App(), getattr(environment, "name", "env") or "env", django_app=django_app, environment=environment)
    except ConfigError as error:
        if f"invalid {error.prop}=" not in str(error):
            return Outcome("invalid", f"ConfigError without its prop: {error}")
        return Outcome("rejected", str(error), prop=error.prop)
    except Exception as error:  # the point: nothing but ConfigError may escape
        return Outcome("invalid", f"{type(error).__name__}: {error}")
    documents = synth(chart)
    problems = [f"{where}: a placeholder, not an ApiObject" for where in unborn_objects(chart)] + gate(documents)
    return Outcome("invalid", "; ".join(problems[:5]), documents) if problems else Outcome("valid", "", documents)


def names_the_prop(spec_prop: str, error_prop: str) -> bool:
    """The error names the prop: the spec's (``environment.web_replicas``) or, when a construct owns
    the check, the construct's own (``qa/Web: invalid replicas``)."""
    leaf = re.sub(r"^(gunicorn_|web_|worker_)", "", spec_prop.rsplit(".", 1)[-1].split("[")[0])
    return leaf in error_prop


def _judge_the_fix(django_app: DjangoApp, environment: Environment, outcome: Outcome, counts: collections.Counter[str]) -> str:
    """Issue 21 §3: the value a fix suggests passes the check that refused the spec ("invalid" when it does not)."""
    from fix_check import check_the_fix

    try:
        tried = check_the_fix(django_app, environment)
    except AssertionError as error:
        outcome.detail = str(error)
        return "invalid"
    except Exception as error:  # the fixed spec crashed: as invalid as any other escape
        outcome.detail = f"the suggested fix crashed: {type(error).__name__}: {error}"
        return "invalid"
    if tried is not None:
        counts["fix suggested and tried"] += 1
    return "rejected"


def _run(seed: int, indices: range) -> tuple[collections.Counter[str], collections.Counter[str], list[str]]:
    """The specs ``seed + index`` for each index: counts of outcomes, of options present, and the failures."""
    from specgen import describe, random_invalid, random_spec

    counts: collections.Counter[str] = collections.Counter()
    options: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    for index in indices:
        rng = random.Random(seed + index)
        if (seed + index) % 4 == 3:  # by the spec's own seed: FUZZ_SEED=<a failing seed> FUZZ_EXAMPLES=1 replays it
            django_app, environment, prop = random_invalid(rng)
            outcome = judge(django_app, environment)
            kind = "rejected" if outcome.kind == "rejected" and names_the_prop(prop, outcome.prop) else "invalid"
            if kind == "invalid":
                outcome.detail = f"expected a ConfigError naming {prop}, got {outcome.kind}: {outcome.detail}"
            else:
                kind = _judge_the_fix(django_app, environment, outcome, counts)
            counts[f"invalid spec {kind}"] += 1
        else:
            django_app, environment = random_spec(rng)
            outcome = judge(django_app, environment)
            kind = outcome.kind
            counts[f"random spec {kind}"] += 1
            options.update(name for name, present in describe(django_app, environment).items() if present)
        if kind == "invalid":
            failures.append(f"seed {seed + index}: {outcome.detail}")
    return counts, options, failures


def _run_chunk(job: tuple[int, int, int]) -> tuple[collections.Counter[str], collections.Counter[str], list[str]]:
    seed, start, stop = job
    return _run(seed, range(start, stop))


def main(argv: list[str] | None = None) -> int:
    """``make fuzz``: a long random run; prints the counts and how often each option was present."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--examples", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=None, help="default: a random seed (printed, to replay)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: one per CPU)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"fuzz: {args.examples} specs, seed {seed}, {args.jobs} processes", flush=True)
    counts: collections.Counter[str] = collections.Counter()
    options: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    started = time.monotonic()
    size = 250  # spec seeds are seed + index whatever the process: a run replays the same with any --jobs
    jobs = [(seed, start, min(start + size, args.examples)) for start in range(0, args.examples, size)]
    if args.jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
            results = list(pool.imap_unordered(_run_chunk, jobs))
    else:
        results = [_run_chunk(job) for job in jobs]
    for chunk_counts, chunk_options, chunk_failures in results:
        counts.update(chunk_counts)
        options.update(chunk_options)
        failures += chunk_failures
    failures.sort(key=lambda failure: int(failure.split(":")[0].split()[1]))
    elapsed = time.monotonic() - started
    for name, count in sorted(counts.items()):
        print(f"  {name:28} {count:6}")
    print("option present in valid-leaning specs (count):")
    for name, count in sorted(options.items()):
        print(f"  {name:28} {count:6}")
    print(f"{elapsed:.0f} s; {len(failures)} invalid")
    for failure in failures[:20]:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

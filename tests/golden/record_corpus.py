"""Record the golden corpus: what a source tree of cdk8s_django renders for random specs and the examples.

    python tests/golden/record_corpus.py --root /tmp/base [--out tests/golden/corpus.json] [--seeds 300]

For each seed, ``random_spec(random.Random(seed))`` (tests/specgen.py) is built into a
``DjangoChart`` and its documents rendered with ``cdk8s_django.testing``; the record is
``{"sha256": <hex of the YAML>, "lines": <line count>}``, or ``{"error": "<Type>: <message>"}``
when construction or synthesis raised. ``main`` and ``blog`` hold the sha256 of every file the
example app (``main.py``) and ``examples/blog/main.py`` render, keyed ``<environment>/<file>``.

``cdk8s_django`` is imported from ``<root>/constructs`` and ``main`` from ``<root>``, so the
corpus can be recorded against any checkout (e.g. a ``git archive`` of the base commit).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import random
import runpy
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent.parent
# Variables that change what main.py renders (CI's image pins, a preview, one environment alone).
MAIN_VARIABLES = ("PREVIEW_BRANCH", "PREVIEW_OWNER", "PREVIEW_CREATED_AT", "ONLY_ENVIRONMENT", "CDK8S_OUTDIR", "CDK8S_DJANGO_DIST_DIR")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _import_library(root: Path) -> Any:
    """``cdk8s_django`` from ``<root>/constructs`` (first on sys.path), ``main`` importable from ``<root>``."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    for variable in [k for k in os.environ if k.startswith("SHOP_IMAGE") or k in MAIN_VARIABLES]:
        del os.environ[variable]
    for module in [m for m in sys.modules if m == "cdk8s_django" or m.startswith("cdk8s_django.") or m == "main"]:
        del sys.modules[module]
    sys.path[:0] = [str(root / "constructs"), str(root), str(TESTS)]
    import cdk8s_django

    location = Path(cdk8s_django.__file__).resolve()
    print(f"cdk8s_django from {location}", flush=True)
    if not location.is_relative_to(root.resolve()):
        raise SystemExit(f"cdk8s_django was imported from {location}, not from under {root}")
    return cdk8s_django


def record_seed(seed: int) -> dict[str, Any]:
    import cdk8s
    from cdk8s_django import DjangoChart
    from cdk8s_django.testing import synth, to_yaml
    from specgen import random_spec

    rng = random.Random(seed)
    app, env = random_spec(rng)
    try:
        chart = DjangoChart(cdk8s.App(), env.name, django_app=app, environment=env)
        text = to_yaml(synth(chart))
    except Exception as error:  # noqa: BLE001  (every failure is a record: ValueError by design, anything else a bug)
        return {"error": f"{type(error).__name__}: {error}"}
    return {"sha256": _sha256(text), "lines": len(text.splitlines())}


def record_main(root: Path) -> dict[str, str]:
    """main.py's whole output, as ``build_app(...).render()`` gives it, with cwd at the root."""
    previous = os.getcwd()
    os.chdir(root)
    try:
        import main

        if not Path(main.__file__).resolve().is_relative_to(root.resolve()):
            raise SystemExit(f"main was imported from {main.__file__}, not from under {root}")
        with tempfile.TemporaryDirectory() as scratch:
            rendered = main.build_app(outdir=str(Path(scratch) / "x"), display_dir="dist").render()
    finally:
        os.chdir(previous)
    return {f"{folder}/{name}": _sha256(text) for folder, files in rendered.items() for name, text in files.items()}


def record_blog(root: Path) -> dict[str, str]:
    """examples/blog/main.py run as a script (it calls ``app.synth()``), as ``cdk8s synth`` runs it:
    into ``dist/``, here a scratch folder, with the notes' commands naming ``dist``."""
    previous = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dist"
        os.environ.update(CDK8S_OUTDIR=str(out), CDK8S_DJANGO_DIST_DIR="dist")
        os.chdir(scratch)
        try:
            runpy.run_path(str(root / "examples" / "blog" / "main.py"), run_name="__main__")
        finally:
            os.chdir(previous)
            for variable in ("CDK8S_OUTDIR", "CDK8S_DJANGO_DIST_DIR"):
                os.environ.pop(variable, None)
        return {str(path.relative_to(out)): _sha256(path.read_text()) for path in sorted(out.rglob("*")) if path.is_file()}


def _summary(seeds: dict[str, dict[str, Any]]) -> None:
    errors = collections.Counter(record["error"].split(":")[0] for record in seeds.values() if "error" in record)
    messages = collections.Counter(_shape(record["error"]) for record in seeds.values() if "error" in record)
    print(f"{len(seeds) - sum(errors.values())} synthesized, {sum(errors.values())} raised: {dict(errors.most_common())}")
    for message, count in messages.most_common():
        print(f"  {count:3d}  {message}")


def _shape(error: str) -> str:
    """An error without its construct path and value: the type and the prop."""
    kind, _, message = error.partition(": ")
    if " invalid " in f" {message}" and "=" in message:
        return f"{kind}: invalid {message.split('invalid ', 1)[1].split('=', 1)[0]}"
    return f"{kind}: {message[:120]}"


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True, type=Path, help="a source tree: <root>/constructs/cdk8s_django, <root>/main.py")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "corpus.json")
    parser.add_argument("--seeds", type=int, default=300)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    _import_library(root)
    started = time.monotonic()
    seeds = {str(seed): record_seed(seed) for seed in range(args.seeds)}
    corpus = {"seeds": seeds, "main": record_main(root), "blog": record_blog(root)}
    args.out.write_text(json.dumps(corpus, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
    _summary(seeds)
    print(f"main: {len(corpus['main'])} files, blog: {len(corpus['blog'])} files")
    print(f"wrote {args.out} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main_()

"""Shared fixtures. One jsii Node process serves the whole session (one Python process)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
for variable in [k for k in os.environ if k.startswith("SHOP_IMAGE")]:
    del os.environ[variable]

TESTS = Path(__file__).resolve().parent  # the shared helpers (_k8s, netpol, oracle, specgen, ...) live here
ROOT = TESTS.parent
sys.path.insert(0, str(ROOT))
# Test files sit in folders that mirror the package (spec/, k8s/, components/, output/, project/)
# and import the helpers above as top-level modules.
sys.path.insert(0, str(TESTS))

import main  # noqa: E402  (the example app, built here exactly as `cdk8s synth` builds it)


@pytest.fixture(scope="session")
def rendered() -> dict[str, dict[str, str]]:
    """The example app's files, ``{environment: {file name: YAML}}``."""
    return main.build_app(outdir=str(ROOT / ".synth-test-unused"), display_dir="dist").render()


# Cluster-wide objects, not environments: the namespace fence, then the reaper's access (applied last).
FENCE, ACCESS = "cluster-1-fence", "cluster-2-access"
CLUSTER = (FENCE, ACCESS)
ARGO_CD = "argocd"  # opt-in GitOps objects, applied into Argo CD's namespace


@pytest.fixture(scope="session")
def example_docs(rendered: dict[str, dict[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """The example app's documents per environment, parsed."""
    import yaml

    return {
        env: [yaml.safe_load(text) for name, text in files.items() if name.endswith(".yaml")]
        for env, files in rendered.items() if env not in (*CLUSTER, ARGO_CD)
    }


@pytest.fixture(scope="session")
def cluster_docs(rendered: dict[str, dict[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """The cluster folders' documents: ``{folder: [document]}``."""
    import yaml

    return {folder: [yaml.safe_load(text) for name, text in rendered[folder].items() if name.endswith(".yaml")] for folder in CLUSTER}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spread the slow test files (packages built, other repos' commands run) over the xdist workers, each at the
    head of one worker's share: worksteal hands each worker a contiguous share of this order, and a worker that
    finishes early takes from the others' tails (`make test` wall time)."""
    slow = ("tests/project/test_packaging.py", "tests/spec/test_properties.py", "tests/output/test_atomic.py",
            "tests/k8s/test_imports.py", "tests/project/test_bench_runs.py", "tests/spec/test_golden_corpus.py")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    by_file = {path: [item for item in items if item.nodeid.split("::")[0] == path] for path in slow}
    rest = [item for item in items if item.nodeid.split("::")[0] not in slow]
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for index, path in enumerate(slow):
        shares[index % workers].extend(by_file[path])
    size = -(-len(items) // workers)
    for share in shares:
        while len(share) < size and rest:
            share.append(rest.pop(0))
    items[:] = [item for share in shares for item in share] + rest

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
    """The tests that build packages and run other repos' commands first: with two workers, each
    then takes one of them while the other works through the short ones (`make test` wall time)."""
    first = ("tests/project/test_scaffold.py", "tests/project/test_packaging.py", "tests/spec/test_properties.py",
             "tests/k8s/test_imports.py", "tests/output/test_atomic.py")
    rank = {path: index for index, path in enumerate(first)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(first)))

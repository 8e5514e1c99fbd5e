"""``make e2e``: each container of dist/qa/ and dist/production/ run as its manifest says, on this machine.

The run is one pytest session inside its own network namespace (the Makefile starts it under ``unshare --net``);
each test module is one environment, its tests in the order a rollout meets them, each test one step. A failure
names the environment, the workload, the container and the step (``PodFailed``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# steps.py holds the asserts of test_qa.py and test_production.py: rewritten too, so a failure shows its values.
pytest.register_assert_rewrite("e2e.steps")

from . import manifests
from .network import Network

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "build" / "e2e" / "image"  # the reference app as its Dockerfile builds it (make e2e does)
STATE = ROOT / "build" / "e2e" / "run"


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.geteuid() != 0:
        pytest.exit("make e2e needs root for its namespaces (CI runs as root; on a laptop: sudo make e2e)", returncode=2)
    if not (BUILT / ".built").exists():
        pytest.exit("the reference app is not built: run make e2e, which builds it first", returncode=2)


@pytest.fixture(scope="session")
def state(worker_id: str) -> Path:
    """This worker's folder for pods' roots, volumes and logs (each environment runs on a worker of its own)."""
    folder = STATE / worker_id
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="session")
def network(state: Path, worker_id: str) -> Network:
    return Network(state, int(worker_id[2:]) if worker_id.startswith("gw") else 0)


def load(name: str) -> manifests.Environment:
    return manifests.Environment.load(ROOT / "dist" / name)

"""imports/ is exactly what `cdk8s import` generates, offline, from the committed CRDs."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

CACHE_KEY = "cdk8s-django/imports-verified"


def _sources(folder: Path) -> dict[str, str]:
    # The jsii tarballs carry timestamps; the Python sources are what matters.
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.py"))}


def _inputs_digest() -> str:
    """Everything the check depends on: the CRDs, cdk8s.yaml, the pinned CLI and the committed sources."""
    digest = hashlib.sha256()
    for path in [ROOT / "cdk8s.yaml", ROOT / "package-lock.json", *sorted((ROOT / "imports").rglob("*"))]:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_imports_regenerate_offline_and_match(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Regenerating takes the CLI about 12 s: a warm run skips it when nothing it depends on changed
    since the last run that regenerated and matched (a fresh clone, CI, always regenerates)."""
    digest = _inputs_digest()
    if request.config.cache.get(CACHE_KEY, None) == digest:
        return
    project = tmp_path / "project"
    (project / "imports").mkdir(parents=True)
    shutil.copy(ROOT / "cdk8s.yaml", project / "cdk8s.yaml")
    shutil.copytree(ROOT / "imports" / "crds", project / "imports" / "crds")
    env = {**os.environ, "CDK8S_CHECK_UPGRADE": "false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    subprocess.run([str(ROOT / "node_modules" / ".bin" / "cdk8s"), "import", "--language", "python", "--output", "imports"],
                   cwd=project, env=env, check=True, capture_output=True, timeout=600)
    generated = _sources(project / "imports")
    assert len(generated) >= 6
    assert generated == _sources(ROOT / "imports")
    request.config.cache.set(CACHE_KEY, digest)


def test_the_library_never_imports_a_top_level_imports_package() -> None:
    for source in (ROOT / "constructs" / "cdk8s_django").rglob("*.py"):
        text = source.read_text()
        assert "from imports" not in text and "import imports" not in text, source

"""`python -m cdk8s_django init`: a new team's repo passes its own two commands, from the local build.

The package is built (sdist, then the wheel from it) and the new repo's requirements.txt points
at that wheel: no git remote. The repo then runs `make synth` and `make test` as its README says,
gets production once its placeholders are filled, and its ci.sh catches a stale dist/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

REAL_VALUES = {
    '"REPLACE-ME.example.com"': '"shop.example.com"',
    '"arn:aws:acm:REPLACE-ME"': '"arn:aws:acm:eu-west-1:123456789012:certificate/prod"',
    '"REPLACE-ME.rds.amazonaws.com"': '"shop.abc.eu-west-1.rds.amazonaws.com"',
    '"REPLACE-ME.cache.amazonaws.com"': '"shop.abc.euw1.cache.amazonaws.com"',
    '("REPLACE-ME",)': '("10.20.0.0/24",)',
}


def _run(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JSII_SILENCE", "CDK8S_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.com", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_COMPILE": "1", "MAKEFLAGS": ""})
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # The sdist, then the wheel from it (a stale build/ cannot leak in); the test environment has the
    # build backend, so no isolated one is made (test_packaging builds with isolation).
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)], cwd=out)
    return next(out.glob("cdk8s_django-*.whl"))


def test_a_new_repo_passes_its_own_two_commands(tmp_path: Path, wheel: Path) -> None:
    repo = tmp_path / "shop-deploy"
    init = _run([sys.executable, "-m", "cdk8s_django", "init", "shop", "--image", "registry.example.com/shop:1.0.0",
                 "--dir", str(repo), "--requirement", f"cdk8s-django @ file://{wheel}"], cwd=tmp_path)
    assert "cd " + str(repo) + " && make synth && make test" in init.stdout
    assert "requirements.txt installs cdk8s-django from this machine" in init.stdout  # a local build: say so
    assert sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()) == [
        ".gitignore", "Makefile", "README.md", "cdk8s.yaml", "ci.sh", "main.py", "package.json", "requirements.txt",
        "tests/__snapshots__/test_main/test_staging_manifests.yaml", "tests/conftest.py", "tests/test_main.py",
    ]
    assert yaml.safe_load((repo / "cdk8s.yaml").read_text())["output"] == ".cdk8s-out"  # a scratch folder, never dist/
    cli = json.loads((repo / "package.json").read_text())["devDependencies"]["cdk8s-cli"]
    assert cli == json.loads((ROOT / "package.json").read_text())["devDependencies"]["cdk8s-cli"]
    requirements = (repo / "requirements.txt").read_text().splitlines()
    assert requirements[1] == f"cdk8s-django @ file://{wheel}" and all("==" in line for line in requirements[2:] if line)
    readme = (repo / "README.md").read_text()
    assert "make synth" in readme and "make test" in readme

    # The README's two commands, on a machine with no cdk8s-django but the wheel.
    synth = _run(["make", "synth"], cwd=repo)
    assert "production: not synthesized until these are real values: environment.postgres.host" in synth.stderr
    assert "end-of-life" not in synth.stderr + synth.stdout  # the library silences jsii's Node banner
    assert sorted(p.name for p in (repo / "dist").iterdir()) == ["staging"]
    assert sorted((repo / "dist" / "staging").glob("*.yaml"))[0].name == "00-namespace-shop-staging.yaml"
    tests = _run(["make", "test"], cwd=repo)
    assert "2 passed" in tests.stdout

    # Real values: production is written, and the tests still pass.
    main_py = (repo / "main.py").read_text()
    for placeholder, value in REAL_VALUES.items():
        assert placeholder in main_py
        main_py = main_py.replace(placeholder, value)
    (repo / "main.py").write_text(main_py)
    synth = _run(["make", "synth"], cwd=repo)
    assert "not synthesized" not in synth.stderr
    assert sorted(p.name for p in (repo / "dist").iterdir()) == ["production", "staging"]

    # ci.sh (make synth, the stale check, make test): green on a committed, fresh dist/; red when it is stale.
    _run(["git", "init", "-q"], cwd=repo)
    _run(["git", "add", "-A"], cwd=repo)
    _run(["git", "commit", "-qm", "scaffold"], cwd=repo)
    _run(["./ci.sh"], cwd=repo)
    (repo / "dist" / "staging" / "NOTES.md").write_text("stale\n")
    _run(["git", "commit", "-qam", "stale dist"], cwd=repo)
    stale = _run(["./ci.sh"], cwd=repo, check=False)
    assert stale.returncode == 1 and "dist/ is stale: run make synth and commit it" in stale.stderr


def test_init_refuses_a_bad_name_and_an_occupied_folder(tmp_path: Path) -> None:
    bad = _run([sys.executable, "-m", "cdk8s_django", "init", "Shop", "--image", "shop:1", "--dir", str(tmp_path / "a")],
               cwd=tmp_path, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("init: invalid app='Shop'")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.py").write_text("# ours\n")
    occupied = _run([sys.executable, "-m", "cdk8s_django", "init", "shop", "--image", "shop:1", "--dir", str(tmp_path / "b")],
                    cwd=tmp_path, check=False)
    assert occupied.returncode == 2
    assert occupied.stderr.strip() == (f"init: invalid directory='{tmp_path / 'b'}': expected a folder without main.py."
                                       " Fix: choose a new folder, or move those files away first")
    assert (tmp_path / "b" / "main.py").read_text() == "# ours\n"
    (tmp_path / "c").write_text("a file\n")
    a_file = _run([sys.executable, "-m", "cdk8s_django", "init", "shop", "--image", "shop:1", "--dir", str(tmp_path / "c")],
                  cwd=tmp_path, check=False)
    assert a_file.returncode == 2
    assert a_file.stderr.strip() == f"init: invalid directory='{tmp_path / 'c'}': expected a folder (this is a file). Fix: choose a new folder"

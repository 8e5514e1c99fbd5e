"""Other teams install the package and use it in their own cdk8s repository.

Builds the wheel and sdist, installs the package from a git URL into a fresh
virtual environment outside the repo, writes a consumer app there (its own
cdk8s.yaml, main.py and an unrelated imports/ folder) and runs `cdk8s synth`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

import cdk8s_django
from conftest import ROOT


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = env or {**os.environ, "CDK8S_CHECK_UPGRADE": "false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
                  "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_COMPILE": "1"}
    env.pop("CDK8S_OUTDIR", None)
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result  # type: ignore[no-any-return]


def test_wheel_and_sdist(tmp_path: Path) -> None:
    # No flags: the sdist first, then the wheel from the sdist, so a stale build/ folder cannot leak in.
    run([sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)], cwd=tmp_path)
    wheel = next(tmp_path.glob("cdk8s_django-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    package = sorted(str(p.relative_to(ROOT / "constructs")) for p in (ROOT / "constructs" / "cdk8s_django").rglob("*.py"))
    assert sorted(n for n in names if n.endswith(".py")) == package  # every module, in its layer folder, and nothing else
    assert "cdk8s_django/py.typed" in names and "cdk8s_django/components/django_web.py" in names
    assert not [n for n in names if n.startswith(("imports/", "tests/", "constructs/"))]
    sdist = next(tmp_path.glob("cdk8s_django-*.tar.gz"))
    assert any(n.endswith("constructs/cdk8s_django/__init__.py") for n in tarfile.open(sdist).getnames())
    assert wheel.name.startswith(f"cdk8s_django-{cdk8s_django.__version__}-")


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the package installed from a git+file URL of this repository."""
    if not (ROOT / ".git").exists():
        pytest.fail("the repository must be a git checkout")
    project = tmp_path_factory.mktemp("consumer")
    run([sys.executable, "-m", "venv", ".venv"], cwd=project)
    # The README's local form, word for word, with the venv's pip first on PATH.
    variable, install = _readme_local_install()
    script = f'{variable}="{ROOT}"\n{install} --quiet\n'
    run(["bash", "-euo", "pipefail", "-c", script], cwd=project,
        env={**os.environ, "PATH": f"{project / '.venv' / 'bin'}:{os.environ['PATH']}", "PIP_NO_COMPILE": "1",
             "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return project


def _readme_local_install() -> tuple[str, str]:
    """The README's local install: the variable it sets and the pip line, as written there."""
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index("```sh\nCDK8S_DJANGO="):]
    lines = block.split("```")[1].strip().splitlines()[1:]
    assert lines[0].startswith("CDK8S_DJANGO=") and lines[1] == 'pip install "git+file://$CDK8S_DJANGO"', lines
    return "CDK8S_DJANGO", lines[1]


def test_the_readme_names_this_versions_release_tag() -> None:
    readme = (ROOT / "README.md").read_text()
    assert f'pip install "git+https://<git-url>/cdk8s-django@v{cdk8s_django.__version__}"' in readme
    assert f"now `v{cdk8s_django.__version__}`" in readme
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{cdk8s_django.__version__}"' in pyproject


def test_init_pins_the_installed_commit(consumer: Path) -> None:
    """Installed from git, init's requirements line is that URL at that commit (bare: pip 3.11 refuses 'name @ git+file')."""
    result = run([str(consumer / ".venv" / "bin" / "python"), "-c",
                  "from cdk8s_django.scaffold import package_requirement; print(package_requirement())"], cwd=consumer)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert result.stdout.strip() == f"git+file://{ROOT}@{head}"


def test_consumer_repo_synthesizes_with_cdk8s(consumer: Path) -> None:
    # The consumer's own imports/ package, as `cdk8s import` leaves in every cdk8s repo.
    (consumer / "imports" / "k8s").mkdir(parents=True)
    (consumer / "imports" / "__init__.py").write_text("")
    (consumer / "imports" / "k8s" / "__init__.py").write_text("raise ImportError('the consumer imports/ must never be loaded by the library')\n")
    # As the README says: the CLI's output is a scratch folder; the app writes dist/ itself.
    (consumer / "cdk8s.yaml").write_text("language: python\napp: .venv/bin/python main.py\noutput: .cdk8s-out\n")
    shutil.copy(ROOT / "examples" / "blog" / "main.py", consumer / "main.py")
    run([str(ROOT / "node_modules" / ".bin" / "cdk8s"), "synth"], cwd=consumer)
    files = sorted((consumer / "dist" / "staging").glob("*.yaml"))
    assert files[0].name == "00-namespace-blog-staging.yaml"
    kinds = set()
    for path in files:
        doc = yaml.safe_load(path.read_text())
        kinds.add(doc["kind"])
        if doc["apiVersion"].startswith(("external-secrets.io", "generators.")):
            continue
        kubernetes_validate.validate(doc, "1.37", strict=True)
    assert {"Deployment", "StatefulSet", "CronJob", "Job", "ConfigMap"} <= kinds
    web = yaml.safe_load(next((consumer / "dist" / "staging").glob("*-deployment-blog-web.yaml")).read_text())
    assert [c["name"] for c in web["spec"]["template"]["spec"]["containers"]] == ["web", "statsd-exporter"]
    # A failing synth keeps the previous dist/ whole.
    before = {str(p): p.read_text() for p in sorted((consumer / "dist").rglob("*")) if p.is_file()}
    (consumer / "main.py").write_text((consumer / "main.py").read_text().replace('name="blog"', 'name="Blog"'))
    env = {**os.environ, "CDK8S_CHECK_UPGRADE": "false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    failed = subprocess.run([str(ROOT / "node_modules" / ".bin" / "cdk8s"), "synth"], cwd=consumer, env=env, capture_output=True, timeout=300)
    assert failed.returncode != 0
    assert {str(p): p.read_text() for p in sorted((consumer / "dist").rglob("*")) if p.is_file()} == before


def test_installed_package_is_the_checked_out_version(consumer: Path) -> None:
    result = run([str(consumer / ".venv" / "bin" / "python"), "-c", "import cdk8s_django; print(cdk8s_django.__version__)"], cwd=consumer)
    assert result.stdout.strip() == cdk8s_django.__version__


def test_importing_the_library_first_silences_the_node_banner() -> None:
    """jsii's 11-line end-of-life banner (Node 20) on every consumer synth: gone when cdk8s_django comes first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE_WARNING")}
    quiet = subprocess.run([sys.executable, "-c", "import cdk8s_django, cdk8s; cdk8s.App()"], env=env, capture_output=True,
                           text=True, timeout=120, check=True)
    assert "end-of-life" not in quiet.stderr and "!!" not in quiet.stderr
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout
    if node.startswith("v20."):  # the banner exists for this Node: show that the test would see it
        loud = subprocess.run([sys.executable, "-c", "import cdk8s; cdk8s.App()"], env=env, capture_output=True, text=True,
                              timeout=120, check=True)
        assert "end-of-life" in loud.stderr

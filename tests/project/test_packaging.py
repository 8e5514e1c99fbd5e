"""Other teams install the package and use it in their own cdk8s repository.

Builds the wheel and sdist, installs the package from a git URL into a fresh
virtual environment outside the repo, writes a consumer app there (its own
cdk8s.yaml, main.py and an unrelated imports/ folder) and runs `cdk8s synth`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import cdk8s_django
import kubernetes_validate
import pytest
import yaml
from conftest import ROOT


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = env or {**os.environ, "CDK8S_CHECK_UPGRADE": "false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
                  "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_COMPILE": "1"}
    env.pop("CDK8S_OUTDIR", None)
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result  # type: ignore[no-any-return]


def test_wheel_and_sdist(tmp_path: Path) -> None:
    # The sdist first, then the wheel from the sdist, so a stale build/ folder cannot leak in. No isolated build
    # env: the test env has the backend; pip's isolated build of the declared requirements runs in the consumer test.
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)], cwd=tmp_path)
    wheel = next(tmp_path.glob("cdk8s_django-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    package = sorted(str(p.relative_to(ROOT / "constructs")) for p in (ROOT / "constructs" / "cdk8s_django").rglob("*.py"))
    assert sorted(n for n in names if n.endswith(".py")) == package  # every module, in its layer folder, and nothing else
    assert "cdk8s_django/py.typed" in names and "cdk8s_django/components/django_web.py" in names
    # The jsii companion's assembly travels in the wheel: installing needs no npm.
    assert "cdk8s_django/_companion/_jsii/cdk8s-django-companion@0.1.0.jsii.tgz" in names
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


def test_the_readme_consumer_path(consumer: Path) -> None:
    """One venv, installed by the README's local form: the version, the blog app under `cdk8s synth`,
    then the README's init lines word for word and the new repo's own commands (one test, so one venv)."""
    result = run([str(consumer / ".venv" / "bin" / "python"), "-c", "import cdk8s_django; print(cdk8s_django.__version__)"], cwd=consumer)
    assert result.stdout.strip() == cdk8s_django.__version__
    _blog_synthesizes_with_cdk8s(consumer / "blog", consumer / ".venv")
    _init_and_the_new_repos_commands(consumer)


def _blog_synthesizes_with_cdk8s(project: Path, venv: Path) -> None:
    # The consumer's own imports/ package, as `cdk8s import` leaves in every cdk8s repo.
    (project / "imports" / "k8s").mkdir(parents=True)
    (project / "imports" / "__init__.py").write_text("")
    (project / "imports" / "k8s" / "__init__.py").write_text("raise ImportError('the consumer imports/ must never be loaded by the library')\n")
    # As the README says: the CLI's output is a scratch folder; the app writes dist/ itself.
    (project / "cdk8s.yaml").write_text(f"language: python\napp: {venv}/bin/python main.py\noutput: .cdk8s-out\n")
    shutil.copy(ROOT / "examples" / "blog" / "main.py", project / "main.py")
    run([str(ROOT / "node_modules" / ".bin" / "cdk8s"), "synth"], cwd=project)
    files = sorted((project / "dist" / "staging").glob("*.yaml"))
    assert files[0].name == "00-namespace-blog-staging.yaml"
    kinds = set()
    for path in files:
        doc = yaml.safe_load(path.read_text())
        kinds.add(doc["kind"])
        if doc["apiVersion"].startswith(("external-secrets.io", "generators.")):
            continue
        kubernetes_validate.validate(doc, "1.37", strict=True)
    assert {"Deployment", "StatefulSet", "CronJob", "Job", "ConfigMap"} <= kinds
    web = yaml.safe_load(next((project / "dist" / "staging").glob("*-deployment-blog-web.yaml")).read_text())
    assert [c["name"] for c in web["spec"]["template"]["spec"]["containers"]] == ["web", "statsd-exporter"]
    # A failing synth keeps the previous dist/ whole.
    before = {str(p): p.read_text() for p in sorted((project / "dist").rglob("*")) if p.is_file()}
    (project / "main.py").write_text((project / "main.py").read_text().replace('name="blog"', 'name="Blog"'))
    env = {**os.environ, "CDK8S_CHECK_UPGRADE": "false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    failed = subprocess.run([str(ROOT / "node_modules" / ".bin" / "cdk8s"), "synth"], cwd=project, env=env, capture_output=True, timeout=300)
    assert failed.returncode != 0
    assert {str(p): p.read_text() for p in sorted((project / "dist").rglob("*")) if p.is_file()} == before


REAL_VALUES = {
    '"REPLACE-ME.example.com"': '"shop.example.com"',
    '"arn:aws:acm:REPLACE-ME"': '"arn:aws:acm:eu-west-1:123456789012:certificate/prod"',
    '"REPLACE-ME.rds.amazonaws.com"': '"shop.abc.eu-west-1.rds.amazonaws.com"',
    '"REPLACE-ME-cache.cache.amazonaws.com"': '"shop-cache.abc.euw1.cache.amazonaws.com"',
    '"REPLACE-ME-broker.cache.amazonaws.com"': '"shop-broker.abc.euw1.cache.amazonaws.com"',
    '("REPLACE-ME",)': '("10.20.0.0/24",)',
}


def _readme_init_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index("```sh\npython -m cdk8s_django init "):].split("```")[1].strip().splitlines()[1:]
    assert block == ["python -m cdk8s_django init shop --image registry.example.com/shop:1.0.0   # writes shop-deploy/",
                     "cd shop-deploy && make synth && make test"], block
    return block


def _init_and_the_new_repos_commands(consumer: Path) -> None:
    """The README's init block, word for word, with the consumer venv first on PATH; then production with real
    values, and ci.sh green on a fresh dist/ and red on a stale one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JSII_SILENCE", "CDK8S_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update({"PATH": f"{consumer / '.venv' / 'bin'}:{os.environ['PATH']}", "PIP_NO_COMPILE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.com", "MAKEFLAGS": ""})
    work = consumer / "team"
    work.mkdir()
    first = run(["bash", "-euo", "pipefail", "-c", "\n".join(_readme_init_lines())], cwd=work, env=env)
    repo = work / "shop-deploy"
    assert "production: not synthesized until these are real values: environment.postgres.host" in first.stderr
    assert "end-of-life" not in first.stderr + first.stdout  # the library silences jsii's Node banner
    assert "2 passed" in first.stdout
    ignored = {".venv", "dist", "__pycache__", ".pytest_cache", ".dist.lock"}  # what make and pytest leave (.gitignore)
    assert sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file() and not ignored & set(p.relative_to(repo).parts)) == [
        ".gitignore", "Makefile", "README.md", "cdk8s.yaml", "ci.sh", "main.py", "package.json", "requirements.txt",
        "tests/__snapshots__/test_main/test_staging_manifests.yaml", "tests/conftest.py", "tests/test_main.py",
    ]
    assert sorted(p.name for p in (repo / "dist").iterdir()) == ["staging"]
    assert sorted((repo / "dist" / "staging").glob("*.yaml"))[0].name == "00-namespace-shop-staging.yaml"
    assert yaml.safe_load((repo / "cdk8s.yaml").read_text())["output"] == ".cdk8s-out"  # a scratch folder, never dist/
    cli = json.loads((repo / "package.json").read_text())["devDependencies"]["cdk8s-cli"]
    assert cli == json.loads((ROOT / "package.json").read_text())["devDependencies"]["cdk8s-cli"]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    requirements = (repo / "requirements.txt").read_text().splitlines()
    # Installed from git: that URL at that commit (bare: pip on Python 3.11 refuses "name @ git+file").
    assert requirements[1] == f"git+file://{ROOT}@{head}" and all("==" in line for line in requirements[2:] if line)

    # Real values: production is written.
    main_py = (repo / "main.py").read_text()
    for placeholder, value in REAL_VALUES.items():
        assert placeholder in main_py
        main_py = main_py.replace(placeholder, value)
    (repo / "main.py").write_text(main_py)
    synth = run(["make", "synth"], cwd=repo, env=env)
    assert "not synthesized" not in synth.stderr
    assert sorted(p.name for p in (repo / "dist").iterdir()) == ["production", "staging"]

    # ci.sh (make synth, the stale check, make test): green on a committed, fresh dist/; red when it is stale.
    run(["git", "init", "-q"], cwd=repo, env=env)
    run(["git", "add", "-A"], cwd=repo, env=env)
    staged = run(["git", "diff", "--cached", "--name-only"], cwd=repo, env=env).stdout.splitlines()
    assert "dist/production/NOTES.md" in staged and not [f for f in staged if f.startswith((".venv/", ".dist.lock", ".pytest_cache/"))]
    run(["git", "commit", "-qm", "scaffold"], cwd=repo, env=env)
    run(["./ci.sh"], cwd=repo, env=env)
    (repo / "dist" / "staging" / "NOTES.md").write_text("stale\n")
    run(["git", "commit", "-qam", "stale dist"], cwd=repo, env=env)
    stale = subprocess.run(["./ci.sh"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert stale.returncode == 1 and "dist/ is stale: run make synth and commit it" in stale.stderr


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

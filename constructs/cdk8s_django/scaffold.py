"""``python -m cdk8s_django init <app> --image <image>``: a new team's deployment repo in one command.

It writes the files a repo keeps (``cdk8s.yaml``, ``main.py``, ``Makefile``, pinned
``requirements.txt`` and ``package.json``, a snapshot test, ``ci.sh``, ``.gitignore``,
``README.md``) and the test's first snapshot (staging, rendered once). The repo's two
commands are ``make synth`` and ``make test``. Production stays out of ``dist/`` until
its ``REPLACE-ME`` values are real ones.

Every input is checked before anything is written: a bad one is one line naming the
option as typed, the value and the fix (exit 2), and nothing is written. Nothing is
written through a symbolic link, and a failure half-way removes what was made.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import runpy
import stat
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from .model import _validation as v
from .model.defaults import APP_NAME_MAX
from .model.placeholders import PLACEHOLDER
from .output._atomic import FILE_MODE, FOLDER_MODE

__all__ = ["CDK8S_CLI_VERSION", "init", "package_requirement"]

# The cdk8s CLI this project pins and tests with (package.json); a test holds the two equal.
CDK8S_CLI_VERSION = "2.207.60"
# Test tools when the running environment has none installed (the versions this project tests with).
FALLBACK_VERSIONS = {"pytest": "9.2.0", "syrupy": "7.0.2"}
SNAPSHOT = "tests/__snapshots__/test_main/test_staging_manifests.yaml"
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_MODES = {"ci.sh": 0o755}
# Not on Windows: 0 leaves the flag out (O_EXCL alone never follows a link there either).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# --requirement: one requirements.txt line that installs cdk8s-django, in a form the README documents. No pip
# option (a leading '-'), no space before a '#' comment or a marker, no ${VARIABLE}, no '\' continuing the line.
_PROJECT = r"(?i:cdk8s[-_.]django)"
_EXTRAS = r"(?:\[[A-Za-z0-9][A-Za-z0-9._-]*(?:,[A-Za-z0-9][A-Za-z0-9._-]*)*\])?"
_SPECIFIER = r"(?:~=|===|==|!=|<=|>=|<|>) *[A-Za-z0-9.*+!_-]+"
_URL = r"(?:https?|ssh|git|file)://[A-Za-z0-9._~:/?#\[\]@!&'()*+,;=%-]+"
_REQUIREMENT = re.compile(
    rf"{_PROJECT}{_EXTRAS}(?: *{_SPECIFIER}(?: *, *{_SPECIFIER})*)?"  # cdk8s-django==0.1.0 (from an index)
    rf"|{_PROJECT}{_EXTRAS} *@ *{_URL}"  # cdk8s-django @ https://.../cdk8s_django-0.1.0-py3-none-any.whl
    rf"|(?:git|hg|svn|bzr)\+{_URL}"  # git+https://<git-url>/cdk8s-django@v0.1.0 (bare: pip on Python 3.11)
)


def package_requirement() -> str:
    """How the new repo installs cdk8s-django: exactly what this one was installed from (PEP 610),
    pinned to its commit when from git; from an index, this version."""
    distribution = metadata.distribution("cdk8s-django")
    raw = distribution.read_text("direct_url.json")
    if not raw:
        return f"cdk8s-django=={distribution.version}"
    origin = json.loads(raw)
    url = origin["url"]
    vcs = origin.get("vcs_info")
    if vcs:  # a bare VCS URL: pip on Python 3.11 refuses "name @ git+file://..."
        return f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
    return f"cdk8s-django @ {url}"


def _pinned(name: str) -> str:
    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name}=={FALLBACK_VERSIONS[name]}"


def _files(app: str, image: str, settings_module: str, requirement: str) -> dict[str, str]:
    env_prefix = app.upper().replace("-", "_")
    return {
        "cdk8s.yaml": CDK8S_YAML,
        "main.py": MAIN_PY.format(app=app, image=image, settings=settings_module, env_prefix=env_prefix),
        "Makefile": MAKEFILE,
        "requirements.txt": "\n".join([
            "# The direct dependencies, pinned (pip resolves cdk8s, jsii and the rest within cdk8s-django's ranges).",
            requirement, _pinned("pytest"), _pinned("syrupy"), "",
        ]),
        "package.json": json.dumps({
            "name": f"{app}-deploy", "private": True,
            "description": "Pins the cdk8s CLI for `npx cdk8s synth` (CI); `make synth` does not need it.",
            "devDependencies": {"cdk8s-cli": CDK8S_CLI_VERSION},
        }, indent=2) + "\n",
        "tests/conftest.py": CONFTEST,
        "tests/test_main.py": TEST_MAIN.format(app=app),
        "ci.sh": CI_SH,
        ".gitignore": GITIGNORE,
        "README.md": README.format(app=app, env_prefix=env_prefix),
    }


def init(directory: Path, app: str, image: str, settings_module: str | None = None, requirement: str | None = None) -> list[Path]:
    """Write the repo into ``directory`` (new, or without any of its files); return the files written.

    Every input is checked first (a ``ConfigError`` naming the command-line option, and nothing written);
    ``settings_module`` defaults to ``<app>.settings``, ``requirement`` to :func:`package_requirement`."""
    files = _checked_files(app, image, settings_module, requirement)
    _check_directory(directory, [*files, SNAPSHOT])
    files[SNAPSHOT] = _staging_yaml(files["main.py"])
    return _write(directory, files)


def _checked_files(app: str, image: str, settings_module: str | None, requirement: str | None) -> dict[str, str]:
    _check_line("app", app)
    v.check_dns1035_label("init", "app", app, max_len=APP_NAME_MAX)
    _check_image(image)
    settings = settings_module if settings_module is not None else f"{app.replace('-', '_')}.settings"
    _check_line("--settings", settings)
    if not _MODULE.fullmatch(settings):
        raise v.ConfigError("init", "--settings", settings, "a dotted Python module path, e.g. 'shop.settings'",
                            "pass the app's DJANGO_SETTINGS_MODULE")
    if requirement is None:
        return _files(app, image, settings, package_requirement())
    _check_line("--requirement", requirement)
    if not _REQUIREMENT.fullmatch(requirement):
        raise v.ConfigError(
            "init", "--requirement", requirement,
            "one requirement for cdk8s-django: 'cdk8s-django==<version>', 'cdk8s-django @ <https or file URL>'"
            " or a VCS URL such as 'git+https://<git-url>/cdk8s-django@v<version>' (no pip option, no space in a URL)",
            "pass one of those forms, e.g. your remote at a release tag",
        )
    return _files(app, image, settings, requirement)


def _check_line(option: str, value: str) -> None:
    """Each input goes into a file of the new repo (main.py, requirements.txt): one line of printable ASCII."""
    bad = [(index, char) for index, char in enumerate(value) if not (char.isascii() and char.isprintable())]
    if bad:
        index, char = bad[0]
        raise v.ConfigError("init", option, value, "one line of printable ASCII characters (init writes it into the new repo's files)",
                            f"remove the {char!r} at character {index + 1}")


def _check_image(image: str) -> None:
    """The library's image grammar, and the pin production asks for (its image comes from the same APP)."""
    _check_line("--image", image)
    v.check_image("init", "--image", image)
    if not v.image_is_pinned(image):
        raise v.ConfigError("init", "--image", image, "a pinned image, as production requires: a tag other than 'latest', or a digest",
                            "use 'repo:1.4.2' or, better, 'repo@sha256:<digest>'")


def _check_directory(directory: Path, names: list[str]) -> None:
    """A folder init can make or fill: itself no link, no file in its way, nothing of init's there yet (not even a link)."""
    where = str(directory)
    if directory.is_symlink():
        raise v.ConfigError("init", "--dir", where, "a folder, not a symbolic link",
                            f"pass the folder it points to, {os.path.realpath(directory)}")
    base = _nearest_existing(directory)
    if not base.is_dir():
        raise v.ConfigError("init", "--dir", where, f"a folder ({'this' if base == directory else base} is a file)", "choose a new folder")
    links = sorted(name for name in _paths_inside(names) if (directory / name).is_symlink())
    if links:
        raise v.ConfigError("init", "--dir", where, f"a folder without symbolic links where init writes (found {', '.join(links)})",
                            "remove those links, or choose a new folder")
    clashes = sorted(name for name in names if os.path.lexists(directory / name))
    if clashes:
        raise v.ConfigError("init", "--dir", where, f"a folder without {', '.join(clashes)}",
                            "choose a new folder, or move those files away first")
    if not os.access(base, os.W_OK | os.X_OK):
        raise v.ConfigError("init", "--dir", where, f"a folder you can write in ({base} is not writable)", "choose another folder")


def _nearest_existing(path: Path) -> Path:
    """The path itself, or the nearest folder above it that exists: where the first new folder goes."""
    candidates = [path, *path.parents]
    return next((candidate for candidate in candidates if _exists(candidate)), candidates[-1])


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return False
    return True


def _paths_inside(names: list[str]) -> set[str]:
    """What init makes inside the folder: its files and their folders (tests, tests/__snapshots__, ...)."""
    return {*names, *(parent.as_posix() for name in names for parent in Path(name).parents if parent != Path("."))}


def _staging_yaml(main_py: str) -> str:
    """The staging chart's YAML as the test will render it, from main.py's text before it is written: the first
    snapshot, to review like any later one."""
    from cdk8s import App

    from .components.chart import DjangoChart
    from .testing import synth, to_yaml

    with tempfile.TemporaryDirectory() as scratch:  # not yet in the new repo: nothing is written there before the checks
        path = Path(scratch) / "main.py"
        path.write_text(main_py)
        spec = runpy.run_path(str(path), run_name="cdk8s_django_init")
    chart = DjangoChart(App(), spec["STAGING"].name, django_app=spec["APP"], environment=spec["STAGING"])
    return to_yaml(synth(chart))


def _write(directory: Path, files: dict[str, str]) -> list[Path]:
    """Each file new (O_EXCL) and never through a link; on any failure, what was made is removed again."""
    made: list[Path] = []
    try:
        _make_folder(directory, made)
        for name, text in files.items():
            _make_folders_inside(directory, Path(name).parent, made)
            _create(directory / name, text, _MODES.get(name, FILE_MODE), made)
    except OSError as error:
        _remove(made)
        raise v.ConfigError("init", "--dir", str(directory), f"a folder init can write in ({error.strerror}: {error.filename})",
                            "choose another folder") from error
    except BaseException:
        _remove(made)
        raise
    return [directory / name for name in files]


def _make_folder(directory: Path, made: list[Path]) -> None:
    """The folder and any missing folders above it (those above may be links: the user's own path)."""
    missing = []
    for path in [directory, *directory.parents]:
        if os.path.lexists(path):
            break
        missing.append(path)
    for path in reversed(missing):
        os.mkdir(path, FOLDER_MODE)
        made.append(path)


def _make_folders_inside(directory: Path, folder: Path, made: list[Path]) -> None:
    """``folder`` inside ``directory``, one component at a time: each a real folder, never a link to follow."""
    for part in [*reversed(folder.parents), folder][1:]:  # without the leading "."
        path = directory / part
        try:
            os.mkdir(path, FOLDER_MODE)
            made.append(path)
        except FileExistsError:
            pass
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "Not a folder (a symbolic link?)", str(path))


def _create(path: Path, text: str, mode: int, made: list[Path]) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    made.append(path)
    with open(handle, "w", encoding="utf-8") as file:
        file.write(text)


def _remove(made: list[Path]) -> None:
    for path in reversed(made):
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(os.lstat(path).st_mode):
                os.rmdir(path)
            else:
                os.unlink(path)


def _in_git(directory: Path) -> bool:
    folder = directory.resolve()
    return any((candidate / ".git").exists() for candidate in [folder, *folder.parents])


def main(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cdk8s_django init")
    parser.add_argument("app", help="the app's name (a DNS-1035 label, at most 30 characters)")
    parser.add_argument("--image", required=True, help="the app's image, pinned: e.g. registry.example.com/shop:1.0.0")
    parser.add_argument("--settings", help="DJANGO_SETTINGS_MODULE (default: <app>.settings)")
    parser.add_argument("--dir", default=None, help="where to write the repo (default: ./<app>-deploy)")
    parser.add_argument("--requirement", help="how the repo installs cdk8s-django (default: what this one was installed from)")
    parsed = parser.parse_args(args)
    directory = Path(parsed.dir if parsed.dir is not None else f"{parsed.app}-deploy")
    try:
        if parsed.dir == "":
            raise v.ConfigError("init", "--dir", parsed.dir, "a folder path", f"leave --dir out for ./{parsed.app}-deploy")
        written = init(directory, parsed.app, parsed.image, parsed.settings, parsed.requirement)
    except v.ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files to {directory}{os.sep}. Next:\n  cd {directory} && make synth && make test\n"
          f"Production is written once main.py's {PLACEHOLDER} values are real.")
    requirement = parsed.requirement if parsed.requirement is not None else package_requirement()
    if "file://" in requirement:
        print(f"requirements.txt installs cdk8s-django from this machine ({requirement}): before CI or a teammate"
              " installs it, point it at your git remote and a release tag (or rerun init with --requirement).")
    if not _in_git(directory):
        print(f"{directory} is in no git repository: ci.sh compares dist/ with the committed one, so git init there and commit.")
    return 0


CDK8S_YAML = """\
language: python
app: .venv/bin/python main.py
# The CLI empties this folder before the app runs: a scratch folder, never dist/ (the app swaps
# dist/ in whole, so a failing synth keeps the previous one).
output: .cdk8s-out
"""

MAIN_PY = '''\
"""{app} on Kubernetes: one staging and one production environment, written to dist/<environment>/.

CI pins the image per environment without editing code: {env_prefix}_IMAGE (every environment)
or {env_prefix}_IMAGE_<ENVIRONMENT> (one, e.g. {env_prefix}_IMAGE_PRODUCTION).
Production is left out of dist/ until every REPLACE-ME below is a real value.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

# cdk8s_django before anything that imports cdk8s: it silences jsii's Node end-of-life banner.
from cdk8s_django import (
    AcmCertificate,
    App,
    AwsSecretsManager,
    ConfigError,
    DjangoApp,
    DjangoChart,
    Environment,
    IngressOptions,
    Managed,
    NetworkAccess,
    placeholders,
)

APP = DjangoApp(name="{app}", image="{image}", settings_module="{settings}")

# Stores inside the cluster; no Ingress until you give it hosts and an ingress.
STAGING = Environment.staging("staging")

PRODUCTION = Environment.production(
    hosts=("REPLACE-ME.example.com",),
    ingress=IngressOptions(class_name="alb", tls=AcmCertificate("arn:aws:acm:REPLACE-ME")),
    postgres=Managed("REPLACE-ME.rds.amazonaws.com"),
    cache=Managed("REPLACE-ME-cache.cache.amazonaws.com"),  # two servers: a cache evicts, a broker must not
    broker=Managed("REPLACE-ME-broker.cache.amazonaws.com"),  # leave it out if the app runs no Celery
    # The ALB's subnets: web accepts traffic from these ranges only.
    network=NetworkAccess(load_balancer_cidrs=("REPLACE-ME",)),
    # The database password and the app's Secrets from AWS Secrets Manager, through External Secrets Operator.
    aws_secrets=AwsSecretsManager(),
    deletion_protection=True,
)

ENVIRONMENTS = [STAGING, PRODUCTION]


def image_for(environment: str) -> str:
    variable = f"{env_prefix}_IMAGE_{{environment.upper().replace('-', '_')}}"
    return os.environ.get(variable) or os.environ.get("{env_prefix}_IMAGE") or APP.image


def build_app(outdir: str | None = None) -> App:
    """One chart per environment whose values are all real."""
    app = App(outdir=outdir)
    for environment in ENVIRONMENTS:
        unfilled = placeholders(environment)
        if unfilled:
            print(f"{{environment.name}}: not synthesized until these are real values: {{', '.join(unfilled)}}", file=sys.stderr)
            continue
        DjangoChart(app, environment.name, django_app=APP, environment=replace(environment, image=image_for(environment.name)))
    return app


if __name__ == "__main__":
    try:
        build_app().synth()
    except ConfigError as error:  # the error alone: a traceback would hide it
        raise SystemExit(f"main.py: {{error}}") from None
'''

MAKEFILE = """\
# Two commands: `make synth` writes dist/, `make test` runs the tests. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: synth test snapshots

$(VENV)/.installed: requirements.txt
\t$(PYTHON) -m venv $(VENV)
\t$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
\ttouch $@

# The same app `npx cdk8s synth` runs (cdk8s.yaml), without the CLI's start-up.
synth: $(VENV)/.installed
\t$(PY) main.py

test: $(VENV)/.installed
\t$(PY) -m pytest -q

# Accept new snapshots, after reading their YAML diff.
snapshots: $(VENV)/.installed
\t$(PY) -m pytest -q --snapshot-update
"""

CONFTEST = '''\
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # main.py
'''

TEST_MAIN = '''\
"""{app}'s manifests: a snapshot of staging, and production held back until its values are real."""

import pytest
from cdk8s import App
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import main
from cdk8s_django import ConfigError, DjangoChart, placeholders
from cdk8s_django.testing import find, synth, to_yaml


class YamlSnapshot(SingleFileSnapshotExtension):
    """The snapshot is the YAML itself (tests/__snapshots__/...): review its diff like dist/'s."""

    _write_mode = WriteMode.TEXT
    file_extension = "yaml"


def test_staging_manifests(snapshot):
    docs = synth(DjangoChart(App(), main.STAGING.name, django_app=main.APP, environment=main.STAGING))
    assert find(docs, "Deployment", "{app}-web")["spec"]["template"]["spec"]["containers"][0]["image"] == main.APP.image
    assert to_yaml(docs) == snapshot.use_extension(YamlSnapshot)


def test_production_waits_for_real_values():
    written = [chart.node.id for chart in main.build_app(outdir="unused").charts]
    if placeholders(main.PRODUCTION):
        assert written == [main.STAGING.name]
        with pytest.raises(ConfigError, match="REPLACE-ME"):
            DjangoChart(App(), main.PRODUCTION.name, django_app=main.APP, environment=main.PRODUCTION)
    else:
        assert written == [main.STAGING.name, main.PRODUCTION.name]
'''

CI_SH = """\
#!/usr/bin/env bash
# CI: dist/ must be exactly what main.py writes (run `make synth` and commit it), then the tests.
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(git rev-parse --is-inside-work-tree 2>/dev/null)" != true ]; then
  echo "ci.sh: $(pwd) is in no git repository, so dist/ cannot be compared with the committed one. Fix: git init, commit, then ./ci.sh" >&2
  exit 2
fi
make synth
stale="$(git status --porcelain -- dist)"
if [ -n "$stale" ]; then
  echo "$stale"
  echo "dist/ is stale: run make synth and commit it" >&2
  exit 1
fi
make test
"""

GITIGNORE = """\
.venv/
node_modules/
__pycache__/
.pytest_cache/
.cdk8s-out/
/dist.old/
/.dist.new-*/
/.dist.lock
"""

README = """\
# {app}: Kubernetes manifests

Built with cdk8s-django: `main.py` describes the
environments; `dist/<environment>/` holds their manifests, committed and reviewed.

```sh
make synth   # writes dist/<environment>/ (installs .venv from requirements.txt first)
make test    # the tests: a YAML snapshot of staging; production waits for real values
```

- **Production** is written once every `REPLACE-ME` in `main.py` is a real value (the RDS
  and ElastiCache hosts, the certificate ARN, the ALB subnets); until then `make synth`
  says which are left. The library itself refuses to synthesize a placeholder.
- **Images**: CI pins one per environment, `{env_prefix}_IMAGE_PRODUCTION=registry/app@sha256:... make synth`
  (or `{env_prefix}_IMAGE` for all), then commits `dist/`. Production refuses `:latest`.
- **Snapshots**: when `make test` shows a changed snapshot, read the YAML diff, then `make snapshots`.
- **Deploy**: `kubectl apply -f dist/staging/`; `dist/<environment>/NOTES.md` has the rest.
- **CI**: `./ci.sh` runs the tests and fails when `dist/` is stale (it compares with git: outside a repository it fails).
- **The cdk8s CLI** (optional: `make synth` runs `main.py` directly): `npm install` once (commit the
  `package-lock.json` it writes; CI then runs `npm ci`), then `npx cdk8s synth`, with the version pinned
  in `package.json`. Node 22 or later is recommended (20 is past its end of life).
- **The cluster** needs what the manifests use: the AWS Load Balancer Controller (the ALB Ingress),
  External Secrets Operator with an AWS Secrets Manager store (production reads its Secrets there),
  the EBS CSI driver (staging's volumes), and, for `deletion_protection`, cdk8s-django's
  `NamespaceFence` applied once per cluster by the platform team.
- **Where cdk8s-django comes from**: `requirements.txt`, pinned to what `init` was run with; point
  it at your git remote and a release tag (`git+https://<git-url>/cdk8s-django@v<version>`).
"""

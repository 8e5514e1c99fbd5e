"""Each alternative the registry added (RabbitMQ, Memcached, nginx) lives in at most three files of the package
(issue 20 §7): its module, its construct or option type, and its registry line.

The proof runs backwards: a copy of the package with the kind's files deleted and its registry lines dropped
still imports every module, names the kind nowhere in its code, passes ``mypy --strict``, and writes the same
YAML for an environment that does not use the kind as the whole package does. So adding the kind back is those
files and those lines, and nothing else.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "constructs" / "cdk8s_django"
MAX_FILES = 3


@dataclass(frozen=True)
class Footprint:
    """A kind's files: ``modules`` deleted whole; in ``registry`` (file: names), the names' definitions and
    mentions dropped. ``names`` are the identifiers no other code may use."""

    modules: tuple[str, ...]
    registry: dict[str, tuple[str, ...]]
    names: tuple[str, ...]

    def files(self) -> set[str]:
        return {*self.modules, *self.registry}


FOOTPRINTS = {
    "rabbitmq": Footprint(
        modules=("stores/rabbitmq.py", "components/rabbitmq_stateful_set.py"),
        registry={"stores/__init__.py": ("RABBITMQ", "RabbitMQ")},
        names=("RABBITMQ", "RabbitMQ", "RabbitMQStatefulSet", "rabbitmq_stateful_set"),
    ),
    "memcached": Footprint(
        modules=("stores/memcached.py", "components/memcached_deployment.py"),
        registry={"stores/__init__.py": ("MEMCACHED", "Memcached")},
        names=("MEMCACHED", "Memcached", "MemcachedDeployment", "memcached_deployment"),
    ),
    "nginx": Footprint(
        modules=("components/nginx_static.py",),
        registry={
            "model/options.py": ("NginxStatic", "DEFAULT_NGINX_IMAGE", "DEFAULT_NGINX_PORT", "DEFAULT_NGINX_RESOURCES"),
            "__init__.py": ("NginxStatic",),
        },
        names=("NginxStatic", "nginx_static", "DEFAULT_NGINX_IMAGE", "DEFAULT_NGINX_PORT", "DEFAULT_NGINX_RESOURCES"),
    ),
}

# An environment with none of the alternatives: every workload kind, the usual stores, staging and production.
PROBE = """
import json, sys
from cdk8s_django import App, DjangoApp, DjangoChart, Environment, Managed, Worker
shop = DjangoApp("shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings",
                 workers=(Worker("default"), Worker("emails", queues=("emails",))), beat=True,
                 cron={"clearsessions": "0 3 * * *"})
app = App()
charts = [DjangoChart(app, "qa", django_app=shop, environment=Environment.staging("qa")),
          DjangoChart(app, "production", django_app=shop, environment=Environment.production(
              postgres=Managed("db.example.com"), cache=Managed("cache.example.com"), broker=Managed("broker.example.com"),
              max_connections=400))]
json.dump({chart.node.id: chart.to_json() for chart in charts}, sys.stdout, sort_keys=True)
"""


def _drop_definitions(source: str, names: tuple[str, ...]) -> str:
    """The module without the top-level statements that define ``names`` (with their decorators and the comment
    lines right above), without the import names and without their mentions in sequences and mappings."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    doomed: set[int] = set()
    for node in tree.body:
        defined: set[str] = set()
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            defined = {node.name}
        elif isinstance(node, ast.Assign):
            defined = {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined = {node.target.id}
        if defined and defined <= set(names):
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
            while first > 0 and lines[first - 1].lstrip().startswith("#"):
                first -= 1
            doomed.update(range(first, node.end_lineno or node.lineno))
    kept = "".join(line for number, line in enumerate(lines) if number not in doomed)
    for name in names:
        # `from .x import A, B` keeps what is left; `"A": "module",`, `"A",` and `A,` go from lists and dicts.
        kept = re.sub(rf'^\s*from \.[\w.]* import {name}(, {name})*\n', "", kept, flags=re.M)
        kept = re.sub(rf'(import [\w, ]*?), {name}\b', r"\1", kept)
        kept = re.sub(rf'\b{name}, ', "", kept)
        kept = re.sub(rf', {name}(?=[)\]])', "", kept)
        kept = re.sub(rf'^\s*"{name}"(: "[^"]*")?,\n', "", kept, flags=re.M)
        kept = re.sub(rf'"{name}"(: "[^"]*")?, ', "", kept)
        kept = re.sub(rf'^\s*{name},\n', "", kept, flags=re.M)
    return kept


def _code_names(source: str) -> set[str]:
    """The identifiers of a module's code: its strings (docstrings included) and comments left out."""
    return {tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline) if tok.type == tokenize.NAME}


def _without(kind: str, root: Path) -> Path:
    package = root / "cdk8s_django"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    footprint = FOOTPRINTS[kind]
    for module in footprint.modules:
        (package / module).unlink()
    for path, names in footprint.registry.items():
        (package / path).write_text(_drop_definitions((package / path).read_text(), names))
    return package


def _probe(path: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(path)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=path, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def whole_package_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("whole")
    shutil.copytree(PACKAGE, root / "cdk8s_django", ignore=shutil.ignore_patterns("__pycache__"))
    return _probe(root)


@pytest.mark.parametrize("kind", sorted(FOOTPRINTS))
def test_a_kind_is_its_files_and_its_registry_line(kind: str, tmp_path: Path, whole_package_output: dict[str, object]) -> None:
    footprint = FOOTPRINTS[kind]
    assert len(footprint.files()) <= MAX_FILES, footprint.files()
    package = _without(kind, tmp_path)
    # Nothing else names it: not as an identifier in any module's code.
    for path in sorted(package.rglob("*.py")):
        named = _code_names(path.read_text()) & set(footprint.names)
        assert not named, f"{path.relative_to(package)} names {sorted(named)}: the kind is not only its {sorted(footprint.files())}"
    # Every module still imports, and the whole package type-checks without it.
    modules = sorted(".".join(p.relative_to(tmp_path).with_suffix("").parts).removesuffix(".__init__")
                     for p in package.rglob("*.py"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    imported = subprocess.run([sys.executable, "-c", "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)",
                               *modules], capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert imported.returncode == 0, imported.stderr[-3000:]
    typed = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file", str(ROOT / "pyproject.toml"),
                            "cdk8s_django"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert typed.returncode == 0, typed.stdout[-3000:]
    # An environment without the kind comes out byte for byte as with it.
    assert _probe(tmp_path) == whole_package_output


def test_the_drop_removes_definitions_imports_and_mentions() -> None:
    source = (
        'from .a import KEEP, GONE\nfrom .b import GONE\n__all__ = ["KEEP", "GONE", "OTHER"]\n'
        '# GONE\'s comment\n@decorated\nclass GONE:\n    x = 1\n\n\nALL = (KEEP, GONE, OTHER, GONE)\nLAZY = {\n    "GONE": "model.options",\n'
        '    "KEEP": "model.options",\n}\n'
    )
    assert _drop_definitions(source, ("GONE",)) == (
        'from .a import KEEP\n__all__ = ["KEEP", "OTHER"]\n\n\nALL = (KEEP, OTHER)\nLAZY = {\n    "KEEP": "model.options",\n}\n'
    )

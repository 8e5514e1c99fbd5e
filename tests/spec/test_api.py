"""The public API: exports, typing marker, and docstrings that state every default."""

from __future__ import annotations

import dataclasses
import inspect
import re
import subprocess
import sys
from pathlib import Path

import cdk8s_django
from conftest import ROOT


def _documented_default(doc: str, name: str) -> bool:
    """The docstring has an entry for ``name`` (alone or in a comma list) that states a default."""
    for match in re.finditer(rf"^\s*([\w, ]*\b{re.escape(name)}\b[\w, ]*):(.*(?:\n(?!\s*\w[\w, ]*:\s).*)*)", doc, re.MULTILINE):
        if "Default" in match.group(2) or "default" in match.group(2):
            return True
    return False


def test_all_is_explicit_and_importable() -> None:
    assert len(set(cdk8s_django.__all__)) == len(cdk8s_django.__all__)
    for name in cdk8s_django.__all__:
        assert hasattr(cdk8s_django, name), name
    assert (Path(cdk8s_django.__file__).parent / "py.typed").exists()
    assert cdk8s_django.__version__


def test_every_optional_prop_documents_its_default() -> None:
    missing = []
    for name in cdk8s_django.__all__:
        obj = getattr(cdk8s_django, name)
        if not inspect.isclass(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        if dataclasses.is_dataclass(obj):
            params = [(f.name, f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING) for f in dataclasses.fields(obj)]
        elif "__init__" in vars(obj) and not issubclass(obj, Exception):
            signature = inspect.signature(obj.__init__)
            params = [(p.name, p.default is not inspect.Parameter.empty) for p in signature.parameters.values()
                      if p.kind is inspect.Parameter.KEYWORD_ONLY]
        else:
            continue
        for param, has_default in params:
            if has_default and not _documented_default(doc, param):
                missing.append(f"{name}.{param}")
    assert missing == [], "\n".join(missing)


def test_api_reference_builds(tmp_path: Path) -> None:
    """`make docs` works: pdoc renders the package's docstrings to HTML."""
    env = {"PDOC_ALLOW_EXEC": "1", "PATH": "/usr/bin:/bin", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    import os
    env = {**os.environ, **{k: v for k, v in env.items() if k != "PATH"}}
    subprocess.run([sys.executable, "-m", "pdoc", "--docformat", "google", "--output-directory", str(tmp_path), "cdk8s_django"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    html = (tmp_path / "cdk8s_django.html").read_text()
    for name in ("DjangoWeb", "CeleryBeat", "DjangoChart", "Environment"):
        assert f'id="{name}"' in html, name


def _readme_imports() -> set[tuple[str, str]]:
    """(module, name) of every ``from cdk8s_django... import ...`` in the README, and every
    construct the README's "Lower-level constructs" section names."""
    readme = (ROOT / "README.md").read_text()
    found: set[tuple[str, str]] = set()
    for module, names in re.findall(r"from (cdk8s_django(?:\.\w+)*) import \(?([\w,\s]+?)\)?\n(?!\s+\w+,)", readme):
        found |= {(module, n.strip()) for n in names.split(",") if n.strip()}
    section = readme.split("### Lower-level constructs", 1)[1].split("###", 1)[0]
    found |= {("cdk8s_django", name) for name in re.findall(r"`([A-Z]\w+)`", section) if name not in ("Chart", "ApiObject", "Resource")}
    return found


def test_every_name_the_readme_imports_exists() -> None:
    import importlib

    names = _readme_imports()
    assert ("cdk8s_django", "DjangoChart") in names and ("cdk8s_django.patches", "add_sidecar") in names
    for module, name in sorted(names):
        assert hasattr(importlib.import_module(module), name), f"{module}.{name}"
    for module in ("cdk8s_django", "cdk8s_django.patches", "cdk8s_django.testing"):
        importlib.import_module(module)
    assert cdk8s_django.ConfigError.__mro__[1] is ValueError


def test_mypy_flags_a_misspelt_environment_option(tmp_path: Path) -> None:
    """The factories have real signatures: a typo in main.py is a type error, not a silent default."""
    snippet = tmp_path / "typo.py"
    snippet.write_text(
        "from cdk8s_django import Environment, Managed\n"
        "Environment.staging('qa', web_replica=2)\n"
        "Environment.production(postgres=Managed('db'), cache=Managed('c'), broker=Managed('b'), max_conections=10)\n"
        "Environment.staging('ok', web_replicas=2, monitoring=True)\n"
    )
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
                            capture_output=True, text=True, timeout=300)
    assert 'Unexpected keyword argument "web_replica"' in result.stdout, result.stdout
    assert 'Unexpected keyword argument "max_conections"' in result.stdout, result.stdout
    assert result.stdout.count("error:") == 2, result.stdout

"""The committed dist/ is exactly what a fresh synth writes, and synthesis is deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import main
from conftest import ROOT


def read_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_committed_dist_is_fresh(rendered: dict[str, dict[str, str]]) -> None:
    expected = {f"{env}/{name}": text for env, files in rendered.items() for name, text in files.items()}
    assert read_tree(ROOT / "dist") == expected, "dist/ is stale: run `make synth` and commit dist/"


def test_two_synths_are_byte_identical(tmp_path: Path) -> None:
    main.build_app(outdir=str(tmp_path / "a"), display_dir="dist").synth()
    main.build_app(outdir=str(tmp_path / "b"), display_dir="dist").synth()
    assert read_tree(tmp_path / "a") == read_tree(tmp_path / "b")
    assert read_tree(tmp_path / "a")


def test_synth_replaces_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out / "qa").mkdir(parents=True)
    (out / "qa" / "99-old.yaml").write_text("stale")
    main.build_app(outdir=str(out)).synth()
    assert not (out / "qa" / "99-old.yaml").exists()
    assert (out / "qa" / "00-namespace-shop-qa.yaml").exists()


def test_cdk8s_cli_synth_works_offline_and_matches_dist(tmp_path: Path) -> None:
    cli = ROOT / "node_modules" / ".bin" / "cdk8s"
    if not cli.exists():
        pytest.fail("node_modules/.bin/cdk8s missing: run `make test`, which installs it")
    out = tmp_path / "out"
    env = {**os.environ, "CDK8S_CHECK_UPGRADE": "false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
           "CDK8S_DJANGO_DIST_DIR": "dist", "CDK8S_DJANGO_OUTDIR": str(out)}
    scratch = tmp_path / "scratch"
    subprocess.run([str(cli), "synth", "--output", str(scratch)], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    assert read_tree(out) == read_tree(ROOT / "dist")
    assert read_tree(scratch) == read_tree(out), "the CLI's scratch gets the manifests too (--stdout, validation plugins)"


def test_image_override_from_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_IMAGE_PRODUCTION", "registry.example.com/shop@sha256:" + "a" * 64)
    rendered = main.build_app(outdir="unused").render()
    web = next(name for name in rendered["qa"] if name.endswith("-deployment-shop-web.yaml"))
    assert "shop@sha256:" + "a" * 64 in rendered["production"][web]
    assert "shop:1.4.2" in rendered["qa"][web]


def test_failing_main_leaves_dist_untouched(tmp_path: Path) -> None:
    """A construction error stops `make synth` before dist/ is replaced."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "main.py").write_text(
        "from cdk8s_django import App, DjangoApp, DjangoChart, Environment\n"
        "app = App(outdir='dist')\n"
        "DjangoChart(app, 'qa', django_app=DjangoApp(name='Shop', image='shop:1', settings_module='shop.settings'),"
        " environment=Environment.staging('qa'))\n"
        "app.synth()\n"
    )
    (project / "dist" / "qa").mkdir(parents=True)
    (project / "dist" / "qa" / "keep.yaml").write_text("previous output")
    result = subprocess.run([sys.executable, "main.py"], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "invalid django_app.name='Shop'" in result.stderr
    assert read_tree(project / "dist") == {"qa/keep.yaml": "previous output"}


def test_a_chart_failing_during_synth_leaves_dist_untouched(tmp_path: Path) -> None:
    """Charts are written while later ones render: one failing late (two objects, one file) still writes nothing."""
    from cdk8s import ApiObject, Chart

    from cdk8s_django import App, DjangoChart

    out = tmp_path / "dist"
    (out / "qa").mkdir(parents=True)
    (out / "qa" / "keep.yaml").write_text("previous output")
    app = App(outdir=str(out))
    DjangoChart(app, "qa", django_app=main.shop, environment=main.environments[0])
    late = Chart(app, "zz-late")
    for id in ("a", "b"):
        ApiObject(late, id, api_version="v1", kind="ConfigMap", metadata={"name": "same"})
    with pytest.raises(ValueError, match=r"^zz-late: two objects would be written to zz-late/09-configmap-same.yaml"):
        app.synth()
    assert read_tree(out) == {"qa/keep.yaml": "previous output"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.lock", "dist"]  # no abandoned new tree


def test_readme_shows_main_py_whole() -> None:
    """The README's example is the real one, so it cannot drift from the code."""
    readme = (ROOT / "README.md").read_text()
    assert "```python\n" + (ROOT / "main.py").read_text() + "```" in readme


def test_readme_shows_the_blog_example_whole() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "```python\n" + (ROOT / "examples" / "blog" / "main.py").read_text() + "```" in readme


def test_yaml_writer_matches_pyyaml_and_round_trips(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    """The fast node builder writes exactly what PyYAML's safe representer writes with
    literal blocks for multi-line strings, byte for byte."""
    import yaml

    from cdk8s_django.output.yaml_writer import dump_documents

    class Reference(yaml.SafeDumper):
        pass

    def literal(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)

    Reference.add_representer(str, literal)
    for docs in example_docs.values():
        for doc in docs:
            text = dump_documents([doc])
            assert text == yaml.dump(doc, Dumper=Reference, sort_keys=False, width=1_000_000, default_flow_style=False)
            assert yaml.safe_load(text) == doc
    tricky = {"a": "yes", "b": "1.0", "c": "null", "d": "line\nnext\n", "e": "", "f": True, "g": 3, "h": None, "i": "*", "j": "- x", "k": 1.5}
    assert yaml.safe_load(dump_documents([tricky])) == tricky

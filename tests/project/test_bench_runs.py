"""`make bench`'s paths still run and write the same documents (a smoke test: nothing here is timed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

SCENARIO = ROOT / "bench" / "scenario.py"
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def _run(*args: str) -> dict[str, object]:
    result = subprocess.run(list(args), env=ENV, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _documents(folder: Path) -> list[object]:
    return sorted((yaml.safe_load(p.read_text()) for p in folder.rglob("*.yaml")), key=json.dumps)


def test_every_path_writes_the_same_documents(tmp_path: Path) -> None:
    docs = tmp_path / "docs.json"
    dumped = _run(sys.executable, str(SCENARIO), "dump", "1", str(docs))
    library = _run(sys.executable, str(SCENARIO), "library", "1", str(tmp_path / "library"))
    floor = _run(sys.executable, str(SCENARIO), "floor", str(docs), str(tmp_path / "floor"))
    raw = _run(sys.executable, str(SCENARIO), "raw", str(docs), str(tmp_path / "raw"))
    node = shutil.which("node")
    assert node, "node on PATH: make test installs the cdk8s CLI with it"
    ts_raw = _run(node, str(ROOT / "bench" / "node" / "raw.mjs"), str(docs), str(tmp_path / "ts-raw"))
    ts_plus = _run(node, str(ROOT / "bench" / "node" / "plus.mjs"), str(docs), str(tmp_path / "ts-plus"))
    assert library["objects"] == floor["objects"] == raw["objects"] == ts_raw["objects"] == ts_plus["objects"] \
        == dumped["objects"] > 40
    # The library builds through its companion: fewer jsii round-trips than stock cdk8s's raw path.
    assert floor["round_trips"] == 0 and 0 < library["round_trips"] < raw["round_trips"]  # type: ignore[operator]
    assert set(library["phases"]) >= {"build the charts (constructs, ApiObjects)", "synth: write files"}  # type: ignore[arg-type]
    # The floor and the TypeScript raw path write exactly the library's documents.
    expected = _documents(tmp_path / "library")
    assert _documents(tmp_path / "floor") == expected
    assert _documents(tmp_path / "ts-raw") == expected
    assert len(list((tmp_path / "ts-plus").rglob("*.yaml"))) == len(list((tmp_path / "library").rglob("*.yaml")))

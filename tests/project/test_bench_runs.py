"""`make bench`'s scenarios still run (a smoke test: nothing here is timed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SCENARIO = ROOT / "bench" / "scenario.py"


def _run(*args: str) -> dict[str, int]:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    result = subprocess.run([sys.executable, str(SCENARIO), *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_three_paths_write_the_same_objects(tmp_path: Path) -> None:
    docs = tmp_path / "docs.json"
    dumped = _run("dump", "1", str(docs))
    library = _run("library", "1", str(tmp_path / "library"))
    raw = _run("raw", str(docs), str(tmp_path / "raw"))
    plain = _run("yaml", str(docs), str(tmp_path / "yaml"))
    assert library["objects"] == raw["objects"] == plain["objects"] == dumped["objects"] > 40
    assert plain["round_trips"] == 0 and 0 < raw["round_trips"] < library["round_trips"]

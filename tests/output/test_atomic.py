"""dist/ is never half-written: kills at random points and concurrent writers leave a complete
old or a complete new tree (or no folder beside a complete ``dist.old``, restored by the next run)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdk8s_django.output._atomic import recover, write_tree

WRITER = """
import json, sys
from pathlib import Path
from cdk8s_django.output._atomic import write_tree
write_tree(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()))
"""


def _tree(tag: str, folders: int = 8, files: int = 100) -> dict[str, dict[str, str]]:
    return {f"env{f}": {f"{n:03d}-{tag}.yaml": f"{tag} {f} {n}\n" * 20 for n in range(files)} for f in range(folders)}


def _read(folder: Path) -> dict[str, dict[str, str]]:
    return {sub.name: {p.name: p.read_text() for p in sorted(sub.iterdir())} for sub in sorted(folder.iterdir())}


def _start(out: Path, tree_file: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(out), str(tree_file)])


def _tree_file(tmp_path: Path, tag: str) -> tuple[dict[str, dict[str, str]], Path]:
    import json

    tree = _tree(tag)
    path = tmp_path / f"{tag}.json"
    path.write_text(json.dumps(tree))
    return tree, path


def test_a_kill_at_any_point_leaves_a_complete_old_or_new_tree(tmp_path: Path) -> None:
    old, _ = _tree_file(tmp_path, "old")
    new, new_file = _tree_file(tmp_path, "new")
    # Kill points spread over one whole write on this machine (start-up included): no timing is asserted.
    started = time.monotonic()
    assert _start(tmp_path / "calibration", new_file).wait(timeout=120) == 0
    duration = time.monotonic() - started
    rng = random.Random(20261126)
    for trial in range(7):
        out = tmp_path / f"dist{trial}"
        write_tree(out, old)
        writer = _start(out, new_file)
        time.sleep(rng.uniform(0.1, 1.0) * duration)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        if out.exists():
            state = _read(out)
            assert state in (old, new), f"trial {trial}: a half-written dist/"
        else:
            assert _read(out.with_name(f"{out.name}.old")) == old, f"trial {trial}: no dist/ and no complete dist.old/"
        recover(out)  # what the next run does first
        assert _read(out) in (old, new) and not out.with_name(f"{out.name}.old").exists()
        assert not list(tmp_path.glob(f".{out.name}.new-*"))


def test_concurrent_writers_serialize_and_never_mix(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    trees = [_tree_file(tmp_path, tag) for tag in ("one", "two", "three")]
    writers = [_start(out, path) for _, path in trees]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    assert _read(out) in [tree for tree, _ in trees]
    assert sorted(os.listdir(tmp_path)) == sorted(["dist", ".dist.lock", "one.json", "two.json", "three.json"])


def test_the_next_write_restores_an_interrupted_swap(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    write_tree(out, _tree("old", 2, 3))
    os.rename(out, tmp_path / "dist.old")  # killed between the two renames
    recover(out)
    assert _read(out) == _tree("old", 2, 3)
    write_tree(out, _tree("new", 2, 3))
    assert _read(out) == _tree("new", 2, 3) and not (tmp_path / "dist.old").exists()


def test_a_failed_write_stops_the_rendering_and_keeps_the_old_tree(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    write_tree(out, {"qa": {"a.yaml": "old\n"}})
    rendered = []

    def charts() -> Iterator[tuple[str, dict[str, str]]]:
        for index in range(50):
            rendered.append(index)
            time.sleep(0.01)  # a chart's rendering: the writer thread gets to the bad folder meanwhile
            yield ("same" if index < 2 else f"env{index}"), {"a.yaml": "new\n"}  # the second "same" folder cannot be made

    with pytest.raises(FileExistsError):
        write_tree(out, charts())
    assert _read(out) == {"qa": {"a.yaml": "old\n"}}
    assert len(rendered) < 50  # stopped soon after the failure, not after rendering everything
    assert not list(tmp_path.glob(".dist.new-*"))

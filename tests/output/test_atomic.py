"""dist/ is never half-written: kills at random points and concurrent writers leave a complete
old or a complete new tree (or no folder beside a complete ``dist.old``, restored by the next run)."""

from __future__ import annotations

import os
import random
import signal
import stat
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


def _inode(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_dev, status.st_ino


def test_every_file_and_folder_is_on_disk_before_the_swap_and_the_swap_after(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A power loss after the rename never finds an empty file: each file, each folder and the new tree are
    fsynced before it, and the parent (the renames themselves) after it."""
    out = tmp_path / "dist"
    write_tree(out, _tree("old", 2, 3))
    events: list[tuple[str, object]] = []
    fsync, rename = os.fsync, os.rename

    def logged_fsync(fd: int) -> None:
        status = os.fstat(fd)
        events.append(("fsync", (status.st_dev, status.st_ino)))
        fsync(fd)

    def logged_rename(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        rename(source, target)
        events.append(("rename", Path(target).name))

    monkeypatch.setattr(os, "fsync", logged_fsync)
    monkeypatch.setattr(os, "rename", logged_rename)
    write_tree(out, _tree("new", 2, 3))
    assert _read(out) == _tree("new", 2, 3)
    swapped = events.index(("rename", "dist"))
    before = {inode for event, inode in events[:swapped] if event == "fsync"}
    on_disk = [out, *out.rglob("*")]
    assert len(on_disk) == 1 + 2 + 2 * 3
    assert [str(p.relative_to(tmp_path)) for p in on_disk if _inode(p) not in before] == []
    assert ("fsync", _inode(tmp_path)) in events[swapped:]


@pytest.mark.parametrize("umask", [0o000, 0o077, 0o027])
def test_folders_are_0755_and_files_0644_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "dist"
    previous = os.umask(umask)
    try:
        write_tree(out, _tree("new", 2, 3))
    finally:
        os.umask(previous)
    modes = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode)) for p in [out, *out.rglob("*")]}
    assert modes == {"dist": "0o755", "dist/env0": "0o755", "dist/env1": "0o755",
                     **{f"dist/env{f}/{n:03d}-new.yaml": "0o644" for f in range(2) for n in range(3)}}


@pytest.mark.parametrize("target_exists", [True, False])
def test_a_symbolic_link_as_the_lock_file_is_refused_and_its_target_untouched(tmp_path: Path, target_exists: bool) -> None:
    target = tmp_path / "precious.txt"
    if target_exists:
        target.write_text("someone's data\n")
    lock = tmp_path / ".dist.lock"
    lock.symlink_to(target)
    with pytest.raises(ValueError) as refused:
        write_tree(tmp_path / "dist", _tree("new", 1, 1))
    assert str(refused.value) == (f"invalid lock file {str(lock)!r}: expected a regular file, not a symbolic link (the lock is never"
                                  f" opened through a link). Fix: remove the link, e.g. rm {lock}; the next write creates the lock file")
    assert (target.read_text() if target_exists else target.exists()) == ("someone's data\n" if target_exists else False)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".dist.lock", *(["precious.txt"] if target_exists else [])])


def test_the_lock_file_is_never_emptied(tmp_path: Path) -> None:
    lock = tmp_path / ".dist.lock"
    lock.write_text("left by someone\n")
    write_tree(tmp_path / "dist", _tree("new", 1, 1))
    assert lock.read_text() == "left by someone\n"

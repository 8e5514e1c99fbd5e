"""Write an output folder so that it is never half-written, and two writers never mix.

The new tree is written beside the folder (``.<name>.new-*``), then swapped in with two
renames under an exclusive lock (``.<name>.lock``, ``fcntl.flock``: Linux and macOS):
``<name>`` -> ``<name>.old``, new -> ``<name>``, then ``<name>.old`` is removed. A kill leaves
the complete old folder, the complete new one, or no folder beside a complete
``<name>.old``, which the next write restores first. Concurrent writers serialize: each
swap is whole, and the last one to take the lock wins.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

__all__ = ["recover", "write_tree"]


@contextmanager
def _locked(parent: Path, name: str) -> Iterator[None]:
    """An exclusive flock (Linux, macOS). Windows has no fcntl: writes still swap whole, unlocked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(parent / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def recover(out: Path) -> None:
    """Finish what a killed write left (call under the lock): restore ``<name>.old`` when the
    folder is missing, drop it when the swap completed, and remove abandoned new trees."""
    old = out.with_name(f"{out.name}.old")
    if old.exists():
        if out.exists():
            shutil.rmtree(old)
        else:
            os.rename(old, out)
    for abandoned in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(abandoned, ignore_errors=True)


def write_tree(out: Path, tree: Mapping[str, Mapping[str, str]] | Iterable[tuple[str, Mapping[str, str]]]) -> None:
    """Replace the folder ``out`` by ``tree`` (``{sub folder: {file name: text}}``, or its items as they
    are made), atomically. Files are written on a second thread while the next items are made, so
    the disk works while cdk8s does; if making an item fails, nothing is swapped in."""
    out = out.absolute()
    if out.is_symlink():
        raise ValueError(f"invalid outdir={str(out)!r}: expected a folder, not a symbolic link (the swap would replace the link)."
                         f" Fix: write to the link's target, {str(out.resolve())!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    items = tree.items() if isinstance(tree, Mapping) else tree
    with _locked(out.parent, out.name):
        recover(out)
        new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        new.chmod(0o755)
        disk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdk8s-django-write")
        try:
            written = []
            for folder, files in items:
                written.append(disk.submit(_write_folder, new / folder, files))
                _raise_failed(written)  # a write that failed stops the rendering at once
            disk.shutdown(wait=True)
            _raise_failed(written)
            old = out.with_name(f"{out.name}.old")
            if out.exists():
                os.rename(out, old)
            os.rename(new, out)
            if old.exists():
                shutil.rmtree(old)
        finally:
            disk.shutdown(wait=True, cancel_futures=True)  # after a failure: no queued write left to run
            if new.exists():
                shutil.rmtree(new)


def _raise_failed(written: list[Future[None]]) -> None:
    """Raise the first error of the writes done so far (a write that failed fails the whole tree)."""
    for done in written:
        if done.done():
            done.result()


def _write_folder(folder: Path, files: Mapping[str, str]) -> None:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)

"""Write an output folder so that it is never half-written, even after a power loss, and two writers never mix.

The new tree is written beside the folder (``.<name>.new-*``), every file and folder of it flushed to disk
(``fsync``), then swapped in with two renames under an exclusive lock (``.<name>.lock``, ``fcntl.flock``: Linux
and macOS): ``<name>`` -> ``<name>.old``, new -> ``<name>``, the parent folder flushed, then ``<name>.old``
removed. A kill or a power loss leaves the complete old folder, the complete new one, or no folder beside a
complete ``<name>.old``, which the next write restores first. Concurrent writers serialize: each swap is whole,
and the last one to take the lock wins. Folders are written with mode 0755 and files with 0644, whatever the
umask; the lock file is never followed through a symbolic link, nor emptied.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

__all__ = ["FILE_MODE", "FOLDER_MODE", "recover", "write_tree"]

FOLDER_MODE = 0o755
FILE_MODE = 0o644
# Not on Windows (nor a link to follow the same way): 0 leaves the flag out.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@contextmanager
def _locked(parent: Path, name: str) -> Iterator[None]:
    """An exclusive flock (Linux, macOS). Windows has no fcntl: writes still swap whole, unlocked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    lock = _open_lock(parent / f".{name}.lock")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        os.close(lock)


def _open_lock(path: Path) -> int:
    """The lock file, made if missing: never truncated (nothing is written to it) and never opened through a
    symbolic link, which would lock (or create, or empty) the link's target instead."""
    try:
        lock = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC, FILE_MODE)
    except OSError:
        if path.is_symlink():
            raise ValueError(f"invalid lock file {str(path)!r}: expected a regular file, not a symbolic link (the lock is never"
                             f" opened through a link). Fix: remove the link, e.g. rm {shlex.quote(str(path))}; the next write"
                             " creates the lock file") from None
        raise
    if not stat.S_ISREG(os.fstat(lock).st_mode):
        os.close(lock)
        raise ValueError(f"invalid lock file {str(path)!r}: expected a regular file. Fix: remove it, e.g. rm {shlex.quote(str(path))};"
                         " the next write creates the lock file")
    return lock


def recover(out: Path) -> None:
    """Finish what a killed write left (call under the lock): restore ``<name>.old`` when the
    folder is missing, drop it when the swap completed, and remove abandoned new trees."""
    old = out.with_name(f"{out.name}.old")
    if old.exists():
        if out.exists():
            shutil.rmtree(old)
        else:
            os.rename(old, out)
            _fsync_folder(out.parent)
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
        os.chmod(new, FOLDER_MODE)
        disk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdk8s-django-write")
        try:
            written = []
            for folder, files in items:
                written.append(disk.submit(_write_folder, new / folder, files))
                _raise_failed(written)  # a write that failed stops the rendering at once
            disk.shutdown(wait=True)
            _raise_failed(written)
            _fsync_folder(new)
            _swap(new, out)
        finally:
            disk.shutdown(wait=True, cancel_futures=True)  # after a failure: no queued write left to run
            if new.exists():
                shutil.rmtree(new)


def _swap(new: Path, out: Path) -> None:
    """``out`` -> ``out.old``, ``new`` -> ``out``, both renames on disk, then ``out.old`` removed."""
    old = out.with_name(f"{out.name}.old")
    if out.exists():
        os.rename(out, old)
    os.rename(new, out)
    _fsync_folder(out.parent)
    if old.exists():
        shutil.rmtree(old)


def _raise_failed(written: list[Future[None]]) -> None:
    """Raise the first error of the writes done so far (a write that failed fails the whole tree)."""
    for done in written:
        if done.done():
            done.result()


def _write_folder(folder: Path, files: Mapping[str, str]) -> None:
    """A new folder (0755) of new files (0644), whatever the umask, all on disk before it returns."""
    folder.mkdir(FOLDER_MODE)
    os.chmod(folder, FOLDER_MODE)  # mkdir's mode goes through the umask; chmod's does not
    for name, text in files.items():
        _write_file(folder / name, text)
    _fsync_folder(folder)


def _write_file(path: Path, text: str) -> None:
    """A new file (never one that exists, never through a link) with mode 0644, flushed to disk."""
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, FILE_MODE), "wb") as file:
        os.chmod(path, FILE_MODE)
        file.write(text.encode())
        file.flush()
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (the names of what was made or renamed in it) to disk."""
    if sys.platform == "win32":  # pragma: no cover - a folder cannot be opened (nor fsynced) there
        return
    handle = os.open(folder, os.O_RDONLY | _CLOEXEC)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)

"""Runs inside a pod's new mount, network and UTS namespaces (``unshare`` started it): waits until the host has
wired the network, builds the container's root filesystem, then becomes the container's process.

The root is made of bind mounts of the machine's own root, read-only when ``readOnlyRootFilesystem`` says so,
with the pod's volumes and a few files (``/etc/hosts``, the CA bundle) mounted over it at their paths. Folders
above those paths are made afresh (mode 0755), so a volume at ``/var/lib/celery-beat`` needs no folder on the
machine, and the image's paths stay reachable by the container's non-root user.

Called as ``python _enter_pod.py <spec.json>``; standard library only (it runs with the machine's Python).
"""

from __future__ import annotations

import ctypes
import json
import os
import socket
import stat
import sys

MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    if _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                   data.encode() if data else None) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {source} on {target}: {os.strerror(error)}")


def _bind(source: str, target: str, read_only: bool) -> None:
    if os.path.isdir(source) and not os.path.islink(source):
        os.makedirs(target, exist_ok=True)
    else:
        open(target, "a").close()
    _mount(source, target, None, MS_BIND | MS_REC)
    if read_only:
        _mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _populate(host: str, new: str, special: set[str], read_only: bool) -> None:
    """``new`` mirrors the host folder ``host``: each entry bound, but for the ``special`` paths (the mounts, and
    the new root itself) and the folders above them, which are made afresh and filled the same way."""
    for name in sorted(os.listdir(host)):
        path = os.path.join(host, name)
        target = new + path
        if path in special:
            continue
        if any(_under(other, path) for other in special) and os.path.isdir(path) and not os.path.islink(path):
            os.mkdir(target, 0o755)
            _populate(path, new, special, read_only)
        elif os.path.islink(path):
            os.symlink(os.readlink(path), target)
        elif stat.S_ISDIR(os.lstat(path).st_mode) or stat.S_ISREG(os.lstat(path).st_mode):
            _bind(path, target, read_only and not path.startswith(("/proc", "/dev", "/sys")))


def _build_root(root: str, mounts: dict[str, tuple[str, bool]], read_only: bool) -> None:
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", 0, "mode=0755")
    _populate("/", root, {*mounts, root}, read_only)
    for path, (source, ro) in sorted(mounts.items()):
        parent = os.path.dirname(root + path)
        os.makedirs(parent, mode=0o755, exist_ok=True)
        _bind(source, root + path, ro)


def _which(name: str, path: str) -> str:
    """The container's executable, looked up on its own PATH (as the runtime does), in the new root."""
    if "/" in name:
        return name
    for folder in path.split(":"):
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit(f'exec: "{name}": executable file not found in $PATH ({path})')


def _own_stdio(uid: int, gid: int) -> None:
    """The container's user owns its stdout and stderr, as runc makes it (fixStdioPermissions): a process that reopens
    /dev/stdout (nginx's access log) may then write there. Not a character device (/dev/null, a terminal)."""
    for fd in (0, 1, 2):
        status = os.fstat(fd)
        if status.st_uid != uid and not stat.S_ISCHR(status.st_mode):
            os.fchown(fd, uid, gid)


def main() -> None:
    with open(sys.argv[1]) as file:
        spec = json.load(file)
    os.read(spec["ready_fd"], 1)  # the host has wired eth0 (or closed the pipe: then the pod starts without a network)
    # Each mount path as the machine resolves it (/var/run is a link to /run on Debian).
    mounts = {os.path.realpath(path): (source, ro) for path, (source, ro) in spec["mounts"].items()}
    _build_root(spec["root"], mounts, spec["read_only_root"])
    socket.sethostname(spec["hostname"])
    os.chroot(spec["root"])
    os.chdir(spec["working_dir"])
    program = _which(spec["argv"][0], spec["env"].get("PATH", "/usr/bin:/bin"))
    if spec["uid"] is not None:
        _own_stdio(spec["uid"], spec["gid"] if spec["gid"] is not None else spec["uid"])
    if spec["gid"] is not None:
        os.setgroups(spec["groups"])
        os.setgid(spec["gid"])
    if spec["uid"] is not None:
        os.setuid(spec["uid"])
    os.execve(program, spec["argv"], spec["env"])  # nothing of Python's left to load as the container's user


if __name__ == "__main__":
    main()

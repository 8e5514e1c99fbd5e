"""One container of a pod, started as the kubelet would start it: its command, environment, volumes, user,
hostname and IP from the manifest; probes, ``exec`` and stopping (preStop, SIGTERM, grace period, SIGKILL).

Each pod gets its own mount, network and UTS namespaces (``unshare``): its own IP on the test bridge, its own
``/etc/hosts`` mapping the Service names, its volumes at their ``mountPath``. The containers of one pod share a
``Sandbox``, as a kubelet's pod does: its network and UTS namespaces (held by a pause process) and its emptyDirs;
each container keeps a mount namespace of its own. Nothing on the machine changes.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import manifests
from .network import Network

ENTER = Path(__file__).with_name("_enter_pod.py")


@dataclass(frozen=True)
class Image:
    """What the e2e run knows of an image the manifests name: the env and working folder its Dockerfile sets,
    its entrypoint, and files it contains (mounted at their path)."""

    env: Mapping[str, str]
    working_dir: str = "/"
    entrypoint: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)
    # The user /etc/passwd names for any UID the pod runs as (the postgres image's entrypoint gives an unknown
    # UID one with nss_wrapper; initdb refuses to run without one).
    passwd_user: str | None = None
    # The Dockerfile's STOPSIGNAL, which the runtime sends on delete (the postgres image's is SIGINT: a fast
    # shutdown, where SIGTERM would wait for every client to disconnect).
    stop_signal: int = signal.SIGTERM


class PodFailed(AssertionError):
    """A step failed: the message names the environment, the pod, the container and the step."""


@dataclass
class Sandbox:
    """What the kubelet makes once per pod, before its first container: the network and UTS namespaces, held by a
    pause process (the runtime's pause container), with the pod's IP on its eth0; and the emptyDirs, which every
    container of the pod shares (an init container's files reach the containers after it)."""

    name: str
    network: Network
    ip: str
    state: Path
    process: subprocess.Popen[bytes] | None = None
    empty_dirs: dict[str, Path] = field(default_factory=dict)

    def start(self) -> Sandbox:
        pause = [shutil.which("unshare") or "unshare", "--net", "--uts", sys.executable, "-c", "import signal; signal.pause()"]
        self.process = subprocess.Popen(pause, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
        self.network.attach(self.process.pid, self.ip)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name}: the pod's sandbox is not started"
        return self.process.pid

    def empty_dir(self, volume: str, uid: int, gid: int) -> Path:
        """The pod's emptyDir ``volume``, made when its first container starts."""
        if volume not in self.empty_dirs:
            folder = self.state / "volumes" / f"{self.name}-{volume}-{os.getpid()}-{time.monotonic_ns()}"
            folder.mkdir(parents=True)
            os.chown(folder, uid, gid)
            folder.chmod(0o2775)
            self.empty_dirs[volume] = folder
        return self.empty_dirs[volume]

    def stop(self) -> None:
        """The pod is gone: its namespaces with it (its IP free for the next pod of the workload)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class Pod:
    env: manifests.Environment
    kind: str
    workload: str
    container_name: str
    network: Network
    images: Mapping[str, Image]
    cluster: manifests.Cluster
    state: Path
    init: bool = False
    sandbox: Sandbox | None = None  # None: a pod of this one container, with namespaces and emptyDirs of its own
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.template = self.env.pod_template(self.kind, self.workload)
        spec = self.template["spec"]
        containers = spec.get("initContainers", []) if self.init else spec["containers"]
        matches = [c for c in containers if c["name"] == self.container_name]
        assert matches, f"{self.where}: no container {self.container_name!r}"
        self.container = matches[0]
        self.ip = self.sandbox.ip if self.sandbox is not None else self.network.ip_of(f"{self.env.name}/{self.workload}")
        self.cluster = manifests.Cluster(self.cluster.secrets, pod_ip=self.ip)
        self.image = self._image(self.container["image"])
        variables = manifests.container_env(self.env, self.cluster, self.template, self.container,
                                            manifests.service_links(self.env, self.network.service_ips(self.env)))
        self.variables = {**self.image.env, **({"HOME": "/tmp"} if self.image.passwd_user else {}), **variables}
        self.argv = manifests.command_line(self.container, self.variables, list(self.image.entrypoint))
        self.log = self.state / f"{self.workload}.{self.container_name}.log"

    @property
    def where(self) -> str:
        return f"{self.env.name}: {self.kind} {self.workload}, container {self.container_name}"

    def _image(self, reference: str) -> Image:
        repository = reference.split("@")[0].rsplit(":", 1)[0]
        if repository not in self.images:
            raise PodFailed(f"{self.where}: image {reference!r} is not one make e2e can stand in for ({sorted(self.images)})")
        return self.images[repository]

    def _ids(self) -> tuple[int | None, int | None, list[int]]:
        context = {**self.template["spec"].get("securityContext", {}), **self.container.get("securityContext", {})}
        uid, gid = context.get("runAsUser"), context.get("runAsGroup", context.get("runAsUser"))
        if context.get("runAsNonRoot") and not uid:  # the kubelet refuses to start it (these stand-in images run as root)
            raise PodFailed(f"{self.where}: runAsNonRoot without a non-zero runAsUser: the kubelet would not start it")
        groups = [g for g in [self.template["spec"].get("securityContext", {}).get("fsGroup")] if g is not None]
        return uid, gid, groups

    def _volumes(self) -> dict[str, tuple[str, bool]]:
        """Each volumeMount's source folder, made as its volume says; persistent ones survive a restart."""
        uid, _, groups = self._ids()
        owner_gid = groups[0] if groups else (uid or 0)
        sources: dict[str, Path] = {}
        claims = {t["metadata"]["name"] for t in self.env.get(self.kind, self.workload)["spec"].get("volumeClaimTemplates", [])} \
            if self.kind == "StatefulSet" else set()
        for volume in self.template["spec"].get("volumes", []) + [{"name": name, "claim": True} for name in claims]:
            name = volume["name"]
            if "emptyDir" in volume and self.sandbox is not None:
                sources[name] = self.sandbox.empty_dir(name, uid or 0, owner_gid)
                continue
            if "emptyDir" in volume:
                folder = self.state / "volumes" / f"{self.workload}-{name}-{os.getpid()}-{time.monotonic_ns()}"
            else:
                folder = self.state / "volumes" / f"{self.workload}-{name}"
            folder.mkdir(parents=True, exist_ok=True)
            if "configMap" in volume or "secret" in volume:
                data = (self.env.get("ConfigMap", volume["configMap"]["name"]).get("data", {}) if "configMap" in volume
                        else manifests.secret(self.env, self.cluster, volume["secret"]["secretName"]))
                items = volume.get("configMap", volume.get("secret", {})).get("items") or [{"key": k, "path": k} for k in data]
                for item in items:
                    (folder / item["path"]).write_text(data[item["key"]])
                    (folder / item["path"]).chmod(0o644)
            elif "emptyDir" in volume or "claim" in volume or "persistentVolumeClaim" in volume:
                os.chown(folder, uid or 0, owner_gid)
                folder.chmod(0o2775)
            else:
                raise PodFailed(f"{self.where}: volume {name!r} of a kind make e2e does not know: {sorted(volume)}")
            sources[name] = folder
        mounts: dict[str, tuple[str, bool]] = {}
        for mount in self.container.get("volumeMounts", []):
            source = sources[mount["name"]] / mount.get("subPath", "")
            mounts[mount["mountPath"]] = (str(source), bool(mount.get("readOnly", False)))
        return mounts

    def start(self) -> Pod:
        uid, gid, groups = self._ids()
        hostname = self.network.hostname_of(self.workload)
        mounts = {"/etc/hosts": (str(self.network.hosts_file(self.env, hostname, self.ip)), True), **self._volumes()}
        mounts.update({path: (source, True) for path, source in self.image.files.items()})
        if self.image.passwd_user is not None and uid is not None:
            passwd = self.state / "passwd" / f"{self.workload}-{self.container_name}"
            passwd.parent.mkdir(parents=True, exist_ok=True)
            passwd.write_text(Path("/etc/passwd").read_text() + f"{self.image.passwd_user}:x:{uid}:{gid}::/tmp:/bin/sh\n")
            group = passwd.with_suffix(".group")  # the Dockerfile's groupadd: Celery warns of "superuser privileges" without it
            group.write_text(Path("/etc/group").read_text() + f"{self.image.passwd_user}:x:{gid}:\n")
            mounts["/etc/passwd"], mounts["/etc/group"] = (str(passwd), True), (str(group), True)
        spec = {"mounts": mounts, "hostname": hostname,
                "read_only_root": bool(self.container.get("securityContext", {}).get("readOnlyRootFilesystem")),
                "working_dir": self.container.get("workingDir", self.image.working_dir), "uid": uid, "gid": gid,
                "groups": groups, "argv": self.argv, "env": self.variables}
        self.process = launch(spec, self.network, self.ip, self.state / "roots" / f"{self.workload}-{self.container_name}", self.log,
                              sandbox=self.sandbox)
        return self

    # -- what the kubelet does to a running container ------------------------------------------------------

    def exec(self, argv: list[str], timeout: float = 60, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``kubectl exec`` (and an exec probe): the container's namespaces, root, user and environment."""
        assert self.process is not None, f"{self.where}: not started"
        uid, gid, _ = self._ids()
        ids = [*(["-S", str(uid)] if uid is not None else []), *(["-G", str(gid)] if gid is not None else [])]
        nsenter = shutil.which("nsenter") or "nsenter"
        namespaces = ["--target", str(self.process.pid), "--mount", "--net", "--uts", "--root", "--wd"]
        return subprocess.run([nsenter, *namespaces, *ids, "--", *argv],
                              env=dict(env or self.variables), capture_output=True, text=True, timeout=timeout, check=False)

    def probe(self, which: str) -> tuple[bool, str]:
        """Run the container's ``startupProbe``/``readinessProbe``/``livenessProbe`` once, as the kubelet does."""
        probe = self.container[which]
        timeout = probe.get("timeoutSeconds", 1)
        if "exec" in probe:
            try:
                result = self.exec(probe["exec"]["command"], timeout=timeout)
            except subprocess.TimeoutExpired:
                return False, f"exec timed out after {timeout}s"
            return result.returncode == 0, (result.stdout + result.stderr).strip()
        if "httpGet" in probe:
            get = probe["httpGet"]
            headers = {h["name"]: h["value"] for h in get.get("httpHeaders", [])}
            headers.setdefault("User-Agent", "kube-probe/1.31")
            try:
                status, body = self.http(get.get("path", "/"), manifests.port_number(self.container, get["port"]), headers, timeout)
            except OSError as error:
                return False, str(error)
            return 200 <= status < 400, f"HTTP {status}: {body[:200]!r}"
        if "tcpSocket" in probe:
            import socket
            try:
                socket.create_connection((self.ip, manifests.port_number(self.container, probe["tcpSocket"]["port"])), timeout).close()
            except OSError as error:
                return False, str(error)
            return True, "connected"
        raise PodFailed(f"{self.where}: {which} of a kind make e2e does not know: {sorted(probe)}")

    def http(self, path: str, port: int, headers: Mapping[str, str], timeout: float = 10, method: str = "GET",
             body: bytes | None = None) -> tuple[int, bytes]:
        status, _, content = self.request(path, port, headers, timeout, method, body)
        return status, content

    def request(self, path: str, port: int, headers: Mapping[str, str], timeout: float = 10, method: str = "GET",
                body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        """An HTTP request to the pod's IP: status, response headers (names in lower case) and body."""
        connection = http.client.HTTPConnection(self.ip, port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=dict(headers))
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def wait_for(self, which: str, timeout: float | None = None) -> None:
        """Probe until it passes, within the probe's own budget (periodSeconds × failureThreshold, plus its delay)."""
        probe = self.container[which]
        period = probe.get("periodSeconds", 10)
        budget = timeout or probe.get("initialDelaySeconds", 0) + period * probe.get("failureThreshold", 3)
        deadline, last = time.monotonic() + budget, ""
        while time.monotonic() < deadline:
            self.check_running(f"waiting for its {which}")
            ok, last = self.probe(which)
            if ok:
                return
            time.sleep(min(1.0, period))
        raise PodFailed(f"{self.where}: {which} did not pass within {budget}s: {last}\n{self.tail()}")

    def check_running(self, step: str) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise PodFailed(f"{self.where}: exited {self.process.returncode} while {step}\n{self.tail()}")

    def wait(self, timeout: float) -> int:
        """Run to completion (a Job's or an init container's process); its exit code."""
        assert self.process is not None
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise PodFailed(f"{self.where}: still running after {timeout}s\n{self.tail()}") from None

    def stop(self) -> tuple[int, float]:
        """Delete the pod: the preStop hook, then the image's stop signal, then SIGKILL when the grace period ends.
        Returns the exit code and the seconds it took."""
        assert self.process is not None
        grace = self.template["spec"].get("terminationGracePeriodSeconds", 30)
        started = time.monotonic()
        pre_stop = self.container.get("lifecycle", {}).get("preStop", {})
        if "exec" in pre_stop and self.process.poll() is None:
            try:
                self.exec(pre_stop["exec"]["command"], timeout=grace)
            except subprocess.TimeoutExpired:  # the kubelet would kill the hook and the container: the manifest's fault
                self.kill()
                raise PodFailed(f"{self.where}: its preStop hook outlasted terminationGracePeriodSeconds={grace}"
                                f" (the kubelet kills the container then)\n{self.tail()}") from None
        if self.process.poll() is None:
            os.kill(self.process.pid, self.image.stop_signal)
        try:
            code = self.process.wait(max(0.1, grace - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait()
        if _group_alive(self.process.pid):  # what the container's process left behind
            os.killpg(self.process.pid, signal.SIGKILL)
        return code, time.monotonic() - started

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(f"    | {line}" for line in text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL whatever of the pod still runs (the end of a run)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def launch(spec: dict[str, Any], network: Network, ip: str, root: Path, log: Path,
           sandbox: Sandbox | None = None) -> subprocess.Popen[bytes]:
    """Start ``spec["argv"]`` in new mount, network and UTS namespaces, in a root built by _enter_pod.py, with
    ``ip`` on its eth0 before the process starts; or, with a ``sandbox``, in the sandbox's network and UTS
    namespaces (its IP) and a mount namespace of its own."""
    root = root.with_name(f"{root.name}-{time.monotonic_ns()}")
    root.mkdir(parents=True)
    read_end, write_end = os.pipe()
    spec_file = root.with_suffix(".json")
    spec_file.write_text(json.dumps({**spec, "root": str(root), "ready_fd": read_end}))
    unshare = shutil.which("unshare") or "unshare"
    if sandbox is None:
        argv = [unshare, "--mount", "--net", "--uts", "--propagation", "private", sys.executable, str(ENTER), str(spec_file)]
    else:
        argv = [shutil.which("nsenter") or "nsenter", "--target", str(sandbox.pid), "--net", "--uts", "--",
                unshare, "--mount", "--propagation", "private", sys.executable, str(ENTER), str(spec_file)]
    with log.open("ab") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, pass_fds=(read_end,),
                                   start_new_session=True)
    os.close(read_end)
    try:
        if sandbox is None:
            network.attach(process.pid, ip)
    finally:
        os.write(write_end, b"1")
        os.close(write_end)
    _wait_for_exec(process)
    return process


def _wait_for_exec(process: subprocess.Popen[bytes]) -> None:
    """Until the launcher has become the container's process (root built, user set), so that an exec or a
    probe right after the start meets the container, not the launcher."""
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if str(ENTER).encode() not in Path(f"/proc/{process.pid}/cmdline").read_bytes():
                return
        except FileNotFoundError:
            return
        time.sleep(0.01)

"""The pods' network: a bridge in the e2e run's own network namespace (``make e2e`` starts pytest under
``unshare --net``), one IP per workload, and each pod's ``/etc/hosts`` mapping the environment's Service names
(``shop-postgres``, ``shop-postgres.shop-qa.svc``, ...) to the pod behind them, or, for an ExternalName
Service, to the local server standing in for the managed one. Nothing outside the run's namespace changes.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import time
from pathlib import Path
from typing import Any

from . import manifests


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def _labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


class Network:
    """``index`` numbers the run's networks (one per pytest-xdist worker, each environment on its own)."""

    def __init__(self, state: Path, index: int = 0) -> None:
        self.state, self.bridge = state, f"e2e{index}"
        self.subnet = ipaddress.ip_network(f"10.213.{index}.0/24")
        self.gateway = str(self.subnet.network_address + 1)
        self._ips: dict[str, str] = {}
        self._aliases: dict[str, str] = {}  # an ExternalName target -> the IP of the server standing in for it
        self._next = 10
        _ip("link", "set", "lo", "up")
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.gateway}/{self.subnet.prefixlen}", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")

    def ip_of(self, name: str) -> str:
        """The IP of a workload's pod (one replica each) or of a stand-in server: fixed for the run."""
        if name not in self._ips:
            self._ips[name] = str(self.subnet.network_address + self._next)
            self._next += 1
        return self._ips[name]

    def alias(self, external_name: str, server: str) -> None:
        """An ExternalName Service whose ``externalName`` is ``external_name`` resolves to the stand-in ``server``."""
        self._aliases[external_name] = self.ip_of(server)

    @staticmethod
    def hostname_of(workload: str) -> str:
        return f"{workload}-0"

    def _backend(self, env: manifests.Environment, service: dict[str, Any]) -> str | None:
        spec = service["spec"]
        if spec.get("type") == "ExternalName":
            return self._aliases.get(spec["externalName"])
        for kind, name in env.workloads():
            labels = env.pod_template(kind, name)["metadata"].get("labels", {})
            if _labels_match(spec.get("selector") or {}, labels):
                return self.ip_of(f"{env.name}/{name}")
        return None

    def service_ips(self, env: manifests.Environment) -> dict[str, str]:
        """Each Service's address: its pod's IP (standing in for the cluster IP that kube-proxy would route)."""
        found = {service["metadata"]["name"]: self._backend(env, service) for service in env.of_kind("Service")}
        return {name: ip for name, ip in found.items() if ip is not None}

    def hosts_file(self, env: manifests.Environment, hostname: str, ip: str) -> Path:
        """A pod's /etc/hosts: itself, localhost, and the Service names a cluster's DNS would answer."""
        lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", f"{ip}\t{hostname}"]
        for name, address in sorted(self.service_ips(env).items()):
            lines.append(f"{address}\t{name} {name}.{env.namespace} {name}.{env.namespace}.svc {name}.{env.namespace}.svc.cluster.local")
        path = self.state / "hosts" / f"{env.name}-{hostname}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
        return path

    def hosts_file_for(self, server: str) -> Path:
        """A stand-in server's /etc/hosts: itself and localhost."""
        path = self.state / "hosts" / f"standin-{server}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"127.0.0.1\tlocalhost\n{self.ip_of(server)}\t{server}\n")
        return path

    def attach(self, pid: int, ip: str) -> None:
        """A veth from the bridge into the pod's network namespace, with the pod's IP on its eth0."""
        host_side = f"veth{pid}"[:15]
        own, deadline = os.readlink("/proc/self/ns/net"), time.monotonic() + 10
        while os.readlink(f"/proc/{pid}/ns/net") == own:  # unshare has not made the pod's namespace yet
            assert time.monotonic() < deadline, f"process {pid} never entered a network namespace of its own"
            time.sleep(0.005)
        _ip("link", "add", host_side, "type", "veth", "peer", "name", "eth0", "netns", str(pid))
        _ip("link", "set", host_side, "master", self.bridge, "up")
        inside = ["nsenter", "--target", str(pid), "--net", "ip"]
        for args in (["link", "set", "lo", "up"], ["addr", "add", f"{ip}/{self.subnet.prefixlen}", "dev", "eth0"],
                     ["link", "set", "eth0", "up"], ["route", "add", "default", "via", self.gateway]):
            subprocess.run([*inside, *args], check=True, capture_output=True, text=True)

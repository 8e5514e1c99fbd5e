"""One environment's pods on the test network: starts containers by workload, as a rollout would, and stops
every one of them at the end."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from . import images, manifests, secrets
from .network import Network
from .pod import Image, Pod, Sandbox


class Rollout:
    def __init__(self, env: manifests.Environment, network: Network, state: Path, built: Path,
                 image_files: Mapping[str, str] | None = None, cluster_secrets: dict[str, dict[str, str]] | None = None) -> None:
        self.env, self.network, self.state = env, network, state / env.name
        self.state.mkdir(parents=True, exist_ok=True)
        web = env.pod_template("Deployment", f"{self.app_name}-web")["spec"]["containers"][0]["image"]
        self.app_image = web.split("@")[0].rsplit(":", 1)[0]
        self.images: dict[str, Image] = images.build(self.app_image, built, dict(image_files or {}))
        self.cluster = manifests.Cluster(cluster_secrets or secrets.cluster_secrets(env))
        self.pods: list[Pod] = []
        self.sandboxes: list[Sandbox] = []

    @property
    def app_name(self) -> str:
        return self.env.namespace.rsplit("-", 1)[0]

    def pod(self, kind: str, workload: str, container: str, init: bool = False, sandbox: Sandbox | None = None) -> Pod:
        """A container of ``workload``, ready to start (``.start()``); in ``sandbox``, the pod it belongs to."""
        pod = Pod(self.env, kind, workload, container, self.network, self.images, self.cluster, self.state, init=init,
                  sandbox=sandbox)
        self.pods.append(pod)
        return pod

    def start(self, kind: str, workload: str, container: str, init: bool = False, sandbox: Sandbox | None = None) -> Pod:
        return self.pod(kind, workload, container, init, sandbox).start()

    def sandbox(self, workload: str) -> Sandbox:
        """A new pod of ``workload``: its namespaces, with the workload's IP, and its emptyDirs."""
        sandbox = Sandbox(workload, self.network, self.network.ip_of(f"{self.env.name}/{workload}"), self.state).start()
        self.sandboxes.append(sandbox)
        return sandbox

    def stop_all(self) -> None:
        for pod in reversed(self.pods):
            pod.kill()
        for sandbox in self.sandboxes:
            sandbox.stop()

"""One environment's pods on the test network: starts containers by workload, as a rollout would, and stops
every one of them at the end."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from . import images, manifests, secrets
from .network import Network
from .pod import Image, Pod


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

    @property
    def app_name(self) -> str:
        return self.env.namespace.rsplit("-", 1)[0]

    def pod(self, kind: str, workload: str, container: str, init: bool = False) -> Pod:
        """A container of ``workload``, ready to start (``.start()``)."""
        pod = Pod(self.env, kind, workload, container, self.network, self.images, self.cluster, self.state, init=init)
        self.pods.append(pod)
        return pod

    def start(self, kind: str, workload: str, container: str, init: bool = False) -> Pod:
        return self.pod(kind, workload, container, init).start()

    def stop_all(self) -> None:
        for pod in reversed(self.pods):
            pod.kill()

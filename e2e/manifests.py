"""What a kubelet reads from ``dist/<environment>/``: pod templates, and each container's environment resolved as
Kubernetes resolves it (``envFrom`` first, then ``env`` in order, ``$(VAR)`` expanded against what came before).

Only the rules the library's output relies on are implemented, each as the kubelet does it; anything else in a
manifest (a ``valueFrom`` kind it does not know) is an error, so a new construct cannot slip past ``make e2e``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# A C identifier is what envFrom accepts as a key since Kubernetes 1.x (others are skipped with an event).
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
_POD_OWNERS = ("Deployment", "StatefulSet", "Job", "CronJob")


def expand(text: str, defined: Mapping[str, str]) -> str:
    """``$(NAME)`` becomes its value when NAME is defined, ``$$`` becomes ``$``; anything else stays as written
    (the kubelet's third_party/forked/golang/expansion rules: an undefined reference is kept literally)."""
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "$" and index + 1 < len(text):
            nxt = text[index + 1]
            if nxt == "$":
                out.append("$")
                index += 2
                continue
            if nxt == "(":
                end = text.find(")", index + 2)
                if end != -1:
                    name = text[index + 2:end]
                    out.append(defined[name] if name in defined else text[index:end + 1])
                    index = end + 1
                    continue
        out.append(char)
        index += 1
    return "".join(out)


@dataclass
class Environment:
    """One ``dist/<name>/`` folder: its objects by kind and name."""

    name: str
    objects: dict[tuple[str, str], dict[str, Any]]
    namespace: str

    @classmethod
    def load(cls, folder: Path) -> Environment:
        objects: dict[tuple[str, str], dict[str, Any]] = {}
        for path in sorted(folder.glob("*.yaml")):
            for document in yaml.safe_load_all(path.read_text()):
                if document:
                    objects[(document["kind"], document["metadata"]["name"])] = document
        namespaces = [name for kind, name in objects if kind == "Namespace"]
        assert len(namespaces) == 1, f"{folder}: expected one Namespace, found {namespaces}"
        return cls(folder.name, objects, namespaces[0])

    def get(self, kind: str, name: str) -> dict[str, Any]:
        try:
            return self.objects[(kind, name)]
        except KeyError:
            raise KeyError(f"{self.name}: no {kind} {name!r} in dist/{self.name}/") from None

    def of_kind(self, kind: str) -> Iterator[dict[str, Any]]:
        return (obj for (k, _), obj in self.objects.items() if k == kind)

    def named(self, kind: str, prefix: str) -> dict[str, Any]:
        """The one object of ``kind`` whose name starts with ``prefix`` (the migration Job's name carries a hash)."""
        found = [obj for (k, name), obj in self.objects.items() if k == kind and name.startswith(prefix)]
        assert len(found) == 1, f"{self.name}: expected one {kind} named {prefix}*, found {len(found)}"
        return found[0]

    def pod_template(self, kind: str, name: str) -> dict[str, Any]:
        obj = self.get(kind, name) if kind != "Job" else self.named("Job", name)
        assert kind in _POD_OWNERS, kind
        spec = obj["spec"]
        template = spec["jobTemplate"]["spec"]["template"] if kind == "CronJob" else spec["template"]
        return template  # type: ignore[no-any-return]

    def workloads(self) -> Iterator[tuple[str, str]]:
        """Every object that makes pods, as (kind, name)."""
        return ((kind, name) for kind, name in self.objects if kind in _POD_OWNERS)


@dataclass
class Cluster:
    """What the cluster supplies beside the manifests: Secrets that External Secrets or the platform team makes."""

    secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    pod_ip: str = ""
    node_name: str = "e2e-node"


def _config_map(env: Environment, name: str) -> dict[str, str]:
    return dict(env.get("ConfigMap", name).get("data") or {})


def secret(env: Environment, cluster: Cluster, name: str) -> dict[str, str]:
    if ("Secret", name) in env.objects:
        secret = env.get("Secret", name)
        return {**secret.get("stringData", {})}
    if name in cluster.secrets:
        return cluster.secrets[name]
    raise KeyError(f"{env.name}: Secret {name!r} is neither in dist/{env.name}/ nor among the cluster's test Secrets")


def _field(pod: dict[str, Any], cluster: Cluster, path: str, env: Environment) -> str:
    values = {
        "status.podIP": cluster.pod_ip,
        "metadata.namespace": env.namespace,
        "spec.nodeName": cluster.node_name,
        "metadata.name": pod["metadata"].get("name", ""),
        "spec.serviceAccountName": pod["spec"].get("serviceAccountName", "default"),
    }
    if path not in values:
        raise KeyError(f"{env.name}: fieldRef {path!r} is not one make e2e knows")
    return values[path]


def container_env(env: Environment, cluster: Cluster, pod: dict[str, Any], container: dict[str, Any],
                  service_links: Mapping[str, str] = {}) -> dict[str, str]:
    """The container's environment as the kubelet builds it: service links, then envFrom, then env in order."""
    resolved: dict[str, str] = dict(service_links) if pod["spec"].get("enableServiceLinks", True) else {}
    for source in container.get("envFrom", []):
        prefix = source.get("prefix", "")
        if "configMapRef" in source:
            data = _config_map(env, source["configMapRef"]["name"])
        else:
            data = secret(env, cluster, source["secretRef"]["name"])
        resolved.update({prefix + key: value for key, value in data.items() if _ENV_NAME.fullmatch(prefix + key)})
    for variable in container.get("env", []):
        if "value" in variable or "valueFrom" not in variable:
            resolved[variable["name"]] = expand(variable.get("value", ""), resolved)
            continue
        source = variable["valueFrom"]
        if "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            resolved[variable["name"]] = secret(env, cluster, ref["name"])[ref["key"]]
        elif "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            resolved[variable["name"]] = _config_map(env, ref["name"])[ref["key"]]
        elif "fieldRef" in source:
            resolved[variable["name"]] = _field(pod, cluster, source["fieldRef"]["fieldPath"], env)
        else:
            raise KeyError(f"{env.name}: {container['name']}: env {variable['name']}: valueFrom {sorted(source)} unknown to make e2e")
    return resolved


def command_line(container: dict[str, Any], variables: Mapping[str, str], image_entrypoint: list[str]) -> list[str]:
    """``command`` (or the image's entrypoint) plus ``args``, each expanded against the final environment."""
    command = container.get("command", image_entrypoint)
    return [expand(part, variables) for part in [*command, *container.get("args", [])]]


def service_links(env: Environment, cluster_ips: Mapping[str, str]) -> dict[str, str]:
    """The ``<NAME>_SERVICE_HOST`` / ``<NAME>_PORT...`` variables the kubelet adds for each Service with a cluster IP."""
    links: dict[str, str] = {}
    for service in env.of_kind("Service"):
        spec, name = service["spec"], service["metadata"]["name"]
        if spec.get("type") == "ExternalName" or spec.get("clusterIP") == "None" or name not in cluster_ips:
            continue
        prefix, ip, ports = name.upper().replace("-", "_"), cluster_ips[name], spec.get("ports", [])
        links[f"{prefix}_SERVICE_HOST"] = ip
        if not ports:
            continue
        links[f"{prefix}_SERVICE_PORT"] = str(ports[0]["port"])
        links[f"{prefix}_PORT"] = f"{ports[0].get('protocol', 'TCP').lower()}://{ip}:{ports[0]['port']}"
        for port in ports:
            protocol = port.get("protocol", "TCP")
            base = f"{prefix}_PORT_{port['port']}_{protocol}"
            links[base] = f"{protocol.lower()}://{ip}:{port['port']}"
            links[f"{base}_PROTO"], links[f"{base}_PORT"], links[f"{base}_ADDR"] = protocol.lower(), str(port["port"]), ip
            if "name" in port:
                links[f"{prefix}_SERVICE_PORT_{port['name'].upper().replace('-', '_')}"] = str(port["port"])
    return links


def port_number(container: dict[str, Any], port: int | str) -> int:
    """A probe's ``port``: a number, or the name of one of the container's ports."""
    if isinstance(port, int):
        return port
    for declared in container.get("ports", []):
        if declared.get("name") == port:
            return int(declared["containerPort"])
    raise KeyError(f"{container['name']}: no port named {port!r}")

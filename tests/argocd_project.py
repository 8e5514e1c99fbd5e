"""Argo CD's AppProject rules, as Argo CD documents and implements them, for tests.

- ``sourceRepos``: every source's repo URL matches one entry (glob).
- ``destinations``: the Application's destination, and the namespace of every namespaced
  object (its own, or the destination's), matches one entry's server and namespace (glob).
  Cluster-wide objects are not checked against destinations.
- namespaced kinds: no ``namespaceResourceWhitelist`` allows every kind, an empty one none,
  otherwise a kind must match an entry (group and kind globs); ``namespaceResourceBlacklist``
  then refuses its matches.
- cluster-wide kinds: only a ``clusterResourceWhitelist`` match is allowed (an entry's ``name``
  is a glob; no name matches every name), then ``clusterResourceBlacklist`` refuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

__all__ = ["CLUSTER_SCOPED", "refusal", "refusals"]

CLUSTER_SCOPED = frozenset({"Namespace", "ClusterRole", "ClusterRoleBinding", "ValidatingAdmissionPolicy",
                            "ValidatingAdmissionPolicyBinding", "ClusterSecretStore", "CustomResourceDefinition",
                            "PersistentVolume", "StorageClass", "ClusterIssuer", "MutatingWebhookConfiguration"})


def _group(doc: Mapping[str, Any]) -> str:
    return doc["apiVersion"].split("/")[0] if "/" in doc["apiVersion"] else ""


def _listed(entries: Iterable[Mapping[str, str]], group: str, kind: str, name: str | None = None) -> bool:
    return any(fnmatchcase(group, e["group"]) and fnmatchcase(kind, e["kind"])
               and (name is None or fnmatchcase(name, e.get("name") or "*")) for e in entries)


def _destination_ok(spec: Mapping[str, Any], server: str, namespace: str) -> bool:
    return any(fnmatchcase(server, d.get("server", "")) and fnmatchcase(namespace, d.get("namespace", ""))
               for d in spec.get("destinations", []))


def refusal(project: Mapping[str, Any], application: Mapping[str, Any], obj: Mapping[str, Any]) -> str | None:
    """Why Argo CD refuses to sync ``obj`` as part of ``application`` in ``project``; None when it is permitted."""
    spec, app = project["spec"], application["spec"]
    if app["project"] != project["metadata"]["name"]:
        return f"the Application is in project {app['project']!r}"
    for source in [app["source"]] if "source" in app else app["sources"]:
        if not any(fnmatchcase(source["repoURL"], repo) for repo in spec.get("sourceRepos", [])):
            return f"repository {source['repoURL']} is not permitted"
    destination = app["destination"]
    if not _destination_ok(spec, destination["server"], destination.get("namespace", "")):
        return f"destination namespace {destination.get('namespace', '')!r} is not permitted"
    group, kind, name = _group(obj), obj["kind"], obj["metadata"]["name"]
    if kind in CLUSTER_SCOPED:
        if not _listed(spec.get("clusterResourceWhitelist") or [], group, kind, name):
            return f"cluster-wide {kind} {name!r} is not whitelisted"
        if _listed(spec.get("clusterResourceBlacklist") or [], group, kind, name):
            return f"cluster-wide {kind} {name!r} is blacklisted"
        return None
    namespace = obj["metadata"].get("namespace") or destination.get("namespace", "")
    if not _destination_ok(spec, destination["server"], namespace):
        return f"namespace {namespace!r} is not a permitted destination"
    whitelist = spec.get("namespaceResourceWhitelist")
    if whitelist is not None and not _listed(whitelist, group, kind):
        return f"{kind} is not whitelisted"
    if _listed(spec.get("namespaceResourceBlacklist") or [], group, kind):
        return f"{kind} is blacklisted"
    return None


def refusals(project: Mapping[str, Any], application: Mapping[str, Any], objects: Iterable[Mapping[str, Any]]) -> list[str]:
    return [f"{o['kind']}/{o['metadata']['name']}: {why}" for o in objects if (why := refusal(project, application, o))]

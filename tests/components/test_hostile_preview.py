"""A hostile branch: its ``main.py`` renders a preview that tries each escape of the security review.

Each rendering goes through every layer a real one meets: ``collect-preview`` (what ``make preview``
publishes), the previews' AppProject (Argo CD), the fence's admission policies (the cluster) and the
secret store's conditions (ESO). The honest preview passes them all; every escape, alone or combined
with others (hypothesis), is stopped by at least one, and the test names which.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import main
import pytest
import yaml
from cdk8s import App
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _k8s import by_kind, synth
from admission import admit
from argocd_project import refusals
from cdk8s_django import DjangoChart, Environment, mark_for_argo_cd, preview_name
from cdk8s_django.output.preview_folder import PreviewRefused, collect_preview
from cdk8s_django.testing import pod_spec
from conftest import ACCESS, FENCE
from test_aws_secret_store import serves

BRANCH = "feature/JIRA-9 checkout"
TRACKING = "argocd.argoproj.io/tracking-id"
Docs = list[dict[str, Any]]


@pytest.fixture(scope="module")
def honest() -> Docs:
    environment = Environment.for_branch(BRANCH, owner="mallory", domain=main.PREVIEW_DOMAIN, created_at=datetime(2026, 11, 26, tzinfo=UTC),
                                         ingress=main.STAGING_INGRESS, network=main.STAGING_NETWORK)
    chart = DjangoChart(App(), environment.name, django_app=main.shop, environment=environment)
    mark_for_argo_cd(chart)
    return synth(chart)


def _namespace(docs: Docs) -> str:
    return str(by_kind(docs, "Namespace")[0]["metadata"]["name"])


def _privileged_namespace(docs: Docs) -> Docs:
    by_kind(docs, "Namespace")[0]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "privileged"
    return docs


def _no_egress_policy(docs: Docs) -> Docs:
    return [d for d in docs if d["metadata"].get("labels", {}).get("cdk8s-django/baseline") != "egress"]


def _open_egress(docs: Docs) -> Docs:
    return [*docs, {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "open", "namespace": _namespace(docs)},
                    "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]}}]


def _production_secret(docs: Docs) -> Docs:
    return [*docs, {"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": {"name": "loot", "namespace": _namespace(docs)},
                    "spec": {"secretStoreRef": {"name": "aws-secrets-manager", "kind": "ClusterSecretStore"},
                             "target": {"name": "loot"}, "dataFrom": [{"extract": {"key": "shop/production/database"}}]}}]


def _other_preview(docs: Docs) -> Docs:
    config = copy.deepcopy(by_kind(docs, "ConfigMap")[0])
    config["metadata"]["namespace"] = "pr-shop--someone-else"
    return [*docs, config]


def _rbac(docs: Docs) -> Docs:
    return [*docs, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "admin", "namespace": _namespace(docs)},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                    "subjects": [{"kind": "Group", "name": "system:authenticated"}]}]


def _kube_system(docs: Docs) -> Docs:
    return [*docs, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system", "labels": {"pwned": "yes"}}}]


ESCAPES: dict[str, Callable[[Docs], Docs]] = {
    "privileged-namespace": _privileged_namespace, "no-egress-policy": _no_egress_policy, "open-egress": _open_egress,
    "production-secret": _production_secret, "other-preview": _other_preview, "rbac": _rbac, "kube-system": _kube_system,
}


def _write(folder: Path, docs: Docs) -> None:
    folder.mkdir(parents=True)
    for number, doc in enumerate(docs):
        (folder / f"{number:02}-{doc['kind'].lower()}-{doc['metadata']['name']}.yaml").write_text(yaml.safe_dump(doc))


def _stopped_by(docs: Docs, extra_chart: bool, cluster: dict[str, Docs], argo: Docs, tmp: Path) -> set[str]:
    """The layers that refuse this rendering."""
    stopped = set()
    name = preview_name(BRANCH)
    _write(tmp / "out" / name, docs)
    if extra_chart:
        _write(tmp / "out" / "production", docs)
    (tmp / "build").mkdir()
    try:
        collect_preview(BRANCH, tmp / "out", tmp / "build")
    except PreviewRefused:
        stopped.add("collect-preview")
    project = next(d for d in by_kind(argo, "AppProject") if d["metadata"]["name"] == "shop-previews")
    namespace = f"pr-shop--{name.removeprefix('pr-')}"
    application = {"spec": {"project": "shop-previews", "source": {"repoURL": main.GITOPS_REPO, "path": f"previews/{name}"},
                            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace}}}
    if refusals(project, application, docs):
        stopped.add("appproject")
    policies, bindings = by_kind(cluster[FENCE], "ValidatingAdmissionPolicy"), by_kind(cluster[FENCE], "ValidatingAdmissionPolicyBinding")
    policies_in = {d["metadata"].get("namespace") for d in docs}
    networks = [d for d in docs if d["kind"] == "NetworkPolicy"]
    for doc in docs:
        tracked = copy.deepcopy(doc)
        tracked["metadata"].setdefault("annotations", {})[TRACKING] = f"{namespace}:/{doc['kind']}:x"
        ns = doc["metadata"].get("namespace", "")
        resource = {"Namespace": "namespaces", "NetworkPolicy": "networkpolicies"}.get(doc["kind"], "configmaps")
        group = "networking.k8s.io" if resource == "networkpolicies" else ""
        if not admit(policies, "CREATE", obj=tracked, resource=resource, group=group, namespace=ns).allowed:
            stopped.add("fence")
        if (spec := pod_spec(doc)) is not None:
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ns}, "spec": spec}
            if not admit(policies, "CREATE", obj=pod, resource="pods", namespace=ns, bindings=bindings,
                         params=[n for n in networks if n["metadata"].get("namespace") == ns]).allowed:
                stopped.add("fence")
    assert policies_in  # the rendering holds namespaced objects
    (store,) = by_kind(cluster[ACCESS], "ClusterSecretStore")
    if any(d["kind"] == "ExternalSecret" and "secretStoreRef" in d["spec"] and not serves(store, d["metadata"]["namespace"]) for d in docs):
        stopped.add("secret-store")
    return stopped


@pytest.fixture(scope="module")
def argo(rendered: dict[str, dict[str, str]]) -> Docs:
    return [yaml.safe_load(text) for name, text in rendered["argocd"].items() if name.endswith(".yaml")]


def test_the_honest_preview_passes_every_layer(honest: Docs, cluster_docs: dict[str, Docs], argo: Docs, tmp_path: Path) -> None:
    assert _stopped_by(copy.deepcopy(honest), False, cluster_docs, argo, tmp_path) == set()


@pytest.mark.parametrize(("escape", "layers"), [
    ("privileged-namespace", {"fence"}), ("no-egress-policy", {"fence"}), ("open-egress", {"fence"}),
    ("production-secret", {"secret-store"}), ("other-preview", {"collect-preview", "fence"}), ("rbac", {"appproject"}),
    ("kube-system", {"collect-preview", "appproject"}),
])
def test_each_escape_is_stopped(escape: str, layers: set[str], honest: Docs, cluster_docs: dict[str, Docs], argo: Docs,
                                tmp_path: Path) -> None:
    assert _stopped_by(ESCAPES[escape](copy.deepcopy(honest)), False, cluster_docs, argo, tmp_path) >= layers


def test_a_chart_named_production_never_leaves_the_scratch_folder(honest: Docs, cluster_docs: dict[str, Docs], argo: Docs,
                                                                  tmp_path: Path) -> None:
    assert "collect-preview" in _stopped_by(copy.deepcopy(honest), True, cluster_docs, argo, tmp_path)
    assert not (tmp_path / "build" / "production").exists() and not (tmp_path / "build" / preview_name(BRANCH)).exists()


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(escapes=st.sets(st.sampled_from(sorted(ESCAPES)), min_size=1), extra_chart=st.booleans())
def test_any_combination_of_escapes_is_stopped(escapes: set[str], extra_chart: bool, honest: Docs, cluster_docs: dict[str, Docs],
                                               argo: Docs, tmp_path_factory: pytest.TempPathFactory) -> None:
    docs = copy.deepcopy(honest)
    for escape in sorted(escapes):
        docs = ESCAPES[escape](docs)
    assert _stopped_by(docs, extra_chart, cluster_docs, argo, tmp_path_factory.mktemp("hostile"))

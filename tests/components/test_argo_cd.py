"""GitOps with Argo CD (opt-in): the example's Applications and preview ApplicationSet, validated against the
upstream CRDs, with the ApplicationSet's template rendered for a real preview and put through the gate."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import jsonschema
import main
import pytest
import yaml
from cdk8s import App

from _k8s import by_kind, find, synth
from cdk8s_django import DjangoChart, Environment, SeedData, mark_for_argo_cd, preview_name
from crd_schema import ARGO_CD_CRDS, validate
from output_checks import gate

HOOK = {"argocd.argoproj.io/hook": "Sync", "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation"}


@pytest.fixture(scope="module")
def argo(rendered: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    return [yaml.safe_load(text) for name, text in rendered["argocd"].items() if name.endswith(".yaml")]


def test_every_object_matches_its_crd(argo: list[dict[str, Any]]) -> None:
    assert sorted(d["kind"] for d in argo) == ["AppProject"] + ["Application"] * 4 + ["ApplicationSet"]
    for doc in argo:
        validate(doc, ARGO_CD_CRDS)
        assert doc["metadata"]["namespace"] == "argocd"
    broken = find(argo, "Application", "shop-qa")
    broken = {**broken, "spec": {**broken["spec"], "syncPolicy": {"automated": {"prune": "yes"}}}}
    with pytest.raises(jsonschema.ValidationError, match="'yes' is not of type 'boolean'"):
        validate(broken, ARGO_CD_CRDS)  # the check can fail


def test_one_application_per_environment(argo: list[dict[str, Any]], example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        app = find(argo, "Application", f"shop-{env}")
        namespace = by_kind(docs, "Namespace")[0]["metadata"]["name"]
        assert app["spec"]["source"] == {"repoURL": main.GITOPS_REPO, "targetRevision": "main", "path": f"dist/{env}",
                                         "directory": {"include": "*.yaml"}}
        assert app["spec"]["destination"] == {"server": "https://kubernetes.default.svc", "namespace": namespace}
        assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": False}
        assert app["spec"]["syncPolicy"]["retry"]["limit"] == 5  # a failed sync is retried, not left until the next commit
        assert app["spec"]["project"] == "default"
        assert "finalizers" not in app["metadata"]  # deleting the Application never deletes production
        # Renaming the environment must not prune its Namespace (and its volumes) on the next sync.
        assert by_kind(docs, "Namespace")[0]["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == "Prune=false"


def test_migrations_are_sync_hooks_so_their_ttl_never_leaves_the_app_out_of_sync(
        example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        (job,) = [d for d in by_kind(docs, "Job") if d["metadata"]["labels"]["app.kubernetes.io/component"] == "migrate"]
        assert HOOK.items() <= job["metadata"]["annotations"].items(), env
        assert job["spec"]["ttlSecondsAfterFinished"] > 0


def test_the_fence_syncs_before_the_access(argo: list[dict[str, Any]], cluster_docs: dict[str, list[dict[str, Any]]]) -> None:
    cluster = find(argo, "Application", "cdk8s-django-cluster")
    assert [s["path"] for s in cluster["spec"]["sources"]] == ["dist/cluster-1-fence", "dist/cluster-2-access"]
    waves = {folder: {d["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] for d in docs} for folder, docs in cluster_docs.items()}
    assert waves == {"cluster-1-fence": {"-1"}, "cluster-2-access": {"1"}}


def _render(value: Any, path: str) -> Any:
    """The ApplicationSet's Go template for one git directory: only the expressions the library writes."""
    basename = path.rsplit("/", 1)[-1]
    known = {"{{.path.basename}}": basename, "{{.path.path}}": path, '{{trimPrefix "pr-" .path.basename}}': basename.removeprefix("pr-")}
    if isinstance(value, str):
        for expression, replacement in known.items():
            value = value.replace(expression, replacement)
        assert "{{" not in value, f"an expression this test cannot render: {value}"
        return value
    if isinstance(value, dict):
        return {k: _render(v, path) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, path) for v in value]
    return value


def test_the_preview_set_renders_the_preview_ci_commits(argo: list[dict[str, Any]]) -> None:
    appset = find(argo, "ApplicationSet", "shop-previews")["spec"]
    assert appset["generators"] == [{"git": {"repoURL": main.GITOPS_REPO, "revision": "previews",
                                             "directories": [{"path": "previews/*"}]}}]
    # CI renders the branch's preview (make preview) and commits it to previews/<preview name>/.
    branch = "feature/JIRA-9 checkout"
    environment = Environment.for_branch(branch, owner="alice", domain=main.PREVIEW_DOMAIN, created_at=datetime(2026, 11, 26, tzinfo=UTC),
                                         ingress=main.STAGING_INGRESS, network=main.STAGING_NETWORK,
                                         seed=SeedData(fixtures=("demo",), superuser_secret="shop-preview-superuser"))
    chart = DjangoChart(App(), environment.name, django_app=main.shop, environment=environment)
    mark_for_argo_cd(chart)
    docs = synth(chart)
    assert gate(docs) == []
    assert all(HOOK.items() <= job["metadata"]["annotations"].items() for job in by_kind(docs, "Job"))  # migrate and seed
    application = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                   **_render(appset["template"], f"previews/{preview_name(branch)}")}
    application["metadata"]["namespace"] = "argocd"
    validate(application, ARGO_CD_CRDS)
    # The same names on both paths: the folder is the preview's name, the namespace the one the manifests carry.
    assert application["metadata"]["name"] == "shop-pr-feature-jira-9-checkout"
    assert application["spec"]["destination"]["namespace"] == by_kind(docs, "Namespace")[0]["metadata"]["name"]
    assert application["spec"]["source"]["path"] == "previews/pr-feature-jira-9-checkout"
    assert application["spec"]["source"]["targetRevision"] == "previews"
    # Closing the pull request removes the folder: the finalizer makes Argo CD delete the namespace too.
    assert application["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]
    assert appset["goTemplate"] is True and appset["goTemplateOptions"] == ["missingkey=error"]
    # Rendered from pull requests: their own project, their own namespaces only, nothing cluster-wide but a Namespace, no RBAC.
    assert application["spec"]["project"] == "shop-previews"
    assert "FailOnSharedResource=true" in application["spec"]["syncPolicy"]["syncOptions"]
    project = find(argo, "AppProject", "shop-previews")["spec"]
    assert project["destinations"] == [{"server": "https://kubernetes.default.svc", "namespace": "pr-shop--*"}]
    assert project["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace"}]
    assert project["namespaceResourceBlacklist"] == [{"group": "rbac.authorization.k8s.io", "kind": "*"}]
    assert project["sourceRepos"] == [main.GITOPS_REPO]
    preview_kinds = {(d["apiVersion"].split("/")[0] if "/" in d["apiVersion"] else "", d["kind"]) for d in docs}
    assert not {kind for group, kind in preview_kinds if group == "rbac.authorization.k8s.io"}  # the preview fits its project


def test_the_notes_require_annotation_tracking(rendered: dict[str, dict[str, str]]) -> None:
    notes = rendered["argocd"]["NOTES.md"]
    assert "`application.resourceTrackingMethod: annotation`" in notes
    assert re.search(r"No Config Management Plugin: it would run a fork's `main.py`", notes)

"""GitOps with Argo CD (opt-in): the example's Applications and preview ApplicationSet, validated against the
upstream CRDs, with the ApplicationSet's template rendered for a real preview and put through the gate."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import jsonschema
import main
import pytest
import yaml
from cdk8s import App

from _k8s import by_kind, find, synth
from cdk8s_django import DjangoChart, Environment, SeedData, mark_for_argo_cd, preview_name
from argocd_project import refusal, refusals
from crd_schema import ARGO_CD_CRDS, validate
from output_checks import gate

HOOK = {"argocd.argoproj.io/hook": "Sync", "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation"}


@pytest.fixture(scope="module")
def argo(rendered: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    return [yaml.safe_load(text) for name, text in rendered["argocd"].items() if name.endswith(".yaml")]


def test_every_object_matches_its_crd(argo: list[dict[str, Any]]) -> None:
    assert sorted(d["kind"] for d in argo) == ["AppProject"] * 4 + ["Application"] * 4 + ["ApplicationSet"]
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
        # Production never prunes by itself (a deletion in git is synced on purpose); staging does.
        assert app["spec"]["syncPolicy"]["automated"] == {"prune": env != "production", "selfHeal": False}
        assert app["spec"]["syncPolicy"]["retry"]["limit"] == 5  # a failed sync is retried, not left until the next commit
        assert app["spec"]["project"] == ("shop-production" if env == "production" else "shop-staging")
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
                                             "directories": [{"path": "previews/pr-*"}]}}]  # preview folders only
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
    # Named as its namespace: the guard lets it write there alone, and no folder takes a committed Application's name.
    assert application["metadata"]["name"] == "pr-shop--feature-jira-9-che--72981903"
    assert application["spec"]["destination"]["namespace"] == by_kind(docs, "Namespace")[0]["metadata"]["name"]
    assert application["spec"]["source"]["path"] == "previews/pr-feature-jira-9-che--72981903"
    assert application["spec"]["source"]["targetRevision"] == "previews"
    # Closing the pull request removes the folder: the finalizer makes Argo CD delete the namespace too.
    assert application["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]
    assert appset["goTemplate"] is True and appset["goTemplateOptions"] == ["missingkey=error"]
    # Rendered from pull requests: their own project, their own namespaces only, nothing cluster-wide but their Namespace.
    assert application["spec"]["project"] == "shop-previews"
    assert "FailOnSharedResource=true" in application["spec"]["syncPolicy"]["syncOptions"]
    project = find(argo, "AppProject", "shop-previews")
    assert project["spec"]["destinations"] == [{"server": "https://kubernetes.default.svc", "namespace": "pr-shop--*"}]
    assert project["spec"]["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace", "name": "pr-shop--*"}]
    assert project["spec"]["sourceRepos"] == [main.GITOPS_REPO]
    assert refusals(project, application, docs) == []  # the whole preview fits its project


def test_the_notes_require_annotation_tracking(rendered: dict[str, dict[str, str]]) -> None:
    notes = rendered["argocd"]["NOTES.md"]
    assert "`application.resourceTrackingMethod: annotation`" in notes
    assert re.search(r"No Config Management Plugin: it would run a fork's `main.py`", notes)


# --- AppProjects: each allows what its Applications emit, and nothing else ---------------------

def test_no_application_uses_the_default_project_and_each_project_fits_its_objects(
        argo: list[dict[str, Any]], example_docs: dict[str, list[dict[str, Any]]],
        cluster_docs: dict[str, list[dict[str, Any]]]) -> None:
    projects = {d["metadata"]["name"]: d for d in by_kind(argo, "AppProject")}
    assert sorted(projects) == ["cdk8s-django-cluster", "shop-previews", "shop-production", "shop-staging"]
    for project in projects.values():
        assert project["spec"]["sourceRepos"] == [main.GITOPS_REPO]
    objects = {**{f"dist/{env}": docs for env, docs in example_docs.items()}, **{f"dist/{f}": docs for f, docs in cluster_docs.items()}}
    for application in by_kind(argo, "Application"):
        assert application["spec"]["project"] != "default"
        project = projects[application["spec"]["project"]]
        sources = [application["spec"]["source"]] if "source" in application["spec"] else application["spec"]["sources"]
        emitted = [doc for source in sources for doc in objects[source["path"]]]
        assert refusals(project, application, emitted) == [], application["metadata"]["name"]
    # Exactly what is emitted: every whitelist entry is used by some object of the project's Applications.
    for name in ("shop-staging", "shop-production"):
        spec = projects[name]["spec"]
        docs = [d for env, ds in example_docs.items() if ("production" in env) == (name == "shop-production") for d in ds]
        emitted = {(d["apiVersion"].split("/")[0] if "/" in d["apiVersion"] else "", d["kind"]) for d in docs if d["kind"] != "Namespace"}
        assert {(e["group"], e["kind"]) for e in spec["namespaceResourceWhitelist"]} == emitted
        assert spec["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace", "name": by_kind(d, "Namespace")[0]["metadata"]["name"]}
                                                    for env, d in sorted(example_docs.items(), key=lambda i: by_kind(i[1], "Namespace")[0]["metadata"]["name"])
                                                    if ("production" in env) == (name == "shop-production")]
    cluster = projects["cdk8s-django-cluster"]["spec"]
    assert {(e["kind"], e["name"]) for e in cluster["clusterResourceWhitelist"]} == {
        (d["kind"], d["metadata"]["name"]) for docs in cluster_docs.values() for d in docs}
    assert cluster["namespaceResourceBlacklist"] == [{"group": "*", "kind": "*"}]  # a whitelist left out would allow every kind


def _project(spec: dict[str, Any], name: str = "p") -> dict[str, Any]:
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject", "metadata": {"name": name}, "spec": spec}


def _app(namespace: str | None = "ns", repo: str = "https://git/r.git", project: str = "p") -> dict[str, Any]:
    destination = {"server": "https://kubernetes.default.svc", **({"namespace": namespace} if namespace else {})}
    return {"spec": {"project": project, "source": {"repoURL": repo, "path": "x"}, "destination": destination}}


def _obj(kind: str, name: str = "o", namespace: str | None = None, api_version: str = "v1") -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, **({"namespace": namespace} if namespace else {})}}


@pytest.mark.parametrize(("spec", "app", "obj", "why"), [
    ({}, _app(project="other"), _obj("ConfigMap"), "the Application is in project 'other'"),
    ({"sourceRepos": ["https://git/other.git"]}, _app(), _obj("ConfigMap"), "repository https://git/r.git is not permitted"),
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "pr-*"}]}, _app(), _obj("ConfigMap"),
     "destination namespace 'ns' is not permitted"),
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}]}, _app(), _obj("ConfigMap", namespace="kube-system"),
     "namespace 'kube-system' is not a permitted destination"),
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}]}, _app(), _obj("ConfigMap"), None),  # no whitelist: all
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}], "namespaceResourceWhitelist": []}, _app(),
     _obj("ConfigMap"), "ConfigMap is not whitelisted"),  # an empty whitelist: none
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}],
      "namespaceResourceBlacklist": [{"group": "*", "kind": "*"}]}, _app(), _obj("ConfigMap"), "ConfigMap is blacklisted"),
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}]}, _app(), _obj("Namespace", "kube-system"),
     "cluster-wide Namespace 'kube-system' is not whitelisted"),  # no cluster whitelist: nothing cluster-wide
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}],
      "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}]}, _app(), _obj("Namespace", "kube-system"), None),  # no name: all
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}],
      "clusterResourceWhitelist": [{"group": "", "kind": "Namespace", "name": "pr-shop--*"}]}, _app(), _obj("Namespace", "shop-production"),
     "cluster-wide Namespace 'shop-production' is not whitelisted"),
    ({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "ns"}]}, _app(),
     _obj("ClusterRole", api_version="rbac.authorization.k8s.io/v1"), "cluster-wide ClusterRole 'o' is not whitelisted"),
])
def test_the_project_evaluator_follows_argo_cd(spec: dict[str, Any], app: dict[str, Any], obj: dict[str, Any], why: str | None) -> None:
    """Each rule of Argo CD's documented semantics, with a case it refuses (and the whitelist's nil-versus-empty trap)."""
    assert refusal(_project(spec), app, obj) == why


def test_the_preview_project_allows_exactly_the_kinds_previews_emit() -> None:
    """PREVIEW_KINDS is the union of what previews emit with every option on: no RBAC, Secret or SecretStore."""
    from cdk8s_django import Autoscaling, Worker
    from cdk8s_django.components.argo_cd import PREVIEW_KINDS

    emitted: set[tuple[str, str]] = set()
    from cdk8s_django.stores import Memcached, RabbitMQ

    for options in ({}, {"monitoring": True, "seed": SeedData(fixtures=("demo",)), "web_autoscaling": Autoscaling(2, 4),
                         "web_replicas": 2, "worker_autoscaling": Autoscaling(1, 3)},
                    {"broker": RabbitMQ(), "cache": Memcached()}):  # KEDA on RabbitMQ: a TriggerAuthentication
        environment = Environment.for_branch("feature/x", owner="a", domain=main.PREVIEW_DOMAIN, ingress=main.STAGING_INGRESS,
                                             network=main.STAGING_NETWORK, **options)  # type: ignore[arg-type]
        app = main.shop if options else replace(main.shop, workers=(Worker(name="worker", queues=("default",), metrics_port=9808),))
        docs = synth(DjangoChart(App(), environment.name, django_app=app, environment=environment))
        emitted |= {(d["apiVersion"].split("/")[0] if "/" in d["apiVersion"] else "", d["kind"]) for d in docs if d["kind"] != "Namespace"}
    assert emitted == set(PREVIEW_KINDS)
    assert not {k for g, k in PREVIEW_KINDS if g == "rbac.authorization.k8s.io" or k in ("Secret", "SecretStore")}


@pytest.mark.parametrize(("sync", "automated"), [
    ("MANUAL", None), ("AUTOMATED", {"prune": False, "selfHeal": False}), ("AUTOMATED_PRUNE", {"prune": True, "selfHeal": False})])
def test_productions_sync_policy_is_settable(sync: str, automated: dict[str, bool] | None) -> None:
    from cdk8s import Chart

    from cdk8s_django import ArgoCdApplications, ArgoCdSync

    app = App()
    charts = [DjangoChart(app, e.name, django_app=main.shop, environment=e) for e in main.environments]
    argo = ArgoCdApplications(Chart(app, "argocd"), "ArgoCd", repo_url=main.GITOPS_REPO, environments=charts,
                              production_sync=ArgoCdSync[sync])
    policy = find(synth(Chart.of(argo)), "Application", "shop-production")["spec"]["syncPolicy"]
    assert policy.get("automated") == automated
    assert policy["syncOptions"] == ["PruneLast=true"] and policy["retry"]["limit"] == 5

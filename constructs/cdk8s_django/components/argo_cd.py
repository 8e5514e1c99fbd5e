"""``ArgoCdApplications``: the committed environments and the previews as Argo CD applications (opt-in).

One ``Application`` per environment (``dist/<env>/``, automated sync, no self-heal; production
without prune by default), one for the cluster folders (the fence first: sync waves), and, with
``previews``, an ``ApplicationSet`` whose git generator watches a branch where CI commits
each preview it renders (``make preview``), one folder per preview. Closing the pull
request means CI removes that folder: the generator drops the Application, and its
resources finalizer deletes the namespace. No Config Management Plugin: it would run a
pull request's ``main.py`` inside the repo-server, so a fork could execute code there.

Every Application syncs through an AppProject that allows its repository, its namespaces, its
cluster-wide objects by name and its kinds only (never ``default``, which allows everything).
Previews' rendering is a pull request's code: their project allows ``pr-<app>--*`` namespaces and
the kinds a preview holds (no RBAC, no Secret); ``NamespaceFence``'s guard holds the rest in the
cluster. Every Application retries a failed sync; the environments' Namespaces are never pruned.

Argo CD's default label tracking would overwrite ``app.kubernetes.io/instance``, the
prune label: the cluster must use annotation tracking (``application.resourceTrackingMethod:
annotation`` in ``argocd-cm``, the default from Argo CD 3.0).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdk8s import ApiObject, Chart

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, add_folder_notes, checked_props
from ..k8s._manifest import LABEL_MANAGED_BY, MANAGED_BY, emit
from ..model import _validation as v
from ..model.environment import EnvironmentKind
from ..model.preview import APP_SEPARATOR, PREVIEW_PREFIX
from ..output.writer import chart_documents
from .chart import DjangoChart

__all__ = ["PREVIEW_KINDS", "RESOURCES_FINALIZER", "ArgoCdApplications", "ArgoCdPreviews", "ArgoCdSync", "mark_for_argo_cd"]

IN_CLUSTER = "https://kubernetes.default.svc"
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
HOOK = "argocd.argoproj.io/hook"
HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
# Fence before access: a failed wave stops the sync, so the access is never applied without the fence.
CLUSTER_WAVES = (-1, 1)
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
RETRY = {"limit": 5, "backoff": {"duration": "30s", "factor": 2, "maxDuration": "5m"}}
CLUSTER_PROJECT = "cdk8s-django-cluster"
# The kinds a preview's folder holds (namespaced; a Namespace aside): its AppProject allows these and nothing else,
# so a pull request adds no RBAC, no Secret, no SecretStore. tests/components/test_argo_cd.py holds the list to what
# previews emit, every option on.
PREVIEW_KINDS = (
    ("", "ConfigMap"), ("", "Service"), ("", "ServiceAccount"), ("apps", "Deployment"), ("apps", "StatefulSet"),
    ("autoscaling", "HorizontalPodAutoscaler"), ("batch", "CronJob"), ("batch", "Job"),
    ("external-secrets.io", "ExternalSecret"), ("generators.external-secrets.io", "Password"), ("keda.sh", "ScaledObject"),
    ("keda.sh", "TriggerAuthentication"),
    ("monitoring.coreos.com", "PodMonitor"), ("monitoring.coreos.com", "ServiceMonitor"),
    ("networking.k8s.io", "Ingress"), ("networking.k8s.io", "NetworkPolicy"), ("policy", "PodDisruptionBudget"),
)
# Cluster-scoped kinds the library emits; every other kind it emits is namespaced.
CLUSTER_SCOPED = frozenset({"Namespace", "ClusterRole", "ClusterRoleBinding", "ValidatingAdmissionPolicy",
                            "ValidatingAdmissionPolicyBinding", "ClusterSecretStore"})
LABELS = {"app.kubernetes.io/name": "cdk8s-django", "app.kubernetes.io/component": "argo-cd", LABEL_MANAGED_BY: MANAGED_BY}


class ArgoCdSync(enum.Enum):
    """How an Application syncs a new commit."""

    AUTOMATED_PRUNE = "automated-prune"
    """Synced on each commit; objects removed from git are deleted."""
    AUTOMATED = "automated"
    """Synced on each commit; objects removed from git stay until someone syncs with prune."""
    MANUAL = "manual"
    """Shown OutOfSync until someone syncs."""


# Production: each merge deploys, but a deletion in git (a renamed environment, a refactor that drops a Service)
# never deletes live production objects by itself: `argocd app sync --prune` does, on purpose.
DEFAULT_PRODUCTION_SYNC = ArgoCdSync.AUTOMATED
DEFAULT_STAGING_SYNC = ArgoCdSync.AUTOMATED_PRUNE


@dataclass(frozen=True)
class ArgoCdPreviews:
    """Previews through an ApplicationSet: CI renders each one (``make preview``) and commits the
    folder to ``<path>/<preview name>/`` on ``branch``, and removes it when the pull request closes.

    Attributes:
        branch: the branch CI commits rendered previews to. Default ``previews``.
        path: the folder on it holding one folder per preview. Default ``previews``.
    """

    branch: str = "previews"
    path: str = "previews"


def mark_for_argo_cd(chart: DjangoChart) -> None:
    """What Argo CD needs on an environment's own objects: the migration (and seed) Job as Sync hooks (run
    on each sync, replaced by the next one, never compared with git, so the Job's TTL cannot leave the
    Application OutOfSync), and a Namespace never pruned (a renamed environment keeps its volumes until
    deleted on purpose; deleting the Application still deletes it)."""
    jobs = [chart.migration.job] + ([chart.seed.job] if chart.seed is not None else [])
    for job in jobs:
        job.metadata.add_annotation(HOOK, "Sync")
        job.metadata.add_annotation(HOOK_DELETE_POLICY, "BeforeHookCreation")
    chart.namespace_object.metadata.add_annotation(SYNC_OPTIONS, "Prune=false")


class ArgoCdApplications(DjangoConstruct):
    """Argo CD objects for an app's environments (apply them to the Argo CD namespace, once). Build it last:
    each AppProject allows exactly the kinds (and cluster-wide objects, by name) its charts hold by then.

    One AppProject per app and environment kind (``<app>-staging``, ``<app>-production``, ``<app>-previews``)
    and one for the cluster charts (``cdk8s-django-cluster``), each limited to ``repo_url``, its namespaces,
    and what its Applications emit.

    Args:
        repo_url: the git repository holding ``dist/``.
        environments: the ``DjangoChart`` of each committed environment.
        revision: the branch Argo CD follows. Default ``main``.
        dist: the output folder in the repository. Default ``dist``.
        cluster: the cluster charts, fence first (``NamespaceFence``'s, then ``PreviewReaperAccess``'s). Default none.
        previews: an ``ApplicationSet`` for previews. Default None: previews stay CI's and the reaper's.
        namespace: Argo CD's namespace. Default ``argocd``.
        production_sync: how production Applications sync. Default ``ArgoCdSync.AUTOMATED`` (never prunes by itself).
        staging_sync: how staging Applications (and previews) sync. Default ``ArgoCdSync.AUTOMATED_PRUNE``.
    """

    @checked_props
    def __init__(self, scope: Construct, id: str, *, repo_url: str, environments: Sequence[DjangoChart], revision: str = "main",
                 dist: str = "dist", cluster: Sequence[Chart] = (), previews: ArgoCdPreviews | None = None,
                 namespace: str = "argocd", production_sync: ArgoCdSync = DEFAULT_PRODUCTION_SYNC,
                 staging_sync: ArgoCdSync = DEFAULT_STAGING_SYNC) -> None:
        where = LazyPath(scope, id)
        apps = _check(where, repo_url, environments, namespace, cluster, previews)
        super().__init__(scope, id)
        self._repo_url, self._revision, self._namespace = repo_url, revision, namespace
        self._sync = {EnvironmentKind.PRODUCTION: production_sync, EnvironmentKind.STAGING: staging_sync}
        self.projects: list[ApiObject] = []
        self.applications: list[ApiObject] = []
        for (app, kind), charts in _by_project(environments).items():
            project = self._environment_project(app, kind, charts)
            for chart in charts:
                mark_for_argo_cd(chart)
                self.applications.append(self._application(
                    f"App-{chart.chart_id}", f"{app}-{chart.chart_id}", [f"{dist}/{chart.chart_id}"], chart.plan.namespace,
                    project, self._sync[kind]))
        if cluster:
            self._cluster(cluster, dist)
        self.preview_set: ApiObject | None = None
        if previews is not None:
            self.preview_set = self._preview_set(apps[0], previews)
        add_folder_notes(self, lambda folder: _notes(folder, previews))

    def _project(self, id: str, name: str, description: str, destinations: Sequence[str],
                 cluster_objects: Sequence[tuple[str, str, str]], namespaced: Sequence[tuple[str, str]] | None) -> str:
        """An AppProject: ``repo_url`` only, these destination namespaces (globs), these cluster-wide objects by
        ``(group, kind, name glob)``, and these namespaced kinds (None: none at all)."""
        spec: dict[str, Any] = {
            "description": description,
            "sourceRepos": [self._repo_url],
            "destinations": [{"server": IN_CLUSTER, "namespace": n} for n in destinations],
            "clusterResourceWhitelist": [{"group": g, "kind": k, "name": n} for g, k, n in cluster_objects],
        }
        if namespaced is None:  # Argo CD allows every namespaced kind when there is no whitelist: deny them all
            spec["namespaceResourceBlacklist"] = [{"group": "*", "kind": "*"}]
        else:
            spec["namespaceResourceWhitelist"] = [{"group": g, "kind": k} for g, k in namespaced]
        self.projects.append(emit(self, id, {
            "apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
            "metadata": {"name": name, "namespace": self._namespace, "labels": LABELS}, "spec": spec,
        }))
        return name

    def _environment_project(self, app: str, kind: EnvironmentKind, charts: Sequence[DjangoChart]) -> str:
        documents = [doc for chart in charts for doc in chart_documents(chart)]
        cluster_objects, namespaced = _kinds(documents)
        return self._project(f"Project-{app}-{kind.value}", f"{app}-{kind.value}", f"{app}'s {kind.value} environments",
                             sorted(chart.plan.namespace for chart in charts), cluster_objects, namespaced)

    def _cluster(self, cluster: Sequence[Chart], dist: str) -> None:
        for wave, cluster_chart in zip(CLUSTER_WAVES, cluster, strict=True):
            for child in cluster_chart.node.find_all():
                if isinstance(child, ApiObject):
                    child.metadata.add_annotation(SYNC_WAVE, str(wave))
        cluster_objects, _ = _kinds([doc for chart in cluster for doc in chart_documents(chart)])
        # Cluster-wide objects only: "*" lets the Application's empty destination namespace through, and no
        # namespaced kind is allowed.
        project = self._project("Project-cluster", CLUSTER_PROJECT, "cdk8s-django's cluster-wide objects", ["*"],
                                cluster_objects, None)
        self.applications.append(self._application(
            "Cluster", "cdk8s-django-cluster", [f"{dist}/{c.node.id}" for c in cluster], None, project, ArgoCdSync.AUTOMATED_PRUNE))

    def _spec(self, paths: Sequence[str], namespace: str | None, revision: str, project: str, sync: ArgoCdSync,
              sync_options: Sequence[str] = ()) -> dict[str, object]:
        sources = [{"repoURL": self._repo_url, "targetRevision": revision, "path": path, "directory": {"include": "*.yaml"}}
                   for path in paths]
        destination = {"server": IN_CLUSTER, **({"namespace": namespace} if namespace else {})}
        # No self-heal: every sync runs the migration hook again; a git change is what syncs. A failed sync
        # (a webhook not ready yet, a slow migration) is retried, not left until the next commit.
        policy: dict[str, object] = {}
        if sync is not ArgoCdSync.MANUAL:
            policy["automated"] = {"prune": sync is ArgoCdSync.AUTOMATED_PRUNE, "selfHeal": False}
        policy["syncOptions"] = ["PruneLast=true", *sync_options]
        policy["retry"] = RETRY
        return {
            "project": project,
            **({"source": sources[0]} if len(sources) == 1 else {"sources": sources}),
            "destination": destination,
            "syncPolicy": policy,
        }

    def _application(self, id: str, name: str, paths: Sequence[str], namespace: str | None, project: str,
                     sync: ArgoCdSync) -> ApiObject:
        return emit(self, id, {
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": name, "namespace": self._namespace, "labels": LABELS},
            "spec": self._spec(paths, namespace, self._revision, project, sync),
        })

    def _preview_set(self, app: str, previews: ArgoCdPreviews) -> ApiObject:
        # CI renders previews from pull requests: their own AppProject lets them create only their namespaces
        # (pr-<app>--...), no other cluster-wide object, and only the kinds a preview holds; a shared resource fails the sync.
        glob = f"{PREVIEW_PREFIX}{app}{APP_SEPARATOR}*"
        project = self._project("PreviewProject", f"{app}-previews", f"{app}'s previews, rendered by CI from pull requests",
                                [glob], [("", "Namespace", glob)], PREVIEW_KINDS)
        self.preview_project: ApiObject = self.projects[-1]
        # The folder is the preview's name (pr-<branch slug>); only such folders make Applications. Each Application
        # is named as its namespace, so NamespaceFence's guard knows which Application may write where, and no folder
        # can take another Application's name (shop-production is never a preview's).
        namespace = f'{PREVIEW_PREFIX}{app}{APP_SEPARATOR}{{{{trimPrefix "{PREVIEW_PREFIX}" .path.basename}}}}'
        return emit(self, "Previews", {
            "apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
            "metadata": {"name": f"{app}-previews", "namespace": self._namespace, "labels": LABELS},
            "spec": {
                "goTemplate": True,
                "goTemplateOptions": ["missingkey=error"],
                "generators": [{"git": {"repoURL": self._repo_url, "revision": previews.branch,
                                        "directories": [{"path": f"{previews.path}/{PREVIEW_PREFIX}*"}]}}],
                "template": {
                    # The finalizer: when CI removes the folder, Argo CD deletes the namespace with the Application.
                    "metadata": {"name": namespace, "finalizers": [RESOURCES_FINALIZER], "labels": LABELS},
                    "spec": self._spec(["{{.path.path}}"], namespace, previews.branch, project,
                                       self._sync[EnvironmentKind.STAGING], sync_options=["FailOnSharedResource=true"]),
                },
            },
        })


def _check(where: object, repo_url: str, environments: Sequence[DjangoChart], namespace: str, cluster: Sequence[Chart],
           previews: ArgoCdPreviews | None) -> list[str]:
    """The props' values; returns the apps' names."""
    if not repo_url.startswith(("https://", "ssh://", "git@")):
        raise v.ConfigError(where, "repo_url", repo_url, "a git URL Argo CD can clone (https://, ssh:// or git@)",
                            "pass the deployment repository's URL")
    if not environments:
        raise v.ConfigError(where, "environments", environments, "at least one DjangoChart", "pass the environments' charts")
    ids = [chart.chart_id for chart in environments]
    if len(set(ids)) != len(ids):
        raise v.ConfigError(where, "environments", ids, "each environment's chart once", "pass each DjangoChart once")
    if any(chart.plan.environment.preview is not None for chart in environments):
        raise v.ConfigError(where, "environments", ids, "committed environments only, no preview (previews come from the ApplicationSet)",
                            "leave the preview's chart out; pass previews=ArgoCdPreviews()")
    v.check_dns_label(where, "namespace", namespace)
    if cluster and len(cluster) != len(CLUSTER_WAVES):
        raise v.ConfigError(where, "cluster", [c.node.id for c in cluster], "two charts: NamespaceFence's, then PreviewReaperAccess's",
                            "pass cluster=[fence_chart, access_chart]")
    apps = sorted({chart.plan.app.name for chart in environments})
    if previews is not None and len(apps) != 1:
        raise v.ConfigError(where, "environments", apps,
                            "the environments of one app when previews is set (one ApplicationSet per app)",
                            "make one ArgoCdApplications per app")
    return apps


def _by_project(environments: Sequence[DjangoChart]) -> dict[tuple[str, EnvironmentKind], list[DjangoChart]]:
    projects: dict[tuple[str, EnvironmentKind], list[DjangoChart]] = {}
    for chart in environments:
        projects.setdefault((chart.plan.app.name, chart.plan.environment.kind), []).append(chart)
    return projects


def _kinds(documents: Sequence[Mapping[str, Any]]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The cluster-wide objects ``(group, kind, name)`` and the namespaced kinds ``(group, kind)`` in ``documents``."""
    cluster_objects, namespaced = set(), set()
    for doc in documents:
        api_version, kind = doc["apiVersion"], doc["kind"]
        group = api_version.split("/")[0] if "/" in api_version else ""
        if kind in CLUSTER_SCOPED:
            cluster_objects.add((group, kind, doc["metadata"]["name"]))
        else:
            namespaced.add((group, kind))
    return sorted(cluster_objects), sorted(namespaced)


def _notes(folder: str, previews: ArgoCdPreviews | None) -> str:
    lines = [
        "# Argo CD: operator notes", "",
        "Generated by cdk8s-django. Apply once, into Argo CD's namespace:", "",
        "```sh", f"kubectl apply -f {folder}/", "```", "",
        "Argo CD must track resources by annotation (`application.resourceTrackingMethod: annotation` in `argocd-cm`,",
        "the default from Argo CD 3.0): label tracking overwrites `app.kubernetes.io/instance`, the prune label.", "",
        "Migrations (and seeds) are Sync hooks: each sync runs them, and the Job's TTL never makes the Application",
        "OutOfSync. Self-heal is off, so only a git change syncs. The cluster objects sync the fence first (wave -1),",
        "then the reaper's access (wave 1): a failed wave stops the sync.", "",
    ]
    if previews is not None:
        lines += [
            f"Previews: CI renders each (`make preview`) and commits `{previews.path}/<preview name>/` to the branch",
            f"`{previews.branch}`; it removes the folder when the pull request closes, and the resources finalizer",
            "deletes the namespace. No Config Management Plugin: it would run a fork's `main.py` in the repo-server.", "",
        ]
    return "\n".join(lines)

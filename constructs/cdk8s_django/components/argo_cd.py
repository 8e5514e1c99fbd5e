"""``ArgoCdApplications``: the committed environments and the previews as Argo CD applications (opt-in).

One ``Application`` per environment (``dist/<env>/``, automated sync with prune, no
self-heal), one for the cluster folders (the fence first: sync waves), and, with
``previews``, an ``ApplicationSet`` whose git generator watches a branch where CI commits
each preview it renders (``make preview``), one folder per preview. Closing the pull
request means CI removes that folder: the generator drops the Application, and its
resources finalizer deletes the namespace. No Config Management Plugin: it would run a
pull request's ``main.py`` inside the repo-server, so a fork could execute code there.

Previews sync through an AppProject of their own: their rendering is a pull request's code, so
they may create only ``pr-<app>--*`` namespaces, no other cluster-wide object, and no RBAC. Every
Application retries a failed sync; the environments' Namespaces are never pruned.

Argo CD's default label tracking would overwrite ``app.kubernetes.io/instance``, the
prune label: the cluster must use annotation tracking (``application.resourceTrackingMethod:
annotation`` in ``argocd-cm``, the default from Argo CD 3.0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdk8s import ApiObject, Chart

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, add_folder_notes, checked_props
from ..k8s._manifest import LABEL_MANAGED_BY, MANAGED_BY, emit
from ..spec import _validation as v
from ..spec.preview import APP_SEPARATOR, PREVIEW_PREFIX
from .chart import DjangoChart

__all__ = ["RESOURCES_FINALIZER", "ArgoCdApplications", "ArgoCdPreviews", "mark_for_argo_cd"]

IN_CLUSTER = "https://kubernetes.default.svc"
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
HOOK = "argocd.argoproj.io/hook"
HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
# Fence before access: a failed wave stops the sync, so the access is never applied without the fence.
CLUSTER_WAVES = (-1, 1)
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
RETRY = {"limit": 5, "backoff": {"duration": "30s", "factor": 2, "maxDuration": "5m"}}
# What a preview may create: its own namespaces, and no RBAC. CI renders previews from pull requests.
PREVIEW_NAMESPACED_DENY = [{"group": "rbac.authorization.k8s.io", "kind": "*"}]
LABELS = {"app.kubernetes.io/name": "cdk8s-django", "app.kubernetes.io/component": "argo-cd", LABEL_MANAGED_BY: MANAGED_BY}


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
    """Argo CD objects for an app's environments (apply them to the Argo CD namespace, once).

    Args:
        repo_url: the git repository holding ``dist/``.
        environments: the ``DjangoChart`` of each committed environment.
        revision: the branch Argo CD follows. Default ``main``.
        dist: the output folder in the repository. Default ``dist``.
        cluster: the cluster charts, fence first (``NamespaceFence``'s, then ``PreviewReaperAccess``'s). Default none.
        previews: an ``ApplicationSet`` for previews. Default None: previews stay CI's and the reaper's.
        namespace: Argo CD's namespace. Default ``argocd``.
        project: the Argo CD project. Default ``default``.
    """

    @checked_props
    def __init__(self, scope: Construct, id: str, *, repo_url: str, environments: Sequence[DjangoChart], revision: str = "main",
                 dist: str = "dist", cluster: Sequence[Chart] = (), previews: ArgoCdPreviews | None = None,
                 namespace: str = "argocd", project: str = "default") -> None:
        where = LazyPath(scope, id)
        if not repo_url.startswith(("https://", "ssh://", "git@")):
            raise v.ConfigError(where, "repo_url", repo_url, "a git URL Argo CD can clone (https://, ssh:// or git@)",
                                "pass the deployment repository's URL")
        if not environments:
            raise v.ConfigError(where, "environments", environments, "at least one DjangoChart", "pass the environments' charts")
        ids = [chart.chart_id for chart in environments]
        if len(set(ids)) != len(ids):
            raise v.ConfigError(where, "environments", ids, "each environment's chart once", "pass each DjangoChart once")
        v.check_dns_label(where, "namespace", namespace)
        if cluster and len(cluster) != len(CLUSTER_WAVES):
            raise v.ConfigError(where, "cluster", [c.node.id for c in cluster], "two charts: NamespaceFence's, then PreviewReaperAccess's",
                                "pass cluster=[fence_chart, access_chart]")
        apps = sorted({chart.plan.app.name for chart in environments})
        if previews is not None and len(apps) != 1:
            raise v.ConfigError(where, "environments", apps,
                                "the environments of one app when previews is set (one ApplicationSet per app)",
                                "make one ArgoCdApplications per app")
        super().__init__(scope, id)
        self._repo_url, self._revision, self._namespace, self._project = repo_url, revision, namespace, project
        self.applications: list[ApiObject] = []
        for chart in environments:
            mark_for_argo_cd(chart)
            plan = chart.plan
            self.applications.append(self._application(
                f"App-{chart.chart_id}", f"{plan.app.name}-{chart.chart_id}", [f"{dist}/{chart.chart_id}"], plan.namespace))
        if cluster:
            for wave, cluster_chart in zip(CLUSTER_WAVES, cluster, strict=True):
                for child in cluster_chart.node.find_all():
                    if isinstance(child, ApiObject):
                        child.metadata.add_annotation(SYNC_WAVE, str(wave))
            self.applications.append(self._application(
                "Cluster", "cdk8s-django-cluster", [f"{dist}/{c.node.id}" for c in cluster], None))
        self.preview_set: ApiObject | None = None
        if previews is not None:
            self.preview_set = self._preview_set(apps[0], previews)
        add_folder_notes(self, lambda folder: _notes(folder, previews))

    def _spec(self, paths: Sequence[str], namespace: str | None, revision: str, project: str | None = None,
              sync_options: Sequence[str] = ()) -> dict[str, object]:
        sources = [{"repoURL": self._repo_url, "targetRevision": revision, "path": path, "directory": {"include": "*.yaml"}}
                   for path in paths]
        destination = {"server": IN_CLUSTER, **({"namespace": namespace} if namespace else {})}
        return {
            "project": project or self._project,
            **({"source": sources[0]} if len(sources) == 1 else {"sources": sources}),
            "destination": destination,
            # No self-heal: every sync runs the migration hook again; a git change is what syncs. A failed sync
            # (a webhook not ready yet, a slow migration) is retried, not left until the next commit.
            "syncPolicy": {"automated": {"prune": True, "selfHeal": False}, "syncOptions": ["PruneLast=true", *sync_options],
                           "retry": RETRY},
        }

    def _application(self, id: str, name: str, paths: Sequence[str], namespace: str | None) -> ApiObject:
        return emit(self, id, {
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": name, "namespace": self._namespace, "labels": LABELS},
            "spec": self._spec(paths, namespace, self._revision),
        })

    def _preview_set(self, app: str, previews: ArgoCdPreviews) -> ApiObject:
        # CI renders previews from pull requests: their own AppProject lets them create only their namespaces
        # (pr-<app>--...) and nothing cluster-wide but a Namespace, and no RBAC; a shared resource fails the sync.
        project = f"{app}-previews"
        self.preview_project: ApiObject = emit(self, "PreviewProject", {
            "apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
            "metadata": {"name": project, "namespace": self._namespace, "labels": LABELS},
            "spec": {
                "description": f"{app}'s previews, rendered by CI from pull requests",
                "sourceRepos": [self._repo_url],
                "destinations": [{"server": IN_CLUSTER, "namespace": f"{PREVIEW_PREFIX}{app}{APP_SEPARATOR}*"}],
                "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}],
                "namespaceResourceBlacklist": PREVIEW_NAMESPACED_DENY,
            },
        })
        # The folder is the preview's name (pr-<branch slug>): the names match the CI-and-reaper path's by construction.
        basename = "{{.path.basename}}"
        namespace = f'{PREVIEW_PREFIX}{app}{APP_SEPARATOR}{{{{trimPrefix "{PREVIEW_PREFIX}" .path.basename}}}}'
        return emit(self, "Previews", {
            "apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
            "metadata": {"name": f"{app}-previews", "namespace": self._namespace, "labels": LABELS},
            "spec": {
                "goTemplate": True,
                "goTemplateOptions": ["missingkey=error"],
                "generators": [{"git": {"repoURL": self._repo_url, "revision": previews.branch,
                                        "directories": [{"path": f"{previews.path}/*"}]}}],
                "template": {
                    # The finalizer: when CI removes the folder, Argo CD deletes the namespace with the Application.
                    "metadata": {"name": f"{app}-{basename}", "finalizers": [RESOURCES_FINALIZER], "labels": LABELS},
                    "spec": self._spec(["{{.path.path}}"], namespace, previews.branch, project=project,
                                       sync_options=["FailOnSharedResource=true"]),
                },
            },
        })


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

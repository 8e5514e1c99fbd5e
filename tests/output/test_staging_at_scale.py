"""Preview environments, expiry, pruning labels, diagrams, notes and the semantic diff."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from cdk8s import App as Cdk8sApp

import main
from cdk8s_django import App, DjangoChart, Environment, Managed, SeedData, Worker, expired_previews, preview_name
from cdk8s_django.model.preview import PREVIEW_NAME_MAX
from cdk8s_django.output.diagram import architecture_markdown
from cdk8s_django.output.diff import diff_folders, environment_folders, format_diff, semantic_diff
from cdk8s_django.output.notes import operator_notes
from cdk8s_django.testing import by_kind, find, pod_spec, synth
from conftest import ROOT

CREATED = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("branch", "expected"), [
    ("feature/JIRA-123_Add thing", "pr-feature-jira-123-a--ea535c0b"),  # sanitised: a hash of the branch as given
    ("main", "pr-main"),
    ("production", "pr-production"),
    ("feature-x", "pr-feature-x"),  # already a name: no hash
    ("Ünïcode/straße", "pr-unicode-strasse--c13c063f"),
    ("___", "pr-branch--bda25155"),
    ("🎉", "pr-branch--6146299c"),
    ("dependabot/pip/django-5.1.4-and-a-very-long-tail", "pr-dependabot-pip-dja--e8ac4b8e"),
])
def test_preview_name(branch: str, expected: str) -> None:
    name = preview_name(branch)
    assert name == expected
    assert DNS_LABEL.match(name) and len(name) <= PREVIEW_NAME_MAX == 31


def test_two_branches_never_share_a_preview() -> None:
    """Sanitising merges these; the hash of the branch as given keeps them apart, and no unhashed name holds '--'."""
    names = [preview_name(b) for b in ("feature/a_b", "feature/a-b", "Feature/A.B", "feature-a-b", "feature--a-b")]
    assert len(set(names)) == len(names)
    assert names[3] == "pr-feature-a-b" and all("--" in n for n in names if n != names[3])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"branch": ""}, "Environment.for_branch: invalid branch='': expected the pull request's branch name, not empty."
                     " Fix: pass the branch CI builds, e.g. os.environ['PREVIEW_BRANCH']"),
    ({"branch": "  "}, "Environment.for_branch: invalid branch='  ': expected the pull request's branch name, not empty."
                       " Fix: pass the branch CI builds, e.g. os.environ['PREVIEW_BRANCH']"),
    ({"ttl": timedelta(0)}, "Environment.for_branch: invalid ttl=datetime.timedelta(0): expected a positive duration (a preview"
                            " that expires later). Fix: pass e.g. ttl=timedelta(days=3)"),
    ({"domain": "https://preview.shop.example.com"}, "Environment.for_branch: invalid domain='https://preview.shop.example.com': expected a"
                                                     " DNS name such as 'preview.shop.example.com' (no scheme, no path)."
                                                     " Fix: pass domain='preview.shop.example.com'"),
    ({"created_at": datetime(2026, 1, 1)}, "Environment.for_branch: invalid created_at=datetime.datetime(2026, 1, 1, 0, 0): expected a"
                                           " time zone aware datetime. Fix: pass datetime.now(UTC), or datetime.fromisoformat('...+00:00')"),
    ({"ttl": timedelta(hours=-1)}, "Environment.for_branch: invalid ttl=datetime.timedelta(days=-1, seconds=82800): expected a"
                                   " positive duration (a preview that expires later). Fix: pass e.g. ttl=timedelta(days=3)"),
])
def test_an_empty_branch_or_a_ttl_not_positive_is_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        Environment.for_branch(**{"branch": "feature/x", "owner": "a", "domain": "preview.shop.example.com", **kwargs})
    assert str(raised.value) == message


def test_a_branch_named_like_an_environment_never_becomes_it() -> None:
    environment = Environment.for_branch("production", owner="mallory", domain="preview.shop.example.com", created_at=CREATED,
                                         ingress=main.STAGING_INGRESS, network=main.STAGING_NETWORK)
    docs = synth(DjangoChart(Cdk8sApp(), environment.name, django_app=main.shop, environment=environment))
    assert by_kind(docs, "Namespace")[0]["metadata"]["name"] == "pr-shop--production"


def test_long_branch_names_stay_distinct_and_stable() -> None:
    a = preview_name("feature/a-very-long-branch-name-that-goes-on-one")
    b = preview_name("feature/a-very-long-branch-name-that-goes-on-two")
    assert a != b and a[:20] == b[:20] and a.startswith("pr-")
    assert preview_name("feature/a-very-long-branch-name-that-goes-on-one") == a


# --- a preview chart -------------------------------------------------------------------------

def _preview(seed: SeedData | None = None) -> list[dict[str, Any]]:
    environment = Environment.for_branch(
        "feature/JIRA-123_Add thing", owner="Alice Smith", domain="preview.shop.example.com",
        created_at=CREATED, ingress=main.STAGING_INGRESS, network=main.STAGING_NETWORK, seed=seed,
    )
    return synth(DjangoChart(Cdk8sApp(), environment.name, django_app=main.shop, environment=environment))


def test_preview_namespace_is_labelled_and_expires() -> None:
    docs = _preview()
    namespace = by_kind(docs, "Namespace")[0]
    assert namespace["metadata"]["name"] == "pr-shop--feature-jira-123-a--ea535c0b"
    assert namespace["metadata"]["labels"]["cdk8s-django/preview"] == "true"
    assert namespace["metadata"]["labels"]["cdk8s-django/owner"] == "alice-smith"
    assert namespace["metadata"]["annotations"] == {
        "cdk8s-django/branch": "feature/JIRA-123_Add thing",
        "cdk8s-django/owner": "Alice Smith",
        "cdk8s-django/expires-at": "2026-11-29T09:00:00Z",
    }
    ingress = find(docs, "Ingress", "shop-web")
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == ["pr-feature-jira-123-a--ea535c0b.preview.shop.example.com"]
    assert find(docs, "ScaledObject", "shop-worker")["spec"]["minReplicaCount"] == 0


def test_every_object_carries_the_prune_labels() -> None:
    for doc in _preview():
        labels = doc["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "shop"
        assert labels["app.kubernetes.io/instance"] == "pr-feature-jira-123-a--ea535c0b"
        assert labels["app.kubernetes.io/managed-by"] == "cdk8s-django"


def test_seed_job_loads_fixtures_and_creates_a_superuser_once() -> None:
    docs = _preview(SeedData(fixtures=("demo",), superuser_secret="shop-preview-superuser"))
    (job,) = [d for d in by_kind(docs, "Job") if d["metadata"]["name"].startswith("shop-seed-")]
    spec = pod_spec(job)
    assert [c["name"] for c in spec["initContainers"]] == ["wait-for-migrations"]  # type: ignore[index]
    container = spec["containers"][0]  # type: ignore[index]
    assert container["command"][:2] == ["python", "-c"] and container["command"][3:] == ["demo"]
    assert "is_superuser=True).exists()" in container["command"][2]
    assert {"secretRef": {"name": "shop-preview-superuser"}} in container["envFrom"]
    without = _preview(SeedData(fixtures=("demo",)))
    assert not [s for c in pod_spec([d for d in by_kind(without, "Job") if "seed" in d["metadata"]["name"]][0])["containers"]  # type: ignore[index]
                for s in c.get("envFrom", []) if s.get("secretRef", {}).get("name") == "shop-preview-superuser"]


# --- expiry ----------------------------------------------------------------------------------

def _namespace(name: str, expires: str | None, preview: bool = True, managed: bool = True) -> dict[str, Any]:
    labels = {"cdk8s-django/preview": "true"} if preview else {}
    if managed:
        labels["app.kubernetes.io/managed-by"] = "cdk8s-django"
    annotations = {"cdk8s-django/branch": f"b/{name}", "cdk8s-django/owner": "alice"}
    if expires:
        annotations["cdk8s-django/expires-at"] = expires
    return {"metadata": {"name": name, "labels": labels, "annotations": annotations}}


LISTING = [
    _namespace("pr-shop-late", "2026-11-25T00:00:00Z"),
    _namespace("pr-shop-early", "2026-11-20T00:00:00Z"),
    _namespace("pr-shop-fresh", "2026-12-01T00:00:00Z"),
    _namespace("pr-shop-unreadable", "next tuesday"),
    _namespace("pr-shop-no-expiry", None),
    _namespace("shop-production", "2020-01-01T00:00:00Z", preview=False),
    _namespace("pr-someone-elses", "2020-01-01T00:00:00Z", managed=False),
    # Protected on purpose, or already being deleted: never a candidate.
    {**_namespace("pr-shop-kept", "2020-01-01T00:00:00Z"), "metadata": {
        **_namespace("pr-shop-kept", "2020-01-01T00:00:00Z")["metadata"],
        "labels": {"cdk8s-django/preview": "true", "app.kubernetes.io/managed-by": "cdk8s-django", "cdk8s-django/deletion-protection": "true"}}},
    {**_namespace("pr-shop-going", "2020-01-01T00:00:00Z"), "metadata": {
        **_namespace("pr-shop-going", "2020-01-01T00:00:00Z")["metadata"], "deletionTimestamp": "2026-11-25T00:00:00Z"}},
    # Tracked by Argo CD: it would recreate it from git; removing its folder deletes it.
    {**_namespace("pr-shop-argo", "2020-01-01T00:00:00Z"), "metadata": {
        **_namespace("pr-shop-argo", "2020-01-01T00:00:00Z")["metadata"],
        "annotations": {"cdk8s-django/expires-at": "2020-01-01T00:00:00Z", "argocd.argoproj.io/tracking-id": "shop-pr-argo:/Namespace:/pr-shop-argo"}}},
    # Labelled as a preview but named outside the prefix (tampered before the fence): never a candidate.
    _namespace("shop-production-tampered", "2020-01-01T00:00:00Z"),
    _namespace("kube-system", "2020-01-01T00:00:00Z"),
    _namespace("pr", "2020-01-01T00:00:00Z"),
    _namespace("pr-shop-expiry-with-newline", "2020-01-01T00:00:00Z\n"),
]
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def test_expired_previews_selects_only_expired_preview_namespaces() -> None:
    assert [e.namespace for e in expired_previews(LISTING, NOW)] == ["pr-shop-early", "pr-shop-late"]


def test_expiry_boundary_and_naive_time() -> None:
    assert [e.namespace for e in expired_previews(LISTING, datetime(2026, 12, 1, tzinfo=UTC))] == ["pr-shop-early", "pr-shop-late", "pr-shop-fresh"]
    with pytest.raises(ValueError, match="time zone aware"):
        expired_previews(LISTING, datetime(2026, 11, 26))


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    return subprocess.run([sys.executable, "-m", "cdk8s_django", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_expire_cli_is_a_dry_run_by_default(tmp_path: Path) -> None:
    listing = tmp_path / "namespaces.json"
    listing.write_text(json.dumps({"items": LISTING}))
    result = _cli("expire", "--from-file", str(listing), "--now", "2026-11-26T00:00:00+00:00")
    assert result.returncode == 1  # LISTING holds previews whose expiry cannot be read: named, and a non-zero exit
    assert result.stdout.splitlines() == [
        "would delete namespace pr-shop-early (branch 'b/pr-shop-early', owner 'alice', expired 2026-11-20T00:00:00Z)",
        "would delete namespace pr-shop-late (branch 'b/pr-shop-late', owner 'alice', expired 2026-11-25T00:00:00Z)",
        "dry run: pass --apply to delete",
    ]
    assert [line.split(" has ")[0] for line in result.stderr.splitlines() if " has " in line] == [
        "namespace pr-shop-unreadable", "namespace pr-shop-no-expiry", "namespace pr-shop-expiry-with-newline"]
    assert "Node" not in result.stderr  # the CLI never starts the jsii process


FENCE_BINDING = {"spec": {"policyName": "cdk8s-django-preview-reaper", "validationActions": ["Deny"]}}
FENCE_DENIAL = ('Error from server (Forbidden): namespaces "shop-production" is forbidden: ValidatingAdmissionPolicy'
                " 'cdk8s-django-preview-reaper' with binding 'cdk8s-django-preview-reaper' denied request: the preview reaper...")


def _fake_kubectl(tmp_path: Path, binding: dict[str, Any] | None, probe_denial: str | None = FENCE_DENIAL) -> tuple[Path, Path]:
    """A kubectl that lists LISTING, answers the fence binding's `get` (or fails, like a cluster without it),
    answers the fence probe's server-side dry-run deletion (refused with ``probe_denial``, or allowed), and logs
    every other call."""
    log = tmp_path / "kubectl.log"
    kubectl = tmp_path / "kubectl"
    (tmp_path / "ns.json").write_text(json.dumps({"items": LISTING}))
    (tmp_path / "binding.json").write_text(json.dumps(binding))
    (tmp_path / "denial.txt").write_text(probe_denial or "")
    answer_binding = (f"cat {tmp_path}/binding.json" if binding is not None else
                      "echo 'Error from server (NotFound): validatingadmissionpolicybindings \"cdk8s-django-preview-reaper\" not found' >&2; exit 1")
    answer_probe = f"cat {tmp_path}/denial.txt >&2; exit 1" if probe_denial else "echo 'namespace deleted (server dry run)'; exit 0"
    kubectl.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        f"  *--dry-run=server*) {answer_probe} ;;\n"
        "esac\n"
        f"case \"$1 $2\" in\n"
        f"  'get namespaces') cat {tmp_path}/ns.json ;;\n"
        f"  'get validatingadmissionpolicybindings.admissionregistration.k8s.io') {answer_binding} ;;\n"
        f"  *) echo \"$@\" >> {log} ;;\n"
        "esac\n"
    )
    kubectl.chmod(kubectl.stat().st_mode | stat.S_IEXEC)
    return kubectl, log


def test_expire_cli_apply_deletes_only_expired(tmp_path: Path) -> None:
    kubectl, log = _fake_kubectl(tmp_path, FENCE_BINDING)
    result = _cli("expire", "--apply", "--kubectl", str(kubectl), "--now", "2026-11-26T00:00:00+00:00")
    assert result.returncode == 1, result.stderr  # the previews whose expiry cannot be read (below)
    assert log.read_text().splitlines() == ["delete namespace pr-shop-early --wait=false --ignore-not-found",
                                            "delete namespace pr-shop-late --wait=false --ignore-not-found"]


def test_expire_cli_carries_on_past_a_failed_deletion(tmp_path: Path) -> None:
    kubectl, log = _fake_kubectl(tmp_path, FENCE_BINDING)
    text = kubectl.read_text().replace("  *) echo", "  'delete namespace') case \"$3\" in pr-shop-early) exit 1 ;; esac; echo \"$@\" >> "
                                       + str(log) + " ;;\n  *) echo")
    kubectl.write_text(text)
    result = _cli("expire", "--apply", "--kubectl", str(kubectl), "--now", "2026-11-26T00:00:00+00:00")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "could not delete: pr-shop-early"
    assert log.read_text().splitlines() == ["delete namespace pr-shop-late --wait=false --ignore-not-found"]


def test_expire_cli_refuses_a_time_without_a_zone_and_a_missing_kubectl(tmp_path: Path) -> None:
    listing = tmp_path / "namespaces.json"
    listing.write_text(json.dumps({"items": LISTING}))
    naive = _cli("expire", "--from-file", str(listing), "--now", "2026-11-30T00:00:00")
    assert naive.returncode == 2
    assert naive.stderr.strip() == ("invalid --now='2026-11-30T00:00:00': expected an ISO 8601 time with a time zone."
                                    " Fix: e.g. 2026-11-30T00:00:00Z")
    missing = _cli("expire", "--kubectl", str(tmp_path / "no-kubectl"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"cannot list the preview namespaces: cannot run '{tmp_path / 'no-kubectl'}': No such file or directory"


def test_expire_cli_names_previews_from_before_the_prefix(tmp_path: Path) -> None:
    listing = tmp_path / "namespaces.json"
    listing.write_text(json.dumps({"items": [*LISTING, _namespace("shop-pr-old", "2020-01-01T00:00:00Z")]}))
    result = _cli("expire", "--from-file", str(listing), "--now", "2026-11-26T00:00:00+00:00")
    assert ("namespace shop-pr-old is labelled cdk8s-django/preview=true but not named pr-<app>--...: never expired"
            " (a preview named before the cluster-wide prefix, or a label added by hand); look at it by hand.") in result.stderr.splitlines()
    assert "shop-pr-old" not in result.stdout


_NOT_IN_FORCE = "the ValidatingAdmissionPolicyBinding cdk8s-django-preview-reaper does not deny through the policy" \
                " cdk8s-django-preview-reaper for every namespace"


@pytest.mark.parametrize(("binding", "denial", "problem"), [
    (None, FENCE_DENIAL, "the ValidatingAdmissionPolicyBinding cdk8s-django-preview-reaper cannot be read (Error from server (NotFound):"
                         " validatingadmissionpolicybindings \"cdk8s-django-preview-reaper\" not found)"),
    ({"spec": {"policyName": "cdk8s-django-preview-reaper", "validationActions": ["Audit"]}}, FENCE_DENIAL, _NOT_IN_FORCE),
    ({"spec": {"policyName": "something-else", "validationActions": ["Deny"]}}, FENCE_DENIAL, _NOT_IN_FORCE),
    ({"spec": {**FENCE_BINDING["spec"], "matchResources": {"namespaceSelector": {"matchLabels": {"x": "y"}}}}}, FENCE_DENIAL,
     _NOT_IN_FORCE),
    (FENCE_BINDING, None, "a server-side dry-run deletion of namespace shop-production was allowed (the policy"
                          " cdk8s-django-preview-reaper is missing, edited, or admission policies are off)"),
    (FENCE_BINDING, "Error from server (Forbidden): some other reason", "a server-side dry-run deletion of namespace shop-production"
                                                                       " failed, but not by the fence: Error from server (Forbidden): some other reason"),
])
def test_expire_cli_apply_refuses_without_the_fence(tmp_path: Path, binding: dict[str, Any] | None, denial: str | None,
                                                    problem: str) -> None:
    kubectl, log = _fake_kubectl(tmp_path, binding, denial)
    result = _cli("expire", "--apply", "--kubectl", str(kubectl), "--now", "2026-11-26T00:00:00+00:00")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"refusing to delete: {problem}. The fence confines the reaper to preview namespaces."
        " Fix: apply NamespaceFence's folder (Kubernetes 1.30+), e.g. kubectl apply -f dist/cluster-1-fence/"
    )
    assert not log.exists()  # nothing deleted


# --- one environment alone -------------------------------------------------------------------

def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_make_synth_one_environment_and_a_preview_leave_dist_alone() -> None:
    before = _tree(ROOT / "dist")
    env = {**os.environ, "PREVIEW_CREATED_AT": "2026-11-26T09:00:00+00:00"}
    subprocess.run(["make", "-s", "synth", "ENV=qa"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(["make", "-s", "preview", "BRANCH=feature/JIRA-9 checkout", "OWNER=alice"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    assert _tree(ROOT / "dist") == before
    qa = _tree(ROOT / "build" / "qa")
    assert {k: v for k, v in qa.items() if k != "NOTES.md"} == {k: v for k, v in _tree(ROOT / "dist" / "qa").items() if k != "NOTES.md"}
    assert "kubectl apply -f build/qa/" in qa["NOTES.md"].decode()
    preview = ROOT / "build" / "pr-feature-jira-9-che--72981903"
    namespace = yaml.safe_load((preview / "00-namespace-pr-shop--feature-jira-9-che--72981903.yaml").read_text())
    assert namespace["metadata"]["annotations"]["cdk8s-django/expires-at"] == "2026-11-29T09:00:00Z"
    assert "kubectl delete namespace pr-shop--feature-jira-9-che--72981903" in (preview / "NOTES.md").read_text()
    assert any(re.match(r"\d\d-job-shop-seed-[0-9a-f]{10}\.yaml$", p.name) for p in preview.iterdir())


# --- diagrams, notes and diff ----------------------------------------------------------------

def _chart(django_app: Any = None, environment: Environment | None = None) -> DjangoChart:
    environment = environment or main.environments[0]
    return DjangoChart(Cdk8sApp(), environment.name, django_app=django_app or main.shop, environment=environment)


def _docs(django_app: Any = None, environment: Environment | None = None) -> list[dict[str, Any]]:
    return synth(_chart(django_app, environment))


def test_diagram_marks_stores_in_cluster_or_managed() -> None:
    staging = architecture_markdown(_chart())
    production = architecture_markdown(_chart(environment=main.environments[2]))
    assert "in-cluster StatefulSet shop-postgres" in staging and "managed:" not in staging
    assert "managed: shop.abc123.eu-west-1.rds.amazonaws.com" in production and "in-cluster" not in production
    for diagram in (staging, production):
        assert "lb --> n_shop_web" in diagram
        assert "n_shop_beat --> n_shop_redis_broker" in diagram and "n_shop_beat --> n_shop_postgres" not in diagram
        for component in ("web", "worker", "worker-emails", "beat", "shell", "migrate", "clearsessions"):
            assert f'"{component}<br/>' in diagram


def test_mutation_drop_a_worker() -> None:
    base, mutated = _chart(), _chart(replace(main.shop, workers=(Worker(name="worker", queues=("default",)),)))
    assert "worker-emails" in architecture_markdown(base) and "worker-emails" not in architecture_markdown(mutated)
    assert "deployment/shop-worker-emails" in operator_notes(base, "dist/qa") and "shop-worker-emails" not in operator_notes(mutated, "dist/qa")
    diff = semantic_diff(_keyed(synth(base)), _keyed(synth(mutated)))
    assert "Deployment shop-worker-emails" in diff["only_left"] and not diff["only_right"]


def test_mutation_switch_a_store_to_managed() -> None:
    base = _chart()
    managed_env = replace(main.environments[0], postgres=Managed("qa.abc.eu-west-1.rds.amazonaws.com"))
    mutated = _chart(environment=managed_env)
    assert "managed: qa.abc.eu-west-1.rds.amazonaws.com" in architecture_markdown(mutated)
    assert "in-cluster StatefulSet shop-postgres" not in architecture_markdown(mutated)
    assert "in-cluster StatefulSet shop-redis-cache" in architecture_markdown(mutated)
    assert "managed databases stay" in operator_notes(mutated, "dist/qa") and "data included" in operator_notes(base, "dist/qa")
    text = format_diff(semantic_diff(_keyed(synth(base)), _keyed(synth(mutated))), "before", "after")
    assert "- StatefulSet shop-postgres" in text
    assert "~ Service shop-postgres" in text and "+ spec.externalName: 'qa.abc.eu-west-1.rds.amazonaws.com'" in text


def test_mutation_change_an_env_var_shows_in_the_diff() -> None:
    mutated = _docs(replace(main.shop, env={"FEATURE_X": "on"}))
    diff = semantic_diff(_keyed(_docs()), _keyed(mutated))
    assert ("+", "data.FEATURE_X", "'on'") in diff["changed"]["ConfigMap shop-env"]
    assert "Job shop-migrate-<hash>" in diff["changed"]  # paired across hash-named Jobs, renamed
    assert not diff["only_left"] and not diff["only_right"]


def _keyed(docs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    from cdk8s_django.output.diff import _match_key, _normalise
    return {_match_key(d): _normalise(d) for d in docs}


def test_golden_staging_versus_production_diff() -> None:
    golden = (ROOT / "tests" / "golden" / "diff-qa-production.txt").read_text()
    assert diff_folders(ROOT / "dist", "qa", "production") == golden


def test_diff_cli(tmp_path: Path) -> None:
    result = _cli("diff", "qa", "production")
    assert result.returncode == 0 and result.stdout == (ROOT / "tests" / "golden" / "diff-qa-production.txt").read_text()
    missing = _cli("diff", "qa", "nowhere")
    assert missing.returncode == 2
    assert missing.stderr.startswith("invalid environment folder 'dist/nowhere': it does not exist. Fix: name an environment in dist/: ")


def test_app_writes_diagram_and_notes(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path / "out"), display_dir="dist")
    DjangoChart(app, "qa", django_app=main.shop, environment=main.environments[0])
    app.synth()
    assert (tmp_path / "out" / "qa" / "ARCHITECTURE.md").read_text().count("```mermaid") == 1
    assert "kubectl -n shop-qa exec -it shop-shell-0 -- python -m django shell" in (tmp_path / "out" / "qa" / "NOTES.md").read_text()


def test_created_at_must_be_time_zone_aware() -> None:
    with pytest.raises(ValueError, match="time zone aware"):
        Environment.for_branch("x", owner="a", domain="d.example.com", created_at=datetime(2026, 1, 1))
    assert Environment.for_branch("x", owner="a", domain="d.example.com", created_at=CREATED, ttl=timedelta(hours=1)).preview.expires_at == CREATED + timedelta(hours=1)  # type: ignore[union-attr]


# --- the CLI's errors: one line each, and an exit code a script can trust --------------------

def test_expire_cli_names_a_preview_whose_expiry_it_cannot_read(tmp_path: Path) -> None:
    """An expiry written +00:00 instead of Z was skipped without a word: kept for ever. Now named, and exit 1."""
    listing = tmp_path / "namespaces.json"
    listing.write_text(json.dumps({"items": [_namespace("pr-shop-offset", "2026-11-20T00:00:00+00:00"),
                                             _namespace("pr-shop-early", "2026-11-20T00:00:00Z")]}))
    result = _cli("expire", "--from-file", str(listing), "--now", "2026-11-26T00:00:00Z")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "namespace pr-shop-offset has an unreadable cdk8s-django/expires-at='2026-11-20T00:00:00+00:00' (expected UTC as"
        " YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-11-29T09:00:00Z), so it is never expired. Fix: delete it by hand once it is no"
        " longer used: kubectl delete namespace pr-shop-offset",
    ]
    assert result.stdout.splitlines() == [  # what it could read, still listed
        "would delete namespace pr-shop-early (branch 'b/pr-shop-early', owner 'alice', expired 2026-11-20T00:00:00Z)",
        "dry run: pass --apply to delete",
    ]


def test_expire_cli_names_a_preview_without_an_expiry_and_passes_the_others(tmp_path: Path) -> None:
    listing = tmp_path / "namespaces.json"
    listing.write_text(json.dumps({"items": [_namespace("pr-shop-none", None), _namespace("pr-someone-elses", None, managed=False),
                                             _namespace("pr-shop-fresh", "2026-12-01T00:00:00Z")]}))
    result = _cli("expire", "--from-file", str(listing), "--now", "2026-11-26T00:00:00Z")
    assert (result.returncode, result.stdout) == (1, "no expired previews\n")
    assert result.stderr.splitlines() == [
        "namespace pr-shop-none has no cdk8s-django/expires-at annotation, so it is never expired. Fix: delete it by hand"
        " once it is no longer used: kubectl delete namespace pr-shop-none",
    ]
    fine = tmp_path / "fine.json"
    fine.write_text(json.dumps({"items": [_namespace("pr-shop-fresh", "2026-12-01T00:00:00Z")]}))
    assert _cli("expire", "--from-file", str(fine), "--now", "2026-11-26T00:00:00Z").returncode == 0


_SAVE = "Fix: save a listing first, e.g. kubectl get namespaces -o json > namespaces.json"


@pytest.mark.parametrize(("content", "problem"), [
    (None, "cannot read it (No such file or directory)"),
    ('{"items": [', "not JSON (Expecting value: line 1 column 12 (char 11))"),
    ("", "not JSON (Expecting value: line 1 column 1 (char 0))"),
    ("[]", "expected a Namespace listing (an object whose items each have a metadata.name)"),
    ('{"items": [{"metadata": {}}]}', "expected a Namespace listing (an object whose items each have a metadata.name)"),
    ('{"items": {}}', "expected a Namespace listing (an object whose items each have a metadata.name)"),
])
def test_expire_cli_refuses_a_listing_it_cannot_read_in_one_line(tmp_path: Path, content: str | None, problem: str) -> None:
    listing = tmp_path / "namespaces.json"
    if content is not None:
        listing.write_text(content)
    result = _cli("expire", "--from-file", str(listing))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"invalid --from-file={str(listing)!r}: {problem}. {_SAVE}\n"


_NO_CLUSTER = [f'E1202 21:03:13.48977{n}   13913 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list:'
               ' Get \\"http://localhost:8080/api?timeout=32s\\": dial tcp 127.0.0.1:8080: connect: connection refused"' for n in range(5)]


@pytest.mark.parametrize(("stderr", "said"), [
    ([*_NO_CLUSTER, "The connection to the server localhost:8080 was refused - did you specify the right host or port?"],
     "The connection to the server localhost:8080 was refused - did you specify the right host or port?"),
    ([line.replace("13.48977", "13.4897") for line in _NO_CLUSTER],  # log lines alone: said once, without their header
     '"Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://localhost:8080/api?timeout=32s\\": dial tcp'
     ' 127.0.0.1:8080: connect: connection refused"'),
    ([], "kubectl exited with 1"),
])
def test_expire_cli_says_what_kubectl_said_once(tmp_path: Path, stderr: list[str], said: str) -> None:
    """kubectl without a cluster logs each of its five attempts, then says what went wrong: expire says it once."""
    (tmp_path / "stderr.txt").write_text("".join(line + "\n" for line in stderr))
    kubectl = tmp_path / "kubectl"
    kubectl.write_text(f"#!/bin/sh\ncat {tmp_path}/stderr.txt >&2\nexit 1\n")
    kubectl.chmod(0o755)
    result = _cli("expire", "--kubectl", str(kubectl))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"cannot list the preview namespaces: {said}\n"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """Two environments and two folders that are none (Argo CD's, the cluster's fence), as main.py writes them."""
    for folder in ("qa", "production", "argocd", "cluster-1-fence"):
        shutil.copytree(ROOT / "dist" / folder, tmp_path / "dist" / folder)
    return tmp_path / "dist"


def test_diff_cli_exit_code_says_whether_they_differ(dist: Path) -> None:
    golden = (ROOT / "tests" / "golden" / "diff-qa-production.txt").read_text()
    differ = _cli("diff", "qa", "production", "--dist", str(dist), "--exit-code")
    assert (differ.returncode, differ.stdout, differ.stderr) == (1, golden, "")
    same = _cli("diff", "qa", "qa", "--dist", str(dist), "--exit-code")
    assert (same.returncode, same.stdout.splitlines()[-1]) == (0, "0 only in qa, 0 only in qa, 0 changed")
    assert _cli("diff", "qa", "production", "--dist", str(dist)).returncode == 0  # without it: 0 either way, as git diff


@pytest.mark.parametrize("folder", ["argocd", "cluster-1-fence"])
def test_diff_cli_refuses_a_folder_that_is_no_environment(dist: Path, folder: str) -> None:
    for left, right in (("qa", folder), (folder, "qa")):
        result = _cli("diff", left, right, "--dist", str(dist))
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (f"invalid environment folder {str(dist / folder)!r}: it holds no Namespace manifest"
                                 f" (00-namespace-*.yaml), so it is no environment. Fix: name an environment in {dist}/: production, qa\n")


def test_diff_refuses_a_missing_folder_and_an_empty_dist(tmp_path: Path, dist: Path) -> None:
    with pytest.raises(ValueError) as missing:
        diff_folders(dist, "qa", "staging")
    assert str(missing.value) == (f"invalid environment folder {str(dist / 'staging')!r}: it does not exist."
                                  f" Fix: name an environment in {dist}/: production, qa")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError) as nothing:
        diff_folders(tmp_path / "empty", "qa", "production")
    assert str(nothing.value) == (f"invalid environment folder {str(tmp_path / 'empty' / 'qa')!r}: it does not exist."
                                  f" Fix: run `make synth` ({tmp_path / 'empty'}/ holds no environment folder)")
    names = environment_folders(ROOT / "dist")
    assert {"qa", "production"} <= set(names) and not [n for n in names if n == "argocd" or n.startswith("cluster-")]

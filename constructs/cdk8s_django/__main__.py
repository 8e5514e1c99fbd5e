"""``python -m cdk8s_django``: start a deployment repo, compare environments, expire previews.

    python -m cdk8s_django init shop --image registry.example.com/shop:1.0.0 [--dir shop-deploy]
    python -m cdk8s_django diff qa production [--dist dist]
    python -m cdk8s_django expire [--from-file namespaces.json] [--now 2026-11-30T00:00:00Z] [--apply]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .output.diff import diff_folders
from .spec.preview import LABEL_DELETION_PROTECTION, LABEL_PREVIEW, PREVIEW_PREFIX, REAPER_POLICY, expired_previews


def _kubectl_json(kubectl: str, *args: str) -> tuple[dict[str, Any] | None, str]:
    """``kubectl <args> -o json`` parsed, or None and why not."""
    try:
        result = subprocess.run([kubectl, *args, "-o", "json"], capture_output=True, text=True, check=False)
    except OSError as error:
        return None, f"cannot run {kubectl!r}: {error.strerror}"
    if result.returncode != 0:
        return None, result.stderr.strip() or f"kubectl exited with {result.returncode}"
    try:
        return json.loads(result.stdout), ""
    except json.JSONDecodeError:
        return None, "kubectl printed no JSON"


def _expire(args: argparse.Namespace) -> int:
    listing, error = (json.loads(Path(args.from_file).read_text()), "") if args.from_file else \
        _kubectl_json(args.kubectl, "get", "namespaces", "-l", f"{LABEL_PREVIEW}=true")
    if listing is None:
        print(f"cannot list the preview namespaces: {error}", file=sys.stderr)
        return 2
    now = _now(args.now)
    if now is None:
        print(f"invalid --now={args.now!r}: expected an ISO 8601 time with a time zone. Fix: e.g. 2026-11-30T00:00:00Z",
              file=sys.stderr)
        return 2
    items = listing.get("items", [])
    for name in _old_style_previews(items):
        print(f"namespace {name} is labelled {LABEL_PREVIEW}=true but not named {PREVIEW_PREFIX}<app>--...: never expired"
              " (a preview named before the cluster-wide prefix, or a label added by hand); look at it by hand.",
              file=sys.stderr)
    expired = expired_previews(items, now)
    if args.apply and expired:
        problem = _fence_problem(args.kubectl)
        if problem:
            print(f"refusing to delete: {problem}. The fence confines the reaper to preview namespaces."
                  " Fix: apply NamespaceFence's folder (Kubernetes 1.30+), e.g. kubectl apply -f dist/cluster-1-fence/",
                  file=sys.stderr)
            return 2
    failed = []
    for preview in expired:
        verb = "deleting" if args.apply else "would delete"
        print(f"{verb} namespace {preview.namespace} (branch {preview.branch!r}, owner {preview.owner!r},"
              f" expired {preview.expired_at:%Y-%m-%dT%H:%M:%SZ})")
        if args.apply and not _delete(args.kubectl, preview.namespace):  # one failure never stops the others
            failed.append(preview.namespace)
    if not expired:
        print("no expired previews")
    elif not args.apply:
        print("dry run: pass --apply to delete")
    if failed:
        print(f"could not delete: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _now(value: str | None) -> datetime | None:
    """``--now``, or now; None when it is not an ISO 8601 time with a time zone."""
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _delete(kubectl: str, namespace: str) -> bool:
    try:
        command = [kubectl, "delete", "namespace", namespace, "--wait=false", "--ignore-not-found"]
        return subprocess.run(command, check=False).returncode == 0
    except OSError:
        return False


def _old_style_previews(items: list[dict[str, Any]]) -> list[str]:
    """Previews named before the cluster-wide prefix (``<app>-pr-...``): expire never selects them."""
    return sorted(item["metadata"]["name"] for item in items
                  if (item["metadata"].get("labels") or {}).get(LABEL_PREVIEW) == "true"
                  and not item["metadata"]["name"].startswith(PREVIEW_PREFIX))


# Namespaces the API server itself refuses to delete (before any admission policy): no use as a probe.
_UNDELETABLE = ("default", "kube-system", "kube-public", "kube-node-lease")


def _fence_problem(kubectl: str) -> str | None:
    """Why the fence is not in force in the cluster, or None when it is: its binding denies through its
    policy, and a server-side dry-run deletion of a namespace that is no preview is refused by it."""
    binding, error = _kubectl_json(kubectl, "get", "validatingadmissionpolicybindings.admissionregistration.k8s.io", REAPER_POLICY)
    if binding is None:
        return f"the ValidatingAdmissionPolicyBinding {REAPER_POLICY} cannot be read ({error})"
    spec = binding.get("spec") or {}
    if spec.get("policyName") != REAPER_POLICY or "Deny" not in (spec.get("validationActions") or []) or spec.get("matchResources"):
        return f"the ValidatingAdmissionPolicyBinding {REAPER_POLICY} does not deny through the policy {REAPER_POLICY} for every namespace"
    everything, error = _kubectl_json(kubectl, "get", "namespaces")
    if everything is None:
        return f"the namespaces cannot be listed ({error})"
    # A namespace the fence alone refuses the reaper: no preview name, not protected, not terminating; unmarked first.
    probes = sorted(
        (LABEL_PREVIEW in labels, name) for name, labels, metadata in (
            (item["metadata"]["name"], item["metadata"].get("labels") or {}, item["metadata"]) for item in everything.get("items", []))
        if not name.startswith(PREVIEW_PREFIX) and name not in _UNDELETABLE and not metadata.get("deletionTimestamp")
        and labels.get(LABEL_DELETION_PROTECTION) != "true"
    )
    if not probes:
        return None  # nothing to probe with: the binding is all there is to check
    probe_name = probes[0][1]
    try:
        probe = subprocess.run([kubectl, "delete", "namespace", probe_name, "--dry-run=server"], capture_output=True, text=True,
                               check=False)
    except OSError as failure:
        return f"cannot run {kubectl!r}: {failure.strerror}"
    if probe.returncode == 0:
        return (f"a server-side dry-run deletion of namespace {probe_name} was allowed (the policy {REAPER_POLICY} is missing,"
                " edited, or admission policies are off)")
    if f"ValidatingAdmissionPolicy '{REAPER_POLICY}'" not in probe.stderr:
        return f"a server-side dry-run deletion of namespace {probe_name} failed, but not by the fence: {probe.stderr.strip()}"
    return None


def _collect_preview(argv: list[str]) -> int:
    from .output.preview_folder import PreviewRefused, collect_preview

    parser = argparse.ArgumentParser(prog="python -m cdk8s_django collect-preview",
                                     description="move the branch's preview folder from --from to --to, refusing anything else")
    parser.add_argument("--branch", required=True)
    parser.add_argument("--from", dest="source", required=True, help="the folder main.py wrote (CDK8S_DJANGO_OUTDIR)")
    parser.add_argument("--to", dest="target", required=True, help="where the preview folder goes (build)")
    args = parser.parse_args(argv)
    try:
        print(collect_preview(args.branch, Path(args.source), Path(args.target)))
    except (PreviewRefused, ValueError) as error:
        print(f"collect-preview: {error}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["collect-preview"]:  # make preview: publish the branch's preview folder, and nothing else
        return _collect_preview(argv[1:])
    if argv[:1] == ["init"]:  # a new deployment repo (scaffold.py has its own arguments)
        from .scaffold import main as init

        return init(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m cdk8s_django")
    commands = parser.add_subparsers(dest="command", required=True)
    diff = commands.add_parser("diff", help="what differs between two environments' manifests")
    diff.add_argument("left")
    diff.add_argument("right")
    diff.add_argument("--dist", default="dist", help="the synthesized output folder (default: dist)")
    expire = commands.add_parser("expire", help="select (and with --apply delete) expired preview namespaces")
    expire.add_argument("--from-file", help="a `kubectl get namespaces -o json` listing instead of asking kubectl")
    expire.add_argument("--now", help="the current time, ISO 8601 (default: now)")
    expire.add_argument("--apply", action="store_true", help="delete them (default: dry run)")
    expire.add_argument("--kubectl", default="kubectl", help="the kubectl to run (default: kubectl on PATH)")
    commands.add_parser("init", help="write a new deployment repo for an app: python -m cdk8s_django init <app> --image <image>")
    args = parser.parse_args(argv)
    if args.command == "diff":
        try:
            sys.stdout.write(diff_folders(Path(args.dist), args.left, args.right))
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        return 0
    return _expire(args)


if __name__ == "__main__":
    sys.exit(main())

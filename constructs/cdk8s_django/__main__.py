"""``python -m cdk8s_django``: start a deployment repo, compare environments, expire previews.

    python -m cdk8s_django init shop --image registry.example.com/shop:1.0.0 [--dir shop-deploy]
    python -m cdk8s_django diff qa production [--dist dist] [--exit-code]
    python -m cdk8s_django expire [--from-file namespaces.json] [--now 2026-11-30T00:00:00Z] [--apply]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .model.preview import (
    ANNOTATION_EXPIRES_AT,
    LABEL_DELETION_PROTECTION,
    LABEL_PREVIEW,
    PREVIEW_PREFIX,
    REAPER_POLICY,
    ExpiredPreview,
    expired_previews,
)
from .output.diff import differs, format_diff, load_environment, semantic_diff

# kubectl's own log lines (klog: "E1202 21:03:13.489777   13913 memcache.go:265] ..."): it retries and logs each
# attempt, then says once, on a plain line, what went wrong.
_KLOG = re.compile(r"^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [^\]]+\] ")
_SAVE_A_LISTING = "Fix: save a listing first, e.g. kubectl get namespaces -o json > namespaces.json"


def _kubectl_error(stderr: str, returncode: int) -> str:
    """What kubectl said went wrong, once, on one line: its plain lines, else its log lines deduplicated."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    said = [line for line in lines if not _KLOG.match(line)] or [_KLOG.sub("", line) for line in lines]
    return "; ".join(dict.fromkeys(said)) or f"kubectl exited with {returncode}"


def _kubectl_json(kubectl: str, *args: str) -> tuple[dict[str, Any] | None, str]:
    """``kubectl <args> -o json`` parsed, or None and why not."""
    try:
        result = subprocess.run([kubectl, *args, "-o", "json"], capture_output=True, text=True, check=False)
    except OSError as error:
        return None, f"cannot run {kubectl!r}: {error.strerror}"
    if result.returncode != 0:
        return None, _kubectl_error(result.stderr, result.returncode)
    try:
        return json.loads(result.stdout), ""
    except json.JSONDecodeError:
        return None, "kubectl printed no JSON"


def _read_listing(path: str) -> tuple[Any, str]:
    """``--from-file`` parsed, or None and why not (one line)."""
    try:
        text = Path(path).read_text()
    except OSError as error:
        return None, f"invalid --from-file={path!r}: cannot read it ({error.strerror}). {_SAVE_A_LISTING}"
    except ValueError as error:  # not UTF-8
        return None, f"invalid --from-file={path!r}: not text ({error}). {_SAVE_A_LISTING}"
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as error:
        return None, f"invalid --from-file={path!r}: not JSON ({error}). {_SAVE_A_LISTING}"


def _namespaces(args: argparse.Namespace) -> tuple[list[dict[str, Any]] | None, str]:
    """The Namespaces to select from (``--from-file``, else kubectl's preview-labelled ones), or None and a one-line error."""
    if args.from_file:
        listing, error = _read_listing(args.from_file)
        wrong = (f"invalid --from-file={args.from_file!r}: expected a Namespace listing (an object whose items each have a"
                 f" metadata.name). {_SAVE_A_LISTING}")
    else:
        listing, error = _kubectl_json(args.kubectl, "get", "namespaces", "-l", f"{LABEL_PREVIEW}=true")
        error, wrong = f"cannot list the preview namespaces: {error}", "cannot list the preview namespaces: kubectl printed no list"
    if listing is None:
        return None, error
    items = listing.get("items") if isinstance(listing, dict) else None
    return (items, "") if _is_namespace_list(items) else (None, wrong)


def _is_namespace_list(items: Any) -> bool:
    """A list of objects each with a ``metadata.name``: the shape every check below reads, checked once here."""
    return isinstance(items, list) and all(
        isinstance(item, dict) and isinstance(item.get("metadata"), dict) and isinstance(item["metadata"].get("name"), str)
        for item in items)


def _expire(args: argparse.Namespace) -> int:
    items, error = _namespaces(args)
    if items is None:
        print(error, file=sys.stderr)
        return 2
    now = _now(args.now)
    if now is None:
        print(f"invalid --now={args.now!r}: expected an ISO 8601 time with a time zone. Fix: e.g. 2026-11-30T00:00:00Z",
              file=sys.stderr)
        return 2
    for name in _old_style_previews(items):
        print(f"namespace {name} is labelled {LABEL_PREVIEW}=true but not named {PREVIEW_PREFIX}<app>--...: never expired"
              " (a preview named before the cluster-wide prefix, or a label added by hand); look at it by hand.",
              file=sys.stderr)
    unreadable = _unreadable_expiry(items)
    for name, expiry in unreadable:
        print(_unreadable_warning(name, expiry), file=sys.stderr)
    expired = expired_previews(items, now)
    if args.apply and expired:
        problem = _fence_problem(args.kubectl)
        if problem:
            print(f"refusing to delete: {problem}. The fence confines the reaper to preview namespaces."
                  " Fix: apply NamespaceFence's folder (Kubernetes 1.30+), e.g. kubectl apply -f dist/cluster-1-fence/",
                  file=sys.stderr)
            return 2
    failed = _list_and_delete(args, expired)
    if failed:
        print(f"could not delete: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed or unreadable else 0


def _list_and_delete(args: argparse.Namespace, expired: list[ExpiredPreview]) -> list[str]:
    """Name each expired preview (and with --apply delete it); the namespaces whose deletion failed."""
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
    return failed


_END_OF_TIME = datetime.max.replace(tzinfo=UTC)
_READABLE_EXPIRY = "1970-01-01T00:00:00Z"


def _unreadable_expiry(items: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """The namespaces ``expired_previews`` would select once expired but for their expiry, missing or unreadable
    (e.g. ``+00:00`` for ``Z``), with that expiry: kept for ever unless someone is told. ``expired_previews``
    itself decides both (a readable expiry in the past), so its rules stay in one place."""
    readable = {preview.namespace for preview in expired_previews(items, _END_OF_TIME)}
    found = []
    for item in items:
        metadata = item["metadata"]
        annotations = metadata.get("annotations") or {}
        probe = {**item, "metadata": {**metadata, "annotations": {**annotations, ANNOTATION_EXPIRES_AT: _READABLE_EXPIRY}}}
        if metadata["name"] not in readable and expired_previews([probe], _END_OF_TIME):
            found.append((metadata["name"], annotations.get(ANNOTATION_EXPIRES_AT)))
    return found


def _unreadable_warning(name: str, expiry: Any) -> str:
    what = (f"no {ANNOTATION_EXPIRES_AT} annotation" if expiry is None else
            f"an unreadable {ANNOTATION_EXPIRES_AT}={expiry!r} (expected UTC as YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-11-29T09:00:00Z)")
    return (f"namespace {name} has {what}, so it is never expired."
            f" Fix: delete it by hand once it is no longer used: kubectl delete namespace {name}")


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
        return (f"a server-side dry-run deletion of namespace {probe_name} failed, but not by the fence:"
                f" {_kubectl_error(probe.stderr, probe.returncode)}")
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


def _diff(args: argparse.Namespace) -> int:
    """Print what differs; 2 for a folder that is no environment, 1 with --exit-code when they differ."""
    dist = Path(args.dist)
    try:
        diff = semantic_diff(load_environment(dist / args.left), load_environment(dist / args.right))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    sys.stdout.write(format_diff(diff, args.left, args.right))
    return 1 if args.exit_code and differs(diff) else 0


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
    diff.add_argument("--exit-code", action="store_true",
                      help="exit 1 when the environments differ, 0 when not, as git diff --exit-code (default: 0 either way)")
    expire = commands.add_parser("expire", help="select (and with --apply delete) expired preview namespaces")
    expire.add_argument("--from-file", help="a `kubectl get namespaces -o json` listing instead of asking kubectl")
    expire.add_argument("--now", help="the current time, ISO 8601 (default: now)")
    expire.add_argument("--apply", action="store_true", help="delete them (default: dry run)")
    expire.add_argument("--kubectl", default="kubectl", help="the kubectl to run (default: kubectl on PATH)")
    commands.add_parser("init", help="write a new deployment repo for an app: python -m cdk8s_django init <app> --image <image>")
    args = parser.parse_args(argv)
    if args.command == "diff":
        return _diff(args)
    return _expire(args)


if __name__ == "__main__":
    sys.exit(main())

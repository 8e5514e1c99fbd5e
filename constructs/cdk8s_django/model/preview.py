"""Preview environments: one per branch, named from it, with an owner and an expiry time.

The selection of expired previews (``expired_previews``) is a plain function:
CI runs it (``python -m cdk8s_django expire``) against ``kubectl get namespaces``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slugify import slugify

from .defaults import DEFAULT_PREVIEW_TTL

__all__ = [
    "ANNOTATION_BRANCH",
    "ANNOTATION_EXPIRES_AT",
    "ANNOTATION_OWNER",
    "APP_SEPARATOR",
    "BASELINE_EGRESS",
    "BASELINE_INGRESS",
    "EXPIRES_AT_PATTERN",
    "LABEL_BASELINE",
    "LABEL_DELETION_PROTECTION",
    "LABEL_OWNER",
    "LABEL_PREVIEW",
    "PREVIEW_NAME_MAX",
    "PREVIEW_PREFIX",
    "REAPER_POLICY",
    "ExpiredPreview",
    "Preview",
    "SeedData",
    "expired_previews",
    "preview_name",
    "preview_namespace",
]

LABEL_PREVIEW = "cdk8s-django/preview"
LABEL_OWNER = "cdk8s-django/owner"
ANNOTATION_BRANCH = "cdk8s-django/branch"
ANNOTATION_OWNER = "cdk8s-django/owner"
ANNOTATION_EXPIRES_AT = "cdk8s-django/expires-at"
# Argo CD's annotation tracking marks what an Application manages (ArgoCdApplications).
ARGO_CD_TRACKING = "argocd.argoproj.io/tracking-id"
# The one format of the expiry annotation, as a regular expression (RE2 and Python alike): no month 13, no hour 25.
EXPIRES_AT_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"
# On the two NetworkPolicies every namespace starts from: "ingress" (deny by default) and "egress" (the
# only egress, never the metadata endpoint). NamespaceFence admits a preview's pods only while both are there.
LABEL_BASELINE = "cdk8s-django/baseline"
BASELINE_INGRESS, BASELINE_EGRESS = "ingress", "egress"
# A namespace labelled with it "true" cannot be deleted while NamespaceFence is in the cluster.
LABEL_DELETION_PROTECTION = "cdk8s-django/deletion-protection"
# The namespace is "pr-<app>--<rest of the preview name>": a 30-character app name leaves 31.
PREVIEW_NAME_MAX = 31
# Every preview name and preview namespace starts with it, and no other environment's or
# namespace may: one prefix, cluster-wide, is what NamespaceFence lets the reaper delete, and
# a branch called "production" must never become (and later expire) the production namespace.
PREVIEW_PREFIX = "pr-"
APP_SEPARATOR = "--"
HASH_LENGTH = 8
# Between a sanitised branch and its hash: slugify never makes "--", so only hashed names hold one.
HASH_SEPARATOR = "--"
# The stem of a branch with nothing slugify keeps (emoji only, "___").
EMPTY_SLUG = "branch"
# NamespaceFence's policy (and binding) confining the reaper; ``expire --apply`` checks that it is in force.
REAPER_POLICY = "cdk8s-django-preview-reaper"


def preview_name(branch: str, max_length: int = PREVIEW_NAME_MAX) -> str:
    """A DNS-1123 label for a branch: ``pr-`` and the branch, when the branch already is such a
    name (``feature-x`` gives ``pr-feature-x``); otherwise ``pr-``, the slugified branch (cut to fit),
    ``--`` and a hash of the branch as given. Two branches never share a preview: sanitising would merge
    ``feature/a_b``, ``feature/a-b`` and ``Feature/A.B``, and the hash keeps them apart; a slug never holds
    ``--``, so a hashed name never equals an unhashed one. An empty branch is a ``ValueError``."""
    if not branch.strip():
        raise ValueError(f"invalid branch={branch!r}: expected the pull request's branch name. Fix: pass the branch CI builds")
    slug = slugify(branch, separator="-", lowercase=True)
    if slug == branch and len(PREVIEW_PREFIX + slug) <= max_length:
        return PREVIEW_PREFIX + slug
    digest = hashlib.sha256(branch.encode()).hexdigest()[:HASH_LENGTH]
    stem = slug[: max_length - len(PREVIEW_PREFIX) - len(HASH_SEPARATOR) - HASH_LENGTH].rstrip("-") or EMPTY_SLUG
    return f"{PREVIEW_PREFIX}{stem}{HASH_SEPARATOR}{digest}"


def preview_namespace(app: str, name: str) -> str:
    """A preview's namespace: the cluster-wide prefix first (``pr-shop--feature-x`` for the app
    ``shop`` and the preview ``pr-feature-x``), so one admission policy knows every app's previews.
    ``--`` ends the app's name, which never holds one: ``shop``'s previews and ``shop-api``'s never meet."""
    return f"{PREVIEW_PREFIX}{app}{APP_SEPARATOR}{name.removeprefix(PREVIEW_PREFIX)}"


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SeedData:
    """Data a fresh preview starts with, loaded by a Job after migrations.

    Attributes:
        fixtures: fixture names for ``loaddata``. Default none.
        superuser_secret: a Secret with ``DJANGO_SUPERUSER_USERNAME``, ``DJANGO_SUPERUSER_EMAIL``
            and ``DJANGO_SUPERUSER_PASSWORD``; a superuser is created unless one exists. Default None: no superuser.
    """

    fixtures: tuple[str, ...] = ()
    superuser_secret: str | None = None


@dataclass(frozen=True)
class Preview:
    """What makes an environment a preview.

    Attributes:
        branch: the branch it was built from (recorded as an annotation).
        owner: who asked for it (a label, sanitised, and an annotation).
        expires_at: when ``expired_previews`` selects it for deletion.
    """

    branch: str
    owner: str
    expires_at: datetime

    def namespace_labels(self) -> dict[str, str]:
        return {LABEL_PREVIEW: "true", LABEL_OWNER: slugify(self.owner, max_length=63) or "unknown"}

    def namespace_annotations(self) -> dict[str, str]:
        return {
            ANNOTATION_BRANCH: self.branch,
            ANNOTATION_OWNER: self.owner,
            ANNOTATION_EXPIRES_AT: format_time(self.expires_at),
        }

    @classmethod
    def starting(cls, branch: str, owner: str, created_at: datetime | None = None, ttl: timedelta = DEFAULT_PREVIEW_TTL) -> Preview:
        if ttl <= timedelta(0):
            raise ValueError(f"invalid ttl={ttl!r}: expected a positive duration. Fix: pass e.g. ttl=timedelta(days=3)")
        start = created_at or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError(f"invalid created_at={start!r}: expected a time zone aware datetime. Fix: pass datetime.now(UTC)")
        return cls(branch=branch, owner=owner, expires_at=start + ttl)


@dataclass(frozen=True)
class ExpiredPreview:
    namespace: str
    branch: str
    owner: str
    expired_at: datetime


def expired_previews(namespaces: Iterable[Mapping[str, Any]], now: datetime) -> list[ExpiredPreview]:
    """The preview namespaces whose expiry time has passed, oldest first.

    ``namespaces`` are Namespace objects as ``kubectl get namespaces -o json`` lists
    them. Only namespaces named with the preview prefix (``pr-``) and labelled both
    ``cdk8s-django/preview=true`` and ``app.kubernetes.io/managed-by=cdk8s-django``
    are candidates (what ``NamespaceFence`` lets the reaper delete), unless labelled
    ``cdk8s-django/deletion-protection=true``, already being deleted, or tracked by Argo CD
    (which would recreate it; removing its folder deletes it); one whose
    expiry annotation is missing or unreadable is kept: never delete what you
    cannot read.
    """
    if now.tzinfo is None:
        raise ValueError(f"invalid now={now!r}: expected a time zone aware datetime. Fix: pass datetime.now(UTC)")
    expired = []
    for namespace in namespaces:
        metadata = namespace.get("metadata", {})
        labels = metadata.get("labels") or {}
        annotations = metadata.get("annotations") or {}
        if not str(metadata.get("name", "")).startswith(PREVIEW_PREFIX) or metadata.get("deletionTimestamp"):
            continue  # not a preview, or already being deleted
        if labels.get(LABEL_DELETION_PROTECTION) == "true":
            continue  # kept on purpose (and NamespaceFence would refuse it)
        if ARGO_CD_TRACKING in annotations:
            continue  # Argo CD's: it would recreate it from git; removing its folder is what deletes it
        if labels.get(LABEL_PREVIEW) != "true" or labels.get("app.kubernetes.io/managed-by") != "cdk8s-django":
            continue
        expiry = annotations.get(ANNOTATION_EXPIRES_AT)
        if not isinstance(expiry, str) or not re.fullmatch(EXPIRES_AT_PATTERN, expiry):
            continue
        try:
            expires_at = datetime.strptime(expiry, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        if expires_at <= now:
            expired.append(ExpiredPreview(
                namespace=metadata["name"], branch=annotations.get(ANNOTATION_BRANCH, ""),
                owner=annotations.get(ANNOTATION_OWNER, ""), expired_at=expires_at,
            ))
    return sorted(expired, key=lambda e: (e.expired_at, e.namespace))

"""``collect_preview``: the one folder ``make preview`` may publish for a branch.

CI runs a pull request's own ``main.py`` to render its preview, so what that run writes is
the pull request's to choose. Only the branch's preview folder (``preview_name(branch)``)
leaves the scratch folder, and only when it is a preview: its Namespace is the preview
namespace, created as a preview of that branch, and every object in it stays in that
namespace. Anything else (a folder named ``production``, a second environment, an object
aimed at another namespace or cluster-wide) is refused by name, and nothing is moved.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from ..model.preview import ANNOTATION_BRANCH, APP_SEPARATOR, LABEL_PREVIEW, PREVIEW_PREFIX, preview_name

__all__ = ["PreviewRefused", "collect_preview"]

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


class PreviewRefused(Exception):
    """What a preview rendering held besides the branch's preview (one line, for CI's log)."""


def collect_preview(branch: str, source: Path, target: Path) -> Path:
    """Move ``source/<preview name>/`` to ``target/<preview name>/`` (replacing it) once it is checked; returns it."""
    name = preview_name(branch)
    folders = sorted(p.name for p in source.iterdir()) if source.is_dir() else []
    others = [f for f in folders if f != name]
    if others:
        raise PreviewRefused(f"refused {others}: a preview rendering writes the branch {branch!r}'s preview {name!r} alone;"
                             " remove the other environments from what main.py builds when PREVIEW_BRANCH is set")
    if name not in folders:
        raise PreviewRefused(f"no preview {name!r} for the branch {branch!r} in {source}: main.py must build"
                             " Environment.for_branch(os.environ['PREVIEW_BRANCH'], ...) when PREVIEW_BRANCH is set")
    _check_folder(branch, source / name)
    destination = target / name
    if destination.exists():
        shutil.rmtree(destination)
    (source / name).rename(destination)
    return destination


def _check_folder(branch: str, folder: Path) -> None:
    nested = sorted(p.name for p in folder.iterdir() if p.is_dir())
    if nested:
        raise PreviewRefused(f"refused {folder.name}/{nested[0]}/: a preview folder holds files only")
    manifests = sorted(p for p in folder.iterdir() if p.suffix in MANIFEST_SUFFIXES)  # what kubectl apply -f reads
    documents = [(path.name, doc) for path in manifests for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    namespaces = [doc for _, doc in documents if doc.get("kind") == "Namespace"]
    if len(namespaces) != 1:
        raise PreviewRefused(f"refused {folder.name}: a preview holds exactly one Namespace, found {len(namespaces)}")
    namespace = _preview_namespace(branch, folder.name, namespaces[0])
    for file, doc in documents:
        if doc.get("kind") != "Namespace" and (doc.get("metadata") or {}).get("namespace") != namespace:
            raise PreviewRefused(f"refused {folder.name}/{file}: {doc.get('kind')} {(doc.get('metadata') or {}).get('name')!r}"
                                 f" is not in the preview's namespace {namespace!r}")


def _preview_namespace(branch: str, folder: str, namespace: dict[str, Any]) -> str:
    metadata = namespace.get("metadata") or {}
    name = str(metadata.get("name", ""))
    labels, annotations = metadata.get("labels") or {}, metadata.get("annotations") or {}
    ours = name.startswith(PREVIEW_PREFIX) and name.endswith(APP_SEPARATOR + folder.removeprefix(PREVIEW_PREFIX))
    if not ours or labels.get(LABEL_PREVIEW) != "true" or annotations.get(ANNOTATION_BRANCH) != branch:
        expected = f"'{PREVIEW_PREFIX}<app>{APP_SEPARATOR}{folder.removeprefix(PREVIEW_PREFIX)}'"
        raise PreviewRefused(f"refused {folder}: its Namespace {name!r} is not the preview of the branch {branch!r}"
                             f" (named {expected}, {LABEL_PREVIEW}=true, {ANNOTATION_BRANCH}={branch!r})")
    return name

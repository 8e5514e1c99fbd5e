"""A semantic diff between two environments' manifests: object by object, field by field.

Objects are matched by kind and name; what only says which environment an
object belongs to (its namespace, the ``instance`` label) is left out, so the
diff shows what really differs, e.g. staging's in-cluster stores against
production's managed ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dictdiffer  # type: ignore[import-untyped]
import yaml

from .yaml_writer import manifest_file_name

__all__ = ["diff_folders", "differs", "environment_folders", "format_diff", "load_environment", "semantic_diff"]

MAX_VALUE = 90
# What makes a folder an environment: its Namespace's manifest (``00-namespace-<name>.yaml``), written first.
NAMESPACE_MANIFESTS = manifest_file_name({"kind": "Namespace", "metadata": {"name": "*"}})


_HASHED_NAME = re.compile(r"^(?P<base>.+)-[0-9a-f]{10}$")


def _match_key(doc: dict[str, Any]) -> tuple[str, str]:
    """How an object is paired across environments: by kind and name, except the
    Namespace (one per environment, whatever its name) and hash-named Jobs."""
    kind, name = doc["kind"], doc["metadata"]["name"]
    if kind == "Namespace":
        return (kind, "(the environment's namespace)")
    hashed = _HASHED_NAME.match(name) if kind == "Job" else None
    return (kind, f"{hashed.group('base')}-<hash>") if hashed else (kind, name)


def environment_folders(dist: Path) -> list[str]:
    """The folders of ``dist`` that are environments (each holds its Namespace's manifest), by name."""
    if not dist.is_dir():
        return []
    return sorted(folder.name for folder in dist.iterdir() if folder.is_dir() and any(folder.glob(NAMESPACE_MANIFESTS)))


def load_environment(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The documents of ``dist/<env>/``, keyed by kind and name; a folder that is no environment (missing, or
    without a Namespace manifest: ``argocd``, ``cluster-1-fence``) is a ``ValueError``."""
    if not folder.is_dir():
        raise ValueError(f"invalid environment folder {str(folder)!r}: it does not exist. Fix: {_name_one(folder.parent)}")
    if not any(folder.glob(NAMESPACE_MANIFESTS)):
        raise ValueError(f"invalid environment folder {str(folder)!r}: it holds no Namespace manifest ({NAMESPACE_MANIFESTS}),"
                         f" so it is no environment. Fix: {_name_one(folder.parent)}")
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                documents[_match_key(doc)] = _normalise(doc)
    return documents


def _name_one(dist: Path) -> str:
    names = environment_folders(dist)
    if not names:
        return f"run `make synth` ({dist}/ holds no environment folder)"
    return f"name an environment in {dist}/: {', '.join(names)}"


def _normalise(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop what only names the environment, in the object and its pod templates."""
    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: strip(v) for k, v in node.items()
                if k not in ("namespace", "app.kubernetes.io/instance")
            }
        if isinstance(node, list):
            return [strip(item) for item in node]
        return node

    return strip(doc)  # type: ignore[no-any-return]


def _key(kind_name: tuple[str, str]) -> str:
    return f"{kind_name[0]} {kind_name[1]}"


def _path(parts: Any) -> str:
    if isinstance(parts, str):
        return parts
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _show(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip() if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _show_change(old: Any, new: Any) -> str:
    """Both sides of a change; long strings from a little before their first difference."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > MAX_VALUE:
        common = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        start = max(0, common - 20)
        if start:
            return f"{_show('…' + old[start:])} -> {_show('…' + new[start:])}"
    return f"{_show(old)} -> {_show(new)}"


def semantic_diff(left: dict[tuple[str, str], dict[str, Any]], right: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """``{"only_left": [...], "only_right": [...], "changed": {object: [(op, path, detail)]}}``."""
    changed: dict[str, list[tuple[str, str, str]]] = {}
    for key in sorted(set(left) & set(right)):
        lines: list[tuple[str, str, str]] = []
        for op, path, detail in dictdiffer.diff(left[key], right[key]):
            where = _path(path)
            if op == "change":
                lines.append(("~", where, _show_change(detail[0], detail[1])))
            else:
                for sub, value in detail:
                    full = f"{where}.{sub}" if where and not isinstance(sub, int) else (f"{where}[{sub}]" if where else str(sub))
                    lines.append(("+" if op == "add" else "-", full, _show(value)))
        if lines:
            changed[_key(key)] = lines
    return {
        "only_left": [_key(k) for k in sorted(set(left) - set(right))],
        "only_right": [_key(k) for k in sorted(set(right) - set(left))],
        "changed": changed,
    }


def format_diff(diff: dict[str, Any], left_name: str, right_name: str) -> str:
    """Readable in a terminal: '-' only in the left environment, '+' only in the right, '~' changed."""
    out: list[str] = [f"--- {left_name}", f"+++ {right_name}", ""]
    out += [f"- {name}" for name in diff["only_left"]]
    out += [f"+ {name}" for name in diff["only_right"]]
    if diff["only_left"] or diff["only_right"]:
        out.append("")
    for name, lines in diff["changed"].items():
        out.append(f"~ {name}")
        out += [f"    {op} {path}: {detail}" for op, path, detail in lines]
        out.append("")
    summary = (f"{len(diff['only_left'])} only in {left_name}, {len(diff['only_right'])} only in {right_name}, "
               f"{len(diff['changed'])} changed")
    out.append(summary)
    return "\n".join(out) + "\n"


def differs(diff: dict[str, Any]) -> bool:
    """Whether a ``semantic_diff`` found anything (``diff --exit-code``)."""
    return bool(diff["only_left"] or diff["only_right"] or diff["changed"])


def diff_folders(dist: Path, left: str, right: str) -> str:
    return format_diff(semantic_diff(load_environment(dist / left), load_environment(dist / right)), left, right)

"""``App``: a cdk8s App that writes one folder per environment, Namespace first."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import cdk8s
import yaml

from .diagram import architecture_markdown
from .notes import operator_notes

__all__ = ["KIND_ORDER", "App", "dump_documents", "manifest_file_name"]

# Apply order inside an environment folder (as Helm installs): what others refer to comes first.
KIND_ORDER = (
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget",
    "ServiceAccount", "Secret", "Password", "ExternalSecret", "ConfigMap", "StorageClass",
    "PersistentVolumeClaim", "Role", "RoleBinding", "Service", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "Ingress",
)


def manifest_file_name(document: dict[str, Any]) -> str:
    """``NN-<kind>-<name>.yaml``: ``kubectl apply -f`` reads a folder in name order."""
    kind = document["kind"]
    rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return f"{rank:02d}-{kind.lower()}-{document['metadata']['name']}.yaml"


class _Dumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):  # type: ignore[misc]
    """Block style, keys in the order cdk8s gives them, long strings unwrapped."""


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_documents(documents: list[dict[str, Any]]) -> str:
    return str(yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, width=1_000_000, default_flow_style=False))


class App(cdk8s.App):
    """A cdk8s App whose ``synth()`` writes ``<outdir>/<chart id>/NN-<kind>-<name>.yaml``.

    One folder per chart (environment), so ``kubectl apply -f dist/qa/`` can only
    ever touch that environment; files are prefixed so the Namespace applies
    first. Everything is rendered in memory first and swapped into place at
    the end: a failing synth leaves the previous output untouched.

    Beside each environment's YAML: ``ARCHITECTURE.md`` (a Mermaid diagram) and
    ``NOTES.md`` (the kubectl commands to run it), both made from the manifests;
    ``kubectl apply -f`` reads only ``.yaml``, ``.yml`` and ``.json`` files.

    Args:
        outdir: where to write. Default: ``$CDK8S_OUTDIR`` (set by ``cdk8s synth``), else ``dist``.
        display_dir: the folder name the notes' commands use. Default: ``$CDK8S_DJANGO_DIST_DIR``, else ``outdir``.
    """

    def __init__(self, *, outdir: str | None = None, display_dir: str | None = None) -> None:
        self._outdir = outdir or os.environ.get("CDK8S_OUTDIR") or "dist"
        self._display_dir = display_dir or os.environ.get("CDK8S_DJANGO_DIST_DIR") or self._outdir
        super().__init__(outdir=self._outdir)

    def render(self) -> dict[str, dict[str, str]]:
        """Every environment's files as ``{chart id: {file name: YAML}}``, without writing."""
        rendered: dict[str, dict[str, str]] = {}
        for chart in self.charts:
            # DjangoChart remembers its id in Python: one jsii round-trip fewer per chart.
            folder = getattr(chart, "chart_id", None) or chart.node.id
            files: dict[str, str] = {}
            documents = list(chart.to_json())
            for document in documents:
                name = manifest_file_name(document)
                if name in files:
                    raise ValueError(
                        f"{folder}: two objects would be written to {folder}/{name} "
                        f"({document['kind']} {document['metadata']['name']!r}). Fix: give one of them another name"
                    )
                files[name] = dump_documents([document])
            if any(d["kind"] == "Namespace" for d in documents):
                files["ARCHITECTURE.md"] = architecture_markdown(documents)
                files["NOTES.md"] = operator_notes(documents, f"{self._display_dir}/{folder}")
            rendered[folder] = files
        return rendered

    def synth(self) -> None:
        rendered = self.render()
        out = Path(self._outdir)
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".synth-", dir=out.parent))
        try:
            for folder, files in rendered.items():
                (staging / folder).mkdir()
                for name, text in files.items():
                    (staging / folder / name).write_text(text)
            if out.exists():
                shutil.rmtree(out)
            staging.rename(out)
        finally:
            if staging.exists():
                shutil.rmtree(staging)

"""``App``: a cdk8s App that writes one folder per environment, Namespace first."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cdk8s

from .._companion import Manifests
from ..components.chart import DjangoChart
from ..k8s._base import FOLDER_NOTES
from ._atomic import write_tree
from .diagram import architecture_markdown
from .notes import ARGOCD_SERVER_SIDE, LAST_APPLIED_MAX_BYTES, last_applied_size, operator_notes
from .yaml_writer import KIND_ORDER, dump_documents, manifest_file_name

__all__ = ["KIND_ORDER", "App", "chart_documents", "dump_documents", "manifest_file_name"]


def chart_documents(chart: cdk8s.Chart) -> list[dict[str, Any]]:
    """``chart.to_json()`` in one jsii call: the companion sends the documents as one JSON string,
    which Python parses far faster than jsii turns a large nested value into Python objects. A chart
    class that overrides ``to_json`` in Python is asked directly, so its errors keep their type."""
    if type(chart).to_json is not cdk8s.Chart.to_json:
        return list(chart.to_json())
    documents: list[dict[str, Any]] = json.loads(Manifests.chart_json(chart))
    return documents


class App(cdk8s.App):
    """A cdk8s App whose ``synth()`` writes ``<outdir>/<chart id>/NN-<kind>-<name>.yaml``.

    One folder per chart (environment), so ``kubectl apply -f dist/qa/`` can only
    ever touch that environment; files are prefixed so the Namespace applies
    first. Each chart is rendered and written beside the old output (the disk
    writes one chart while cdk8s renders the next), then the whole tree is
    swapped into place: a failing synth leaves the previous output as it was,
    and a killed one (or a power loss: every file is on disk before the swap)
    leaves the complete old or new output (``_atomic``). Folders are 0755 and
    files 0644, whatever the umask.

    Beside each environment's YAML: ``ARCHITECTURE.md`` (a Mermaid diagram) and
    ``NOTES.md`` (the kubectl commands to run it), both made from the manifests;
    ``kubectl apply -f`` reads only ``.yaml``, ``.yml`` and ``.json`` files.

    Args:
        outdir: where to write. Default: ``$CDK8S_DJANGO_OUTDIR``, else ``dist``. Never the ``cdk8s synth``
            output folder (``$CDK8S_OUTDIR``): the CLI empties it before the app runs, so a failing app
            would lose the previous output; point ``cdk8s.yaml``'s ``output:`` at a scratch folder.
        display_dir: the folder name the notes' commands use. Default: ``$CDK8S_DJANGO_DIST_DIR``, else ``outdir``.
    """

    def __init__(self, *, outdir: str | None = None, display_dir: str | None = None) -> None:
        self._outdir = outdir or os.environ.get("CDK8S_DJANGO_OUTDIR") or "dist"
        self._display_dir = display_dir or os.environ.get("CDK8S_DJANGO_DIST_DIR") or self._outdir
        super().__init__(outdir=self._outdir)

    def render(self) -> dict[str, dict[str, str]]:
        """Every environment's files as ``{chart id: {file name: YAML}}``, without writing."""
        return dict(self._render_charts())

    def _render_charts(self) -> Iterator[tuple[str, dict[str, str]]]:
        """Each chart's folder and files, one chart at a time."""
        for chart in self.charts:
            # DjangoChart remembers its id in Python: one jsii round-trip fewer per chart.
            folder = getattr(chart, "chart_id", None) or chart.node.id
            files: dict[str, str] = {}
            sizes: dict[str, int] = {}  # as the last-applied annotation would hold them
            documents = chart_documents(chart)
            for document in documents:
                name = manifest_file_name(document)
                if name in files:
                    raise ValueError(
                        f"{folder}: two objects would be written to {folder}/{name} "
                        f"({document['kind']} {document['metadata']['name']!r}). Fix: give one of them another name"
                    )
                sizes[name] = last_applied_size(document)
                if sizes[name] > LAST_APPLIED_MAX_BYTES and isinstance(chart, DjangoChart):  # Argo CD: apply it server-side
                    key, value = ARGOCD_SERVER_SIDE
                    document.setdefault("metadata", {}).setdefault("annotations", {})[key] = value
                files[name] = dump_documents([document])
            if isinstance(chart, DjangoChart):
                files["ARCHITECTURE.md"] = architecture_markdown(chart)
                files["NOTES.md"] = operator_notes(chart, f"{self._display_dir}/{folder}", sizes)
            elif chart.__dict__.get(FOLDER_NOTES):  # e.g. NamespaceFence's: what to apply, in which order
                files["NOTES.md"] = "\n".join(render(f"{self._display_dir}/{folder}") for render in chart.__dict__[FOLDER_NOTES])
            yield folder, files

    def synth(self) -> None:
        """Render each chart and write it beside the old output, then swap it into ``outdir`` at once
        (``_atomic.write_tree``): a failing app leaves the output as it was, a kill or a power loss never leaves a
        half-written folder or an empty file (each is fsynced before the swap), two runs never mix (the lock file,
        ``.<outdir>.lock``, stays; a symbolic link there is refused). The disk writes one chart while cdk8s renders
        the next."""
        out = Path(self._outdir)
        scratch = os.environ.get("CDK8S_OUTDIR")
        if scratch and Path(scratch).resolve() == out.resolve():
            print(f"cdk8s-django: cdk8s.yaml's output: is {self._outdir}, which the CLI empties before the app runs, so a failing"
                  " synth loses it. Set output: .cdk8s-out (a scratch folder); the app writes dist/ itself.", file=sys.stderr)
        # The CLI's own output too (its scratch folder): `cdk8s synth --stdout` and validation plugins read it.
        copy = Path(scratch) if scratch and Path(scratch).resolve() != out.resolve() else None
        rendered: dict[str, dict[str, str]] = {}

        def remembered() -> Iterator[tuple[str, dict[str, str]]]:
            for folder, files in self._render_charts():
                if copy is not None:  # kept only for the CLI's scratch folder below; otherwise each chart's files go once written
                    rendered[folder] = files
                yield folder, files

        write_tree(out, remembered())
        if copy is not None:
            for folder, files in rendered.items():
                (copy / folder).mkdir(parents=True, exist_ok=True)
                for name, text in files.items():
                    (copy / folder / name).write_text(text)

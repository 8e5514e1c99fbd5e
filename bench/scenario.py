"""One timed synthesis, run in a fresh process by bench/run.py.

    python bench/scenario.py library N OUTDIR        # cdk8s-django: the example app, prod + N staging
    python bench/scenario.py floor DOCS.json OUTDIR  # the same documents through the library's own
                                                     # YAML writer and atomic tree writer, no cdk8s
    python bench/scenario.py raw DOCS.json OUTDIR    # Python cdk8s: raw ApiObject + one JSON patch per object
    python bench/scenario.py dump N DOCS.json        # write the library's documents for the other paths

Prints one JSON line: objects, jsii round-trips (requests sent to the Node process) and,
for the library, the seconds each phase took (``phases``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "constructs"))

ROUND_TRIPS = 0
BY_REQUEST: dict[str, int] = {}
PHASES: dict[str, float] = {}


def count_round_trips() -> None:
    """Wrap the jsii kernel's request/response call: one call is one round-trip to Node."""
    from jsii._kernel.providers import process

    original = process._NodeProcess.send

    def send(self: Any, request: Any, response_type: Any) -> Any:
        global ROUND_TRIPS
        ROUND_TRIPS += 1
        kind = type(request).__name__.removesuffix("Request")
        target = getattr(request, "fqn", None) or getattr(request, "method", None) or getattr(request, "property", None)
        key = f"{kind} {target}" if target else kind
        BY_REQUEST[key] = BY_REQUEST.get(key, 0) + 1
        return original(self, request, response_type)

    process._NodeProcess.send = send  # type: ignore[method-assign]


def build_library(staging: int, outdir: str) -> Any:
    from cdk8s_django import App, DjangoChart, Environment

    import main

    production = main.environments[-1]
    app = App(outdir=outdir)
    for index in range(1, staging + 1):
        name = f"s{index}"
        environment = Environment.staging(
            name, hosts=(f"{name}.staging.shop.example.com",), ingress=main.STAGING_INGRESS, network=main.STAGING_NETWORK
        )
        DjangoChart(app, name, django_app=main.shop, environment=environment)
    DjangoChart(app, production.name, django_app=main.shop, environment=replace(production))
    return app


def run_library(staging: int, outdir: str) -> int:
    """The library, timed phase by phase (``PHASES``): imports, the jsii process's start, building
    the charts, then synth split into cdk8s's toJson, YAML, notes and diagrams, and writing."""
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        PHASES[name] = PHASES.get(name, 0.0) + now - mark
        mark = now

    import cdk8s

    phase("import cdk8s (starts the jsii Node process, loads the assemblies)")
    from cdk8s_django.output import _atomic, writer

    import main

    phase("import cdk8s_django and main.py")
    cdk8s.App()
    phase("first jsii call")
    app = build_library(staging, outdir)
    phase("build the charts (constructs, ApiObjects)")
    documents, dump, notes, diagram, write = (writer.chart_documents, writer.dump_documents, writer.operator_notes,
                                              writer.architecture_markdown, _atomic.write_tree)

    def timed(name: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            phase("synth: the library's own work")
            result = function(*args, **kwargs)
            phase(name)
            return result
        return run

    writer.chart_documents = timed("synth: cdk8s toJson (Node; one JSON string per chart)", documents)
    writer.dump_documents = timed("synth: YAML", dump)
    writer.operator_notes = timed("synth: NOTES.md", notes)
    writer.architecture_markdown = timed("synth: ARCHITECTURE.md", diagram)
    writer.write_tree = timed("synth: write files", write)
    app.synth()
    phase("synth: the library's own work")
    del main
    return sum(1 for p in Path(outdir).rglob("*.yaml"))


def run_floor(docs_file: str, outdir: str) -> int:
    """The floor: the library's documents written as the library writes them, without cdk8s or jsii."""
    from cdk8s_django.output._atomic import write_tree
    from cdk8s_django.output.yaml_writer import dump_documents, manifest_file_name

    environments: dict[str, list[dict[str, Any]]] = json.loads(Path(docs_file).read_text())
    tree = {env: {manifest_file_name(doc): dump_documents([doc]) for doc in docs} for env, docs in environments.items()}
    write_tree(Path(outdir), tree)
    if "jsii" in sys.modules or "cdk8s" in sys.modules:
        raise SystemExit("the floor imported jsii or cdk8s: it must run without them")
    return sum(len(files) for files in tree.values())


def run_raw(docs_file: str, outdir: str) -> int:
    """(a) The cheapest cdk8s path: ApiObject with metadata, one JSON patch with the rest."""
    from cdk8s import ApiObject, ApiObjectMetadata, App, Chart, JsonPatch, YamlOutputType

    environments: dict[str, list[dict[str, Any]]] = json.loads(Path(docs_file).read_text())
    app = App(outdir=outdir, yaml_output_type=YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE)
    count = 0
    for env, docs in environments.items():
        chart = Chart(app, env)
        for index, doc in enumerate(docs):
            meta = doc["metadata"]
            obj = ApiObject(
                chart, str(index), api_version=doc["apiVersion"], kind=doc["kind"],
                metadata=ApiObjectMetadata(name=meta["name"], namespace=meta.get("namespace"),
                                           labels=meta.get("labels"), annotations=meta.get("annotations")),
            )
            rest = [JsonPatch.add(f"/{k}", v) for k, v in doc.items() if k not in ("apiVersion", "kind", "metadata")]
            if rest:
                obj.add_json_patch(*rest)
            count += 1
    app.synth()
    return count


def dump_docs(staging: int, docs_file: str) -> int:
    app = build_library(staging, "unused")
    environments = {chart.node.id: list(chart.to_json()) for chart in app.charts}
    Path(docs_file).write_text(json.dumps(environments))
    return sum(len(d) for d in environments.values())


def main() -> None:
    mode, arg, target = sys.argv[1:4]
    if mode != "floor":
        count_round_trips()
    if mode == "library":
        objects = run_library(int(arg), target)
    elif mode == "raw":
        objects = run_raw(arg, target)
    elif mode == "floor":
        objects = run_floor(arg, target)
    elif mode == "dump":
        objects = dump_docs(int(arg), target)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"objects": objects, "round_trips": ROUND_TRIPS, "by_request": BY_REQUEST, "phases": PHASES}))


if __name__ == "__main__":
    main()

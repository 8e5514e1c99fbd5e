"""One timed synthesis, run in a fresh process by bench/run.py.

    python bench/scenario.py library N OUTDIR        # cdk8s-django: the example app, prod + N staging
    python bench/scenario.py raw DOCS.json OUTDIR    # (a) raw ApiObject + one JSON patch per object
    python bench/scenario.py yaml DOCS.json OUTDIR   # (b) plain dicts dumped by libyaml (the limit)
    python bench/scenario.py dump N DOCS.json        # write the library's documents for (a) and (b)

Prints one JSON line: objects and jsii round-trips (requests sent to the Node process).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUND_TRIPS = 0
BY_REQUEST: dict[str, int] = {}


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
    import main
    from cdk8s_django import App, DjangoChart, Environment

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
    app = build_library(staging, outdir)
    app.synth()
    return sum(1 for p in Path(outdir).rglob("*.yaml"))


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


def run_yaml(docs_file: str, outdir: str) -> int:
    """(b) No cdk8s at all: the same dicts straight to YAML with libyaml."""
    import yaml

    environments: dict[str, list[dict[str, Any]]] = json.loads(Path(docs_file).read_text())
    count = 0
    for env, docs in environments.items():
        folder = Path(outdir) / env
        folder.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            text = yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False)
            (folder / f"{doc['kind'].lower()}-{doc['metadata']['name']}.yaml").write_text(text)
            count += 1
    return count


def dump_docs(staging: int, docs_file: str) -> int:
    app = build_library(staging, "unused")
    environments = {chart.node.id: list(chart.to_json()) for chart in app.charts}
    Path(docs_file).write_text(json.dumps(environments))
    return sum(len(d) for d in environments.values())


def main() -> None:
    mode, arg, target = sys.argv[1:4]
    count_round_trips()
    if mode == "library":
        objects = run_library(int(arg), target)
    elif mode == "raw":
        objects = run_raw(arg, target)
    elif mode == "yaml":
        objects = run_yaml(arg, target)
    elif mode == "dump":
        objects = dump_docs(int(arg), target)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"objects": objects, "round_trips": ROUND_TRIPS, "by_request": BY_REQUEST}))


if __name__ == "__main__":
    main()

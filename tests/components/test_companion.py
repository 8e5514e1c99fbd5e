"""The jsii companion (companion/) and the batches that use it.

``cdk8s_django._companion`` is what jsii-pacmak generates from ``companion/src/index.ts``; the
library builds objects through it (``k8s._manifest.emit``), a component's or a whole chart's in
one call (``batched``), and reads every chart back through it (``output.writer.chart_documents``).
These tests hold it to its promises: the committed module is exactly what the source builds; an
object it makes synthesizes exactly as the stock three-call path did (cdk8s's ``ApiObject`` +
``JsonPatch.add`` + ``add_json_patch``), whatever the manifest; every attribute a user reads after
construction is a real ``ApiObject``, in its place in the tree; and a chart costs fewer jsii
round-trips than it has objects.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from cdk8s import ApiObject, ApiObjectMetadata, App, Chart, JsonPatch
from cdk8s import Testing as Cdk8sTesting
from cdk8s_django import App as LibraryApp
from cdk8s_django import AppRuntime, ConfigError, DjangoChart, OpsShell, Worker
from cdk8s_django.k8s._manifest import batched, emit
from cdk8s_django.output.writer import chart_documents
from conftest import ROOT
from construct_walk import unborn_objects
from hypothesis import given, settings
from hypothesis import strategies as st

import main
from constructs import Construct

COMPANION = ROOT / "constructs" / "cdk8s_django" / "_companion"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_committed_companion_is_what_its_source_builds(tmp_path: Path) -> None:
    """`make companion` from companion/ with the pinned toolchain gives the committed module, byte for
    byte (the jsii tarball included): nobody edits generated code, and the source is never stale."""
    subprocess.run([str(ROOT / "companion" / "build.sh"), str(tmp_path / "_companion")], check=True,
                   capture_output=True, timeout=300)
    rebuilt = _files(tmp_path / "_companion")
    assert "_jsii/cdk8s-django-companion@0.1.0.jsii.tgz" in rebuilt
    assert rebuilt == _files(COMPANION)


def _stock(scope: Chart, id: str, manifest: dict[str, Any]) -> ApiObject:
    """The library's path before the companion: three jsii calls, stock cdk8s only (the oracle)."""
    metadata = manifest["metadata"]
    obj = ApiObject(scope, id, api_version=manifest["apiVersion"], kind=manifest["kind"], metadata=ApiObjectMetadata(
        name=metadata["name"], namespace=metadata.get("namespace"),
        labels=dict(metadata.get("labels") or {}) or None, annotations=dict(metadata.get("annotations") or {}) or None))
    body = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind", "metadata")}
    if body:
        obj.add_json_patch(*[JsonPatch.add(f"/{key}", value) for key, value in body.items()])
    return obj


_keys = st.text("abcdefghijklmnopqrstuvwxyzAB-_./", min_size=1, max_size=8)
_numbers = st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
_scalars = st.none() | st.booleans() | _numbers | st.text(max_size=12)
# Empty dicts and lists matter most: a patch keeps them (`podSelector: {}`), a constructor's props would not.
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3), max_leaves=12)
_labels = st.dictionaries(_keys, st.text("abc-_.", max_size=6), max_size=3)


@st.composite
def _manifests(draw: st.DrawFn) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": draw(st.text("abc-", min_size=1, max_size=8))}
    for key, strategy in (("namespace", st.text("abc", min_size=1, max_size=4)), ("labels", _labels), ("annotations", _labels)):
        if draw(st.booleans()):
            metadata[key] = draw(strategy)
    body = draw(st.dictionaries(st.sampled_from(["spec", "data", "rules", "subjects", "stringData", "roleRef"]), _values, max_size=3))
    return {"apiVersion": draw(st.sampled_from(["v1", "apps/v1", "example.com/v1alpha1"])),
            "kind": draw(st.sampled_from(["ConfigMap", "Deployment", "Widget"])), "metadata": metadata, **body}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(manifests=st.lists(_manifests(), min_size=1, max_size=3), chart_namespace=st.none() | st.just("chart-ns"),
       chart_labels=st.none() | _labels)
def test_an_object_the_companion_makes_synthesizes_as_the_stock_path_did(
        manifests: list[dict[str, Any]], chart_namespace: str | None, chart_labels: dict[str, str] | None) -> None:
    app = App()
    ours = Chart(app, "ours", namespace=chart_namespace, labels=chart_labels)
    stock = Chart(app, "stock", namespace=chart_namespace, labels=chart_labels)
    for index, manifest in enumerate(manifests):
        made = emit(ours, f"o{index}", manifest)
        assert isinstance(made, ApiObject) and made.node.path == f"ours/o{index}"
        _stock(stock, f"o{index}", manifest)
    assert Cdk8sTesting.synth(ours) == Cdk8sTesting.synth(stock) == chart_documents(ours) == chart_documents(stock)


def test_a_python_to_json_override_is_asked_directly_and_its_errors_keep_their_type() -> None:
    class Renamed(Chart):
        def to_json(self) -> list[Any]:
            return [{**d, "metadata": {**d["metadata"], "name": "renamed"}, "version": 1.0} for d in super().to_json()]

    chart = Renamed(App(), "team")
    emit(chart, "Map", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m"}, "data": {}})
    documents = chart_documents(chart)
    assert documents == [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "renamed"}, "data": {}, "version": 1.0}]
    assert isinstance(documents[0]["version"], float)  # not through JSON in Node (which makes it 1)

    class Refusing(DjangoChart):
        def to_json(self) -> list[Any]:
            raise ConfigError("qa", "replicas", 1, "two", "raise it")

    app = LibraryApp(outdir="unused")
    Refusing(app, "qa", django_app=main.shop, environment=main.environments[0])
    with pytest.raises(ConfigError, match="qa: invalid replicas=1: expected two. Fix: raise it"):
        app.render()


@contextmanager
def _round_trips() -> Iterator[list[int]]:
    """Count the requests the jsii kernel sends to Node (test instrumentation, as bench/scenario.py)."""
    from jsii._kernel.providers import process

    original = process._NodeProcess.send
    count = [0]

    def send(self: Any, request: Any, response_type: Any) -> Any:
        count[0] += 1
        return original(self, request, response_type)

    process._NodeProcess.send = send  # type: ignore[method-assign]
    try:
        yield count
    finally:
        process._NodeProcess.send = original  # type: ignore[method-assign]


def test_a_chart_costs_fewer_jsii_round_trips_than_it_has_objects() -> None:
    """Not a timing: a count. Three calls per object (the stock path) would be about 4 per object;
    one per component construct and one per batch is about 0.7."""
    app = App()
    with _round_trips() as count:
        chart = DjangoChart(app, "qa", django_app=main.shop, environment=main.environments[0])
        documents = chart_documents(chart)
    objects = len(documents)
    assert objects > 20
    assert count[0] / objects < 1.0, f"{count[0]} jsii round-trips for {objects} objects"


def _configmap(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}


def test_every_attribute_of_every_construct_is_a_real_api_object_after_construction() -> None:
    app = App()
    charts = [DjangoChart(app, env.name, django_app=main.shop, environment=env) for env in main.environments]
    for chart in charts:
        assert unborn_objects(chart) == []
        for obj in (chart.namespace_object, chart.web.deployment, chart.web.service, chart.shell.stateful_set,
                    chart.migration.job, *(store.service for store in chart.stores.values())):
            assert isinstance(obj, ApiObject) and obj.node.scope is not None
        # One cdk8s object; jsii gives a Node-made object a new Python proxy on each read, so compare paths.
        assert ApiObject.of(chart.web).node.path == chart.web.deployment.node.path == chart.web.node.default_child.node.path
        # The Namespace stays the chart's first object: plain cdk8s writes a chart's documents in this order.
        assert chart.to_json()[0]["kind"] == "Namespace"


def test_a_batch_puts_each_object_where_its_placeholder_was_and_the_walk_finds_any_it_could_not() -> None:
    @dataclass
    class Box:
        obj: Any

    chart = Chart(App(), "team")
    holder = Construct(chart, "Holder")
    with batched():
        holder.kept = {"deep": [emit(holder, "A", _configmap("a")), (emit(holder, "B", _configmap("b")),)]}
        holder.box = Box(emit(holder, "C", _configmap("c")))  # not an attribute, list, tuple or dict: left as it is
        assert holder.node.try_find_child("A") is None  # nothing crosses before the block ends
    assert isinstance(holder.kept["deep"][0], ApiObject) and holder.kept["deep"][0].node.id == "A"
    assert isinstance(holder.kept["deep"][1][0], ApiObject) and holder.kept["deep"][1][0].node.id == "B"
    assert unborn_objects(chart) == ["team/Holder.box.obj"]
    with pytest.raises(RuntimeError, match="'C' is created when its construct's batch ends; read .metadata after that"):
        holder.box.obj.metadata  # noqa: B018
    assert [d["metadata"]["name"] for d in chart_documents(chart)] == ["a", "b", "c"]


def test_a_failing_batch_creates_nothing() -> None:
    chart = Chart(App(), "team")
    with pytest.raises(ValueError, match="late"), batched():
        emit(chart, "A", _configmap("a"))
        raise ValueError("late")
    assert chart.node.try_find_child("A") is None and chart_documents(chart) == []


def test_two_objects_with_one_id_in_a_batch_are_a_config_error_and_create_nothing() -> None:
    chart = Chart(App(), "team")
    with pytest.raises(ConfigError, match=r"^team/A: invalid id='A': expected an id unique within its scope\. "
                                          r"Fix: give the second object another id$"), batched():
        emit(chart, "B", _configmap("b"))
        emit(chart, "A", _configmap("a"))
        emit(chart, "A", _configmap("a2"))
    assert chart.node.children == []


def test_a_clash_with_an_object_made_before_creates_nothing() -> None:
    """The companion checks every id before it creates any object."""
    chart = Chart(App(), "team")
    emit(chart, "A", _configmap("a"))
    with pytest.raises(RuntimeError, match="There is already a Construct with name 'A' in team"), batched():
        emit(chart, "B", _configmap("b"))
        emit(chart, "A", _configmap("a2"))
    assert [c.node.id for c in chart.node.children] == ["A"]


def test_a_chart_that_failed_half_way_leaves_nothing_and_its_placeholders_say_so() -> None:
    """Its chart leaves the App's tree and the app-wide rules: an `app.synth()` after a caught error
    writes only the charts that were built, and the same namespace can be used again."""
    bad = replace(main.shop, workers=(Worker(name="worker", queues=("default",), concurrency=10**30),))
    app = LibraryApp(outdir="unused")
    DjangoChart(app, "qa", django_app=main.shop, environment=main.environments[0])
    unborn: list[Any] = []
    original = DjangoChart._compose

    def compose_and_keep(self: DjangoChart, *args: Any) -> None:
        try:
            original(self, *args)
        finally:
            unborn.append(vars(self).get("workloads", {}).get("web", [None])[0])

    DjangoChart._compose = compose_and_keep  # type: ignore[method-assign]
    try:
        with pytest.raises(ConfigError, match="concurrency"):
            DjangoChart(app, "demo", django_app=bad, environment=replace(main.environments[0], name="demo",
                                                                                    hosts=("demo.staging.shop.example.com",)))
    finally:
        DjangoChart._compose = original  # type: ignore[method-assign]
    assert app.node.try_find_child("demo") is None
    assert list(app.render()) == ["qa"]
    with pytest.raises(RuntimeError, match="'Resource' was never created: the construction it belonged to failed"):
        unborn[0].deployment.node  # noqa: B018
    again = replace(main.environments[0], name="demo-again", namespace="shop-demo",  # the failed chart's namespace and host
                    hosts=("demo.staging.shop.example.com",))
    DjangoChart(app, "demo-again", django_app=main.shop, environment=again)
    assert sorted(app.render()) == ["demo-again", "qa"]


def test_a_component_alone_in_a_plain_chart_has_its_objects_at_once() -> None:
    runtime = AppRuntime(app="shop", namespace="shop-qa", image="shop:1", settings_module="shop.settings")
    chart = Chart(App(), "ops")
    shell = OpsShell(chart, "Shell", runtime=runtime)
    assert isinstance(shell.stateful_set, ApiObject) and shell.node.default_child is not None
    assert shell.node.default_child.node.path == shell.stateful_set.node.path == "ops/Shell/Resource"


def test_props_are_type_checked_outside_a_chart_composing_from_its_checked_plan() -> None:
    """A DjangoChart's components skip the type checks resolve() already made; nothing else does,
    even after a chart whose construction failed half-way."""
    app = App()
    DjangoChart(app, "qa", django_app=main.shop, environment=main.environments[0])
    bad = replace(main.shop, workers=(Worker(name="worker", queues=("default",), concurrency=10**30),))
    with pytest.raises(ConfigError):
        DjangoChart(app, "demo", django_app=bad, environment=replace(main.environments[0], name="demo"))
    with pytest.raises(ConfigError, match=r"^c/Shell: invalid runtime='shop': expected AppRuntime\(\.\.\.\)"):
        OpsShell(Chart(app, "c"), "Shell", runtime="shop")  # type: ignore[arg-type]

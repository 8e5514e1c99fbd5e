"""Every way cdk8s offers into an object the library made still reaches the output (issue 12's constraints).

Each library object is a real cdk8s ``ApiObject`` whenever a user or a tool asks for it, so any
speed-up must keep these passing: escape-hatch attributes, ``node.default_child``, ``ApiObject.of``,
a walk of the construct tree from a plain cdk8s ``App``, ``metadata.add_label``/``add_annotation``,
``add_json_patch``, chart-level labels, ``node.add_validation``, ``Testing.synth`` and
``chart.to_json()``. (``cdk8s synth``: test_dist; cdk8s-plus objects beside ours: test_kplus_interop.)
"""

from __future__ import annotations

from typing import Any

import jsii
import pytest
from cdk8s import ApiObject, App, Chart, JsonPatch
from cdk8s import Testing as Cdk8sTesting
from cdk8s_django import App as DjangoApp_
from cdk8s_django import AppRuntime, DjangoChart, OpsShell
from cdk8s_django.testing import find, synth

import main
from constructs import IValidation


def _chart(app: Any = None) -> DjangoChart:
    return DjangoChart(app or App(), "qa", django_app=main.shop, environment=main.environments[0])


def _written(app: DjangoApp_) -> list[dict[str, Any]]:
    import yaml

    return [yaml.safe_load(text) for files in app.render().values() for name, text in files.items() if name.endswith(".yaml")]


def test_default_child_and_api_object_of_are_the_objects_written() -> None:
    app = DjangoApp_(outdir="unused")
    chart = _chart(app)
    default = chart.web.node.default_child
    assert isinstance(default, ApiObject)
    default.add_json_patch(JsonPatch.add("/spec/revisionHistoryLimit", 3))
    ApiObject.of(chart.web).metadata.add_annotation("example.com/via", "ApiObject.of")
    web = find(_written(app), "Deployment", "shop-web")
    assert web["spec"]["revisionHistoryLimit"] == 3
    assert web["metadata"]["annotations"]["example.com/via"] == "ApiObject.of"


def test_a_walk_from_a_plain_cdk8s_app_reaches_every_object() -> None:
    app = App()
    chart = _chart(app)
    walked = [c for c in app.node.find_all() if isinstance(c, ApiObject)]
    for obj in walked:
        obj.metadata.add_label("example.com/walked", "yes")
    docs = synth(chart)
    assert len(walked) == len(docs) > 20
    assert all(d["metadata"]["labels"]["example.com/walked"] == "yes" for d in docs)


def test_to_json_testing_synth_and_the_written_files_agree() -> None:
    app = DjangoApp_(outdir="unused")
    chart = _chart(app)
    chart.shell.stateful_set.metadata.add_label("example.com/patched", "yes")
    key = lambda d: (d["kind"], d["metadata"]["name"])
    from_chart = sorted(chart.to_json(), key=key)
    assert from_chart == sorted(Cdk8sTesting.synth(chart), key=key) == sorted(_written(app), key=key)
    assert find(from_chart, "StatefulSet", "shop-shell")["metadata"]["labels"]["example.com/patched"] == "yes"


def test_a_validation_added_to_the_chart_runs_at_synthesis() -> None:
    @jsii.implements(IValidation)
    class Refuse:
        def validate(self) -> list[str]:
            return ["refused by the team's validation"]

    app = DjangoApp_(outdir="unused")
    _chart(app).node.add_validation(Refuse())
    with pytest.raises(Exception, match="refused by the team's validation"):
        app.render()


def test_lower_level_constructs_take_chart_level_labels() -> None:
    chart = Chart(App(), "ops", labels={"team.example.com/owner": "payments"})
    runtime = AppRuntime(app="shop", namespace="shop-qa", image="shop:1", settings_module="shop.settings")
    OpsShell(chart, "Shell", runtime=runtime)
    docs = synth(chart)
    assert docs and all(d["metadata"]["labels"]["team.example.com/owner"] == "payments" for d in docs)
    assert {d["metadata"]["namespace"] for d in docs} == {"shop-qa"}  # the runtime's namespace, given explicitly

"""Documented ways to change what a construct emits, each proven on the synthesized YAML."""

from __future__ import annotations

import kubernetes_validate
import pytest
from cdk8s import App, JsonPatch

from cdk8s_django import DjangoChart
from cdk8s_django.patches import add_env, add_pod_annotations, add_pod_labels, add_sidecar, add_volume
from cdk8s_django.testing import find, pod_spec, synth

import main


@pytest.fixture
def chart() -> DjangoChart:
    return DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])


def test_constructs_expose_their_objects(chart: DjangoChart) -> None:
    assert chart.web.deployment.kind == "Deployment" and chart.web.service.kind == "Service"
    assert chart.web.ingress is not None and chart.web.ingress.kind == "Ingress"
    assert [w.deployment.name for w in chart.workers] == ["shop-worker", "shop-worker-emails"]
    assert chart.beat is not None and chart.beat.stateful_set.kind == "StatefulSet"
    assert chart.shell.stateful_set.name == "shop-shell"
    assert chart.migration.job.kind == "Job"
    assert chart.web.node.default_child is not None and chart.web.node.default_child.node.id == "Resource"


def test_add_sidecar_is_restricted_by_default(chart: DjangoChart) -> None:
    add_sidecar(chart.web.deployment, {"name": "proxy", "image": "envoyproxy/envoy:v1.31.0",
                                       "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}})
    web = find(synth(chart), "Deployment", "shop-web")
    sidecar = pod_spec(web)["containers"][1]  # type: ignore[index]
    assert sidecar["name"] == "proxy"
    assert sidecar["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    kubernetes_validate.validate(web, "1.37", strict=True)


def test_add_env_volume_labels_annotations(chart: DjangoChart) -> None:
    worker = chart.workers[0].deployment
    add_env(worker, {"FEATURE_FLAG": "on"})
    add_volume(worker, {"name": "certs", "secret": {"secretName": "internal-ca"}}, mount_path="/etc/internal-ca")
    add_pod_labels(worker, {"team.example.com/owner": "payments"})
    add_pod_annotations(worker, {"example.com/on-call": "payments"})
    worker.metadata.add_label("cost-center", "42")
    doc = find(synth(chart), "Deployment", "shop-worker")
    spec = pod_spec(doc)
    assert {"name": "FEATURE_FLAG", "value": "on"} in spec["containers"][0]["env"]  # type: ignore[index]
    assert {"name": "certs", "secret": {"secretName": "internal-ca"}} in spec["volumes"]  # type: ignore[index]
    assert {"name": "certs", "mountPath": "/etc/internal-ca", "readOnly": True} in spec["containers"][0]["volumeMounts"]  # type: ignore[index]
    assert doc["spec"]["template"]["metadata"]["labels"]["team.example.com/owner"] == "payments"
    assert doc["spec"]["template"]["metadata"]["annotations"]["example.com/on-call"] == "payments"
    assert doc["metadata"]["labels"]["cost-center"] == "42"
    assert "team.example.com/owner" not in doc["spec"]["selector"]["matchLabels"]
    kubernetes_validate.validate(doc, "1.37", strict=True)


def test_patch_any_field(chart: DjangoChart) -> None:
    chart.web.deployment.add_json_patch(JsonPatch.replace("/spec/revisionHistoryLimit", 2))
    cron = chart.cron_jobs[0].cron_job
    add_env(cron, {"VERBOSITY": "2"})
    docs = synth(chart)
    assert find(docs, "Deployment", "shop-web")["spec"]["revisionHistoryLimit"] == 2
    assert {"name": "VERBOSITY", "value": "2"} in pod_spec(find(docs, "CronJob", "shop-clearsessions"))["containers"][0]["env"]  # type: ignore[index]


def test_patch_helpers_refuse_a_non_workload(chart: DjangoChart) -> None:
    with pytest.raises(ValueError) as error:
        add_env(chart.web.service, {"A": "1"})
    assert str(error.value) == (
        "qa/Web/Service: invalid object kind='Service': expected a workload (Deployment, StatefulSet, Job, DaemonSet, CronJob). "
        "Fix: pass the construct's workload attribute, e.g. web.deployment"
    )

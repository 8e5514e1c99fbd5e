"""The public testing helpers, used the way the README shows."""

from __future__ import annotations

import pytest
import yaml
from cdk8s import App
from syrupy.assertion import SnapshotAssertion

from cdk8s_django import DjangoApp, DjangoChart, Environment
from cdk8s_django.testing import by_kind, containers, find, pod_spec, synth, to_yaml

BLOG = DjangoApp(name="blog", image="registry.example.com/blog:3.2.0", settings_module="blog.settings",
                 cron={"publish-scheduled": "*/5 * * * *"})


def test_readme_example(snapshot: SnapshotAssertion) -> None:
    chart = DjangoChart(App(), "staging", django_app=BLOG, environment=Environment.staging("staging"))
    docs = synth(chart)
    assert find(docs, "CronJob", "blog-publish-scheduled")["spec"]["concurrencyPolicy"] == "Forbid"
    # The README snapshots the whole environment; here the document it looks up is enough (test_snapshots covers environments).
    assert to_yaml([find(docs, "CronJob", "blog-publish-scheduled")]) == snapshot
    assert list(yaml.safe_load_all(to_yaml(docs))) == docs


def test_helpers() -> None:
    docs = synth(DjangoChart(App(), "staging", django_app=BLOG, environment=Environment.staging("staging")))
    assert [d["metadata"]["name"] for d in by_kind(docs, "Namespace")] == ["blog-staging"]
    assert [c["name"] for c in containers(find(docs, "Deployment", "blog-web"))] == ["wait-for-migrations", "web"]
    assert pod_spec(find(docs, "Service", "blog-web")) is None
    with pytest.raises(AssertionError, match="Deployment/nope: 0 found"):
        find(docs, "Deployment", "nope")

"""The Secrets Manager ClusterSecretStore serves production's namespace alone: no preview, no staging
namespace, can read production's secrets through it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import main
import pytest
from cdk8s import App, Chart

from _k8s import by_kind, synth
from cdk8s_django import AwsSecretsManager, AwsSecretStore, DjangoChart, Environment
from conftest import ACCESS
from crd_schema import CRD_DIR, validate

ESO_STORES = CRD_DIR / "eso-stores"


def serves(store: dict[str, Any], namespace: str, labels: dict[str, str] | None = None) -> bool:
    """ESO's rule for a ClusterSecretStore: no conditions serve every namespace; otherwise one condition must match
    (by name, by name regex, or by label selector)."""
    conditions = store["spec"].get("conditions") or []
    if not conditions:
        return True
    labels = labels or {}

    def matches(condition: dict[str, Any]) -> bool:
        if namespace in condition.get("namespaces", []):
            return True
        if any(re.search(r, namespace) for r in condition.get("namespaceRegexes", [])):
            return True
        selector = condition.get("namespaceSelector")
        return selector is not None and selector.get("matchLabels", {}).items() <= labels.items()

    return any(matches(c) for c in conditions)


def test_the_store_serves_productions_namespace_only(cluster_docs: dict[str, list[dict[str, Any]]],
                                                     example_docs: dict[str, list[dict[str, Any]]]) -> None:
    (store,) = by_kind(cluster_docs[ACCESS], "ClusterSecretStore")
    validate(store, ESO_STORES)
    assert store["metadata"]["name"] == AwsSecretsManager().store
    assert store["spec"]["provider"]["aws"] == {"service": "SecretsManager", "region": "eu-west-1",
                                                "auth": {"jwt": {"serviceAccountRef": {"name": "external-secrets",
                                                                                       "namespace": "external-secrets"}}}}
    namespaces = {env: by_kind(docs, "Namespace")[0]["metadata"] for env, docs in example_docs.items()}
    assert {env for env, ns in namespaces.items() if serves(store, ns["name"], ns.get("labels"))} == {"production"}
    preview = Environment.for_branch("production", owner="mallory", domain=main.PREVIEW_DOMAIN, created_at=datetime(2026, 11, 26, tzinfo=UTC))
    namespace = by_kind(synth(DjangoChart(App(), preview.name, django_app=main.shop, environment=preview)), "Namespace")[0]["metadata"]
    assert not serves(store, namespace["name"], namespace["labels"])
    # Every ExternalSecret that reads the store is in a namespace it serves.
    for env, docs in example_docs.items():
        for secret in by_kind(docs, "ExternalSecret"):
            if "secretStoreRef" in secret["spec"]:
                assert serves(store, secret["metadata"]["namespace"]), env


def test_a_preview_cannot_name_a_store() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "invalid environment.aws_secrets=AwsSecretsManager(store='aws-secrets-manager', kind='ClusterSecretStore', prefix=None):"
            " expected None for a preview: previews get generated passwords only, never a secret store's secrets."
            " Fix: drop aws_secrets= (ESO generates the preview's database password)")):
        environment = Environment.for_branch("feature/x", owner="a", domain=main.PREVIEW_DOMAIN, aws_secrets=AwsSecretsManager())
        DjangoChart(App(), environment.name, django_app=main.shop, environment=environment)


def test_bad_stores_are_refused_with_the_fix() -> None:
    app = App()
    qa = DjangoChart(app, "qa", django_app=main.shop, environment=main.environments[0])
    with pytest.raises(ValueError, match=re.escape(
            "c/Store: invalid environments=['qa']: expected environments that read AWS Secrets Manager (aws_secrets set)."
            " Fix: pass only the charts whose Environment has aws_secrets=AwsSecretsManager(...)")):
        AwsSecretStore(Chart(app, "c"), "Store", environments=[qa])
    production = DjangoChart(app, "production", django_app=main.shop, environment=main.environments[2])
    store = AwsSecretStore(Chart(app, "d"), "Store", environments=[production], region="us-east-1")
    assert synth(Chart.of(store))[0]["spec"]["provider"]["aws"]["region"] == "us-east-1"

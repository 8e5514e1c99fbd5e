"""Every built-in document passes kubernetes-validate --strict (1.27, 1.32, 1.37);
every custom resource validates against its CRD's schema from imports/crds."""

from __future__ import annotations

from typing import Any

import jsonschema
import kubernetes_validate
import pytest

import crd_schema
from output_checks import strict_schema_errors

KUBERNETES_VERSIONS = ("1.27", "1.32", "1.37")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_builtin_documents_pass_strict_schema(example_docs: dict[str, list[dict[str, Any]]], version: str) -> None:
    failures = []
    for env, docs in example_docs.items():
        for doc in docs:
            if crd_schema.is_custom(doc):
                continue
            # kubernetes-validate's strict schemas, memoised (test_properties holds the two to agreement)
            failures += [f"{env}: {doc['kind']}/{doc['metadata']['name']}: {message}" for message in strict_schema_errors(doc, version)]
    assert failures == []


def test_custom_resources_match_their_crds(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    kinds = set()
    for docs in example_docs.values():
        for doc in docs:
            if crd_schema.is_custom(doc):
                crd_schema.validate(doc)
                kinds.add(doc["kind"])
    assert kinds == {"ExternalSecret", "Password", "ScaledObject", "TriggerAuthentication", "ServiceMonitor", "PodMonitor"}


def test_every_document_has_a_schema(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for docs in example_docs.values():
        for doc in docs:
            if not crd_schema.is_custom(doc):
                strict_schema_errors(doc, "1.37")  # raises FileNotFoundError without a schema


def test_validators_reject_unknown_fields() -> None:
    """Both checks above can fail: a misspelt field is refused."""
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "datta": {}}, "1.37", strict=True)
    scaled = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "x"},
              "spec": {"scaleTargetRef": {"name": "x"}, "triggers": [], "minReplicas": 0}}
    with pytest.raises(jsonschema.ValidationError):
        crd_schema.validate(scaled)

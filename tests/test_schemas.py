"""Every synthesized document passes kubernetes-validate --strict, oldest and newest schemas."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

KUBERNETES_VERSIONS = ("1.27", "1.37")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_example_passes_strict_schema(example_docs: dict[str, list[dict[str, Any]]], version: str) -> None:
    failures = []
    for env, docs in example_docs.items():
        for doc in docs:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                failures.append(f"{env}: {doc['kind']}/{doc['metadata']['name']}: {error.message} at {list(error.path)}")
    assert failures == []


def test_validator_rejects_an_unknown_field() -> None:
    """The check above can fail: strict mode refuses a misspelt field."""
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "datta": {}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, "1.37", strict=True)

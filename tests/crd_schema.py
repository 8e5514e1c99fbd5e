"""Validate custom resources against the openAPIV3Schema of the CRD files committed in imports/crds.

Strict like ``kubectl apply`` (field validation Strict): an unknown field is an
error wherever the schema lists properties and does not preserve unknown fields.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

CRD_DIR = Path(__file__).resolve().parent.parent / "imports" / "crds"


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    return schema


@cache
def schemas(folder: Path = CRD_DIR) -> dict[tuple[str, str], dict[str, Any]]:
    """``(apiVersion, kind)`` to the strict JSON schema of that version, for the CRDs in ``folder``."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yaml")):
        crd = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schema = _strict(version["schema"]["openAPIV3Schema"])
            schema["properties"]["metadata"] = {"type": "object"}
            found[(f"{group}/{version['name']}", kind)] = schema
    return found


def is_custom(doc: dict[str, Any]) -> bool:
    return (doc["apiVersion"], doc["kind"]) in schemas()


@cache
def _validator(folder: Path, api_version: str, kind: str) -> Any:
    """One validator per schema. The upstream schemas are not themselves checked against the metaschema
    (``jsonschema.validate`` does that on every call: seconds for the 1.4 MB ApplicationSet CRD)."""
    schema = schemas(folder)[(api_version, kind)]
    return jsonschema.validators.validator_for(schema)(schema)


def validate(doc: dict[str, Any], folder: Path = CRD_DIR) -> None:
    """Raise ``jsonschema.ValidationError`` when the document breaks its CRD's schema."""
    _validator(folder, doc["apiVersion"], doc["kind"]).validate(doc)


ARGO_CD_CRDS = CRD_DIR / "argo-cd"

"""Postgres: the database. ``InCluster()`` (a StatefulSet, staging) or ``Managed(host)`` (RDS behind ExternalName).

Its contract is the ``DATABASE_*`` variables (``model/_contract.py``), not a URL of this descriptor.
"""

from __future__ import annotations

from ..model.defaults import DEFAULT_POSTGRES_IMAGE, DEFAULT_POSTGRES_RESOURCES, DEFAULT_POSTGRES_STORAGE, POSTGRES_PORT, STAGING_RESOURCES
from ..model.options import StoreRole
from ._kind import StoreKind
from ._placement import InCluster

__all__ = ["POSTGRES"]

POSTGRES = StoreKind(
    name="postgres", title="Postgres", roles={StoreRole.POSTGRES: "postgres"},
    port=POSTGRES_PORT, managed_port=POSTGRES_PORT, managed_service="RDS", image=DEFAULT_POSTGRES_IMAGE,
    resources_key="postgres", resources=DEFAULT_POSTGRES_RESOURCES, staging_resources=STAGING_RESOURCES["postgres"],
    storage={StoreRole.POSTGRES: DEFAULT_POSTGRES_STORAGE}, options=InCluster,
    construct="..components.postgres_stateful_set:from_plan",
    url=lambda app, store: None,
)

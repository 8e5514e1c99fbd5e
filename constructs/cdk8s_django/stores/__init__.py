"""The registry of store kinds: each kind is one descriptor in its own module (``StoreKind``).

A store spec names its kind by its type: ``RabbitMQ(...)`` and ``Memcached(...)`` are their kinds';
``InCluster()`` and ``Managed(host)`` mean the role's usual kind (Postgres for the database, Redis for
the cache and the broker). Import a kind's options from here (``from cdk8s_django.stores import RabbitMQ``).
Adding a kind is its module here (options and descriptor), its construct in ``components/``, and its line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..model.options import StoreRole
from ._kind import BrokerOptions, CacheOptions, StoreKind, store_options
from ._placement import InCluster, Managed
from .memcached import MEMCACHED, Memcached
from .postgres import POSTGRES
from .rabbitmq import RABBITMQ, RabbitMQ
from .redis import REDIS

__all__ = [
    "DEFAULT_KINDS", "KINDS", "BrokerOptions", "CacheOptions", "InCluster", "Managed", "Memcached", "RabbitMQ", "StoreKind",
    "contract_table", "kind_of", "store_components", "store_options",
]

# The registry: every kind, in the order docs list them.
KINDS: tuple[StoreKind, ...] = (POSTGRES, REDIS, RABBITMQ, MEMCACHED)
# What InCluster() and Managed() mean for each role.
DEFAULT_KINDS: Mapping[StoreRole, StoreKind] = MappingProxyType({
    StoreRole.POSTGRES: POSTGRES, StoreRole.CACHE: REDIS, StoreRole.BROKER: REDIS,
})


def kind_of(role: StoreRole, spec: object) -> StoreKind | None:
    """The kind a store spec asks for; None when the spec is no kind's."""
    if isinstance(spec, (InCluster, Managed)):
        return DEFAULT_KINDS[role]
    return next((kind for kind in KINDS if kind.options is type(spec)), None)


def store_components() -> tuple[str, ...]:
    """Every component name a store of any kind takes, in the registry's order (no worker may take one)."""
    return tuple(component for kind in KINDS for component in kind.roles.values())


def contract_table() -> str:
    """The README's table of the URL each store kind gives the app, per role, made from the registry."""
    roles = {StoreRole.CACHE: "`CACHE_URL`", StoreRole.BROKER: "`CELERY_BROKER_URL`"}
    lines = ["| kind | option | variable | value | managed by |", "|---|---|---|---|---|"]
    for kind in KINDS:
        for role, words in kind.contract.items():
            usual = kind in DEFAULT_KINDS.values()  # InCluster() and Managed() mean it
            option = "`InCluster()` / `Managed(host)`" if usual else f"`{kind.options.__name__}(...)`"
            lines.append(f"| {kind.title} | {option} | {roles[role]} | {words} | {kind.managed_service} |")
    return "\n".join(lines) + "\n"

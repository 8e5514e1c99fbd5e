"""``StoreKind``: everything the library knows about one kind of data store, declared once.

A kind (Postgres, Redis, RabbitMQ, Memcached) is one frozen descriptor in its own module of this
package, registered in ``stores/__init__.py``. ``resolve`` reads the descriptor to default and check a
store; the chart builds its construct from it; the contract, the network policies, the notes and the
diagram read the resolved ``StorePlan``. Nothing outside this package names a kind.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, dataclass_transform

from ..model._validation import ConfigError
from ..model.options import Resources, SecretKeyRef, StoreRole

if TYPE_CHECKING:
    from ..model.plan import StorePlan

__all__ = ["BrokerOptions", "CacheOptions", "StoreKind", "keda_host", "store_options"]

_C = TypeVar("_C", bound=type)


class _RoleOptions:
    """The option types of the kinds that can play one role: ``Environment`` names the role, never a kind."""

    @classmethod
    def describe(cls) -> str:
        """The kinds, for a message: ``RabbitMQ(...)``."""
        return " or ".join(f"{kind.__name__}(...)" for kind in cls.__subclasses__())


class CacheOptions(_RoleOptions):
    """A cache kind's options (``Memcached``)."""


class BrokerOptions(_RoleOptions):
    """A broker kind's options (``RabbitMQ``)."""


@dataclass_transform(frozen_default=True, kw_only_default=True)
def store_options(cls: _C) -> _C:
    """A kind's option type: a frozen, keyword-only dataclass whose unknown option is a ``ConfigError``
    naming the kind and its options (for mypy it is a type error already), never ignored."""
    made: Any = dataclass(frozen=True, kw_only=True)(cls)
    init = made.__init__
    names = tuple(f.name for f in dataclasses.fields(made))

    @functools.wraps(init)
    def checked(self: Any, *args: Any, **kwargs: Any) -> None:
        if args:
            raise ConfigError(cls.__name__, "options", args, f"keyword options ({', '.join(names)})",
                              f"name each option, e.g. {cls.__name__}({names[0]}=...)")
        for name, value in kwargs.items():
            if name not in names:
                raise ConfigError(cls.__name__, name, value, f"an option of {cls.__name__}: one of {', '.join(names)}",
                                  f"drop {name}=, which {cls.__name__} does not have")
        init(self, **kwargs)

    made.__init__ = checked
    return made  # type: ignore[no-any-return]


def keda_host(app: str, namespace: str, store: StorePlan) -> str:
    """The host KEDA's operator dials from its own namespace: the Service's full name, or the managed endpoint
    itself (whose certificate names it, not our alias)."""
    return store.host if store.host is not None else f"{app}-{store.component}.{namespace}.svc"


def _host_port(app: str, namespace: str, store: StorePlan) -> str:
    return f"{keda_host(app, namespace, store)}:{store.port}"


@dataclass(frozen=True)
class StoreKind:
    """One kind of store.

    Attributes:
        name: the kind's name in messages and docs (``rabbitmq``).
        title: its name for people (``RabbitMQ``).
        roles: the roles it can play, with the component (Service) name it takes in each.
        port: the port its clients dial in the cluster.
        managed_port: the managed endpoint's default port (Amazon MQ's amqps is 5671).
        managed_service: what runs it managed, for the notes (``Amazon MQ``).
        image: the in-cluster image, pinned.
        resources_key: its key of ``Environment.resources``.
        resources: its requests and limit by default; ``staging_resources`` in staging.
        storage: its volume by default, per role; None: it keeps none, and a ``storage`` given is refused.
        construct: ``module:function`` building its in-cluster construct from the chart and the plan.
        url: the role's contract URL (``CACHE_URL``, ``CELERY_BROKER_URL``) from the app's name and the
            store's plan: a value for the ConfigMap, or None when ``pod_env`` assembles it from a Secret.
        secret_env: env vars it reads from Secrets (a broker's password).
        pod_env: env vars that refer to other variables (a URL with ``$(PASSWORD)`` in it).
        keda_trigger: KEDA's trigger for one queue, when it is the broker: (queue, tasks per replica, address
            as KEDA dials it, TLS, the TriggerAuthentication's name or None).
        keda_auth: the TriggerAuthentication's parameters, each from a Secret key. Default None: none needed.
        keda_address: the broker's address as KEDA dials it (app, namespace, store). Default ``host:port``.
        contract: the README's words for the URL it gives, per role.
        check: the kind's own checks of a resolved store (``where``, the prop as typed, the plan).
        workload: what runs it in the cluster, for the notes and diagram. Default ``StatefulSet``.
        aws_secrets: the Secret keys it reads that ESO copies from AWS Secrets Manager (with ``aws_secrets``), each
            also written URL-encoded. Default none.
    """

    name: str
    title: str
    roles: Mapping[StoreRole, str]
    port: int
    managed_port: int
    managed_service: str
    image: str
    resources_key: str
    resources: Resources
    staging_resources: Resources
    storage: Mapping[StoreRole, str | None]
    options: type
    construct: str
    url: Callable[[str, StorePlan], str | None]
    secret_env: Callable[[str, StorePlan], Mapping[str, SecretKeyRef]] = lambda app, store: {}
    pod_env: Callable[[str, StorePlan], Mapping[str, str]] = lambda app, store: {}
    keda_trigger: Callable[[str, int, str | None, bool, str | None], dict[str, Any]] | None = None
    keda_auth: Callable[[str, StorePlan], Mapping[str, SecretKeyRef]] | None = None
    keda_address: Callable[[str, str, StorePlan], str] = _host_port
    contract: Mapping[StoreRole, str] = dataclasses.field(default_factory=dict)
    check: Callable[[object, str, StorePlan], None] | None = None
    workload: str = "StatefulSet"
    aws_secrets: Callable[[str, StorePlan], list[SecretKeyRef]] = lambda app, store: []

    def component(self, role: StoreRole) -> str:
        return self.roles[role]

    def build(self, chart: Any, id: str, store: StorePlan) -> Any:
        """The in-cluster construct (imported when first needed: the spec stays free of cdk8s)."""
        module, function = self.construct.split(":")
        return getattr(importlib.import_module(module, __package__), function)(chart, id, store)

"""External Secrets Operator objects: secrets come from outside ``dist/``, never in it.

Staging: ``GeneratedPassword`` asks ESO's Password generator for the database
password once (``refreshPolicy: CreatedOnce``: Postgres keeps the password it was
initialised with, so it must never rotate under it). Production:
``AwsSecret`` copies a secret from AWS Secrets Manager.
"""

from __future__ import annotations

from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..spec import _validation as v
from ..spec.options import AwsSecretsManager

__all__ = ["EXTERNAL_SECRETS_API", "PASSWORD_GENERATOR_API", "AwsSecret", "GeneratedPassword"]

EXTERNAL_SECRETS_API = "external-secrets.io/v1"
PASSWORD_GENERATOR_API = "generators.external-secrets.io/v1alpha1"
DEFAULT_PASSWORD_LENGTH = 32
DEFAULT_REFRESH_INTERVAL = "1h"


class GeneratedPassword(DjangoConstruct):
    """A Secret ``<name>`` with one key ``password``, generated once by ESO.

    Letters and digits only (no symbols), so it is safe inside ``DATABASE_URL``.

    Args:
        runtime: the app runtime (names, labels, namespace).
        name: the Secret's name.
        length: password length. Default 32.
    """

    @checked_props
    def __init__(self, scope: Construct, id: str, *, runtime: AppRuntime, name: str, length: int = DEFAULT_PASSWORD_LENGTH) -> None:
        where = LazyPath(scope, id)
        v.check_dns_subdomain(where, "name", name)
        v.check_int_range(where, "length", length, 16, 128)
        super().__init__(scope, id)
        self.name = name
        self.generator: ApiObject = emit(self, "Generator", {
            "apiVersion": PASSWORD_GENERATOR_API,
            "kind": "Password",
            "metadata": runtime.metadata("secrets", name=name),
            "spec": {"length": length, "digits": length // 4, "symbols": 0, "noUpper": False, "allowRepeat": True},
        })
        self.external_secret: ApiObject = emit(self, "Resource", {
            "apiVersion": EXTERNAL_SECRETS_API,
            "kind": "ExternalSecret",
            "metadata": runtime.metadata("secrets", name=name),
            "spec": {
                "refreshPolicy": "CreatedOnce",
                "target": {"name": name, "creationPolicy": "Owner", "deletionPolicy": "Retain"},
                "dataFrom": [{"sourceRef": {"generatorRef": {"apiVersion": PASSWORD_GENERATOR_API, "kind": "Password", "name": name}}}],
            },
        })


class AwsSecret(DjangoConstruct):
    """A Secret ``<name>`` kept in sync with AWS Secrets Manager by ESO.

    Args:
        runtime: the app runtime (names, labels, namespace).
        name: the Kubernetes Secret's name.
        store: the secret store.
        remote_key: the Secrets Manager secret's name; each property of its JSON
            becomes a key of the Secret (the database secret needs ``password``).
        refresh_interval: how often ESO re-reads it. Default ``1h``.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        name: str,
        store: AwsSecretsManager,
        remote_key: str,
        refresh_interval: str = DEFAULT_REFRESH_INTERVAL,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_dns_subdomain(where, "name", name)
        v.check_dns_subdomain(where, "store.store", store.store)
        if store.kind not in ("ClusterSecretStore", "SecretStore"):
            raise v.ConfigError(where, "store.kind", store.kind, "'ClusterSecretStore' or 'SecretStore'", "pick one of the two")
        super().__init__(scope, id)
        self.name = name
        spec: dict[str, Any] = {
            "refreshInterval": refresh_interval,
            "secretStoreRef": {"name": store.store, "kind": store.kind},
            "target": {"name": name, "creationPolicy": "Owner"},
            "dataFrom": [{"extract": {"key": remote_key}}],
        }
        self.external_secret: ApiObject = emit(self, "Resource", {
            "apiVersion": EXTERNAL_SECRETS_API,
            "kind": "ExternalSecret",
            "metadata": runtime.metadata("secrets", name=name),
            "spec": spec,
        })

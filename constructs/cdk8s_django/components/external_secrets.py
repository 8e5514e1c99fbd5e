"""External Secrets Operator objects: secrets come from outside ``dist/``, never in it.

Staging: ``GeneratedPassword`` asks ESO's Password generator for the database
password once (``refreshPolicy: CreatedOnce``: Postgres keeps the password it was
initialised with, so it must never rotate under it). Production:
``AwsSecret`` copies a secret from AWS Secrets Manager.

Both can write a password a second time, percent-encoded, under ``<key>-urlencoded``
(``url_encoding_template``): the kubelet builds ``DATABASE_URL`` by plain ``$(VAR)``
substitution, so the URL must read a value that is already safe in a URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model._contract import url_encoded_key
from ..model.options import AwsSecretsManager

__all__ = [
    "EXTERNAL_SECRETS_API", "GENERATED_PASSWORD_KEY", "PASSWORD_GENERATOR_API", "URL_ENCODE_PIPELINE", "AwsSecret",
    "GeneratedPassword", "url_encoding_template",
]

EXTERNAL_SECRETS_API = "external-secrets.io/v1"
PASSWORD_GENERATOR_API = "generators.external-secrets.io/v1alpha1"
DEFAULT_PASSWORD_LENGTH = 32
DEFAULT_REFRESH_INTERVAL = "1h"
GENERATED_PASSWORD_KEY = "password"  # the key ESO's Password generator writes
# Go's `urlquery` (url.QueryEscape) keeps letters, digits and `-_.~`, percent-encodes every other byte, and writes a
# space as `+`; a URL's userinfo is decoded without turning `+` into a space (urllib's `unquote`, so dj-database-url),
# so the space must be `%20`. A `+` in the password is `%2B` by then: each `+` left came from a space.
URL_ENCODE_PIPELINE = 'urlquery | replace "+" "%20"'


def url_encoding_template(key: str, literals: Mapping[str, str] | None = None) -> dict[str, Any]:
    """ESO's ``target.template`` that keeps the Secret's keys (``mergePolicy: Merge``) and adds
    ``<key>-urlencoded``: ``key``'s value percent-encoded for a URL (template engine v2, whose
    functions are Go's and sprig's). A Secret without ``key`` fails to render: ESO reports it. ``literals``: keys
    with fixed values beside it (a generated user's name)."""
    return {
        "engineVersion": "v2",
        "mergePolicy": "Merge",
        "data": {url_encoded_key(key): f'{{{{ index . "{key}" | {URL_ENCODE_PIPELINE} }}}}', **(literals or {})},
    }


class GeneratedPassword(DjangoConstruct):
    """A Secret ``<name>`` with the key ``password``, generated once by ESO, and ``password-urlencoded``.

    Letters and digits only (no symbols), so the two are equal; ``DATABASE_URL`` reads the
    encoded one all the same, as it does from ``AwsSecret``.

    Args:
        runtime: the app runtime (names, labels, namespace).
        name: the Secret's name.
        length: password length. Default 32.
        literals: keys with fixed values written beside it (a user name, never a secret). Default none.
    """

    @checked_props
    def __init__(
        self, scope: Construct, id: str, *, runtime: AppRuntime, name: str, length: int = DEFAULT_PASSWORD_LENGTH,
        literals: Mapping[str, str] | None = None,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_dns_subdomain(where, "name", name)
        v.check_int_range(where, "length", length, 16, 128)
        for key in literals or {}:
            v.check_config_key(where, "literals", key)
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
                "target": {
                    "name": name, "creationPolicy": "Owner", "deletionPolicy": "Retain",
                    "template": url_encoding_template(GENERATED_PASSWORD_KEY, literals),
                },
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
        url_encode: a property whose value the Secret also holds percent-encoded, under
            ``<url_encode>-urlencoded`` (the database password, for ``DATABASE_URL``). Default None: none.
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
        url_encode: str | None = None,
    ) -> None:
        where = LazyPath(scope, id)
        v.check_dns_subdomain(where, "name", name)
        v.check_dns_subdomain(where, "store.store", store.store)
        if store.kind not in ("ClusterSecretStore", "SecretStore"):
            raise v.ConfigError(where, "store.kind", store.kind, "'ClusterSecretStore' or 'SecretStore'", "pick one of the two")
        if url_encode is not None:
            v.check_config_key(where, "url_encode", url_encode)
            v.check_config_key(where, "url_encode (with its suffix)", url_encoded_key(url_encode))
        super().__init__(scope, id)
        self.name = name
        target: dict[str, Any] = {"name": name, "creationPolicy": "Owner"}
        if url_encode is not None:
            target["template"] = url_encoding_template(url_encode)
        spec: dict[str, Any] = {
            "refreshInterval": refresh_interval,
            "secretStoreRef": {"name": store.store, "kind": store.kind},
            "target": target,
            "dataFrom": [{"extract": {"key": remote_key}}],
        }
        self.external_secret: ApiObject = emit(self, "Resource", {
            "apiVersion": EXTERNAL_SECRETS_API,
            "kind": "ExternalSecret",
            "metadata": runtime.metadata("secrets", name=name),
            "spec": spec,
        })

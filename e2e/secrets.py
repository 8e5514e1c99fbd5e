"""The Secrets a cluster makes beside the manifests, with test values: what External Secrets writes for each
``ExternalSecret`` (its generator's password, or the AWS secret's keys, then the target template), and the ones
the platform team provides (``DjangoApp.secrets``, the New Relic key), named in the README's "Provided by the
cluster".
"""

from __future__ import annotations

import re
import secrets
import string
from typing import Any
from urllib.parse import quote_plus

from . import manifests

# Production's database password, as AWS Secrets Manager might hold it: every character a URL must escape.
AWS_DATABASE_PASSWORD = "p@ss:w/rd?#&%+ 1"
# Amazon MQ's: the characters a URL must escape that Amazon MQ allows in one (not ',', ':' or '=').
AWS_BROKER_PASSWORD = "mq@ss/w#rd?%+ 12"
# What AWS Secrets Manager holds, by the secret's last name; any other secret is an app's (SECRET_KEY).
AWS_SECRETS = {"database": {"password": AWS_DATABASE_PASSWORD}, "shop-broker": {"password": AWS_BROKER_PASSWORD}}


def _template(text: str, data: dict[str, str]) -> str:
    """The one template form the library writes: ``{{ index . "KEY" | urlquery | replace "+" "%20" }}``.
    urlquery is Go's url.QueryEscape: Python's quote_plus with nothing safe but letters, digits and ``_.-~``."""
    if "{{" not in text:
        return text  # a literal (a generated user's name)
    match = re.fullmatch(r'\{\{ index \. "([^"]+)" \| urlquery \| replace "\+" "%20" \}\}', text)
    assert match, f"an ExternalSecret template make e2e does not know: {text!r}"
    return quote_plus(data[match.group(1)], safe="").replace("+", "%20")


def _source(env: manifests.Environment, external: dict[str, Any]) -> dict[str, str]:
    data: dict[str, str] = {}
    for source in external["spec"].get("dataFrom", []):
        if "sourceRef" in source and source["sourceRef"].get("generatorRef", {}).get("kind") == "Password":
            generator = env.get("Password", source["sourceRef"]["generatorRef"]["name"])["spec"]
            alphabet = string.ascii_letters + (string.digits if generator.get("digits", 0) else "")
            data["password"] = "".join(secrets.choice(alphabet) for _ in range(generator.get("length", 32)))
        elif "extract" in source:
            key = source["extract"]["key"]
            data.update(AWS_SECRETS.get(key.rsplit("/", 1)[-1], {"SECRET_KEY": f"e2e-{key}"}))
        else:
            raise AssertionError(f"{env.name}: ExternalSecret {external['metadata']['name']}: a source make e2e does not know: {source}")
    return data


def cluster_secrets(env: manifests.Environment, django_secrets: tuple[str, ...] = ("shop-django",)) -> dict[str, dict[str, str]]:
    made: dict[str, dict[str, str]] = {name: {"SECRET_KEY": f"e2e-{env.name}-{secrets.token_hex(16)}"} for name in django_secrets}
    made["shop-newrelic"] = {"license_key": "0" * 40}
    for external in env.of_kind("ExternalSecret"):
        data = _source(env, external)
        target = external["spec"]["target"]
        for key, text in target.get("template", {}).get("data", {}).items():
            data[key] = _template(text, data)
        made[target["name"]] = data
    return made

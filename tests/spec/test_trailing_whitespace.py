"""Issue 21 §5: a value whose only fault is a trailing newline, carriage return, space or tab is refused.

Python's ``$`` matches before a final ``\\n``, so ``re.match(r"...$")`` let ``"shop\\n"`` through into the YAML. The
walk below takes a spec that synthesizes, and for every string it holds (a dataclass field, an element of a tuple,
a key of a mapping: names, hosts, images, schedules, queues, paths) appends each of those characters, and expects a
ConfigError. File contents and env values are free text and are left alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from cdk8s import App

from cdk8s_django import (
    AcmCertificate,
    CronTask,
    DjangoApp,
    DjangoChart,
    Environment,
    IngressOptions,
    Managed,
    NetworkAccess,
    NewRelic,
    SecretKeyRef,
    Worker,
)
from cdk8s_django.model._validation import ConfigError

APP = DjangoApp(
    name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings",
    workers=(Worker(name="worker", queues=("default",), metrics_port=9808), Worker(name="emails", queues=("emails",))),
    cron={"clearsessions": "0 3 * * *", "weekly-report": CronTask("0 6 * * 1", command=("send_report", "--weekly"), time_zone="Europe/Dublin")},
    secrets=("shop-django",), newrelic=NewRelic(license_key=SecretKeyRef("shop-newrelic", "license_key"), ini="[newrelic]\n"),
    env={"FEATURE_FLAG": "on"}, config_files={"app.ini": "[app]\n"},
)
PROD = Environment.production(
    hosts=("shop.example.com",), ingress=IngressOptions(class_name="alb", tls=AcmCertificate("arn:aws:acm:eu-west-1:123456789012:certificate/p")),
    postgres=Managed("db.example.com"), cache=Managed("cache.example.com"), broker=Managed("broker.example.com"),
    media_bucket="shop-media", static_url="https://static.example.com/static/", iam_role_arn="arn:aws:iam::123456789012:role/shop",
    shell_operators="shop-operators", network=NetworkAccess(load_balancer_cidrs=("10.20.0.0/24",)),
)
QA = Environment.staging("qa", hosts=("qa.example.com",), ingress=IngressOptions(class_name="alb"),
                         network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24",)))
FREE_TEXT = {"ini", "description"}  # file contents and prose, where a newline is content
SUFFIXES = ("\n", "\r", " ", "\t")


def _mutants(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, value with one string given a trailing character) for each string in ``value``."""
    if isinstance(value, str):
        if value:
            for suffix in SUFFIXES:
                yield f"{path}+{suffix!r}", value + suffix
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name in FREE_TEXT or field.name in ("env", "config_files") and path.endswith("app"):
                continue
            for where, mutant in _mutants(getattr(value, field.name), f"{path}.{field.name}"):
                yield where, dataclasses.replace(value, **{field.name: mutant})
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            for where, mutant in _mutants(item, f"{path}[{index}]"):
                yield where, (*value[:index], mutant, *value[index + 1:])
    elif isinstance(value, dict):
        for key in value:
            for where, mutant in _mutants(key, f"{path}[{key!r}]"):
                yield where, {(mutant if k == key else k): v for k, v in value.items()}
            if not isinstance(value[key], str):
                for where, mutant in _mutants(value[key], f"{path}[{key!r}]"):
                    yield where, {**value, key: mutant}


def _cases() -> Iterator[Any]:
    for env in (QA, PROD):
        for where, app in _mutants(APP, "app"):
            yield pytest.param(app, env, id=f"{env.name}:{where}")
        for where, mutant in _mutants(env, "environment"):
            yield pytest.param(APP, mutant, id=f"{env.name}:{where}")


def test_the_base_specs_synthesize() -> None:
    for env in (QA, PROD):
        DjangoChart(App(), env.name, django_app=APP, environment=env)


@pytest.mark.parametrize(("django_app", "environment"), list(_cases()))
def test_a_trailing_whitespace_character_is_refused(django_app: DjangoApp, environment: Environment) -> None:
    with pytest.raises(ConfigError):
        DjangoChart(App(), "qa" if environment.name.startswith("qa") else "production", django_app=django_app, environment=environment)

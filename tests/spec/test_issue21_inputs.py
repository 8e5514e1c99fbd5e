"""Issue 21 §6: inputs that passed silently, each now refused with its exact message."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cdk8s import App

import main
from cdk8s_django import ConfigError, DjangoChart, Environment

QA = main.environments[0]


def _error(build) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as raised:
        build()
    return str(raised.value)


def _chart(environment: Environment, app: App | None = None, django_app=main.shop) -> DjangoChart:  # type: ignore[no-untyped-def]
    return DjangoChart(app or App(), environment.name, django_app=django_app, environment=environment)


def test_a_staging_environment_named_production_is_refused() -> None:
    assert _error(lambda: _chart(Environment.staging("production"))) == (
        "production: invalid environment.name='production': expected a staging name other than production's (it would get"
        " production's namespace without its checks). Fix: use Environment.production(...) for production, or another name"
        " for staging")


def test_a_host_twice_in_one_environment_is_refused() -> None:
    twice = replace(QA, hosts=("qa.staging.shop.example.com", "qa.staging.shop.example.com"))
    assert _error(lambda: _chart(twice)) == (
        "qa: invalid environment.hosts=('qa.staging.shop.example.com', 'qa.staging.shop.example.com'): expected each host"
        " once ('qa.staging.shop.example.com' twice would give duplicate Ingress rules, DNS records and CSRF origins)."
        " Fix: drop the second 'qa.staging.shop.example.com'")


def test_a_host_of_another_environment_of_the_app_is_refused_and_forgotten_with_its_chart() -> None:
    app = App()
    _chart(QA, app)
    assert _error(lambda: _chart(replace(QA, name="qa2"), app)) == (
        "qa2: invalid environment.hosts=('qa.staging.shop.example.com',): expected hosts of this environment's own"
        " (environment 'qa' already serves 'qa.staging.shop.example.com' on ALB group 'shop-staging': two rules of one load balancer, one name). Fix: drop"
        " 'qa.staging.shop.example.com' from one of the two environments")
    _chart(replace(QA, name="qa3", hosts=("qa3.staging.shop.example.com",)), app)  # the failed chart left nothing behind


def test_an_idn_host_is_refused_with_its_punycode() -> None:
    idn = replace(QA, hosts=("bücher.staging.shop.example.com",))
    assert _error(lambda: _chart(idn)) == (
        "qa/Web: invalid environment.hosts='bücher.staging.shop.example.com': expected an ASCII host name: an"
        " internationalised (IDN) name in its punycode form. Fix: use 'xn--bcher-kva.staging.shop.example.com'")


def test_a_config_map_over_1_mib_is_refused_before_anything_is_written() -> None:
    big = replace(main.shop, config_files={"data.json": "x" * (1024 * 1024)})
    assert _error(lambda: _chart(QA, django_app=big)) == (
        "qa/Config: invalid django_app.config_files='<1048661 bytes>': expected at most 1048576 bytes in all (1 MiB, the API server's limit"
        " for a ConfigMap). Fix: move large content into the image or object storage")

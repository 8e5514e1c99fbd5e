"""Issue 21 §6: an env override of a variable the contract owns is refused, naming the option that sets it
(an env STATIC_URL silently beat static_url=; AWS_REGION could differ from AWS_DEFAULT_REGION)."""

from __future__ import annotations

import pytest
from cdk8s import App

import main
from cdk8s_django import ConfigError, DjangoChart, Environment
from cdk8s_django.model._contract import CONTRACT_ENV, RESERVED_ENV


def test_every_variable_the_library_writes_is_owned() -> None:
    """CONTRACT_ENV covers each ConfigMap key the example's environments get from the library, and nothing else."""
    written: set[str] = set()
    for environment in main.environments:
        chart = DjangoChart(App(), environment.name, django_app=main.shop, environment=environment)
        written |= set(chart.plan.config_env) - set(main.shop.env) - set(environment.env)
    assert written <= set(CONTRACT_ENV)
    assert set(CONTRACT_ENV) - written <= {"DATABASE_SSLROOTCERT", "METRICS_PORT"} | {"MEDIA_BUCKET", "AWS_REGION", "AWS_DEFAULT_REGION"}
    assert not set(CONTRACT_ENV) & RESERVED_ENV


@pytest.mark.parametrize(("key", "message"), [
    ("STATIC_URL", "qa: invalid environment.env='STATIC_URL': expected a variable the contract does not own (it comes from"
                   " environment.static_url). Fix: drop 'STATIC_URL' from environment.env: environment.static_url sets it"),
    ("AWS_REGION", "qa: invalid environment.env='AWS_REGION': expected a variable the contract does not own (it comes from"
                   " environment.aws_region). Fix: drop 'AWS_REGION' from environment.env: environment.aws_region sets it"),
    ("CELERY_BROKER_URL", "qa: invalid environment.env='CELERY_BROKER_URL': expected a variable the contract does not own"
                          " (it comes from environment.broker). Fix: drop 'CELERY_BROKER_URL' from environment.env:"
                          " environment.broker sets it"),
])
def test_an_override_of_a_contract_variable_is_refused(key: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        DjangoChart(App(), "qa", django_app=main.shop, environment=Environment.staging("qa", env={key: "x"}))
    assert str(raised.value) == message

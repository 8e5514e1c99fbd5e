"""No secret value in dist/: which names and values are refused, and the escape for names that only look secret."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cdk8s import App

from cdk8s_django import DjangoApp, DjangoChart, Environment
from cdk8s_django.spec._secrets import looks_like_secret_name

SECRET = ["SECRET_KEY", "DJANGO_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "DB_PASS", "STRIPE_KEY", "secret_key", "API_KEY",
          "GITHUB_TOKEN", "DATABASE_PASSWORD", "SENTRY_DSN", "LICENSE_KEY", "PRIVATE_KEY", "APIKEY", "smtp-password"]
NOT_SECRET = ["PASSWORD_RESET_TIMEOUT", "STRIPE_PUBLISHABLE_KEY", "JWT_PUBLIC_KEY", "AUTH_PASSWORD_VALIDATORS", "CACHE_KEY_PREFIX",
              "SECRET_KEY_FILE", "DEBUG", "ALLOWED_PRIVATE_FLAG", "AWS_S3_SIGNATURE_VERSION", "AUTH_USER_MODEL", "TOKEN_TTL"]


@pytest.mark.parametrize("name", SECRET)
def test_secret_names(name: str) -> None:
    assert looks_like_secret_name(name)


@pytest.mark.parametrize("name", NOT_SECRET)
def test_names_that_only_look_secret(name: str) -> None:
    assert not looks_like_secret_name(name)


APP = DjangoApp(name="shop", image="shop:1.0", settings_module="shop.settings")


def test_not_secret_lets_a_name_through_but_its_value_is_still_scanned() -> None:
    app = replace(APP, env={"MAILCHIMP_LIST_KEY": "list-42"}, not_secret=("MAILCHIMP_LIST_KEY",))
    DjangoChart(App(), "qa", django_app=app, environment=Environment.staging("qa"))
    leaky = replace(app, env={"MAILCHIMP_LIST_KEY": "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"})
    with pytest.raises(ValueError, match=r"invalid django_app.env\['MAILCHIMP_LIST_KEY'\]='<redacted>'"):
        DjangoChart(App(), "qa", django_app=leaky, environment=Environment.staging("qa"))


def test_a_refused_value_never_appears_in_the_message() -> None:
    value = "https://elastic:hunter2hunter2@search.example.com"
    with pytest.raises(ValueError) as error:
        DjangoChart(App(), "qa", django_app=replace(APP, env={"SEARCH": value}), environment=Environment.staging("qa"))
    assert "hunter2" not in str(error.value)


def test_harmless_config_files_pass() -> None:
    ini = "[newrelic]\napp_name = shop\nlicense_key = %(NEW_RELIC_LICENSE_KEY)s\nlog_file = /tmp/newrelic.log\n"
    DjangoChart(App(), "qa", django_app=replace(APP, config_files={"newrelic.ini": ini, "logging.ini": "[loggers]\nkeys = root\n"}),
                environment=Environment.staging("qa"))

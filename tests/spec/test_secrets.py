"""No secret value in dist/: which names and values are refused, and the escape for names that only look secret."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cdk8s import App, Chart
from cdk8s_django import AppRuntime, CronTask, DjangoApp, DjangoChart, Environment, ManagementCronJob
from cdk8s_django.model._secrets import check_values, looks_like_secret_name, name_words

SECRET = ["SECRET_KEY", "DJANGO_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "DB_PASS", "STRIPE_KEY", "secret_key", "API_KEY",
          "GITHUB_TOKEN", "DATABASE_PASSWORD", "SENTRY_DSN", "LICENSE_KEY", "PRIVATE_KEY", "APIKEY", "smtp-password",
          # issue 18: what the review found passing (a public word anywhere, ID last, camelCase, PW)
          "SITE_ADMIN_PASSWORD", "PUB_SUB_CREDENTIALS", "SITE_API_TOKEN", "SECRET_KEY_ID", "stripeKey", "DB_PW",
          "stripeApiKey", "mailgunAPIKey", "PUBLIC_API_KEY", "PRIVATE_KEY_PEM", "AWS_CREDS", "dbPassword", "PGPASSWORD", "Passwd"]
NOT_SECRET = ["PASSWORD_RESET_TIMEOUT", "STRIPE_PUBLISHABLE_KEY", "JWT_PUBLIC_KEY", "AUTH_PASSWORD_VALIDATORS", "CACHE_KEY_PREFIX",
              "SECRET_KEY_FILE", "DEBUG", "ALLOWED_PRIVATE_FLAG", "AWS_S3_SIGNATURE_VERSION", "AUTH_USER_MODEL", "TOKEN_TTL",
              # issue 18: the false positives the wider rule must not bring
              "KEYBOARD_LAYOUT", "PUBLIC_KEY_URL", "AWS_ACCESS_KEY_ID", "RECAPTCHA_SITE_KEY", "OAUTH_TOKEN_URL", "PASSWORD_RESET_DAYS",
              "GOOGLE_CLIENT_ID", "SITE_ID", "SITE_URL", "PUBSUB_TOPIC", "KEY_PREFIX", "passwordResetTimeout", "MONKEY_PATCH"]


@pytest.mark.parametrize("name", SECRET)
def test_secret_names(name: str) -> None:
    assert looks_like_secret_name(name)


@pytest.mark.parametrize("name", NOT_SECRET)
def test_names_that_only_look_secret(name: str) -> None:
    assert not looks_like_secret_name(name)


def test_names_split_at_separators_and_camel_case() -> None:
    assert name_words("stripeApiKey") == ["STRIPE", "API", "KEY"]
    assert name_words("mailgunAPIKey") == ["MAILGUN", "API", "KEY"]
    assert name_words("smtp-password.v2") == ["SMTP", "PASSWORD", "V", "2"]
    assert name_words("PGPASSWORD") == ["PGPASSWORD"]


APP = DjangoApp(name="shop", image="shop:1.0", settings_module="shop.settings")


def test_not_secret_lets_a_name_through_but_its_value_is_still_scanned() -> None:
    app = replace(APP, env={"MAILCHIMP_LIST_KEY": "list-42"}, not_secret=("MAILCHIMP_LIST_KEY",))
    DjangoChart(App(), "qa", django_app=app, environment=Environment.staging("qa"))
    leaky = replace(app, env={"MAILCHIMP_LIST_KEY": "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"})
    with pytest.raises(ValueError, match=r"invalid django_app.env\['MAILCHIMP_LIST_KEY'\]='<redacted>'"):
        DjangoChart(App(), "qa", django_app=leaky, environment=Environment.staging("qa"))


def test_not_secret_waives_the_name_but_not_a_value_the_keyword_detector_flags() -> None:
    """``not_secret=("DB_PASSWORD",)`` used to open the ConfigMap to any value under that name."""
    for value in ("hunter2hunter2", "Zq9", "correct horse battery staple"):
        app = replace(APP, env={"DB_PASSWORD": value}, not_secret=("DB_PASSWORD",))
        with pytest.raises(ValueError, match=r"env\['DB_PASSWORD'\]='<redacted>'.*'Secret Keyword' \(DjangoApp.not_secret") as error:
            DjangoChart(App(), "qa", django_app=app, environment=Environment.staging("qa"))
        assert value not in str(error.value)
    # a name the keyword detector does not know passes with a plain value, as it did
    DjangoChart(App(), "qa", django_app=replace(APP, env={"RECAPTCHA_KEY": "6LcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
                                                not_secret=("RECAPTCHA_KEY",)), environment=Environment.staging("qa"))


def test_not_secret_lists_exact_names() -> None:
    app = replace(APP, env={"DB_PASSWORD_2": "x"}, not_secret=("DB_PASSWORD",))
    with pytest.raises(ValueError, match="the name looks secret"):
        DjangoChart(App(), "qa", django_app=app, environment=Environment.staging("qa"))


LEAKY_COMMANDS = [
    ("sync_mailbox", "--password=hunter2hunter2"), ("import_feeds", "--token", "hunter2hunter2"), ("geocode", "--api-key=abc123"),
    ("geocode", "--apiKey", "abc123"), ("backup", "--db-pw=hunter2"), ("push", "-secret=abc"),
    ("charge", "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"),
    ("index", "--url", "https://elastic:hunter2hunter2@search.example.com"),
]
SAFE_COMMANDS = [
    ("sync_mailbox", "--password=$(MAILBOX_PASSWORD)"), ("sync_mailbox", "--password", "$(MAILBOX_PASSWORD)"),
    ("sync_mailbox", "--password-file", "/run/secrets/mailbox"), ("import_feeds", "--token", "--all"), ("import_feeds", "--no-token"),
    ("send_report", "--weekly"), ("dumpdata", "--output", "/tmp/x.json"), ("rotate", "--keys", ""), ("cleanup", "--token-ttl", "3600"),
]


@pytest.mark.parametrize("command", LEAKY_COMMANDS)
def test_secrets_in_cron_arguments_are_refused_and_redacted(command: tuple[str, ...]) -> None:
    app = replace(APP, cron={"task": CronTask("0 3 * * *", command=command)})
    with pytest.raises(ValueError, match=r"^qa(: invalid django_app.cron\['task'\].command|/Cron-task: invalid command)=\(") as error:
        DjangoChart(App(), "qa", django_app=app, environment=Environment.staging("qa"))
    assert "hunter2" not in str(error.value) and "abc123" not in str(error.value) and "sk_live" not in str(error.value)
    assert "<redacted>" in str(error.value)


@pytest.mark.parametrize("command", LEAKY_COMMANDS)
def test_a_cron_job_built_directly_scans_its_command(command: tuple[str, ...]) -> None:
    runtime = AppRuntime(app="shop", namespace="shop-qa", image="shop:1", settings_module="shop.settings")
    with pytest.raises(ValueError, match=r"^c/Cron: invalid command=\("):
        ManagementCronJob(Chart(App(), "c"), "Cron", runtime=runtime, name="task", schedule="@daily", command=command)


@pytest.mark.parametrize("command", SAFE_COMMANDS)
def test_arguments_read_at_run_time_or_not_secret_pass(command: tuple[str, ...]) -> None:
    check_values("qa", "command", command)


def test_a_refused_value_never_appears_in_the_message() -> None:
    value = "https://elastic:hunter2hunter2@search.example.com"
    with pytest.raises(ValueError) as error:
        DjangoChart(App(), "qa", django_app=replace(APP, env={"SEARCH": value}), environment=Environment.staging("qa"))
    assert "hunter2" not in str(error.value)


def test_harmless_config_files_pass() -> None:
    ini = "[newrelic]\napp_name = shop\nlicense_key = %(NEW_RELIC_LICENSE_KEY)s\nlog_file = /tmp/newrelic.log\n"
    DjangoChart(App(), "qa", django_app=replace(APP, config_files={"newrelic.ini": ini, "logging.ini": "[loggers]\nkeys = root\n"}),
                environment=Environment.staging("qa"))

"""The app-side contract: the env vars every app pod receives, computed per environment.

Same names everywhere; only values differ (TLS mode, URL scheme, hosts).
The README's "App contract" table documents each one.

``DATABASE_URL`` is assembled by the kubelet (``$(VAR)`` expansion), which copies values as
they are: a password with ``/``, ``?``, ``#`` or ``%`` would break the URL. When External
Secrets makes the database Secret (``AwsSecret``, ``GeneratedPassword``), it also writes the
password percent-encoded under ``url_encoded_key(key)``, and the URL reads that one
(``DATABASE_PASSWORD_URLENCODED``). A Secret of the user's own has no such key: its
password goes into the URL raw and must be URL-safe (the README's contract table says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .defaults import DEFAULT_CONFIG_MOUNT_PATH
from .options import SecretKeyRef, StoreRole

if TYPE_CHECKING:
    from .django_app import DjangoApp
    from .environment import Environment
    from .plan import StorePlan

__all__ = [
    "BROKER_PASSWORD", "CONTRACT_ENV", "DATABASE_PASSWORD", "DATABASE_PASSWORD_URLENCODED", "NEW_RELIC_COMMAND_PREFIX",
    "NEW_RELIC_INI_FILE", "RESERVED_ENV", "URL_ENCODED_KEY_SUFFIX", "WEB_COMPONENT", "config_env", "pod_env", "secret_env",
    "url_encoded_key",
]

WEB_COMPONENT = "web"
NEW_RELIC_COMMAND_PREFIX = ("newrelic-admin", "run-program")
NEW_RELIC_INI_FILE = "newrelic.ini"
DATABASE_PASSWORD = "DATABASE_PASSWORD"
DATABASE_PASSWORD_URLENCODED = "DATABASE_PASSWORD_URLENCODED"
# A broker's password, URL-encoded when ESO writes its Secret: CELERY_BROKER_URL refers to it (RabbitMQ).
BROKER_PASSWORD = "CELERY_BROKER_PASSWORD"
# The Secret key ESO writes the password to, percent-encoded: `password` -> `password-urlencoded`.
URL_ENCODED_KEY_SUFFIX = "-urlencoded"
# Set by the library on every app container; overriding them through env would be silently ignored.
RESERVED_ENV = frozenset({
    "ALLOWED_HOSTS", "DATABASE_URL", DATABASE_PASSWORD, DATABASE_PASSWORD_URLENCODED, "POD_IP", "DJANGO_SETTINGS_MODULE",
    "NEW_RELIC_LICENSE_KEY", BROKER_PASSWORD,
})


# The variables config_env writes, each with the option that sets it: an override in env would contradict the option
# (an env STATIC_URL beside static_url=, an AWS_REGION beside AWS_DEFAULT_REGION), so it is refused, naming the option.
CONTRACT_ENV: dict[str, str] = {
    "DJANGO_ENVIRONMENT": "the environment's name", "DATABASE_HOST": "environment.postgres",
    "DATABASE_PORT": "environment.postgres (Managed(host, port=...))", "DATABASE_NAME": "the app's name",
    "DATABASE_USER": "the app's name", "DATABASE_SSLMODE": "environment.postgres (Managed(host, tls=...))",
    "DATABASE_SSLROOTCERT": "environment.postgres (Managed(host, ca_bundle=...))", "CACHE_URL": "environment.cache",
    "CELERY_BROKER_URL": "environment.broker", "CSRF_TRUSTED_ORIGINS": "environment.hosts",
    "SECURE_PROXY_SSL_HEADER": "the load balancer's X-Forwarded-Proto (read another header in the app's settings)",
    "STATIC_URL": "environment.static_url", "MEDIA_BUCKET": "environment.media_bucket",
    "AWS_REGION": "environment.aws_region", "AWS_DEFAULT_REGION": "environment.aws_region",
    "NEW_RELIC_CONFIG_FILE": "django_app.newrelic", "NEW_RELIC_ENVIRONMENT": "django_app.newrelic",
    "METRICS_PORT": "django_app.web_metrics_port or Worker.metrics_port",
}


def url_encoded_key(key: str) -> str:
    """The Secret key that holds ``key``'s value percent-encoded for a URL (written by ESO's template)."""
    return f"{key}{URL_ENCODED_KEY_SUFFIX}"


_URL_ROLES = (("CACHE_URL", StoreRole.CACHE), ("CELERY_BROKER_URL", StoreRole.BROKER))


def config_env(
    django_app: DjangoApp, environment: Environment, stores: Mapping[StoreRole, StorePlan], aws_region: str | None = None,
) -> dict[str, str]:
    """Values for the ConfigMap ``<app>-env``: no secrets, safe to commit."""
    app = django_app.name
    postgres = stores[StoreRole.POSTGRES]
    tls = postgres.tls
    env: dict[str, str] = {
        "DJANGO_ENVIRONMENT": environment.name,
        "DATABASE_HOST": f"{app}-{postgres.component}",
        "DATABASE_PORT": str(postgres.port),
        "DATABASE_NAME": app,
        "DATABASE_USER": app,
        "DATABASE_SSLMODE": "verify-ca" if tls else "disable",
        **{name: url for name, url in ((name, stores[role].kind.url(app, stores[role])) for name, role in _URL_ROLES if role in stores)
           if url},
        "CSRF_TRUSTED_ORIGINS": ",".join(f"https://{host}" for host in environment.hosts),
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "STATIC_URL": environment.static_url,
    }
    if tls and postgres.managed is not None:
        env["DATABASE_SSLROOTCERT"] = postgres.managed.ca_bundle
    if django_app.newrelic:
        env["NEW_RELIC_CONFIG_FILE"] = f"{DEFAULT_CONFIG_MOUNT_PATH}/{NEW_RELIC_INI_FILE}"
        env["NEW_RELIC_ENVIRONMENT"] = environment.name
    if environment.media_bucket:
        env["MEDIA_BUCKET"] = environment.media_bucket
    if aws_region:
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = aws_region
    env.update(django_app.env)
    env.update(environment.env)
    return env


def secret_env(
    django_app: DjangoApp, password: SecretKeyRef, *, url_encoded: bool, stores: Mapping[StoreRole, StorePlan] | None = None,
) -> dict[str, SecretKeyRef]:
    """Env vars read from one Secret key each. ``url_encoded``: ESO makes the database Secret, so it
    also holds the password percent-encoded (``DATABASE_PASSWORD_URLENCODED``, for ``DATABASE_URL``)."""
    env = {DATABASE_PASSWORD: password}
    if url_encoded:
        env[DATABASE_PASSWORD_URLENCODED] = SecretKeyRef(password.name, url_encoded_key(password.key))
    if django_app.newrelic:
        env["NEW_RELIC_LICENSE_KEY"] = django_app.newrelic.license_key
    for store in (stores or {}).values():
        env.update(store.kind.secret_env(django_app.name, store))
    return env


def pod_env(
    django_app: DjangoApp, environment: Environment, namespace: str, postgres: StorePlan, *, url_encoded: bool = False,
    stores: Mapping[StoreRole, StorePlan] | None = None,
) -> dict[str, str]:
    """Values set on each container: they refer to other variables, which a ConfigMap cannot.

    ``url_encoded``: as for ``secret_env``; without it the raw password goes into ``DATABASE_URL``.
    Default False (a Secret of the user's own)."""
    web = f"{django_app.name}-{WEB_COMPONENT}"
    allowed = [*environment.hosts, web, f"{web}.{namespace}.svc", "localhost", "$(POD_IP)"]
    password = DATABASE_PASSWORD_URLENCODED if url_encoded else DATABASE_PASSWORD
    url = (
        f"postgres://$(DATABASE_USER):$({password})@$(DATABASE_HOST):$(DATABASE_PORT)"
        "/$(DATABASE_NAME)?sslmode=$(DATABASE_SSLMODE)"
    )
    if postgres.tls:
        url += "&sslrootcert=$(DATABASE_SSLROOTCERT)"
    env = {"ALLOWED_HOSTS": ",".join(allowed), "DATABASE_URL": url}
    for store in (stores or {}).values():
        env.update(store.kind.pod_env(django_app.name, store))
    return env

"""The app-side contract: the env vars every app pod receives, computed per environment.

Same names everywhere; only values differ (TLS mode, URL scheme, hosts).
The README's "App contract" table documents each one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..components.postgres_stateful_set import POSTGRES_COMPONENT, POSTGRES_PORT
from ..components.redis_stateful_set import REDIS_PORT, RedisRole
from ..k8s.runtime import DEFAULT_CONFIG_MOUNT_PATH

if TYPE_CHECKING:
    from .django_app import DjangoApp
    from .environment import Environment

__all__ = ["RESERVED_ENV", "config_env", "pod_env", "store_port"]

WEB_SERVICE_SUFFIX = "web"


def store_port(store: object, default: int) -> int:
    port = getattr(store, "port", None)
    return port if isinstance(port, int) else default


def _redis_url(app: str, role: RedisRole, store: object) -> str:
    from .environment import Managed

    host = f"{app}-{role.value}"
    port = store_port(store, REDIS_PORT)
    if isinstance(store, Managed) and store.tls:
        # Chain verified; the name dialled is the in-cluster alias, so no hostname check.
        return f"rediss://{host}:{port}/0?ssl_cert_reqs=required&ssl_check_hostname=false"
    return f"redis://{host}:{port}/0"


def config_env(django_app: DjangoApp, environment: Environment, namespace: str) -> dict[str, str]:
    """Values for the ConfigMap ``<app>-env``: no secrets, safe to commit."""
    from .environment import Managed

    app = django_app.name
    pg = environment.postgres
    managed_pg = isinstance(pg, Managed)
    env: dict[str, str] = {
        "DJANGO_ENVIRONMENT": environment.name,
        "DATABASE_HOST": f"{app}-{POSTGRES_COMPONENT}",
        "DATABASE_PORT": str(store_port(pg, POSTGRES_PORT)),
        "DATABASE_NAME": app,
        "DATABASE_USER": app,
        "DATABASE_SSLMODE": "verify-ca" if managed_pg and pg.tls else "disable",  # type: ignore[union-attr]
        "CACHE_URL": _redis_url(app, RedisRole.CACHE, environment.cache),
        "CELERY_BROKER_URL": _redis_url(app, RedisRole.BROKER, environment.broker),
        "CSRF_TRUSTED_ORIGINS": ",".join(f"https://{host}" for host in environment.hosts),
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "STATIC_URL": environment.static_url,
    }
    if managed_pg and pg.tls:  # type: ignore[union-attr]
        env["DATABASE_SSLROOTCERT"] = pg.ca_bundle  # type: ignore[union-attr]
    if django_app.newrelic:
        from ..components.monitoring import NEW_RELIC_INI_FILE

        env["NEW_RELIC_CONFIG_FILE"] = f"{DEFAULT_CONFIG_MOUNT_PATH}/{NEW_RELIC_INI_FILE}"
        env["NEW_RELIC_ENVIRONMENT"] = environment.name
    if environment.monitoring:
        env["METRICS_PORT"] = str(django_app.web_metrics_port)
    if environment.media_bucket:
        env["MEDIA_BUCKET"] = environment.media_bucket
    env.update(django_app.env)
    env.update(environment.env)
    return env


def pod_env(django_app: DjangoApp, environment: Environment, namespace: str) -> dict[str, str]:
    """Values set on each container: they refer to other variables, which a ConfigMap cannot."""
    from .environment import Managed

    web = f"{django_app.name}-{WEB_SERVICE_SUFFIX}"
    allowed = [*environment.hosts, web, f"{web}.{namespace}.svc", "localhost", "$(POD_IP)"]
    url = (
        "postgres://$(DATABASE_USER):$(DATABASE_PASSWORD)@$(DATABASE_HOST):$(DATABASE_PORT)"
        "/$(DATABASE_NAME)?sslmode=$(DATABASE_SSLMODE)"
    )
    if isinstance(environment.postgres, Managed) and environment.postgres.tls:
        url += "&sslrootcert=$(DATABASE_SSLROOTCERT)"
    return {"ALLOWED_HOSTS": ",".join(allowed), "DATABASE_URL": url}


# Set by the library on every app container; overriding them through env would be silently ignored.
RESERVED_ENV = frozenset({
    "ALLOWED_HOSTS", "DATABASE_URL", "DATABASE_PASSWORD", "POD_IP", "DJANGO_SETTINGS_MODULE", "NEW_RELIC_LICENSE_KEY",
})

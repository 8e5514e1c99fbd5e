"""Settings for every process of the image (web, workers, beat, shell, jobs).

Everything that differs between environments comes from the environment variables of
the library's app contract (the root README, "App contract"); nothing here names an
environment. A variable every pod receives is required: a missing one stops the
process at start-up with its name, instead of a confusing error on first use.
"""

import os
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # the app folder, the image's WORKDIR


def env(name: str, default: str | None = None) -> str:
    """A contract variable, or its default; without either, refuse to start."""
    value = os.environ.get(name) or default
    if not value:
        raise ImproperlyConfigured(f"{name} is not set: see the App contract in the cdk8s-django README")
    return value


def csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")  # from the Secret shop-django
DEBUG = False
ENVIRONMENT = os.environ.get("DJANGO_ENVIRONMENT", "")  # only tags the logs

# The public hosts, the Service names, localhost (the probes' Host header) and the pod IP.
ALLOWED_HOSTS = csv(env("ALLOWED_HOSTS"))
CSRF_TRUSTED_ORIGINS = csv(os.environ.get("CSRF_TRUSTED_ORIGINS", ""))
# TLS ends at the load balancer, which says so in X-Forwarded-Proto.
_proxy_header = tuple(csv(os.environ.get("SECURE_PROXY_SSL_HEADER", "")))
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured(f"SECURE_PROXY_SSL_HEADER must be 'HEADER,value', not {_proxy_header!r}")
SECURE_PROXY_SSL_HEADER = _proxy_header or None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True  # browsers only ever see https
# The load balancer redirects http to https; the probes speak plain http to the pod.
SILENCED_SYSTEM_CHECKS = ["security.W008"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shop",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from the image, right after security
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

# The separate DATABASE_* variables rather than DATABASE_URL: any password works, encoded or not.
_sslrootcert = os.environ.get("DATABASE_SSLROOTCERT")  # production: the RDS CA bundle in the image
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql",  # psycopg 3
    "HOST": env("DATABASE_HOST"),
    "PORT": env("DATABASE_PORT", "5432"),
    "NAME": env("DATABASE_NAME"),
    "USER": env("DATABASE_USER"),
    "PASSWORD": env("DATABASE_PASSWORD"),
    "OPTIONS": {"sslmode": env("DATABASE_SSLMODE"), **({"sslrootcert": _sslrootcert} if _sslrootcert else {})},
    "CONN_MAX_AGE": 60,  # one connection per gunicorn thread / Celery process, as the connection budget counts
    "CONN_HEALTH_CHECKS": True,
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"



def cache(url: str) -> dict[str, object]:
    """CACHE_URL, of either kind the library runs. Redis: rediss:// with ssl_cert_reqs and ssl_check_hostname in
    the query in production, which redis-py reads. Memcached: pymemcache://host:port, ?tls=true for an endpoint
    with TLS (the chain verified; the name dialled is the in-cluster alias, so no hostname check)."""
    parts = urlsplit(url)
    if parts.scheme == "pymemcache":
        options: dict[str, object] = {}
        if "tls=true" in parts.query:
            context = ssl.create_default_context()
            context.check_hostname = False
            options["tls_context"] = context
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": parts.netloc, "OPTIONS": options}
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


CACHES = {"default": cache(env("CACHE_URL"))}

STATIC_URL = env("STATIC_URL", "/static/")  # production: the CDN, whose origin is this app's /static/
STATIC_ROOT = BASE_DIR / "staticfiles"  # filled by collectstatic when the image is built
STORAGES = {
    # Media belongs in S3 (django-storages' S3Storage), never on a pod's disk; this app stores none.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = os.environ.get("MEDIA_BUCKET")  # for django-storages, once the app has media

# Prometheus metrics port: web's (gunicorn.conf.py) or a worker's (shop/celery.py), in each container's own env.
METRICS_PORT = int(os.environ["METRICS_PORT"]) if os.environ.get("METRICS_PORT") else None

USE_TZ = True
TIME_ZONE = "UTC"

# Celery (shop/celery.py reads every CELERY_* name). The first four: a killed worker loses no task.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}  # Redis: longer than the 300 s time limit
if CELERY_BROKER_URL.startswith("amqps://"):  # Amazon MQ through the alias: the chain verified, not the name dialled
    CELERY_BROKER_USE_SSL = {"cert_reqs": ssl.CERT_REQUIRED}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"shop.tasks.send_order_confirmation": {"queue": "emails"}}
CELERY_BEAT_SCHEDULE = {
    "record-beat-run": {"task": "shop.tasks.record_beat_run", "schedule": 60.0, "options": {"queue": "default"}},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": f"%(asctime)s %(levelname)s [{ENVIRONMENT}] %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
    # Scanners send any Host header: the 400 is in the access log, no traceback needed.
    "loggers": {"django.security.DisallowedHost": {"level": "CRITICAL"}},
}

"""What runs: the app's image, settings, workers, cron commands and configuration.

``DjangoApp`` is the same in every environment; ``Environment`` says where it
runs. Moving an app from staging to production changes only the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .defaults import (
    DEFAULT_APP_UID,
    DEFAULT_CONCURRENCY,
    DEFAULT_GUNICORN_THREADS,
    DEFAULT_GUNICORN_WORKERS,
    DEFAULT_HEALTH_CHECK_PATH,
    DEFAULT_METRICS_PATH,
    DEFAULT_QUEUES,
    DEFAULT_TASK_TIME_LIMIT,
    DEFAULT_TIME_ZONE,
    DEFAULT_WEB_METRICS_PORT,
    DEFAULT_WEB_PORT,
    DEFAULT_WORKER_NAME,
)
from .options import UNSET, Autoscaling, BeatScheduler, NewRelic, QueueAutoscaling, Unset

__all__ = ["CronTask", "DjangoApp", "Worker"]


@dataclass(frozen=True)
class Worker:
    """One Celery worker Deployment and the queues it consumes.

    Attributes:
        name: component name; the Deployment is ``<app>-<name>``. Default ``worker``.
        queues: queue names. Default ``("celery",)``.
        concurrency: processes per pod. Default 4.
        task_time_limit: hard task time limit in seconds. Default 300.
        autoscaling: this worker's autoscaling, overriding the environment's; None for none (fixed replicas).
            Default UNSET (the environment's).
        metrics_port: a port where the worker serves Prometheus metrics (scraped by a PodMonitor
            when the environment enables monitoring). Default None: no metrics port.
    """

    name: str = DEFAULT_WORKER_NAME
    queues: tuple[str, ...] = DEFAULT_QUEUES
    concurrency: int = DEFAULT_CONCURRENCY
    task_time_limit: int = DEFAULT_TASK_TIME_LIMIT
    autoscaling: Autoscaling | QueueAutoscaling | None | Unset = UNSET
    metrics_port: int | None = None


@dataclass(frozen=True)
class CronTask:
    """A management command on a schedule.

    Attributes:
        schedule: five-field cron schedule.
        command: the management command and its arguments, without ``python manage.py`` (the job runs
            ``python -m django``); no secret among them (``--password=$(SMTP_PASSWORD)`` reads one from the
            env at run time). Default None: the task's name in ``DjangoApp.cron``.
        time_zone: IANA time zone of the schedule. Default ``Etc/UTC``.
    """

    schedule: str
    command: tuple[str, ...] | None = None
    time_zone: str = DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class DjangoApp:
    """A Django app, independent of where it runs.

    Attributes:
        name: the app's name, prefix of every object name (DNS label, at most 30 characters).
        image: the one image for web, workers, beat, shell and jobs (tag or ``@sha256:`` digest).
        settings_module: ``DJANGO_SETTINGS_MODULE``, e.g. ``shop.settings``.
        workers: Celery worker Deployments. Default: one ``worker`` on queue ``celery``.
        beat: run Celery beat. Default True.
        beat_scheduler: ``BeatScheduler.FILE`` or ``DATABASE``. Default FILE.
        cron: management commands on a schedule: ``{"clearsessions": "0 3 * * *"}`` or
            ``{"report": CronTask("0 6 * * 1", command=("send_report", "--weekly"))}``. A key is the CronJob's
            name with ``_`` as ``-`` (``rebuild_search_index`` runs as ``<app>-rebuild-search-index``) and, without
            ``command``, the command as written. Default none.
        secrets: names of Secrets whose keys become env vars in every app pod. Default none.
        env: env vars for every app pod, in the ConfigMap ``<app>-env``. Default none.
        config_files: whole files (name to content) mounted at ``/etc/django/<name>``; ``newrelic.ini``
            is the library's when ``newrelic`` is set. Default none.
        wsgi_application: gunicorn's target. Default None: ``<top package>.wsgi:application``.
        celery_app: Celery's ``-A``. Default None: the settings module's top package.
        health_check_path: path the probes and the load balancer check. Default ``/healthz/``.
        web_port: gunicorn's port. Default 8000.
        gunicorn_workers: gunicorn processes per web pod. Default 2.
        gunicorn_threads: threads per gunicorn process. Default 4.
        celery_heartbeat: the app touches heartbeat files (README, "Celery heartbeat"), so
            workers and beat get a liveness probe that does not depend on the broker. Default False.
        newrelic: run every process under the New Relic agent. Default None: no agent.
        run_as_user: the UID every app process runs as (never root). Default 10001.
        metrics_path: the web's Prometheus metrics path. Default ``/metrics``.
        web_metrics_port: where the web serves metrics when the environment enables monitoring
            (exported as ``METRICS_PORT``; e.g. django-prometheus's export port), never the
            Ingress's port. Default 9100.
        not_secret: env var names (and config-file keys) that look secret but are not, such as
            ``MAILCHIMP_LIST_KEY``. It waives the name rule only, for exactly the names listed: the
            value is still scanned, by detect-secrets' format detectors and its keyword detector (as
            ``NAME = "value"``), so ``not_secret=("DB_PASSWORD",)`` lets no password through
            (``DB_PASSWORD="hunter2"`` is still refused). It waives nothing in command arguments. Default
            none. No secret value may appear in ``env``, ``config_files`` or cron commands (``dist/`` is
            committed): the rules are in ``cdk8s_django.model._secrets``.
    """

    name: str
    image: str
    settings_module: str
    workers: tuple[Worker, ...] = (Worker(),)
    beat: bool = True
    beat_scheduler: BeatScheduler = BeatScheduler.FILE
    cron: Mapping[str, str | CronTask] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    config_files: Mapping[str, str] = field(default_factory=dict)
    wsgi_application: str | None = None
    celery_app: str | None = None
    health_check_path: str = DEFAULT_HEALTH_CHECK_PATH
    web_port: int = DEFAULT_WEB_PORT
    gunicorn_workers: int = DEFAULT_GUNICORN_WORKERS
    gunicorn_threads: int = DEFAULT_GUNICORN_THREADS
    celery_heartbeat: bool = False
    newrelic: NewRelic | None = None
    run_as_user: int = DEFAULT_APP_UID
    metrics_path: str = DEFAULT_METRICS_PATH
    web_metrics_port: int = DEFAULT_WEB_METRICS_PORT
    not_secret: tuple[str, ...] = ()

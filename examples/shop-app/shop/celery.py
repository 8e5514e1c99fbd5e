"""The Celery app (`celery -A shop ...`), configured from the CELERY_* Django settings.

Also the heartbeat files the worker and beat probes read (the root README, "Celery
heartbeat"): the probes look at a file's age and never ask the broker, so a short
broker blip restarts no worker.
"""

import os
import threading
import time
from pathlib import Path

from celery import Celery, bootsteps
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

WORKER_HEARTBEAT = Path("/tmp/celery-worker-heartbeat")
BEAT_HEARTBEAT = Path("/tmp/celery-beat-heartbeat")
HEARTBEAT_SECONDS = 30  # the probes want a file younger than 120 s


class Heartbeat(bootsteps.StartStopStep):
    """Touches WORKER_HEARTBEAT at start, then every 30 s from the worker's own timer: the file
    stays fresh while the worker's event loop runs. That loop also pauses while the worker
    reconnects to the broker, so an outage of more than 120 s does age the file."""

    requires = ("celery.worker.components:Timer",)

    def start(self, worker):
        WORKER_HEARTBEAT.touch()
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_SECONDS, WORKER_HEARTBEAT.touch)

    def stop(self, worker):
        if getattr(self, "tref", None):
            self.tref.cancel()


app.steps["worker"].add(Heartbeat)


@beat_init.connect
def start_beat_heartbeat(sender, **kwargs):
    """Beat has no bootsteps: a daemon thread touches BEAT_HEARTBEAT while the process lives."""

    def beat():
        while True:
            BEAT_HEARTBEAT.touch()
            time.sleep(HEARTBEAT_SECONDS)

    threading.Thread(target=beat, name="beat-heartbeat", daemon=True).start()


@worker_init.connect
def start_worker_metrics(sender, **kwargs):
    """A worker with Worker.metrics_port gets METRICS_PORT in its own env: Prometheus metrics from the worker's
    main process there (the PodMonitor scrapes that port)."""
    from django.conf import settings

    if settings.METRICS_PORT:
        from prometheus_client import start_http_server

        start_http_server(settings.METRICS_PORT)

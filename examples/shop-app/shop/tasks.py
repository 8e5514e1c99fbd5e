"""The tasks. Each is idempotent: with late acks a task cut short runs again."""

import logging
import time

from celery import shared_task
from django.utils import timezone

from .models import Order, TaskRun

logger = logging.getLogger(__name__)


def _record(task, **fields):
    """Write this run's TaskRun row (created on the first call, updated after)."""
    request = task.request
    TaskRun.objects.update_or_create(task_id=request.id, defaults={
        "name": task.name,
        "hostname": request.hostname or "",
        "queue": (request.delivery_info or {}).get("routing_key") or "",
        **fields,
    })


@shared_task(bind=True)  # routed to the queue "emails" by CELERY_TASK_ROUTES
def send_order_confirmation(self, order_id):
    """Confirm the order once; a second delivery finds it confirmed and sends nothing."""
    _record(self, started_at=timezone.now())
    if Order.objects.filter(pk=order_id, confirmed_at__isnull=True).update(confirmed_at=timezone.now()):
        logger.info("order %s confirmed; a real shop sends the e-mail here", order_id)
    _record(self, finished_at=timezone.now())


@shared_task(bind=True)
def record_beat_run(self):
    """Beat's periodic task (CELERY_BEAT_SCHEDULE): leaves a row per run, on the default queue."""
    now = timezone.now()
    _record(self, started_at=now, finished_at=now)


@shared_task(bind=True)
def slow_task(self, seconds):
    """Sleeps, for shutdown tests: after a SIGTERM a warm shutdown still sets finished_at."""
    _record(self, started_at=timezone.now(), finished_at=None)
    time.sleep(float(seconds))
    _record(self, finished_at=timezone.now())

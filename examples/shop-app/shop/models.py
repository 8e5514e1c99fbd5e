"""Orders, and a trace of task runs that the tasks write so that a test can read from the
database that a task ran, where (worker and queue), and whether it finished."""

from django.db import models


class Order(models.Model):
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)  # set by send_order_confirmation


class TaskRun(models.Model):
    """One row per Celery task id: a task delivered again (late acks) updates its row."""

    task_id = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    hostname = models.CharField(max_length=255, blank=True)  # the worker's --hostname, e.g. worker@<pod>
    queue = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)  # empty while running, or if cut short

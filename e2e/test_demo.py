"""make e2e for dist/demo/: every step of steps.py, in order, on the other stack teams run: RabbitMQ as the
broker, Memcached as the cache, nginx in the web pod for static files, KEDA-scaled workers."""

from .steps import *  # the steps, collected here for this environment

ENVIRONMENT = "demo"

"""make e2e for production on the other stack: main.py's production with Amazon MQ for RabbitMQ as the broker and
ElastiCache for Memcached as the cache (variants.py), both TLS through their ExternalName aliases, every step of
steps.py in order."""

from .steps import *  # the steps, collected here for this environment

ENVIRONMENT = "production"
VARIANT = "amazon-mq"

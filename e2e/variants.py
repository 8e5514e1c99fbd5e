"""Environments make e2e runs that ``dist/`` does not hold, synthesized from ``main.py``'s own when the run starts:
production on the other stack teams run, Amazon MQ for RabbitMQ as the broker and ElastiCache for Memcached (TLS)
as the cache, each behind its ExternalName alias. The rest of the environment is production's, unchanged."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from . import manifests

ROOT = Path(__file__).resolve().parent.parent
AMAZON_MQ = "b-7f3c9e1a-0d2b-4c55.mq.eu-west-1.amazonaws.com"
MEMCACHED = "shop-mc.abc123.cfg.euw1.cache.amazonaws.com"
# Amazon MQ's password comes from AWS Secrets Manager, as production's other secrets do (secrets.AWS_SECRETS).
SECRETS: dict[str, dict[str, dict[str, str]]] = {}


def load(variant: str, state: Path) -> manifests.Environment:
    """The variant's manifests, written to the run's own folder (never ``dist/``)."""
    assert variant == "amazon-mq", f"no such variant: {variant}"
    sys.path.insert(0, str(ROOT))
    from cdk8s_django import App, DjangoChart, SecretKeyRef
    from cdk8s_django.stores import Memcached, RabbitMQ

    import main  # the example app: its app and production environment as committed

    production = next(e for e in main.environments if e.name == "production")
    environment = replace(production, broker=RabbitMQ(host=AMAZON_MQ, vhost="shop", password=SecretKeyRef("shop-broker", "password")),
                          cache=Memcached(host=MEMCACHED, tls=True))
    out = state / f"variant-{variant}"
    app = App(outdir=str(out))
    DjangoChart(app, "production", django_app=main.shop, environment=environment)
    app.synth()
    return manifests.Environment.load(out / "production")

"""Prometheus Operator scrape configs and the New Relic agent wrapper."""

from __future__ import annotations

from dataclasses import dataclass

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime, SecretKeyRef

__all__ = ["NEW_RELIC_COMMAND_PREFIX", "NEW_RELIC_INI_FILE", "Monitoring", "NewRelic"]

NEW_RELIC_COMMAND_PREFIX = ("newrelic-admin", "run-program")
NEW_RELIC_INI_FILE = "newrelic.ini"
PROMETHEUS_API = "monitoring.coreos.com/v1"


@dataclass(frozen=True)
class NewRelic:
    """Run every app process under ``newrelic-admin run-program``.

    Attributes:
        license_key: the Secret key holding the licence key (never a value).
        ini: the ``newrelic.ini`` content, mounted from the files ConfigMap.
    """

    license_key: SecretKeyRef
    ini: str


class Monitoring(DjangoConstruct):
    """A ServiceMonitor for the web Service and a PodMonitor per worker with a metrics port.

    Args:
        runtime: the app runtime (names, labels, namespace).
        web_path: the web's metrics path, scraped on the Service's ``metrics`` port. Default ``/metrics``.
        worker_components: worker component names whose pods expose a ``metrics`` port. Default none.
        interval: scrape interval. Default ``30s``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        web_path: str = "/metrics",
        worker_components: tuple[str, ...] = (),
        interval: str = "30s",
    ) -> None:
        super().__init__(scope, id)
        self.service_monitor: ApiObject = emit(self, "Web", {
            "apiVersion": PROMETHEUS_API,
            "kind": "ServiceMonitor",
            "metadata": runtime.metadata("web"),
            "spec": {
                "selector": {"matchLabels": runtime.selector("web")},
                "namespaceSelector": {"matchNames": [runtime.namespace]},
                "endpoints": [{"port": "metrics", "path": web_path, "interval": interval}],
            },
        })
        self.pod_monitors: list[ApiObject] = [
            emit(self, f"Worker-{component}", {
                "apiVersion": PROMETHEUS_API,
                "kind": "PodMonitor",
                "metadata": runtime.metadata(component),
                "spec": {
                    "selector": {"matchLabels": runtime.selector(component)},
                    "namespaceSelector": {"matchNames": [runtime.namespace]},
                    "podMetricsEndpoints": [{"port": "metrics", "path": "/metrics", "interval": interval}],
                },
            })
            for component in worker_components
        ]

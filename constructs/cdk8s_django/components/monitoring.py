"""``Monitoring``: Prometheus Operator scrape configs (ServiceMonitor, PodMonitors)."""

from __future__ import annotations

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import DEFAULT_METRICS_PATH

__all__ = ["Monitoring"]

PROMETHEUS_API = "monitoring.coreos.com/v1"


class Monitoring(DjangoConstruct):
    """A ServiceMonitor for the web Service and a PodMonitor per worker with a metrics port.

    Args:
        runtime: the app runtime (names, labels, namespace).
        web_path: the web's metrics path, scraped on the Service's ``metrics`` port. Default ``/metrics``.
        worker_components: worker component names whose pods expose a ``metrics`` port. Default none.
        interval: scrape interval. Default ``30s``.
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        web_path: str = DEFAULT_METRICS_PATH,
        worker_components: tuple[str, ...] = (),
        interval: str = "30s",
    ) -> None:
        v.check_url_path(LazyPath(scope, id), "web_path", web_path)
        if len(set(worker_components)) != len(worker_components):
            raise v.ConfigError(LazyPath(scope, id), "worker_components", worker_components, "each worker component once",
                                f"pass worker_components={tuple(dict.fromkeys(worker_components))!r}")
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

"""``DjangoWeb``: gunicorn behind a Service and, optionally, an Ingress (and nginx in the pod, with ``static``)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdk8s import ApiObject

from constructs import Construct

from ..k8s._base import DjangoConstruct, LazyPath, checked_props
from ..k8s._manifest import emit
from ..k8s._scaling import emit_hpa, emit_pdb, runs_two_or_more
from ..k8s.runtime import AppRuntime
from ..model import _validation as v
from ..model.defaults import (
    DEFAULT_GUNICORN_THREADS,
    DEFAULT_GUNICORN_TIMEOUT,
    DEFAULT_GUNICORN_WORKERS,
    DEFAULT_HEALTH_CHECK_PATH,
    DEFAULT_STATIC_URL,
    DEFAULT_WEB_PORT,
    DEFAULT_WEB_REPLICAS,
    DEFAULT_WEB_RESOURCES,
    ROLLOUT_SURGE_PERCENT,
)
from ..model.options import AcmCertificate, Autoscaling, CertManagerIssuer, IngressController, IngressOptions, Resources, StaticServer
from ..workloads._kind import resources_as_typed

if TYPE_CHECKING:
    from ..model.plan import Plan

__all__ = ["DjangoWeb", "WebFront", "from_plan"]

# The props DjangoChart hands web, by the names main.py gives them.
_AS_TYPED = {
    "hosts": "environment.hosts", "ingress": "environment.ingress", "port": "django_app.web_port",
    "health_check_path": "django_app.health_check_path", "replicas": "environment.web_replicas",
    "autoscaling": "environment.web_autoscaling", "wsgi_application": "django_app.wsgi_application",
    "workers": "django_app.gunicorn_workers", "threads": "django_app.gunicorn_threads", "metrics_port": "django_app.web_metrics_port",
    "static": "environment.static", "static_url": "environment.static_url",
}

COMPONENT = "web"
# The Host header probes send; DjangoChart puts it in ALLOWED_HOSTS.
PROBE_HOST = "localhost"
# Endpoints removal reaches load balancers a few seconds after SIGTERM: keep serving meanwhile.
PRE_STOP_PAUSE_SECONDS = 10
GRACEFUL_TIMEOUT_SECONDS = 25
# Python, not `sleep`: the image needs no coreutils (and lifecycle sleep needs Kubernetes 1.30+).
PRE_STOP_COMMAND = ["python", "-c", f"import time; time.sleep({PRE_STOP_PAUSE_SECONDS})"]
# What gunicorn may take to stop: its preStop pause, then its graceful timeout; the grace period adds a margin.
GUNICORN_STOP_SECONDS = PRE_STOP_PAUSE_SECONDS + GRACEFUL_TIMEOUT_SECONDS
GRACE_MARGIN_SECONDS = 10


@dataclass(frozen=True)
class WebFront:
    """What a static server (``StaticServer``'s kind: nginx) adds to the web pod, in front of gunicorn.

    Attributes: ``port`` (its container port: the Service, the Ingress and the probes target it); ``containers``,
    ``init_containers``, ``volumes`` and the template's ``annotations``; ``config`` (the construct id, the name after
    ``<app>-`` and the data of its ConfigMap, or None); ``stop_seconds`` (the longest it takes to stop).
    """

    port: int
    containers: list[dict[str, Any]]
    init_containers: list[dict[str, Any]]
    volumes: list[dict[str, Any]]
    annotations: dict[str, str]
    config: tuple[str, str, dict[str, str]] | None
    stop_seconds: int


def _front(where: LazyPath, runtime: AppRuntime, static: StaticServer, **props: Any) -> WebFront:
    """The static server's own module builds its part of the pod (``StaticServer.front``)."""
    module, function = static.front.split(":")
    front: WebFront = getattr(importlib.import_module(module, __package__), function)(where, runtime, static, **props)
    return front


class DjangoWeb(DjangoConstruct):
    """gunicorn serving the Django app (static files by WhiteNoise from the image, or by nginx with ``static``).

    Emits a Deployment and a ClusterIP Service named ``<app>-web``, and an
    Ingress of the same name when ``ingress`` is given. Probes send
    ``Host: localhost`` so Django's ``ALLOWED_HOSTS`` check passes.

    With ``static`` (``NginxStatic()``) the pod runs that server beside gunicorn (its kind's module, such as
    ``components/nginx_static.py``): the Service, the Ingress's health check and the probes go to its port,
    gunicorn binds ``127.0.0.1`` only, and it stops after gunicorn has drained. nginx's config is the ConfigMap
    ``<app>-web-nginx``.

    Args:
        runtime: the shared app runtime (image, config, secrets).
        hosts: public host names; required with ``ingress``. Default none.
        ingress: Ingress options, or None for no Ingress. Default None.
        port: gunicorn's container port. Default 8000.
        health_check_path: HTTP path for readiness, liveness and startup probes
            and the ALB health check; must answer 200 for ``Host: localhost``. Default ``/healthz/``.
        replicas: pod count when not autoscaled. Default 2.
        autoscaling: a CPU HorizontalPodAutoscaler; the Deployment then has no ``replicas``. Default None: ``replicas`` pods.
        wsgi_application: gunicorn's app. Default ``<settings package>.wsgi:application``.
        workers: gunicorn worker processes per pod. Default 2.
        threads: threads per gunicorn worker. Default 4.
        timeout: gunicorn worker timeout in seconds. Default 30.
        resources: requests and memory limit. Default 250m CPU, 512Mi.
        metrics_port: a second container and Service port (``metrics``) for Prometheus, so
            metrics never share the port the Ingress exposes. Default None: no metrics port.
        static: a server in the pod serving the static files at ``static_url``'s path (``NginxStatic()``). Default None.
        static_url: ``STATIC_URL``, whose path it serves (read only with ``static``). Default ``/static/``.

    Attributes: ``deployment``, ``service``, ``ingress``, ``autoscaler``, ``disruption_budget``, ``static_config``
    (the static server's ConfigMap, or None); ``port`` (gunicorn's) and ``traffic_port`` (what the Service targets:
    the static server's with ``static``, else gunicorn's).
    """

    @checked_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        runtime: AppRuntime,
        hosts: Sequence[str] = (),
        ingress: IngressOptions | None = None,
        port: int = DEFAULT_WEB_PORT,
        health_check_path: str = DEFAULT_HEALTH_CHECK_PATH,
        replicas: int = DEFAULT_WEB_REPLICAS,
        autoscaling: Autoscaling | None = None,
        wsgi_application: str | None = None,
        workers: int = DEFAULT_GUNICORN_WORKERS,
        threads: int = DEFAULT_GUNICORN_THREADS,
        timeout: int = DEFAULT_GUNICORN_TIMEOUT,
        resources: Resources = DEFAULT_WEB_RESOURCES,
        metrics_port: int | None = None,
        static: StaticServer | None = None,
        static_url: str = DEFAULT_STATIC_URL,
    ) -> None:
        where = LazyPath(scope, id)
        _check_props(where, hosts=hosts, ingress=ingress, port=port, health_check_path=health_check_path,
                     replicas=replicas, autoscaling=autoscaling, workers=workers, threads=threads, timeout=timeout,
                     resources=resources, metrics_port=metrics_port, wsgi_application=wsgi_application)
        front = _front(where, runtime, static, static_url=static_url, web_port=port, metrics_port=metrics_port,
                       health_check_path=health_check_path, drain_after=GUNICORN_STOP_SECONDS) if static is not None else None
        super().__init__(scope, id)

        self.runtime = runtime
        self.component = COMPONENT
        self.name = runtime.name(COMPONENT)
        self.port = port
        self.metrics_port = metrics_port
        self.hosts = tuple(hosts)
        self.traffic_port = front.port if front is not None else port
        container = self._container(wsgi_application, workers, threads, timeout, health_check_path, resources, front is not None)
        selector = runtime.selector(COMPONENT)
        spread = [
            {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway",
             "labelSelector": {"matchLabels": selector}, "matchLabelKeys": ["pod-template-hash"]}
            for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
        ]
        spec: dict[str, Any] = {} if autoscaling else {"replicas": replicas}
        self.deployment: ApiObject = emit(self, "Resource", {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": runtime.metadata(COMPONENT),
            "spec": {
                **spec,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": selector},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": f"{ROLLOUT_SURGE_PERCENT}%", "maxUnavailable": 0}},
                "template": runtime.pod_template(
                    COMPONENT, [container, *(front.containers if front else [])],
                    extra_volumes=[{"name": "gunicorn-tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                                   *(front.volumes if front else [])],
                    init_containers=front.init_containers if front else [],
                    termination_grace_period_seconds=_grace_period(front),
                    annotations=front.annotations if front else None,
                    extra_spec={"topologySpreadConstraints": spread},
                ),
            },
        })
        self.static_config: ApiObject | None = emit(self, front.config[0], {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": runtime.metadata(COMPONENT, name=runtime.name(front.config[1])),
            "data": front.config[2],
        }) if front is not None and front.config is not None else None
        self.autoscaler: ApiObject | None = emit_hpa(self, self, autoscaling) if autoscaling else None
        self.disruption_budget: ApiObject | None = emit_pdb(self, self) if runs_two_or_more(replicas, autoscaling) else None
        self.service: ApiObject = emit(self, "Service", {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": runtime.metadata(COMPONENT),
            "spec": {
                "type": "ClusterIP",
                "selector": runtime.selector(COMPONENT),
                "ports": [
                    {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"},
                    *([{"name": "metrics", "port": metrics_port, "targetPort": "metrics", "protocol": "TCP"}] if metrics_port else []),
                ],
            },
        })
        self.ingress: ApiObject | None = None
        if ingress is not None:
            self.ingress = emit(self, "Ingress", self._ingress_manifest(ingress, health_check_path))


    def _container(self, wsgi_application: str | None, workers: int, threads: int, timeout: int,
                   health_check_path: str, resources: Resources, behind_front: bool) -> dict[str, Any]:
        """gunicorn. Behind a static server it binds 127.0.0.1 (only that server reaches it) and its probes go through
        the server's port to the health check path, so a dead gunicorn fails them as a dead server does."""
        runtime, port, metrics_port = self.runtime, self.port, self.metrics_port
        wsgi = wsgi_application if wsgi_application is not None else f"{runtime.package}.wsgi:application"
        probe = {
            "httpGet": {"path": health_check_path, "port": self.traffic_port if behind_front else "http",
                        "httpHeaders": [{"name": "Host", "value": PROBE_HOST}]},
            "timeoutSeconds": 5,
        }
        http = [] if behind_front else [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        container = runtime.container(
            "web",
            [
                "gunicorn", wsgi,
                "--bind", f"{'127.0.0.1' if behind_front else '0.0.0.0'}:{port}",
                "--workers", str(workers),
                "--threads", str(threads),
                "--timeout", str(timeout),
                "--graceful-timeout", str(GRACEFUL_TIMEOUT_SECONDS),
                "--worker-tmp-dir", "/var/run/gunicorn",
                "--forwarded-allow-ips", "*",
                "--access-logfile", "-",
            ],
            resources=resources,
            ports=[
                *http,
                *([{"name": "metrics", "containerPort": metrics_port, "protocol": "TCP"}] if metrics_port else []),
            ],
            probes={
                "startupProbe": {**probe, "periodSeconds": 5, "failureThreshold": 24},
                "readinessProbe": {**probe, "periodSeconds": 10, "failureThreshold": 3},
                "livenessProbe": {**probe, "periodSeconds": 20, "failureThreshold": 3},
            },
            lifecycle={"preStop": {"exec": {"command": PRE_STOP_COMMAND}}},
            extra_mounts=[{"name": "gunicorn-tmp", "mountPath": "/var/run/gunicorn"}],
        )
        return container

    def _ingress_manifest(self, options: IngressOptions, health_check_path: str) -> dict[str, Any]:
        annotations: dict[str, str] = {}
        if options.controller is IngressController.AWS_LOAD_BALANCER:
            annotations.update({
                "alb.ingress.kubernetes.io/scheme": "internet-facing" if options.internet_facing else "internal",
                "alb.ingress.kubernetes.io/target-type": "ip",
                "alb.ingress.kubernetes.io/healthcheck-path": health_check_path,
            })
            if options.group_name:
                annotations["alb.ingress.kubernetes.io/group.name"] = options.group_name
            if isinstance(options.tls, AcmCertificate):
                annotations.update({
                    "alb.ingress.kubernetes.io/certificate-arn": options.tls.arn,
                    "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTP": 80}, {"HTTPS": 443}]),
                    "alb.ingress.kubernetes.io/ssl-redirect": "443",
                    "alb.ingress.kubernetes.io/ssl-policy": options.ssl_policy,
                })
        elif isinstance(options.tls, CertManagerIssuer):
            key = "cert-manager.io/cluster-issuer" if options.tls.kind == "ClusterIssuer" else "cert-manager.io/issuer"
            annotations[key] = options.tls.name
        if options.external_dns:
            annotations["external-dns.alpha.kubernetes.io/hostname"] = ",".join(self.hosts)
        backend = {"service": {"name": self.name, "port": {"name": "http"}}}
        spec: dict[str, Any] = {
            "ingressClassName": options.class_name,
            "rules": [
                {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}
                for host in self.hosts
            ],
        }
        if isinstance(options.tls, CertManagerIssuer):
            spec["tls"] = [{"hosts": list(self.hosts), "secretName": f"{self.name}-tls"}]
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": self.runtime.metadata(COMPONENT, annotations=annotations),
            "spec": spec,
        }


def _grace_period(front: WebFront | None) -> int:
    """gunicorn's stop plus a margin; with a static server, also its own, which starts only once gunicorn has drained."""
    return max(GUNICORN_STOP_SECONDS, front.stop_seconds if front else 0) + GRACE_MARGIN_SECONDS


def _check_props(
    where: LazyPath, *, hosts: Sequence[str], ingress: IngressOptions | None, port: int, health_check_path: str, replicas: int,
    autoscaling: Autoscaling | None, workers: int, threads: int, timeout: int, resources: Resources, metrics_port: int | None,
    wsgi_application: str | None,
) -> None:
    v.check_resources(where, "resources", resources)
    v.check_port(where, "port", port)
    if metrics_port is not None:
        v.check_port(where, "metrics_port", metrics_port)
        if metrics_port == port:
            suggestion = next(p for p in (9100, 9101) if p != port)  # never the port that clashes
            raise v.ConfigError(where, "metrics_port", metrics_port, f"a port other than the web port {port}",
                                f"the Ingress exposes the web port: use another one, e.g. {suggestion}")
    v.check_int_range(where, "replicas", replicas, 0, 1000)
    v.check_int_range(where, "workers", workers, 1, 64)
    v.check_int_range(where, "threads", threads, 1, 256)
    v.check_int_range(where, "timeout", timeout, 1, 3600)
    if wsgi_application is not None:
        v.check_python_target(where, "wsgi_application", wsgi_application)
    v.check_url_path(where, "health_check_path", health_check_path, example="/healthz/")
    for index, host in enumerate(hosts):  # the element named with its index: the value shown is that prop's
        v.check_host_name(where, f"hosts[{index}]", host)
    if ingress is not None:
        _check_ingress(where, ingress, hosts)
    if autoscaling is not None:
        v.check_autoscaling(where, "autoscaling", autoscaling)
        v.check_cpu_for_autoscaling(where, "resources", resources, autoscaling)


def _check_ingress(where: LazyPath, ingress: IngressOptions, hosts: Sequence[str]) -> None:
    if not hosts:
        raise v.ConfigError(
            where, "hosts", hosts,
            "at least one host name when an Ingress is requested",
            "pass hosts=('shop.example.com',) or drop ingress",
        )
    v.check_dns_subdomain(where, "ingress.class_name", ingress.class_name)
    alb = ingress.controller is IngressController.AWS_LOAD_BALANCER
    if isinstance(ingress.tls, AcmCertificate):
        if not alb:
            raise v.ConfigError(
                where, "ingress.tls", ingress.tls,
                "an ACM certificate only with the AWS Load Balancer Controller",
                "use CertManagerIssuer with nginx, or controller=IngressController.AWS_LOAD_BALANCER",
            )
        v.check_alb_ssl_policy(where, "ingress.ssl_policy", ingress.ssl_policy)
        if not ingress.tls.arn.startswith("arn:aws:acm:"):
            raise v.ConfigError(
                where, "ingress.tls.arn", ingress.tls.arn,
                "an ACM certificate ARN ('arn:aws:acm:<region>:<account>:certificate/<id>')",
                "copy the ARN from the ACM console",
            )
    if isinstance(ingress.tls, CertManagerIssuer):
        if alb:
            raise v.ConfigError(
                where, "ingress.tls", ingress.tls,
                "cert-manager only with an nginx-class controller (an ALB cannot serve a certificate from a Secret)",
                "use AcmCertificate with the ALB, or controller=IngressController.NGINX",
            )
        v.check_dns_subdomain(where, "ingress.tls.name", ingress.tls.name)
        if ingress.tls.kind not in ("ClusterIssuer", "Issuer"):
            raise v.ConfigError(where, "ingress.tls.kind", ingress.tls.kind, "'ClusterIssuer' or 'Issuer'", "pick one of the two")
    if ingress.group_name is not None:
        if not alb:
            raise v.ConfigError(
                where, "ingress.group_name", ingress.group_name,
                "no group name with nginx (ALB groups are an AWS Load Balancer Controller feature)",
                "drop group_name",
            )
        v.check_dns_label(where, "ingress.group_name", ingress.group_name)


def from_plan(chart: Any, plan: Plan) -> list[DjangoWeb]:
    app, environment = plan.app, plan.environment
    with v.props_as_typed({**_AS_TYPED, **resources_as_typed("web")}):
        return [DjangoWeb(
            chart, "Web", runtime=chart.runtime, hosts=environment.hosts, ingress=environment.ingress,
            port=app.web_port, health_check_path=app.health_check_path,
            replicas=plan.web_replicas, autoscaling=plan.web_autoscaling, wsgi_application=app.wsgi_application,
            workers=app.gunicorn_workers, threads=app.gunicorn_threads,
            metrics_port=app.web_metrics_port if environment.monitoring else None, resources=plan.resources["web"],
            static=environment.static, static_url=environment.static_url,
        )]

"""nginx in the web pod (``DjangoWeb(static=NginxStatic())``): what the pod gains, as plain dicts.

- an init container, the app image, copies the collected static files into an emptyDir (Python, no shell);
- an ``nginx`` container serves them at the path of ``STATIC_URL`` and proxies every other request to
  gunicorn on ``127.0.0.1``, passing ``Host``, ``X-Forwarded-For`` and ``X-Forwarded-Proto`` as they came;
- its config in a ConfigMap of its own (``<app>-web-nginx``), not in the app's files ConfigMap: that one is
  mounted into every app pod and its checksum rolls them all, where nginx's config concerns web alone (and
  ``DjangoWeb`` stays usable without ``AppConfig``). Its checksum on the web pod template rolls web when it changes.

Pod Security "restricted" holds: nginx runs as the pod's non-root user, with a read-only root filesystem;
its pid file and temp paths are in an emptyDir at ``/tmp``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..k8s._manifest import content_hash
from ..k8s.runtime import TMP_MOUNT, AppRuntime, resources_dict
from ..model import _validation as v
from ..model.options import NginxStatic, Resources
from .django_web import WebFront

__all__ = ["CONFIG_CHECKSUM_ANNOTATION", "NginxParts", "check_nginx_static", "nginx_parts", "static_path", "web_front"]

CONTAINER = "nginx"
COPY_CONTAINER = "copy-static"
STATIC_VOLUME = "static-files"
STATIC_MOUNT = "/var/lib/django-static"
# A folder of the copy's own: the emptyDir's root is the kubelet's, and copytree would fail to copy its mode onto it.
STATIC_FILES = f"{STATIC_MOUNT}/files"
CONFIG_VOLUME = "nginx-config"
CONFIG_DIR = "/etc/nginx-django"
CONFIG_FILE = "nginx.conf"
TMP_VOLUME = "nginx-tmp"
CONFIG_CHECKSUM_ANNOTATION = "cdk8s-django/nginx-config-checksum"
# After SIGQUIT (the image's stop signal), nginx closes what is still open after this long.
SHUTDOWN_TIMEOUT_SECONDS = 5
# copy2 keeps each file's mtime: every replica answers with the same Last-Modified and ETag.
COPY_SCRIPT = "import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2], dirs_exist_ok=True)"
COPY_RESOURCES = Resources(cpu="50m", memory="128Mi")
# Django's ManifestStaticFilesStorage names: "shop.3f2a1c9b8d7e.css" never changes content, so it may be cached for
# a year; any other name gets WhiteNoise's 60 s.
HASHED_NAME = r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$"
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=60"

_SAFE_PATH = re.compile(r"^(/[A-Za-z0-9._~-]+)+/$")  # written into nginx.conf: no space, quote, ';', '{', '$' or '%'
_ABSOLUTE_PATH = re.compile(r"^(/[A-Za-z0-9._-]+)+/?$")


def static_path(static_url: str) -> str:
    """The path part of ``STATIC_URL``, which the pod serves (a CDN URL's origin is this pod)."""
    path = urlsplit(static_url).path
    return path if path.startswith("/") else f"/{path}"  # Django serves a relative STATIC_URL under '/'


@dataclass(frozen=True)
class NginxParts:
    """What the web pod gains: ``init_container``, ``container``, ``volumes``; and ``config`` (nginx.conf),
    ``checksum`` (of it) and ``stop_seconds`` (its preStop plus its shutdown timeout)."""

    init_container: dict[str, Any]
    container: dict[str, Any]
    volumes: list[dict[str, Any]]
    config: str
    checksum: str
    stop_seconds: int


def check_nginx_static(where: object, options: NginxStatic, *, static_url: str, web_port: int, metrics_port: int | None,
                       health_check_path: str) -> None:
    """``DjangoWeb``'s checks of its ``static`` prop (and of ``static_url``, which only nginx reads)."""
    v.check_image(where, "static.image", options.image)
    if not v.image_is_pinned(options.image):
        raise v.ConfigError(where, "static.image", options.image, "a pinned image: a tag other than 'latest', or a digest",
                            "use e.g. 'nginxinc/nginx-unprivileged:1.27-bookworm', or leave the default (pinned by digest)")
    v.check_port(where, "static.port", options.port)
    taken = {web_port: "the web port (gunicorn's, which nginx proxies to)", metrics_port: "the metrics port"}
    if options.port in taken:
        free = next(p for p in (8080, 8081, 8082) if p not in taken)
        raise v.ConfigError(where, "static.port", options.port, f"a port other than {taken[options.port]} {options.port}",
                            f"give nginx a port of its own, e.g. NginxStatic(port={free})")
    v.check_resources(where, "static.resources", options.resources)
    if not _ABSOLUTE_PATH.fullmatch(options.static_root) or ".." in options.static_root.split("/"):
        raise v.ConfigError(where, "static.static_root", options.static_root,
                            "the absolute path of STATIC_ROOT in the app image, such as '/app/staticfiles'",
                            "give the folder collectstatic wrote to (letters, digits, '.', '_' and '-' between '/')")
    path = static_path(static_url)
    if path == "/":
        raise v.ConfigError(where, "static_url", static_url,
                            "a STATIC_URL with a path of its own, such as '/static/': nginx would serve every path from the files",
                            "put the static files under a path, e.g. 'https://cdn.example.com/static/'")
    if not _SAFE_PATH.fullmatch(path):
        raise v.ConfigError(where, "static_url", static_url,
                            "a path of letters, digits, '.', '_', '~' and '-' between '/' (nginx's config names it)",
                            "use e.g. '/static/'")
    if health_check_path.startswith(path):
        raise v.ConfigError(where, "health_check_path", health_check_path,
                            f"a path outside STATIC_URL's {path} (nginx serves that from the files; the probes must reach gunicorn)",
                            "use e.g. '/healthz/'")


def nginx_parts(runtime: AppRuntime, options: NginxStatic, *, static_url: str, upstream_port: int, drain_after: int) -> NginxParts:
    """The init container, the nginx container and their volumes. ``drain_after``: the seconds gunicorn may take to
    stop (its preStop plus its graceful timeout); nginx's preStop outlasts them, so it keeps proxying meanwhile."""
    config = _config(static_path(static_url), options.port, upstream_port)
    pre_stop = drain_after + 1
    return NginxParts(
        init_container=_copy_container(runtime, options),
        container=_container(runtime, options, pre_stop),
        volumes=[
            {"name": STATIC_VOLUME, "emptyDir": {"sizeLimit": "1Gi"}},
            {"name": CONFIG_VOLUME, "configMap": {"name": runtime.name("web-nginx")}},
            {"name": TMP_VOLUME, "emptyDir": {"sizeLimit": "64Mi"}},
        ],
        config=config,
        checksum=content_hash(config, 16),
        stop_seconds=pre_stop + SHUTDOWN_TIMEOUT_SECONDS,
    )


def web_front(where: object, runtime: AppRuntime, options: NginxStatic, *, static_url: str, web_port: int,
              metrics_port: int | None, health_check_path: str, drain_after: int) -> WebFront:
    """``NginxStatic.front``: the options checked, then what the web pod gains, for ``DjangoWeb``."""
    check_nginx_static(where, options, static_url=static_url, web_port=web_port, metrics_port=metrics_port,
                       health_check_path=health_check_path)
    parts = nginx_parts(runtime, options, static_url=static_url, upstream_port=web_port, drain_after=drain_after)
    return WebFront(
        port=options.port, containers=[parts.container], init_containers=[parts.init_container], volumes=parts.volumes,
        annotations={CONFIG_CHECKSUM_ANNOTATION: f"sha256:{parts.checksum}"},
        config=("NginxConfig", "web-nginx", {CONFIG_FILE: parts.config}), stop_seconds=parts.stop_seconds,
    )


def _copy_container(runtime: AppRuntime, options: NginxStatic) -> dict[str, Any]:
    """The app image's collected files into the emptyDir. No env, no Secrets: it needs none (a /tmp, as every app
    container has)."""
    return {
        "name": COPY_CONTAINER,
        "image": runtime.image,
        "command": ["python", "-c", COPY_SCRIPT, options.static_root, STATIC_FILES],
        "resources": resources_dict(COPY_RESOURCES),
        "securityContext": runtime.security.container_context(),
        "volumeMounts": [TMP_MOUNT, {"name": STATIC_VOLUME, "mountPath": STATIC_MOUNT}],
    }


def _container(runtime: AppRuntime, options: NginxStatic, pre_stop: int) -> dict[str, Any]:
    socket = {"tcpSocket": {"port": "http"}, "timeoutSeconds": 5}
    return {
        "name": CONTAINER,
        "image": options.image,
        # -e: the startup error log before the config is read (the official build's default is a file under /var/log).
        "command": ["nginx", "-e", "stderr", "-c", f"{CONFIG_DIR}/{CONFIG_FILE}", "-g", "daemon off;"],
        "ports": [{"name": "http", "containerPort": options.port, "protocol": "TCP"}],
        # nginx's own: accepting connections. Whether gunicorn answers behind it, web's probes say (they go through nginx).
        "readinessProbe": {**socket, "periodSeconds": 10, "failureThreshold": 3},
        "livenessProbe": {**socket, "periodSeconds": 20, "failureThreshold": 3},
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", str(pre_stop)]}}},
        "resources": resources_dict(options.resources),
        "securityContext": runtime.security.container_context(),
        "volumeMounts": [
            {"name": CONFIG_VOLUME, "mountPath": CONFIG_DIR, "readOnly": True},
            {"name": STATIC_VOLUME, "mountPath": STATIC_MOUNT, "readOnly": True},
            {"name": TMP_VOLUME, "mountPath": "/tmp"},
        ],
    }


def _config(path: str, port: int, upstream_port: int) -> str:
    """nginx.conf: the files at ``path``, everything else to gunicorn as it came (no body size limit, no buffering to
    disk: what gunicorn alone accepted it still accepts, and an emptyDir past its sizeLimit would evict the pod)."""
    return f"""\
# nginx in the web pod (cdk8s-django): {path} from the collected files, everything else to gunicorn.
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr notice;
worker_shutdown_timeout {SHUTDOWN_TIMEOUT_SECONDS}s;

events {{
    worker_connections 1024;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server_tokens off;
    sendfile on;
    access_log off;
    # Above the ALB's idle timeout (60 s): the load balancer never reuses a connection nginx has closed.
    keepalive_timeout 75s;
    client_body_temp_path /tmp/client_temp;
    proxy_temp_path /tmp/proxy_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;

    map $uri $static_cache_control {{
        "~{HASHED_NAME}" "{LONG_CACHE}";
        default "{SHORT_CACHE}";
    }}

    server {{
        listen {port};

        location ^~ {path} {{
            alias {STATIC_FILES}/;
            access_log /dev/stdout;
            gzip_static on;
            gzip_vary on;
            add_header Cache-Control $static_cache_control;
            add_header Access-Control-Allow-Origin "*";
        }}

        location / {{
            proxy_pass http://127.0.0.1:{upstream_port};
            proxy_http_version 1.1;
            # As the load balancer sent them: Django checks Host against ALLOWED_HOSTS and reads the scheme.
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $http_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
            client_max_body_size 0;
            proxy_request_buffering off;
            proxy_buffering off;
        }}
    }}
}}
"""

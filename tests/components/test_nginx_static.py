"""nginx in the web pod (``NginxStatic``): what demo's web pod gains, and each bad input's exact message.

demo runs it (main.py); qa, the same staging environment without it, is the WhiteNoise baseline.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from cdk8s import App, Chart

import cdk8s_django
from cdk8s_django import (
    AppRuntime,
    DjangoApp,
    DjangoChart,
    DjangoWeb,
    Environment,
    IngressOptions,
    NetworkAccess,
    NginxStatic,
    Resources,
)
from cdk8s_django.components.django_web import GRACEFUL_TIMEOUT_SECONDS, PRE_STOP_PAUSE_SECONDS
from cdk8s_django.components.nginx_static import SHUTDOWN_TIMEOUT_SECONDS

from _k8s import find, synth

Docs = list[dict[str, Any]]
RUNTIME = AppRuntime(app="blog", namespace="blog-qa", image="registry.example.com/blog:2.0.0", settings_module="blog.settings")


def _pod(docs: Docs) -> dict[str, Any]:
    return find(docs, "Deployment", "shop-web")["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def _containers(docs: Docs) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in _pod(docs)["containers"]}


def _config(docs: Docs) -> str:
    return find(docs, "ConfigMap", "shop-web-nginx")["data"]["nginx.conf"]  # type: ignore[no-any-return]


def test_the_option_is_exported_with_its_documented_defaults() -> None:
    assert "NginxStatic" in cdk8s_django.__all__ and cdk8s_django.NginxStatic is NginxStatic
    default = NginxStatic()
    assert re.fullmatch(r"nginxinc/nginx-unprivileged@sha256:[0-9a-f]{64}", default.image)
    assert (default.port, default.resources, default.static_root) == (8080, Resources(cpu="10m", memory="64Mi"), "/app/staticfiles")
    assert Environment.staging("qa").static is None  # WhiteNoise unless asked


def test_demo_web_pod_runs_gunicorn_and_nginx_after_copying_the_static_files(example_docs: dict[str, Docs]) -> None:
    pod = _pod(example_docs["demo"])
    assert [c["name"] for c in pod["initContainers"]] == ["wait-for-migrations", "copy-static"]
    assert [c["name"] for c in pod["containers"]] == ["web", "nginx"]
    copy = pod["initContainers"][1]
    assert copy["image"] == _containers(example_docs["demo"])["web"]["image"]  # the app image holds the files
    assert copy["command"][:2] == ["python", "-c"] and copy["command"][3:] == ["/app/staticfiles", "/var/lib/django-static/files"]
    assert "env" not in copy and "envFrom" not in copy  # it needs no config and no Secret
    assert copy["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}, {"name": "static-files", "mountPath": "/var/lib/django-static"}]
    assert [c["name"] for c in _pod(example_docs["qa"])["containers"]] == ["web"]  # qa: WhiteNoise, no nginx


def test_the_copy_script_copies_a_tree_into_a_folder_it_owns(tmp_path: Any, example_docs: dict[str, Docs]) -> None:
    """The emptyDir's root is the kubelet's: the copy writes into a subfolder, so copytree never chmods the root."""
    import subprocess
    import sys

    source, volume = tmp_path / "staticfiles", tmp_path / "volume"
    (source / "css").mkdir(parents=True)
    (source / "css" / "shop.0123456789ab.css").write_text("body{}")
    volume.mkdir()
    command = _pod(example_docs["demo"])["initContainers"][1]["command"]
    for _ in range(2):  # an init container may run twice in one pod
        subprocess.run([sys.executable, *command[1:3], str(source), str(volume / "files")], check=True)
    assert (volume / "files" / "css" / "shop.0123456789ab.css").read_text() == "body{}"
    assert (volume / "files" / "css" / "shop.0123456789ab.css").stat().st_mtime == (source / "css" / "shop.0123456789ab.css").stat().st_mtime


def test_nginx_is_restricted_with_writable_emptydirs_only(example_docs: dict[str, Docs]) -> None:
    pod = _pod(example_docs["demo"])
    nginx = _containers(example_docs["demo"])["nginx"]
    assert nginx["image"] == NginxStatic().image
    assert nginx["command"] == ["nginx", "-e", "stderr", "-c", "/etc/nginx-django/nginx.conf", "-g", "daemon off;"]
    assert nginx["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert nginx["securityContext"] == {"allowPrivilegeEscalation": False, "privileged": False, "readOnlyRootFilesystem": True,
                                        "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
    assert pod["securityContext"]["runAsUser"] == 10001 and pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert nginx["resources"] == {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}}
    mounts = {m["mountPath"]: m for m in nginx["volumeMounts"]}
    assert mounts["/etc/nginx-django"]["readOnly"] and mounts["/var/lib/django-static"]["readOnly"]
    writable = [path for path, mount in mounts.items() if not mount.get("readOnly")]
    assert writable == ["/tmp"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes[mounts["/tmp"]["name"]] == {"name": "nginx-tmp", "emptyDir": {"sizeLimit": "64Mi"}}
    assert volumes["static-files"] == {"name": "static-files", "emptyDir": {"sizeLimit": "1Gi"}}
    assert volumes["nginx-config"] == {"name": "nginx-config", "configMap": {"name": "shop-web-nginx"}}
    config = _config(example_docs["demo"])
    assert "pid /tmp/nginx.pid;" in config and "user " not in config  # no root-only directive
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        assert re.search(rf"^\s*{temp}_temp_path /tmp/\w+;$", config, re.M), temp


def test_gunicorn_listens_on_localhost_and_its_probes_go_through_nginx(example_docs: dict[str, Docs]) -> None:
    web = _containers(example_docs["demo"])["web"]
    assert web["command"][web["command"].index("--bind") + 1] == "127.0.0.1:8000"
    assert "ports" not in web  # nothing outside the pod reaches gunicorn
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert web[probe]["httpGet"] == {"path": "/healthz/", "port": 8080, "httpHeaders": [{"name": "Host", "value": "localhost"}]}
    nginx = _containers(example_docs["demo"])["nginx"]
    assert nginx["readinessProbe"]["tcpSocket"] == nginx["livenessProbe"]["tcpSocket"] == {"port": "http"}
    qa = _containers(example_docs["qa"])["web"]
    assert qa["command"][qa["command"].index("--bind") + 1] == "0.0.0.0:8000" and qa["livenessProbe"]["httpGet"]["port"] == "http"


def test_nginx_drains_after_gunicorn_within_the_grace_period(example_docs: dict[str, Docs]) -> None:
    pod, containers = _pod(example_docs["demo"]), _containers(example_docs["demo"])
    gunicorn_pre_stop = int(re.search(r"sleep\((\d+)\)", containers["web"]["lifecycle"]["preStop"]["exec"]["command"][2]).group(1))  # type: ignore[union-attr]
    web_command = containers["web"]["command"]
    graceful = int(web_command[web_command.index("--graceful-timeout") + 1])
    assert (gunicorn_pre_stop, graceful) == (PRE_STOP_PAUSE_SECONDS, GRACEFUL_TIMEOUT_SECONDS)
    sleep, seconds = containers["nginx"]["lifecycle"]["preStop"]["exec"]["command"]
    assert sleep == "sleep" and int(seconds) > gunicorn_pre_stop + graceful  # nginx proxies until gunicorn is done
    assert f"worker_shutdown_timeout {SHUTDOWN_TIMEOUT_SECONDS}s;" in _config(example_docs["demo"])
    assert int(seconds) + SHUTDOWN_TIMEOUT_SECONDS < pod["terminationGracePeriodSeconds"]
    assert _pod(example_docs["qa"])["terminationGracePeriodSeconds"] == gunicorn_pre_stop + graceful + 10  # unchanged without nginx


def test_service_ingress_and_network_policy_go_to_nginx(example_docs: dict[str, Docs]) -> None:
    demo, qa = example_docs["demo"], example_docs["qa"]
    service = find(demo, "Service", "shop-web")
    assert service == find(qa, "Service", "shop-web") | {"metadata": service["metadata"]}
    target = service["spec"]["ports"][0]["targetPort"]
    ports = {p["name"]: (c["name"], p["containerPort"]) for c in _pod(demo)["containers"] for p in c.get("ports", [])}
    assert ports[target] == ("nginx", 8080)
    annotations = find(demo, "Ingress", "shop-web")["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/healthcheck-path"] == "/healthz/"
    assert "alb.ingress.kubernetes.io/healthcheck-port" not in annotations  # the traffic port: nginx's
    policy = find(demo, "NetworkPolicy", "shop-web")["spec"]["ingress"]
    assert [p["port"] for rule in policy for p in rule["ports"]] == [8080]
    assert [p["port"] for rule in find(qa, "NetworkPolicy", "shop-web")["spec"]["ingress"] for p in rule["ports"]] == [8000]


def test_nginx_serves_the_path_of_a_cdn_static_url_and_proxies_the_rest() -> None:
    chart = Chart(App(), "c")
    web = DjangoWeb(chart, "Web", runtime=RUNTIME, static=NginxStatic(port=8081), static_url="https://static.blog.example.com/assets/v2/",
                    metrics_port=9100)
    docs = synth(chart)
    config = find(docs, "ConfigMap", "blog-web-nginx")["data"]["nginx.conf"]
    assert web.traffic_port == 8081 and web.port == 8000
    assert "location ^~ /assets/v2/ {\n            alias /var/lib/django-static/files/;" in config
    assert "listen 8081;" in config and "proxy_pass http://127.0.0.1:8000;" in config
    for header, variable in (("Host", "$http_host"), ("X-Forwarded-For", "$http_x_forwarded_for"),
                             ("X-Forwarded-Proto", "$http_x_forwarded_proto")):
        assert f"proxy_set_header {header} {variable};" in config  # as the load balancer sent it
    assert '"public, max-age=31536000, immutable"' in config and "add_header Cache-Control $static_cache_control;" in config
    pod = find(docs, "Deployment", "blog-web")["spec"]["template"]
    gunicorn = pod["spec"]["containers"][0]
    assert gunicorn["ports"] == [{"name": "metrics", "containerPort": 9100, "protocol": "TCP"}]  # still scrapeable
    assert {"name": "METRICS_PORT", "value": "9100"} in gunicorn["env"]
    service_ports = {p["name"]: p["targetPort"] for p in find(docs, "Service", "blog-web")["spec"]["ports"]}
    assert service_ports == {"http": "http", "metrics": "metrics"}
    checksum = pod["metadata"]["annotations"]["cdk8s-django/nginx-config-checksum"]
    other = Chart(App(), "c")
    DjangoWeb(other, "Web", runtime=RUNTIME, static=NginxStatic(port=8081), static_url="/static/")
    assert find(synth(other), "Deployment", "blog-web")["spec"]["template"]["metadata"]["annotations"][
        "cdk8s-django/nginx-config-checksum"] != checksum  # a config change rolls web


APP = DjangoApp(name="shop", image="registry.example.com/shop:1.4.2", settings_module="shop.settings")
STAGING = dict(hosts=("qa.example.com",), ingress=IngressOptions(class_name="alb"), network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24",)))


def _web(**props: Any) -> None:
    DjangoWeb(Chart(App(), "c"), "Web", runtime=RUNTIME, **props)


def _chart(app: DjangoApp = APP, **options: Any) -> None:
    DjangoChart(App(), "qa", django_app=app, environment=Environment.staging("qa", **STAGING, **options))  # type: ignore[arg-type]


BAD: list[tuple[str, Any, str]] = [
    ("port-is-web-port", lambda: _web(static=NginxStatic(port=8000)),
     "c/Web: invalid static.port=8000: expected a port other than the web port (gunicorn's, which nginx proxies to) 8000."
     " Fix: give nginx a port of its own, e.g. NginxStatic(port=8080)"),
    ("port-is-custom-web-port", lambda: _chart(replace(APP, web_port=8080), static=NginxStatic()),
     "qa/Web: invalid environment.static.port=8080: expected a port other than the web port (gunicorn's, which nginx proxies to) 8080."
     " Fix: give nginx a port of its own, e.g. NginxStatic(port=8081)"),
    ("port-is-metrics-port", lambda: _web(static=NginxStatic(port=9100), metrics_port=9100),
     "c/Web: invalid static.port=9100: expected a port other than the metrics port 9100. Fix: give nginx a port of its own,"
     " e.g. NginxStatic(port=8080)"),
    ("port-out-of-range", lambda: _web(static=NginxStatic(port=0)),
     "c/Web: invalid static.port=0: expected a whole number from 1 to 65535. Fix: pick a value between 1 and 65535"),
    ("image-unpinned", lambda: _web(static=NginxStatic(image="nginxinc/nginx-unprivileged:latest")),
     "c/Web: invalid static.image='nginxinc/nginx-unprivileged:latest': expected a pinned image: a tag other than 'latest', or a"
     " digest. Fix: use e.g. 'nginxinc/nginx-unprivileged:1.27-bookworm', or leave the default (pinned by digest)"),
    ("image-malformed", lambda: _web(static=NginxStatic(image="Nginx:1.27")),
     "c/Web: invalid static.image='Nginx:1.27': expected an image reference like 'registry.example.com/shop:1.4.2' or"
     " 'shop@sha256:<64 hex>'. Fix: use a lower-case repository path with a tag or a digest"),
    ("resources", lambda: _web(static=NginxStatic(resources=Resources(memory="-64Mi"))),
     "c/Web: invalid static.resources.memory='-64Mi': expected a quantity of zero or more. Fix: drop the sign; write e.g. '256Mi'"),
    ("static-root-relative", lambda: _web(static=NginxStatic(static_root="staticfiles")),
     "c/Web: invalid static.static_root='staticfiles': expected the absolute path of STATIC_ROOT in the app image, such as"
     " '/app/staticfiles'. Fix: give the folder collectstatic wrote to (letters, digits, '.', '_' and '-' between '/')"),
    ("static-root-root", lambda: _web(static=NginxStatic(static_root="/")),
     "c/Web: invalid static.static_root='/': expected the absolute path of STATIC_ROOT in the app image, such as"
     " '/app/staticfiles'. Fix: give the folder collectstatic wrote to (letters, digits, '.', '_' and '-' between '/')"),
    ("static-url-at-the-root", lambda: _chart(static=NginxStatic(), static_url="https://cdn.example.com/"),
     "qa/Web: invalid environment.static_url='https://cdn.example.com/': expected a STATIC_URL with a path of its own, such as '/static/':"
     " nginx would serve every path from the files. Fix: put the static files under a path, e.g. 'https://cdn.example.com/static/'"),
    ("static-url-odd-characters", lambda: _web(static=NginxStatic(), static_url="/st atic;/"),
     "c/Web: invalid static_url='/st atic;/': expected a path of letters, digits, '.', '_', '~' and '-' between '/' (nginx's"
     " config names it). Fix: use e.g. '/static/'"),
    ("health-check-under-static", lambda: _web(static=NginxStatic(), health_check_path="/static/healthz/"),
     "c/Web: invalid health_check_path='/static/healthz/': expected a path outside STATIC_URL's /static/ (nginx serves that"
     " from the files; the probes must reach gunicorn). Fix: use e.g. '/healthz/'"),
    ("not-an-nginx-static", lambda: _chart(static="nginx"),
     "qa: invalid environment.static='nginx': expected NginxStatic(...) or None. Fix: pass NginxStatic(...)"),
]


@pytest.mark.parametrize(("build", "message"), [(b, m) for _, b, m in BAD], ids=[i for i, _, _ in BAD])
def test_bad_input_fails_with_exact_message(build: Any, message: str) -> None:
    with pytest.raises(ValueError) as error:
        build()
    assert str(error.value) == message


def test_the_factories_take_the_option() -> None:
    options = dict(ingress=IngressOptions(class_name="alb"), network=NetworkAccess(load_balancer_cidrs=("10.0.0.0/24",)))
    assert Environment.staging("qa", static=NginxStatic()).static == NginxStatic()
    production = Environment.production(postgres=cdk8s_django.Managed("db.example.com"), cache=cdk8s_django.Managed("c.example.com"),
                                        broker=cdk8s_django.Managed("b.example.com"), hosts=("shop.example.com",),
                                        static=NginxStatic(port=8081), static_url="https://static.shop.example.com/static/", **options)
    chart = DjangoChart(App(), "production", django_app=APP, environment=production)
    assert chart.web.traffic_port == 8081 and chart.web.static_config is not None

"""Each step of a rollout, written once for staging (test_qa.py, and test_demo.py with nginx in the web pod:
in-cluster stores from their own StatefulSets) and production (test_production.py: managed stores, local TLS
servers behind the ExternalName aliases). The steps of one environment run in this file's order and build on each
other, as a rollout does: stores, migrations, web, shell, workers and beat, cron, then stopping. Each step reads
what the environment's manifests hold (the web pod's containers, the port the Service targets) rather than
assuming one environment's shape.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cdk8s_django.model._contract import URL_ENCODED_KEY_SUFFIX
from cdk8s_django.stores import store_components

from . import manifests, secrets, standins, tls, variants
from .conftest import BUILT, load
from .network import Network
from .pod import Pod, PodFailed, Sandbox
from .rollout import Rollout

APP = "shop"
STORE_COMPONENTS = store_components()  # every store kind's, from the registry
# The migration and wait loops' Django start-up, plus its sleep of 5 s: generous, never a timing assertion.
SETTLE = 60


@dataclass
class Stage:
    """One environment's rollout so far: the pods running, what the steps learnt."""

    name: str
    rollout: Rollout
    running: dict[str, Pod] = field(default_factory=dict)  # each workload's first container
    pods: dict[str, list[Pod]] = field(default_factory=dict)  # each running workload's containers, in the pod's order
    sandboxes: dict[str, Sandbox] = field(default_factory=dict)
    standins: dict[str, standins.StandIn] = field(default_factory=dict)
    rogue_files: dict[str, str] = field(default_factory=dict)  # the image's trust files, with another CA

    @property
    def env(self) -> manifests.Environment:
        return self.rollout.env

    def start(self, kind: str, workload: str) -> Pod:
        """A pod of ``workload`` (replacing the one before, if any): each init container to completion (exit 0), then
        every container, in one sandbox. Returns its first container."""
        if workload in self.sandboxes:
            for pod in self.pods.pop(workload, []):
                pod.kill()
            self.sandboxes.pop(workload).stop()
        sandbox = self.sandboxes[workload] = self.rollout.sandbox(workload)
        template = self.env.pod_template(kind, workload)
        for init in template["spec"].get("initContainers", []):
            pod = self.rollout.start(kind, workload, init["name"], init=True, sandbox=sandbox)
            code = pod.wait(SETTLE)
            assert code == 0, f"{pod.where}: init container exited {code}\n{pod.tail()}"
        pods = [self.rollout.start(kind, workload, container["name"], sandbox=sandbox) for container in template["spec"]["containers"]]
        self.pods[workload], self.running[workload] = pods, pods[0]
        return pods[0]

    def stop(self, workload: str) -> dict[str, tuple[int, float]]:
        """Delete the pod of ``workload``, as the kubelet does: every container's preStop and stop signal at once, each
        within the grace period. Each container's exit code and the seconds it took."""
        self.running.pop(workload, None)
        pods = self.pods.pop(workload)
        results: dict[str, tuple[int, float]] = {}
        failures: list[Exception] = []

        def stop(pod: Pod) -> None:
            try:
                results[pod.container_name] = pod.stop()
            except (PodFailed, OSError, subprocess.SubprocessError) as error:  # a preStop past the grace period: raised below
                failures.append(error)

        threads = [threading.Thread(target=stop, args=(pod,)) for pod in pods]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.sandboxes.pop(workload).stop()
        if failures:
            raise failures[0]
        return results

    def container(self, workload: str, name: str) -> Pod | None:
        """The running container ``name`` of ``workload``'s pod, or None when the pod has none of that name."""
        return next((pod for pod in self.pods.get(workload, []) if pod.container_name == name), None)

    def job(self, kind: str, workload: str, timeout: float = SETTLE) -> tuple[int, str]:
        """Run a Job's (or a CronJob's) pod to completion: its exit code and log."""
        pod = self.start(kind, workload)
        code = pod.wait(timeout)
        return code, pod.log.read_text(errors="replace")

    def django(self, code: str) -> str:
        """``kubectl exec shop-shell-0 -- python -m django shell -c <code>``: its output (exit 0 asserted)."""
        shell = self.running[f"{APP}-shell"]
        result = shell.exec(["python", "-m", "django", "shell", "-c", code])
        assert result.returncode == 0, f"{shell.where}: django shell -c {code!r} exited {result.returncode}\n{result.stderr[-2000:]}"
        return result.stdout.strip()

    def public_host(self) -> str:
        return self.env.get("Ingress", f"{APP}-web")["spec"]["rules"][0]["host"]

    def traffic_port(self) -> int:
        """The container port web's Service sends the load balancer's traffic to: gunicorn's, or nginx's in front of it."""
        target = self.env.get("Service", f"{APP}-web")["spec"]["ports"][0]["targetPort"]
        if isinstance(target, int):
            return target
        containers = self.env.pod_template("Deployment", f"{APP}-web")["spec"]["containers"]
        ports = [p["containerPort"] for c in containers for p in c.get("ports", []) if p.get("name") == target]
        assert len(ports) == 1, f"{self.name}: Service {APP}-web targets port {target!r}, which {len(ports)} containers declare"
        return int(ports[0])


def _production_stores(
    env: manifests.Environment, network: Network, state: Path, cluster: dict[str, dict[str, str]],
) -> tuple[dict[str, standins.StandIn], dict[str, str], dict[str, str]]:
    """A stand-in for each managed store behind an ExternalName Service (RDS, ElastiCache, Amazon MQ), its certificate
    naming the managed host; the image's files that trust Amazon's CA (the RDS bundle at DATABASE_SSLROOTCERT, and the
    system trust store redis-py's, py-amqp's and pymemcache's default contexts read), and the same files trusting another CA."""
    certificates = state / "tls"
    amazon, rogue = tls.authority(certificates, "amazon"), tls.authority(certificates, "rogue")
    config = env.get("ConfigMap", f"{APP}-env")["data"]
    web_env = {e["name"]: e for e in env.pod_template("Deployment", f"{APP}-web")["spec"]["containers"][0]["env"]}
    stores: dict[str, standins.StandIn] = {}
    for service in env.of_kind("Service"):
        spec, name = service["spec"], service["metadata"]["name"]
        if spec["type"] != "ExternalName":
            continue
        host, component = spec["externalName"], service["metadata"]["labels"]["app.kubernetes.io/component"]
        network.alias(host, f"standin-{name}")
        certificate, key = tls.server_certificate(amazon, host, standins.UID)
        if component == "postgres":
            stores[name] = standins.postgres(network, state, f"standin-{name}", certificate, key, config["DATABASE_USER"],
                                             config["DATABASE_NAME"], secrets.AWS_DATABASE_PASSWORD)
        elif component.startswith("redis-"):
            stores[name] = standins.redis(network, state, f"standin-{name}", certificate, key, amazon)
        elif component == "rabbitmq":
            url = urlsplit(web_env["CELERY_BROKER_URL"]["value"])
            password = web_env["CELERY_BROKER_PASSWORD"]["valueFrom"]["secretKeyRef"]  # the URL's, encoded when ESO wrote it
            raw = password["key"].removesuffix(URL_ENCODED_KEY_SUFFIX)
            stores[name] = standins.rabbitmq(network, state, f"standin-{name}", certificate, key, amazon, url.username or "",
                                             cluster[password["name"]][raw], url.path.lstrip("/"))
        elif component == "memcached":
            stores[name] = standins.memcached(network, state, f"standin-{name}", certificate, key)
        else:
            raise AssertionError(f"production: a managed {component} make e2e has no stand-in for")
    assert {"postgres"} < {n.removeprefix(f"{APP}-") for n in stores}, f"production: managed stores {sorted(stores)}"
    # libpq checks the certificate whenever the bundle exists: a weaker sslmode would pass the steps, so it is asserted.
    assert config["DATABASE_SSLMODE"] in ("verify-ca", "verify-full"), f"production: DATABASE_SSLMODE={config['DATABASE_SSLMODE']}"
    for url in (config["CACHE_URL"], config.get("CELERY_BROKER_URL") or web_env["CELERY_BROKER_URL"]["value"]):
        assert (url.startswith("rediss://") and "ssl_cert_reqs=required" in url) or url.startswith("amqps://") \
            or (url.startswith("pymemcache://") and url.endswith("?tls=true")), f"production: {url}"
    trust = (config["DATABASE_SSLROOTCERT"], "/etc/ssl/certs/ca-certificates.crt")
    return stores, {path: str(amazon) for path in trust}, {path: str(rogue) for path in trust}


@pytest.fixture(scope="module")
def stage(request: pytest.FixtureRequest, network: Network, state: Path) -> Iterator[Stage]:
    """The environment the test module names (``ENVIRONMENT``): one module each, so each runs on a worker of
    its own (``--dist loadfile``), its steps in order."""
    name = request.module.ENVIRONMENT
    variant = getattr(request.module, "VARIANT", None)  # an environment main.py's would be on another stack (variants.py)
    env = variants.load(variant, state) if variant else load(name)
    cluster = {**secrets.cluster_secrets(env), **variants.SECRETS.get(variant or "", {})}
    stores: dict[str, standins.StandIn] = {}
    files: dict[str, str] = {}
    rogue: dict[str, str] = {}
    if name == "production":
        stores, files, rogue = _production_stores(env, network, state / env.name, cluster)
    rollout = Rollout(env, network, state, BUILT, files, cluster)
    stage = Stage(name, rollout, standins=stores, rogue_files=rogue)
    yield stage
    rollout.stop_all()
    for store in stores.values():
        store.stop()


def _wait(condition, timeout: float, what: str, interval: float = 1.0):  # type: ignore[no-untyped-def]
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise PodFailed(f"{what}: not within {timeout}s (last: {last!r})")


# -- stores ---------------------------------------------------------------------------------------------------

def _store_workloads(stage: Stage) -> list[tuple[str, str]]:
    """(kind, name) of each in-cluster store of the environment, whichever kinds it runs."""
    return [(kind, obj["metadata"]["name"]) for kind in ("StatefulSet", "Deployment") for obj in stage.env.of_kind(kind)
            if obj["metadata"]["labels"].get("app.kubernetes.io/component") in STORE_COMPONENTS]


def _broker_url(stage: Stage) -> str:
    """CELERY_BROKER_URL as the app sees it (the kubelet assembles RabbitMQ's from the Secret's password)."""
    return stage.django("from django.conf import settings; print(settings.CELERY_BROKER_URL)")


def _queued(stage: Stage, queue: str) -> int:
    """Tasks waiting on the broker's ``queue``, asked of the broker's own server."""
    if f"{APP}-rabbitmq" in stage.running:
        rabbitmq = stage.running[f"{APP}-rabbitmq"]
        listed = rabbitmq.exec(["rabbitmqctl", "--quiet", "list_queues", "name", "messages"]).stdout.split("\n")
        counts = dict(line.split("\t") for line in listed if line.count("\t") == 1)
        return int(counts.get(queue, 0))
    broker = stage.running[f"{APP}-redis-broker"]
    return int(broker.exec(["redis-cli", "-p", "6379", "llen", queue]).stdout.strip() or 0)


def _evictions(stage: Stage) -> int:
    """Keys the cache evicted so far, from its own statistics."""
    if f"{APP}-memcached" in stage.running:
        return int(stage.django("from pymemcache.client.base import Client; from django.conf import settings;"
                                " print(Client(settings.CACHES['default']['LOCATION']).stats()[b'evictions'])"))
    cache = stage.running[f"{APP}-redis-cache"]
    return int(re.search(r"evicted_keys:(\d+)", cache.exec(["redis-cli", "-p", "6379", "info", "stats"]).stdout).group(1))  # type: ignore[union-attr]


def test_stores_start_and_answer_their_probes(stage: Stage) -> None:
    if stage.name == "production":  # each stand-in accepts connections on the port its Service names
        for name, store in stage.standins.items():
            port = stage.env.get("Service", name)["spec"]["ports"][0]["port"]
            address = (stage.rollout.network.ip_of(store.name), port)

            def up(store: standins.StandIn = store, address: tuple[str, int] = address) -> bool:
                """It accepts connections, or it exited (asserted below)."""
                if store.process.poll() is not None:
                    return True
                try:
                    socket.create_connection(address, timeout=2).close()
                    return True
                except OSError:
                    return False

            _wait(up, SETTLE, f"production: the stand-in for {name} on {port}")
            assert store.process.poll() is None, f"production: the stand-in for {name} exited\n{store.log.read_text()}"
        return
    stores = _store_workloads(stage)
    assert len(stores) == 3, f"{stage.name}: expected a database, a cache and a broker in the cluster: {stores}"
    for kind, workload in stores:
        pod = stage.start(kind, workload)
        pod.wait_for("readinessProbe")
        ok, output = pod.probe("livenessProbe")
        assert ok, f"{pod.where}: livenessProbe failed: {output}"


# -- migrations -----------------------------------------------------------------------------------------------

def test_wait_for_migrations_blocks_until_the_job_ran(stage: Stage) -> None:
    waiting = stage.rollout.start("Deployment", f"{APP}-web", "wait-for-migrations", init=True)
    _wait(lambda: "waiting for migrations" in waiting.log.read_text(errors="replace"), SETTLE,
          f"{waiting.where}: the wait loop's first line")
    waiting.check_running("the database is not migrated yet")
    code, log = stage.job("Job", f"{APP}-migrate")
    assert code == 0, f"{stage.name}: the migration Job exited {code}\n{log[-3000:]}"
    assert "Applying shop.0001_initial... OK" in log
    assert waiting.wait(SETTLE) == 0, f"{waiting.where}: did not exit 0 once migrated\n{waiting.tail()}"


def test_the_migration_job_twice_is_harmless(stage: Stage) -> None:
    code, log = stage.job("Job", f"{APP}-migrate")
    assert code == 0 and "No migrations to apply." in log, f"{stage.name}: the second migration run exited {code}\n{log[-3000:]}"


# -- web ------------------------------------------------------------------------------------------------------

def test_web_answers_its_probes_as_the_manifest_defines_them(stage: Stage) -> None:
    web = stage.start("Deployment", f"{APP}-web")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        # The port the load balancer's traffic goes to: gunicorn's own ("http"), or nginx's in front of it.
        port = manifests.port_number(web.container, web.container[probe]["httpGet"]["port"])
        assert port == stage.traffic_port(), f"{web.where}: {probe} on port {port}, not the Service's {stage.traffic_port()}"
        web.wait_for(probe)
    for sidecar in stage.pods[f"{APP}-web"][1:]:
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if probe in sidecar.container:
                sidecar.wait_for(probe)


def test_a_public_host_behind_the_load_balancer_is_served_and_an_unlisted_host_refused(stage: Stage) -> None:
    web, host, port = stage.running[f"{APP}-web"], stage.public_host(), stage.traffic_port()
    status, body = web.http("/orders/", port, {"Host": host, "X-Forwarded-Proto": "https", "Content-Type": "application/json"},
                            method="POST", body=json.dumps({"email": "first@example.com"}).encode())
    assert status == 201, f"{web.where}: POST /orders/ with Host {host}: {status} {body[:500]!r}\n{web.tail()}"
    order = json.loads(body)
    assert order["url"] == f"https://{host}/orders/{order['id']}/"  # SECURE_PROXY_SSL_HEADER: the request was https
    status, _ = web.http("/", port, {"Host": "evil.example.com"})
    assert status == 400, f"{web.where}: an unlisted Host was answered {status}"
    status, _ = web.http("/", port, {"Host": web.ip})  # the pod IP, the ALB health check's Host
    assert status == 200


def _stylesheet(stage: Stage) -> tuple[str, Path]:
    """The path (at the pod) of the stylesheet the home page links under STATIC_URL, and the file collectstatic wrote."""
    web = stage.running[f"{APP}-web"]
    static_url = stage.env.get("ConfigMap", f"{APP}-env")["data"]["STATIC_URL"]
    status, page = web.http("/", stage.traffic_port(), {"Host": stage.public_host(), "X-Forwarded-Proto": "https"})
    assert status == 200, f"{web.where}: GET / answered {status}"
    found = re.search(rf'href="{re.escape(static_url)}([^"]+\.css)"', page.decode())
    assert found, f"{web.where}: no stylesheet under STATIC_URL {static_url} in the page"
    # production: the CDN's origin is the pod's /static/
    return urlsplit(static_url).path + found.group(1), BUILT / "app" / "staticfiles" / found.group(1)


def test_static_files_are_served_at_static_url_by_whitenoise_or_nginx(stage: Stage) -> None:
    web, nginx = stage.running[f"{APP}-web"], stage.container(f"{APP}-web", "nginx")
    path, collected = _stylesheet(stage)
    status, headers, css = web.request(path, stage.traffic_port(), {"Host": stage.public_host()})
    assert (status, css) == (200, collected.read_bytes()), f"{web.where}: GET {path}: {status}, not the collected file"
    server = headers.get("server", "")
    if nginx is None:  # WhiteNoise, inside gunicorn
        assert server.startswith("gunicorn") and "immutable" in headers.get("cache-control", ""), f"{web.where}: {headers}"
        return
    assert server == "nginx", f"{nginx.where}: GET {path} answered by {server!r}"
    assert headers.get("cache-control") == "public, max-age=31536000, immutable", f"{nginx.where}: {headers}"  # a hashed name
    assert "etag" in headers and headers.get("access-control-allow-origin") == "*", f"{nginx.where}: {headers}"
    # collectstatic keeps a .gz beside a file only when it is much smaller: nginx serves it then (gzip_static).
    gzipped = collected.with_name(collected.name + ".gz")
    status, headers, body = web.request(path, stage.traffic_port(), {"Host": stage.public_host(), "Accept-Encoding": "gzip"})
    if gzipped.exists():
        served = (status, headers.get("content-encoding"), headers.get("vary"), body)
        assert served == (200, "gzip", "Accept-Encoding", gzipped.read_bytes()), f"{nginx.where}: {headers}"
    else:
        assert (status, headers.get("content-encoding"), body) == (200, None, collected.read_bytes()), f"{nginx.where}: {headers}"


def test_nginx_if_any_proxies_to_gunicorn_with_the_host_kept(stage: Stage) -> None:
    """nginx in front of gunicorn passes Host and X-Forwarded-Proto on as the load balancer sent them; gunicorn is
    then reachable from nowhere else. Without nginx in the pod, the Service targets gunicorn itself."""
    web, nginx, port = stage.running[f"{APP}-web"], stage.container(f"{APP}-web", "nginx"), stage.traffic_port()
    gunicorn_port = int(web.argv[web.argv.index("--bind") + 1].rsplit(":", 1)[1])
    if nginx is None:
        assert port == gunicorn_port, f"{web.where}: no nginx in the pod, yet the Service targets {port}, not gunicorn's {gunicorn_port}"
        return
    assert port != gunicorn_port and web.argv[web.argv.index("--bind") + 1] == f"127.0.0.1:{gunicorn_port}"
    # Through nginx, the page Django renders (the public-host step, on this same port, showed Host and scheme reach it).
    static_url = stage.env.get("ConfigMap", f"{APP}-env")["data"]["STATIC_URL"]
    status, headers, body = web.request("/", port, {"Host": stage.public_host(), "X-Forwarded-Proto": "https"})
    assert (status, headers.get("server")) == (200, "nginx") and f'href="{static_url}'.encode() in body, \
        f"{nginx.where}: GET /: {status} {headers} {body[:300]!r}"
    status, _ = web.http("/", port, {"Host": "evil.example.com"})
    assert status == 400, f"{nginx.where}: an unlisted Host, proxied, was answered {status} (Django must refuse it)"
    with pytest.raises(OSError):  # gunicorn listens on the pod's loopback only
        web.http("/healthz/", gunicorn_port, {"Host": "localhost"}, timeout=3)
    local = f"http://127.0.0.1:{gunicorn_port}/healthz/"
    fetch = f"import urllib.request as u; print(u.urlopen(u.Request({local!r}, headers={{'Host': 'localhost'}})).status)"
    inside = web.exec(["python", "-c", fetch])
    assert inside.stdout.strip() == "200", f"{web.where}: GET {local} inside the pod: {inside.stdout} {inside.stderr[-1000:]}"


# -- shell ----------------------------------------------------------------------------------------------------

def test_the_ops_shell_stays_up_and_runs_a_django_shell(stage: Stage) -> None:
    shell = stage.start("StatefulSet", f"{APP}-shell")
    time.sleep(2)
    shell.check_running("idling")
    assert stage.django("from shop.models import Order; print(Order.objects.count())") == "1"
    # The README's line: kubectl exec -it shop-shell-0 -- python -m django shell (here with -c: no terminal).
    assert shell.exec(["hostname"]).stdout.strip() == f"{APP}-shell-0"


# -- Celery ---------------------------------------------------------------------------------------------------

def test_a_task_from_web_reaches_the_worker_of_its_queue(stage: Stage) -> None:
    for workload in (f"{APP}-worker", f"{APP}-worker-emails"):
        stage.start("Deployment", workload).wait_for("readinessProbe")
    stage.start("StatefulSet", f"{APP}-beat").wait_for("readinessProbe")
    web, port = stage.running[f"{APP}-web"], stage.traffic_port()
    _, body = web.http("/orders/", port, {"Host": stage.public_host(), "Content-Type": "application/json"}, method="POST",
                       body=json.dumps({"email": "second@example.com"}).encode())
    order = json.loads(body)["id"]
    _wait(lambda: json.loads(web.http(f"/orders/{order}/", port, {"Host": "localhost"})[1])["confirmed"], SETTLE,
          f"{stage.name}: order {order} confirmed by a worker")
    ran = stage.django("from shop.models import TaskRun\n"
                       "runs = TaskRun.objects.filter(name='shop.tasks.send_order_confirmation', finished_at__isnull=False)\n"
                       "print(sorted(set(runs.values_list('hostname', 'queue'))))")
    assert ran == str([(f"worker-emails@{APP}-worker-emails-0", "emails")]), f"{stage.name}: confirmations ran on {ran}"


def test_the_heartbeat_passes_the_exec_probes_and_a_stale_one_fails_them(stage: Stage) -> None:
    for workload, beat in ((f"{APP}-worker", "worker"), (f"{APP}-beat", "beat")):
        pod = stage.running[workload]
        for probe in ("readinessProbe", "livenessProbe"):
            assert pod.probe(probe)[0], f"{pod.where}: {probe} failed with a fresh heartbeat"
        result = pod.exec(["python", "-c", f"import os, time; os.utime('/tmp/celery-{beat}-heartbeat', (time.time() - 180,) * 2)"])
        assert result.returncode == 0, result.stderr
        assert not pod.probe("livenessProbe")[0], f"{pod.where}: livenessProbe passed with a heartbeat 3 minutes old"
        _wait(lambda pod=pod: pod.probe("livenessProbe")[0], 45, f"{pod.where}: the heartbeat touched again")


def test_each_metrics_port_serves_prometheus_metrics(stage: Stage) -> None:
    served = []
    for pod in stage.running.values():
        for port in pod.container.get("ports", []):
            if port.get("name") != "metrics":
                continue
            assert pod.variables.get("METRICS_PORT") == str(port["containerPort"]), f"{pod.where}: METRICS_PORT is not its metrics port"
            status, body = pod.http("/metrics", port["containerPort"], {"Host": "localhost"})
            assert status == 200 and b"# HELP" in body, f"{pod.where}: GET /metrics on {port['containerPort']}: {status}"
            served.append(pod.workload)
    assert f"{APP}-worker" in served, f"{stage.name}: the worker with metrics_port=9808 was not scraped: {served}"


def test_the_cache_and_the_broker_are_different_servers(stage: Stage) -> None:
    config = stage.env.get("ConfigMap", f"{APP}-env")["data"]
    broker_url = _broker_url(stage)
    assert urlsplit(config["CACHE_URL"]).hostname != urlsplit(broker_url).hostname, f"{stage.name}: {config['CACHE_URL']} {broker_url}"
    marker = f"e2e-{time.time_ns()}"
    assert stage.django(f"from django.core.cache import cache; cache.set('{marker}', 1, 600); print(cache.get('{marker}'))") == "1"
    if broker_url.startswith(("redis://", "rediss://")):
        printed = stage.django(f"import redis; from django.conf import settings; broker = redis.Redis.from_url(settings.CELERY_BROKER_URL);"
                               f" print(any(b'{marker}' in k for k in broker.keys('*')))")
        assert printed == "False", f"{stage.name}: the cache's key is on the broker"
    else:  # another protocol and server altogether: the broker answers the app's credentials
        assert stage.django("from shop.celery import app; c = app.connection_for_write(); c.ensure_connection(max_retries=3);"
                            " print(c.connected)") == "True"


def test_filling_the_cache_past_its_memory_never_evicts_a_queued_task(stage: Stage) -> None:
    if stage.name == "production":
        pytest.skip("production's cache and broker are managed (ElastiCache's own eviction settings)")
    stage.stop(f"{APP}-worker-emails")
    web, port = stage.running[f"{APP}-web"], stage.traffic_port()
    _, body = web.http("/orders/", port, {"Host": "localhost", "Content-Type": "application/json"}, method="POST",
                       body=json.dumps({"email": "queued@example.com"}).encode())
    order = json.loads(body)["id"]
    _wait(lambda: _queued(stage, "emails") == 1, 20, "the task queued on the broker")
    stage.django("from django.core.cache import cache\nfor i in range(160): cache.set(f'fill-{i}', b'x' * 1_000_000, 600)")
    assert _evictions(stage) > 0, "the cache never filled up"
    if f"{APP}-redis-broker" in stage.running:
        policy = stage.running[f"{APP}-redis-broker"].exec(["redis-cli", "-p", "6379", "config", "get", "maxmemory-policy"]).stdout.split()
        assert policy == ["maxmemory-policy", "noeviction"]
    assert _queued(stage, "emails") == 1
    stage.start("Deployment", f"{APP}-worker-emails")
    _wait(lambda: json.loads(web.http(f"/orders/{order}/", port, {"Host": "localhost"})[1])["confirmed"], SETTLE,
          f"{stage.name}: the queued order confirmed once a worker came back")


# -- cron -----------------------------------------------------------------------------------------------------

def test_each_cron_job_exits_0(stage: Stage) -> None:
    cron_jobs = [obj["metadata"]["name"] for obj in stage.env.of_kind("CronJob")]
    assert cron_jobs, f"{stage.name}: no CronJob"
    for name in cron_jobs:
        code, log = stage.job("CronJob", name)
        assert code == 0, f"{stage.name}: CronJob {name} exited {code}\n{log[-3000:]}"


def test_beat_sends_its_scheduled_task(stage: Stage) -> None:
    count = "from shop.models import TaskRun; print(TaskRun.objects.filter(name='shop.tasks.record_beat_run').count())"
    _wait(lambda: stage.django(count) != "0", 120, f"{stage.name}: beat's record-beat-run executed by a worker", interval=5)


# -- the database away; stopping ------------------------------------------------------------------------------

def test_a_worker_finishes_its_task_within_the_grace_period_on_sigterm(stage: Stage) -> None:
    worker = stage.running.pop(f"{APP}-worker")
    grace = worker.template["spec"]["terminationGracePeriodSeconds"]
    task = stage.django("from shop.tasks import slow_task; print(slow_task.delay(8).id)")
    started = f"from shop.models import TaskRun; print(TaskRun.objects.filter(task_id='{task}').exists())"
    _wait(lambda: stage.django(started) == "True", SETTLE, f"{worker.where}: the slow task started")
    code, seconds = worker.stop()
    assert code == 0 and seconds < grace, f"{worker.where}: exited {code} after {seconds:.1f}s (grace {grace}s)\n{worker.tail()}"
    finished = stage.django(f"from shop.models import TaskRun; print(TaskRun.objects.get(task_id='{task}').finished_at is not None)")
    assert finished == "True", f"{worker.where}: the task in progress at SIGTERM did not finish\n{worker.tail()}"


def test_a_server_certificate_from_another_ca_is_refused(stage: Stage) -> None:
    if stage.name != "production":
        pytest.skip("staging's stores speak plain TCP inside the namespace (DATABASE_SSLMODE=disable)")
    distrusting = Rollout(stage.env, stage.rollout.network, stage.rollout.state.parent, BUILT, stage.rogue_files,
                          stage.rollout.cluster.secrets)
    try:
        shell = distrusting.start("StatefulSet", f"{APP}-shell", "shell")
        database = shell.exec(["python", "-m", "django", "migrate", "--check"])
        assert database.returncode != 0 and "certificate verify failed" in database.stderr, database.stderr[-2000:]
        cache = shell.exec(["python", "-m", "django", "shell", "-c", "from django.core.cache import cache; cache.get('x')"])
        assert cache.returncode != 0 and "certificate verify failed" in cache.stderr, cache.stderr[-2000:]
        broker = shell.exec(["python", "-m", "django", "shell", "-c",
                             "from shop.celery import app; app.connection_for_write().ensure_connection(max_retries=1)"])
        assert broker.returncode != 0 and "certificate verify failed" in broker.stderr, broker.stderr[-2000:]
    finally:
        distrusting.stop_all()


def test_liveness_holds_with_the_database_stopped(stage: Stage) -> None:
    web = stage.running[f"{APP}-web"]
    if stage.name == "production":
        stage.standins[f"{APP}-postgres"].stop()
    else:
        stage.running.pop(f"{APP}-postgres").stop()
    for probe in ("livenessProbe", "readinessProbe"):
        ok, output = web.probe(probe)
        assert ok, f"{web.where}: {probe} failed with the database stopped: {output}"


def test_web_drains_after_its_prestop_and_exits_within_the_grace_period(stage: Stage) -> None:
    """gunicorn serves through its preStop, then drains; nginx, when in the pod, keeps serving until gunicorn is gone
    (its preStop outlasts gunicorn's stop), and every container exits 0 within the grace period."""
    web, nginx, port = stage.running[f"{APP}-web"], stage.container(f"{APP}-web", "nginx"), stage.traffic_port()
    grace = web.template["spec"]["terminationGracePeriodSeconds"]
    path, collected = _stylesheet(stage) if nginx is not None else ("", Path())
    answered: list[int] = []
    after_gunicorn: list[object] = []

    def during_prestop() -> None:
        time.sleep(2)
        answered.append(web.http("/healthz/", port, {"Host": "localhost"})[0])

    def once_gunicorn_is_gone() -> None:
        assert web.process is not None and nginx is not None
        web.process.wait(grace)
        after_gunicorn.append(nginx.process is not None and nginx.process.poll() is None)  # nginx still running
        after_gunicorn.append(web.http(path, port, {"Host": stage.public_host()}))  # the files, from nginx alone
        after_gunicorn.append(web.probe("readinessProbe")[0])  # web's probes go through nginx to gunicorn: failing now

    checks = [threading.Thread(target=during_prestop)] + ([threading.Thread(target=once_gunicorn_is_gone)] if nginx else [])
    for check in checks:
        check.start()
    stopped = stage.stop(f"{APP}-web")
    for check in checks:
        check.join()
    assert answered == [200], f"{web.where}: not serving during preStop: {answered}"
    for name, (code, seconds) in stopped.items():
        assert code == 0 and seconds < grace, f"{stage.name}: web's {name} exited {code} after {seconds:.1f}s (grace {grace}s)"
    if nginx is not None:
        assert after_gunicorn == [True, (200, collected.read_bytes()), False], f"{nginx.where}: once gunicorn was gone: {after_gunicorn}"
        assert stopped["nginx"][1] > stopped["web"][1], f"{nginx.where}: stopped before gunicorn had drained: {stopped}"




# -- what the steps above must have covered -------------------------------------------------------------------

def test_no_container_is_left_with_an_undefined_variable_reference(stage: Stage) -> None:
    """The kubelet keeps an undefined $(NAME) as written: almost always a typo or an env var defined too late."""
    leftovers = []
    for pod in stage.rollout.pods:
        for text in [*pod.argv, *pod.variables.values()]:
            leftovers += [f"{pod.where}: {name}" for name in re.findall(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)", text)]
    assert not leftovers, f"{stage.name}: undefined $(VAR) references: {sorted(set(leftovers))}"


def test_every_container_of_the_environment_was_run(stage: Stage) -> None:
    """A sidecar or a workload the steps do not know would otherwise never be tried."""
    started = {(pod.workload, pod.container_name) for pod in stage.rollout.pods}
    declared = set()
    for kind, workload in stage.env.workloads():
        spec = stage.env.pod_template(kind, workload)["spec"]
        name = f"{APP}-migrate" if kind == "Job" and workload.startswith(f"{APP}-migrate-") else workload  # its hash aside
        declared |= {(name, c["name"]) for c in [*spec.get("initContainers", []), *spec["containers"]]}
    missing = sorted(declared - started)
    assert not missing, f"{stage.name}: containers no step ran: {missing}"

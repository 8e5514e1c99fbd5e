"""Production-grade defaults, proven by external validators and offline analyses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from _k8s import by_kind, containers, find, pod_spec, runs_app_code
from conftest import ROOT
from netpol import Pod, matrix, render_matrix

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
SKIPS_FILE = ROOT / "tests" / "checkov-skips.yaml"
# Checks that may never be skipped: security context, privilege, host namespaces,
# capabilities, resource requests and limits on memory.
NEVER_SKIP = {
    "CKV_K8S_1", "CKV_K8S_2", "CKV_K8S_3", "CKV_K8S_4", "CKV_K8S_5", "CKV_K8S_6", "CKV_K8S_7",
    "CKV_K8S_10", "CKV_K8S_12", "CKV_K8S_13", "CKV_K8S_16", "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19",
    "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_23", "CKV_K8S_25", "CKV_K8S_28", "CKV_K8S_29", "CKV_K8S_30",
    "CKV_K8S_31", "CKV_K8S_32", "CKV_K8S_33", "CKV_K8S_37", "CKV_K8S_38", "CKV_K8S_39", "CKV_K8S_40",
}


def _skips() -> dict[str, str]:
    return yaml.safe_load(SKIPS_FILE.read_text())


def test_checkov_skip_list_is_short_and_reasoned() -> None:
    skips = _skips()
    assert 0 < len(skips) <= 8
    assert all(isinstance(reason, str) and len(reason) > 20 for reason in skips.values())
    assert not set(skips) & NEVER_SKIP


def test_checkov_finds_nothing_in_dist() -> None:
    if not CHECKOV.exists():
        pytest.fail("checkov missing: `make test` installs it into .venv-checkov")
    result = subprocess.run(
        [str(CHECKOV), "-d", "dist", "--framework", "kubernetes", "--skip-download", "--quiet", "--compact",
         "-o", "json", "--skip-check", ",".join(_skips())],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [f"{f['check_id']} {f['resource']}" for r in reports for f in r["results"]["failed_checks"]]
    passed = sum(r["summary"]["passed"] for r in reports)
    assert failed == []
    assert passed > 1000


@pytest.mark.parametrize("heartbeat", [True, False])
def test_only_the_shell_and_celery_without_heartbeat_have_no_probes(heartbeat: bool) -> None:
    """The reason given for skipping CKV_K8S_8 and CKV_K8S_9 stays true, heartbeat on (the example) or off (the default)."""
    from dataclasses import replace

    from cdk8s import App

    import main
    from cdk8s_django import DjangoChart
    from cdk8s_django.testing import synth

    for environment in main.environments:
        chart = DjangoChart(App(), environment.name, django_app=replace(main.shop, celery_heartbeat=heartbeat), environment=environment)
        for doc in synth(chart):
            if doc["kind"] in ("Deployment", "StatefulSet"):
                component = doc["metadata"]["labels"]["app.kubernetes.io/component"]
                for container in pod_spec(doc)["containers"]:  # type: ignore[index]
                    has = "livenessProbe" in container and "readinessProbe" in container
                    celery = component == "beat" or component.startswith("worker")
                    assert has == (component != "shell" and (heartbeat or not celery)), doc["metadata"]["name"]


def test_detect_secrets_finds_nothing_in_dist() -> None:
    scanner = Path(sys.executable).parent / "detect-secrets"
    result = subprocess.run([str(scanner), "scan", "--all-files", "dist"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["results"] == {}


def test_detect_secrets_would_catch_a_leak(tmp_path: Path) -> None:
    (tmp_path / "leak.yaml").write_text("data:\n  DATABASE_PASSWORD: x9Qk3vTz8LwRa7pM2c\n")
    scanner = Path(sys.executable).parent / "detect-secrets"
    result = subprocess.run([str(scanner), "scan", "--all-files", "."], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["results"] != {}


def test_yamllint_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "yamllint", "-c", ".yamllint.yaml", "-f", "parsable", "dist"], cwd=ROOT, capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "")


def test_every_pod_is_restricted(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        namespace = by_kind(docs, "Namespace")[0]
        assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        for doc in docs:
            spec = pod_spec(doc)
            if spec is None:
                continue
            context = spec["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] > 10000
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}
            assert spec["automountServiceAccountToken"] is False
            for container in containers(doc):
                c = container["securityContext"]
                assert c["allowPrivilegeEscalation"] is False and c["readOnlyRootFilesystem"] is True
                assert c["capabilities"] == {"drop": ["ALL"]}
                assert container["resources"]["requests"].keys() == {"cpu", "memory"}
                assert "memory" in container["resources"]["limits"]
                tmp = [m["name"] for m in container["volumeMounts"] if m["mountPath"] == "/tmp" and not m.get("readOnly")]
                assert tmp and "emptyDir" in next(v for v in spec["volumes"] if v["name"] == tmp[0]), container["name"]


def test_writable_paths_are_empty_dirs(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["qa"]
    web = pod_spec(find(docs, "Deployment", "shop-web"))
    assert "--worker-tmp-dir" in web["containers"][0]["command"]  # type: ignore[index]
    tmp_dir = web["containers"][0]["command"][web["containers"][0]["command"].index("--worker-tmp-dir") + 1]  # type: ignore[index]
    assert tmp_dir in {m["mountPath"] for m in web["containers"][0]["volumeMounts"]}  # type: ignore[index]
    beat = pod_spec(find(docs, "StatefulSet", "shop-beat"))
    assert "/var/lib/celery-beat" in {m["mountPath"] for m in beat["containers"][0]["volumeMounts"]}  # type: ignore[index]
    postgres = pod_spec(find(docs, "StatefulSet", "shop-postgres"))
    assert {"/var/run/postgresql", "/tmp", "/var/lib/postgresql/data"} <= {m["mountPath"] for m in postgres["containers"][0]["volumeMounts"]}  # type: ignore[index]


def test_production_availability(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["production"]
    hpas = {d["spec"]["scaleTargetRef"]["name"]: d for d in by_kind(docs, "HorizontalPodAutoscaler")}
    assert set(hpas) == {"shop-web", "shop-worker", "shop-worker-emails"}
    assert all(h["spec"]["minReplicas"] >= 2 for h in hpas.values())
    for name in hpas:
        assert "replicas" not in find(docs, "Deployment", name)["spec"], name
    pdbs = {d["metadata"]["name"]: d["spec"] for d in by_kind(docs, "PodDisruptionBudget")}
    assert set(pdbs) == {"shop-web", "shop-worker", "shop-worker-emails"}
    assert all(p["maxUnavailable"] == 1 and p["unhealthyPodEvictionPolicy"] == "AlwaysAllow" for p in pdbs.values())
    web = pod_spec(find(docs, "Deployment", "shop-web"))
    keys = {c["topologyKey"] for c in web["topologySpreadConstraints"]}  # type: ignore[index]
    assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    assert "preStop" in web["containers"][0]["lifecycle"]  # type: ignore[index]


def test_beat_never_gets_hpa_pdb_or_scaler(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for docs in example_docs.values():
        for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget", "ScaledObject"):
            assert not [d for d in by_kind(docs, kind) if "beat" in d["metadata"]["name"]]


def test_staging_workers_scale_to_zero_with_keda(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["demo"]
    scaled = find(docs, "ScaledObject", "shop-worker")
    assert scaled["spec"]["minReplicaCount"] == 0
    # demo's broker is RabbitMQ: the queue's length over AMQP, dialled by its full name from KEDA's namespace,
    # with the generated user and password read from the broker's Secret.
    assert scaled["spec"]["triggers"] == [{"type": "rabbitmq", "metadata": {
        "protocol": "amqp", "mode": "QueueLength", "value": "20", "queueName": "default",
        "host": "amqp://shop-rabbitmq.shop-demo.svc:5672/%2F"}, "authenticationRef": {"name": "shop-worker-keda"}}]
    assert find(docs, "TriggerAuthentication", "shop-worker-keda")["spec"] == {"secretTargetRef": [
        {"parameter": "password", "name": "shop-rabbitmq", "key": "password"},
        {"parameter": "username", "name": "shop-rabbitmq", "key": "username"}]}
    assert "replicas" not in find(docs, "Deployment", "shop-worker")["spec"]
    assert not by_kind(docs, "HorizontalPodAutoscaler")


def test_worker_grace_period_is_derived_from_the_time_limit(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for docs in example_docs.values():
        for worker in (find(docs, "Deployment", "shop-worker"), find(docs, "Deployment", "shop-worker-emails")):
            spec = pod_spec(worker)
            command = spec["containers"][0]["command"]  # type: ignore[index]
            assert spec["terminationGracePeriodSeconds"] == int(command[command.index("--time-limit") + 1]) + 30  # type: ignore[index]


def test_service_account_and_irsa(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env, docs in example_docs.items():
        account = find(docs, "ServiceAccount", "shop")
        assert account["automountServiceAccountToken"] is False
        for doc in docs:
            if runs_app_code(doc):
                assert pod_spec(doc)["serviceAccountName"] == "shop"  # type: ignore[index]
    assert find(example_docs["production"], "ServiceAccount", "shop")["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/shop-production-app"}


def test_shell_rbac_allows_exec_into_the_shell_only(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["production"]
    role = find(docs, "Role", "shop-shell-exec")
    assert all(rule["resourceNames"] == ["shop-shell-0"] for rule in role["rules"])
    assert {r for rule in role["rules"] for r in rule["resources"]} == {"pods", "pods/exec"}
    binding = find(docs, "RoleBinding", "shop-shell-exec")
    assert binding["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "shop-operators"}]


def test_staging_password_is_generated_once_and_url_safe(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    for env in ("qa", "demo"):
        docs = example_docs[env]
        generator = find(docs, "Password", "shop-database")
        assert generator["spec"]["symbols"] == 0
        secret = find(docs, "ExternalSecret", "shop-database")
        assert secret["spec"]["refreshPolicy"] == "CreatedOnce"
        assert secret["spec"]["target"]["name"] == "shop-database"


def test_production_secrets_come_from_aws(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["production"]
    keys = {d["metadata"]["name"]: d["spec"]["dataFrom"][0]["extract"]["key"] for d in by_kind(docs, "ExternalSecret")}
    assert keys == {"shop-database": "shop/production/database", "shop-django": "shop/production/shop-django"}
    assert not by_kind(docs, "Password")


def test_new_relic_wraps_long_running_processes(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["production"]
    for name, kind in (("shop-web", "Deployment"), ("shop-worker", "Deployment"), ("shop-beat", "StatefulSet")):
        container = pod_spec(find(docs, kind, name))["containers"][0]  # type: ignore[index]
        assert container["command"][:2] == ["newrelic-admin", "run-program"]
        assert {"name": "NEW_RELIC_LICENSE_KEY", "valueFrom": {"secretKeyRef": {"name": "shop-newrelic", "key": "license_key"}}} in container["env"]
    assert "newrelic.ini" in find(docs, "ConfigMap", "shop-files")["data"]
    assert find(docs, "ConfigMap", "shop-env")["data"]["NEW_RELIC_CONFIG_FILE"] == "/etc/django/newrelic.ini"


def test_monitoring_objects(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    docs = example_docs["production"]
    assert find(docs, "ServiceMonitor", "shop-web")["spec"]["endpoints"][0]["port"] == "metrics"
    service_ports = {p["name"]: p["port"] for p in find(docs, "Service", "shop-web")["spec"]["ports"]}
    assert service_ports == {"http": 80, "metrics": 9100}
    ingress = find(docs, "Ingress", "shop-web")
    assert {path["backend"]["service"]["port"]["name"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]} == {"http"}
    assert find(docs, "PodMonitor", "shop-worker")["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"
    assert not by_kind(example_docs["qa"], "ServiceMonitor")


# --- NetworkPolicy reachability ------------------------------------------------------------

def _pods(docs: list[dict[str, Any]]) -> dict[str, Pod]:
    pods = {}
    for doc in docs:
        spec = pod_spec(doc)
        if spec is None:
            continue
        template = doc["spec"]["jobTemplate"]["spec"]["template"] if doc["kind"] == "CronJob" else doc["spec"]["template"]
        component = doc["metadata"]["labels"]["app.kubernetes.io/component"]
        pods[component] = Pod(component, doc["metadata"]["namespace"], template["metadata"]["labels"])
    return pods


def _reachability(docs: list[dict[str, Any]], namespace: str, targets: list[tuple[str, int]]) -> str:
    pods = _pods(docs)
    sources: dict[str, Pod | str] = {name: pods[name] for name in ("web", "worker", "beat", "shell", "migrate", "clearsessions")}
    sources.update({
        "load balancer subnet": "10.20.1.7" if namespace == "shop-production" else "10.0.1.7",
        "pod elsewhere in VPC": "10.20.77.8" if namespace == "shop-production" else "10.0.77.8",
        "internet": "203.0.113.9",
        "prometheus": Pod("prometheus", "monitoring", {"app": "prometheus"}),
        "keda": Pod("keda-operator", "keda", {"app": "keda-operator"}),
        "other namespace": Pod("web", "blog-qa", {"app.kubernetes.io/name": "blog", "app.kubernetes.io/part-of": "shop"}),
    })
    policies = by_kind(docs, "NetworkPolicy")
    return render_matrix(matrix(policies, {}, sources, {f"{t}:{p}": (pods[t], p) for t, p in targets}))


STAGING_MATRIX = """\
                      web:8000  postgres:5432  redis-cache:6379  redis-broker:6379
web                   -         yes            yes               yes
worker                -         yes            yes               yes
beat                  -         yes            yes               yes
shell                 -         yes            yes               yes
migrate               -         yes            yes               yes
clearsessions         -         yes            yes               yes
load balancer subnet  yes       -              -                 -
pod elsewhere in VPC  -         -              -                 -
internet              -         -              -                 -
prometheus            -         -              -                 -
keda                  -         -              -                 -
other namespace       -         -              -                 -"""


def test_staging_reachability_matrix(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    table = _reachability(example_docs["qa"], "shop-qa", [("web", 8000), ("postgres", 5432), ("redis-cache", 6379), ("redis-broker", 6379)])
    assert table == STAGING_MATRIX


def test_keda_reaches_the_broker_only_where_it_scales(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    demo = _reachability(example_docs["demo"], "shop-demo", [("rabbitmq", 5672), ("memcached", 11211)])
    assert next(line for line in demo.splitlines() if line.startswith("keda")).split() == ["keda", "yes", "-"]
    qa = _reachability(example_docs["qa"], "shop-qa", [("redis-broker", 6379)])
    assert next(line for line in qa.splitlines() if line.startswith("keda")).split() == ["keda", "-"]


PRODUCTION_MATRIX = """\
                      web:8000  web:9100  worker:9808  worker-emails:9808
web                   -         -         -            -
worker                -         -         -            -
beat                  -         -         -            -
shell                 -         -         -            -
migrate               -         -         -            -
clearsessions         -         -         -            -
load balancer subnet  yes       -         -            -
pod elsewhere in VPC  -         -         -            -
internet              -         -         -            -
prometheus            -         yes       yes          -
keda                  -         -         -            -
other namespace       -         -         -            -"""


def test_production_reachability_matrix(example_docs: dict[str, list[dict[str, Any]]]) -> None:
    table = _reachability(example_docs["production"], "shop-production", [("web", 8000), ("web", 9100), ("worker", 9808), ("worker-emails", 9808)])
    assert table == PRODUCTION_MATRIX


def _shape(shape: str) -> list[dict[str, Any]]:
    """The example's qa environment in each shape a team can give it."""
    from dataclasses import replace

    from cdk8s import App

    import main
    from cdk8s_django import DjangoChart, Environment, IngressController, IngressOptions, NetworkAccess
    from cdk8s_django.testing import synth

    qa = main.environments[0]
    environment = {
        "alb": qa,
        "nginx": replace(qa, ingress=IngressOptions(class_name="nginx", controller=IngressController.NGINX),
                         network=NetworkAccess(ingress_namespace="ingress-nginx")),
        "no-ingress": replace(qa, hosts=(), ingress=None, network=NetworkAccess()),
        "preview": Environment.for_branch("feat/x", owner="alice", domain=main.PREVIEW_DOMAIN, ingress=main.STAGING_INGRESS,
                                          network=main.STAGING_NETWORK),
    }[shape]
    return synth(DjangoChart(App(), environment.name, django_app=main.shop, environment=environment))


@pytest.mark.parametrize(("shape", "reach_web"), [
    ("alb", {"load balancer subnet"}), ("nginx", {"ingress controller"}), ("no-ingress", set()), ("preview", {"load balancer subnet"}),
])
def test_every_environment_shape_opens_web_to_its_load_balancer_only(shape: str, reach_web: set[str]) -> None:
    docs = _shape(shape)
    pods = _pods(docs)
    namespace = pods["web"].namespace
    sources: dict[str, Pod | str] = {
        "load balancer subnet": "10.0.1.7", "pod elsewhere in VPC": "10.0.77.8", "internet": "203.0.113.9",
        "ingress controller": Pod("controller", "ingress-nginx", {"app": "ingress-nginx"}),
        "other namespace": Pod("web", "blog-qa", {"app.kubernetes.io/name": "blog", "app.kubernetes.io/part-of": "shop"}),
        "worker": pods["worker"],
    }
    targets = {"web": (pods["web"], 8000), "postgres": (pods["postgres"], 5432), "broker": (pods["redis-broker"], 6379)}
    result = matrix(by_kind(docs, "NetworkPolicy"), {}, sources, targets)
    assert {source for source, row in result.items() if row["web"]} == reach_web, (shape, namespace)
    assert {source for source, row in result.items() if row["postgres"] or row["broker"]} == {"worker"}


def test_web_without_a_load_balancer_source_admits_nobody() -> None:
    """An ingress rule with an empty `from` admits every pod in every namespace: never emit one."""
    from cdk8s import App

    from cdk8s_django import DjangoApp, DjangoChart, Environment
    from cdk8s_django.testing import synth

    chart = DjangoChart(App(), "qa", django_app=DjangoApp(name="shop", image="shop:1", settings_module="shop.settings"),
                        environment=Environment.staging("qa"))
    policies = by_kind(synth(chart), "NetworkPolicy")
    assert all(rule.get("from") for policy in policies for rule in policy["spec"].get("ingress", []))
    assert find(policies, "NetworkPolicy", "shop-web")["spec"]["ingress"] == []

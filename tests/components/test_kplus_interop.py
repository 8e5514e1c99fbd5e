"""cdk8s-plus-27 beside the library: a team's Flower Deployment runs with the app's runtime and passes the same gate.

The gate: strict schemas (1.27 and 1.37), Pod Security "restricted", the oracle, and checkov with the
project's skip list and no new skip ID.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cdk8s
import cdk8s_plus_27 as kplus
import main
import pytest
import yaml
from cdk8s import App

from _k8s import by_kind, find, pod_spec, synth
from cdk8s_django import DjangoChart
from cdk8s_django.kplus import run_with_app
from conftest import ROOT
from netpol import Pod, matrix
from output_checks import gate

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def _flower(chart: DjangoChart, reach_stores: bool) -> kplus.Deployment:
    health = kplus.Probe.from_http_get("/healthcheck", port=5555)
    flower = kplus.Deployment(chart, "Flower", replicas=1, containers=[  # no name: run_with_app names it shop-flower
        kplus.ContainerProps(
            image="set-by-run-with-app", command=["celery", "--app", "shop", "flower", "--port=5555"], port_number=5555,
            liveness=health, readiness=health,
            resources=kplus.ContainerResources(
                cpu=kplus.CpuResources(request=kplus.Cpu.millis(50)),
                memory=kplus.MemoryResources(request=cdk8s.Size.mebibytes(128), limit=cdk8s.Size.mebibytes(256)),
            ),
        ),
    ])
    # The team's own variables, one pointing at the library's web Service by name.
    flower.containers[0].env.add_variable("FLOWER_URL_PREFIX", kplus.EnvValue.from_value("/flower"))
    flower.containers[0].env.add_variable("WEB_SERVICE", kplus.EnvValue.from_value(chart.web.service.name))
    run_with_app(flower, chart, component="flower", reach_stores=reach_stores)
    return flower


@pytest.fixture(scope="module", params=[True, False], ids=["reach-stores", "no-stores"])
def docs(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    chart = DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])
    _flower(chart, request.param)
    return synth(chart)


def test_the_kplus_workload_runs_with_the_apps_runtime(docs: list[dict[str, Any]]) -> None:
    flower, web = find(docs, "Deployment", "shop-flower"), find(docs, "Deployment", "shop-web")
    pod, web_pod = pod_spec(flower), pod_spec(web)
    assert pod is not None and web_pod is not None
    (container,) = pod["containers"]
    web_container = web_pod["containers"][0]
    assert container["image"] == web_container["image"] == main.shop.image
    assert container["env"] == [*web_container["env"], {"name": "FLOWER_URL_PREFIX", "value": "/flower"},
                                {"name": "WEB_SERVICE", "value": "shop-web"}]
    assert container["envFrom"] == web_container["envFrom"]
    assert container["securityContext"] == web_container["securityContext"]
    assert pod["securityContext"] == web_pod["securityContext"]  # the app's UID/GID, not cdk8s-plus's 25000; seccomp
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["serviceAccountName"] == "shop" and pod["automountServiceAccountToken"] is False
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}} in pod["volumes"]
    assert {"mountPath": "/etc/django", "name": "config-files", "readOnly": True} in container["volumeMounts"]
    assert container["command"] == ["celery", "--app", "shop", "flower", "--port=5555"]  # the team's own part stays
    # The team's resources, as written (a memory limit above the request included); no pull policy, as web's.
    assert container["resources"] == {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}
    assert "imagePullPolicy" not in container and "imagePullPolicy" not in web_container


def test_the_kplus_workload_passes_the_gate(docs: list[dict[str, Any]]) -> None:
    assert gate(docs) == []


def test_stores_are_reachable_only_when_asked(docs: list[dict[str, Any]]) -> None:
    flower = find(docs, "Deployment", "shop-flower")
    labels = flower["spec"]["template"]["metadata"]["labels"]
    asked = "app.kubernetes.io/part-of" in labels
    pods = {"flower": Pod("flower", "shop-qa", labels)}
    postgres = next(d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "shop-postgres")
    targets = {"postgres": (Pod("postgres", "shop-qa", postgres["spec"]["template"]["metadata"]["labels"]), 5432)}
    assert matrix(by_kind(docs, "NetworkPolicy"), {}, pods, targets)["flower"]["postgres"] is asked


def test_checkov_finds_nothing_with_the_same_skips(tmp_path: Path) -> None:
    if not CHECKOV.exists():
        pytest.fail("checkov missing: `make test` installs it into .venv-checkov")
    chart = DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])
    _flower(chart, reach_stores=True)  # checkov reads labels only for selectors: one run covers both
    docs = synth(chart)
    for index, doc in enumerate(docs):  # the whole chart, as in dist/: the NetworkPolicies select the pods
        (tmp_path / f"{index:03d}.yaml").write_text(yaml.safe_dump(doc))
    skips = yaml.safe_load((ROOT / "tests" / "checkov-skips.yaml").read_text())
    result = subprocess.run(
        [str(CHECKOV), "-d", str(tmp_path), "--framework", "kubernetes", "--skip-download", "--quiet", "--compact",
         "-o", "json", "--skip-check", ",".join(skips)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    reports = json.loads(result.stdout)
    report = reports[0] if isinstance(reports, list) else reports
    assert [f"{f['check_id']} {f['resource']}" for f in report["results"]["failed_checks"]] == []
    assert report["summary"]["passed"] > 200


def test_a_chart_without_it_never_loads_cdk8s_plus() -> None:
    code = "import sys, main; main.build_app(outdir='unused').render(); print('cdk8s_plus_27' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False"


def test_run_with_app_wants_a_django_chart() -> None:
    from cdk8s import Chart

    from cdk8s_django import ConfigError

    plain = Chart(App(), "plain")
    workload = kplus.Deployment(plain, "W", containers=[kplus.ContainerProps(image="x:1")])
    with pytest.raises(ConfigError, match=r"^plain/W: invalid chart=.*expected a DjangoChart"):
        run_with_app(workload, plain, component="w")  # type: ignore[arg-type]


def test_the_containers_own_variable_wins_over_the_apps() -> None:
    chart = DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])
    worker = kplus.Deployment(chart, "Other", metadata=cdk8s.ApiObjectMetadata(name="shop-other"), containers=[kplus.ContainerProps(
        image="x", env_variables={"DJANGO_SETTINGS_MODULE": kplus.EnvValue.from_value("shop.settings_other")})])
    run_with_app(worker, chart, component="other")
    env = pod_spec(find(synth(chart), "Deployment", "shop-other"))["containers"][0]["env"]  # type: ignore[index]
    assert [e for e in env if e["name"] == "DJANGO_SETTINGS_MODULE"] == [{"name": "DJANGO_SETTINGS_MODULE", "value": "shop.settings_other"}]


def test_every_kind_and_what_cdk8s_plus_adds_beside_it_pass_the_gate() -> None:
    """A StatefulSet (its own headless Service), an init container, a CronJob, the team's envFrom: all in the
    namespace, labelled for pruning, restricted."""
    chart = DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])
    team_config = kplus.ConfigMap.from_config_map_name(chart, "TeamConfig", "team-config")
    daphne = kplus.StatefulSet(chart, "Daphne", metadata=cdk8s.ApiObjectMetadata(name="shop-daphne"), containers=[kplus.ContainerProps(
        image="x", command=["daphne", "shop.asgi:application"], port_number=8001,
        env_from=[kplus.Env.from_config_map(team_config)])])
    daphne.add_init_container(name="wait", image="x", command=["python", "-c", "pass"])
    cron = kplus.CronJob(chart, "Report", metadata=cdk8s.ApiObjectMetadata(name="shop-report"), schedule=cdk8s.Cron.daily(),
                         containers=[kplus.ContainerProps(image="x", command=["python", "-m", "django", "report"])])
    run_with_app(daphne, chart, component="daphne", reach_stores=True)
    run_with_app(cron, chart, component="report")
    docs = synth(chart)
    assert gate(docs) == []
    ours = [d for d in docs if d["metadata"].get("labels", {}).get("app.kubernetes.io/component") in ("daphne", "report")]
    assert sorted((d["kind"], d["metadata"]["namespace"]) for d in ours) == [
        ("CronJob", "shop-qa"), ("Service", "shop-qa"), ("StatefulSet", "shop-qa")]
    stateful = pod_spec(find(docs, "StatefulSet", "shop-daphne"))
    assert stateful is not None
    assert stateful["containers"][0]["envFrom"][0] == {"configMapRef": {"name": "team-config"}}  # the team's first, kept
    assert stateful["containers"][0]["envFrom"][1:] == [{"configMapRef": {"name": "shop-env"}}, {"secretRef": {"name": "shop-django"}}]
    assert stateful["initContainers"][0]["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    cron_pod = pod_spec(find(docs, "CronJob", "shop-report"))
    assert cron_pod is not None and cron_pod["serviceAccountName"] == "shop" and cron_pod["containers"][0]["image"] == main.shop.image


def test_a_service_account_of_its_own_is_refused() -> None:
    from cdk8s_django import ConfigError

    chart = DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])
    account = kplus.ServiceAccount.from_service_account_name(chart, "Team", "team-sa")
    workload = kplus.Deployment(chart, "W", service_account=account, containers=[kplus.ContainerProps(image="x:1")])
    with pytest.raises(ConfigError, match=r"^qa/W: invalid service_account='team-sa': expected none: the pods run as the app's"):
        run_with_app(workload, chart, component="w")


@pytest.mark.parametrize("component", ["web", "worker", "clearsessions"])
def test_a_component_the_chart_uses_is_refused(component: str) -> None:
    """Its pods would match that component's Service and selectors (web's Service would send them traffic)."""
    from cdk8s_django import ConfigError

    chart = DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])
    workload = kplus.Deployment(chart, "W", containers=[kplus.ContainerProps(image="x:1")])
    with pytest.raises(ConfigError, match=rf"^qa/W: invalid component='{component}': expected a component the chart does not use"):
        run_with_app(workload, chart, component=component)


STAGING_SMALL = {"requests": {"cpu": "10m", "memory": "192Mi"}, "limits": {"memory": "192Mi"}}  # beat's staging size


def _qa() -> DjangoChart:
    return DjangoChart(App(), "qa", django_app=main.shop, environment=main.environments[0])


def _one(chart: DjangoChart, workload: kplus.AbstractPod, kind: str, name: str) -> dict[str, Any]:
    run_with_app(workload, chart, component="flower")
    spec = pod_spec(find(synth(chart), kind, name))
    assert spec is not None
    return spec


@pytest.mark.parametrize("environment", ["qa", "production"])
def test_unset_resources_get_the_librarys_small_size_not_cdk8s_plus_defaults(environment: str) -> None:
    """cdk8s-plus would write 1000m/1500m CPU and 512Mi/2048Mi memory; the library's small size (beat's) instead,
    in the init container too: requests, a memory limit equal to the request, no CPU limit."""
    chart = DjangoChart(App(), environment, django_app=main.shop, environment=next(e for e in main.environments if e.name == environment))
    flower = kplus.Deployment(chart, "Flower", containers=[kplus.ContainerProps(image="x", command=["celery", "flower"])])
    flower.add_init_container(name="wait", image="x", command=["python", "-c", "pass"])
    pod = _one(chart, flower, "Deployment", "shop-flower")
    small = STAGING_SMALL if environment == "qa" else {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}}
    assert pod["containers"][0]["resources"] == pod["initContainers"][0]["resources"] == small


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param(kplus.ContainerResources(cpu=kplus.CpuResources(request=kplus.Cpu.millis(100), limit=kplus.Cpu.millis(400)),
                                          memory=kplus.MemoryResources(request=cdk8s.Size.mebibytes(300), limit=cdk8s.Size.gibibytes(1))),
                 {"requests": {"cpu": "100m", "memory": "300Mi"}, "limits": {"cpu": "400m", "memory": "1024Mi"}}, id="all-kept"),
    pytest.param(kplus.ContainerResources(cpu=kplus.CpuResources(request=kplus.Cpu.millis(100)),
                                          memory=kplus.MemoryResources(request=cdk8s.Size.mebibytes(300))),
                 {"requests": {"cpu": "100m", "memory": "300Mi"}, "limits": {"memory": "300Mi"}}, id="memory-limit-filled"),
    pytest.param(kplus.ContainerResources(memory=kplus.MemoryResources(limit=cdk8s.Size.mebibytes(300))),
                 {"requests": {"cpu": "10m"}, "limits": {"memory": "300Mi"}}, id="cpu-request-filled"),
    pytest.param(kplus.ContainerResources(cpu=kplus.CpuResources(limit=kplus.Cpu.millis(200))),
                 {"requests": {"memory": "192Mi"}, "limits": {"cpu": "200m", "memory": "192Mi"}}, id="memory-filled"),
    pytest.param(kplus.ContainerResources(), STAGING_SMALL, id="empty"),
    pytest.param(kplus.ContainerResources(
        cpu=kplus.CpuResources(request=kplus.Cpu.millis(1000), limit=kplus.Cpu.millis(1500)),
        memory=kplus.MemoryResources(request=cdk8s.Size.mebibytes(512), limit=cdk8s.Size.mebibytes(2048))),
                 STAGING_SMALL, id="cdk8s-plus-defaults-written-out"),  # indistinguishable from unset (documented)
])
def test_the_teams_resources_are_kept_and_only_completed(given: kplus.ContainerResources, expected: dict[str, Any]) -> None:
    """As the docstring says: explicit requests and limits stay (a CPU limit too); a missing memory limit is the
    memory request; a resource given neither request nor limit gets the small size's."""
    chart = _qa()
    flower = kplus.Deployment(chart, "Flower", containers=[kplus.ContainerProps(image="x", resources=given)])
    assert _one(chart, flower, "Deployment", "shop-flower")["containers"][0]["resources"] == expected


@pytest.mark.parametrize(("policy", "expected"), [
    (None, None), (kplus.ImagePullPolicy.ALWAYS, None),  # cdk8s-plus writes Always either way: the kubelet's default, as web's
    (kplus.ImagePullPolicy.IF_NOT_PRESENT, "IfNotPresent"), (kplus.ImagePullPolicy.NEVER, "Never"),
])
def test_image_pull_policy_is_the_librarys_unless_the_team_chose_another(policy: kplus.ImagePullPolicy | None,
                                                                        expected: str | None) -> None:
    chart = _qa()
    flower = kplus.Deployment(chart, "Flower", containers=[kplus.ContainerProps(image="x", image_pull_policy=policy)])
    flower.add_init_container(name="wait", image="x", image_pull_policy=policy)
    pod = _one(chart, flower, "Deployment", "shop-flower")
    assert pod["containers"][0].get("imagePullPolicy") == pod["initContainers"][0].get("imagePullPolicy") == expected


def test_always_forced_by_a_patch_after_the_call_stays() -> None:
    """The docstring's way to force Always, which run_with_app cannot tell from cdk8s-plus's default."""
    chart = _qa()
    flower = kplus.Deployment(chart, "Flower", containers=[kplus.ContainerProps(image="x")])
    run_with_app(flower, chart, component="flower")
    cdk8s.ApiObject.of(flower).add_json_patch(cdk8s.JsonPatch.add("/spec/template/spec/containers/0/imagePullPolicy", "Always"))
    assert pod_spec(find(synth(chart), "Deployment", "shop-flower"))["containers"][0]["imagePullPolicy"] == "Always"  # type: ignore[index]


def test_generated_names_become_the_apps_and_what_refers_to_them_follows() -> None:
    """qa-flower becomes shop-flower, as the library names its own; expose's Service and Ingress and a StatefulSet's
    headless Service keep their suffix and stay wired to each other."""
    chart = _qa()
    flower = kplus.Deployment(chart, "Flower", containers=[kplus.ContainerProps(image="x", port_number=5555)])
    flower.expose_via_ingress("/flower")
    daphne = kplus.StatefulSet(chart, "Daphne", containers=[kplus.ContainerProps(image="x", port_number=8001)])
    run_with_app(flower, chart, component="flower")
    run_with_app(daphne, chart, component="daphne", reach_stores=True)
    docs = synth(chart)
    ours = sorted((d["kind"], d["metadata"]["name"]) for d in docs
                  if d["metadata"].get("labels", {}).get("app.kubernetes.io/component") in ("flower", "daphne"))
    assert ours == [("Deployment", "shop-flower"), ("Ingress", "shop-flower-service-ingress"), ("Service", "shop-daphne-service"),
                    ("Service", "shop-flower-service"), ("StatefulSet", "shop-daphne")]
    assert not [d for d in docs if d["metadata"]["name"].startswith("qa-")]
    ingress = find(docs, "Ingress", "shop-flower-service-ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"] == {"name": "shop-flower-service", "port": {"number": 5555}}
    assert find(docs, "StatefulSet", "shop-daphne")["spec"]["serviceName"] == "shop-daphne-service"
    assert find(docs, "Service", "shop-daphne-service")["spec"]["clusterIP"] == "None"


def test_a_name_the_team_gave_stays_and_what_is_inside_follows_it() -> None:
    chart = _qa()
    flower = kplus.Deployment(chart, "Flower", metadata=cdk8s.ApiObjectMetadata(name="shop-flower-dashboard"),
                              containers=[kplus.ContainerProps(image="x", port_number=5555)])
    flower.expose_via_service()
    named = flower.expose_via_service(name="shop-flower-ui")
    run_with_app(flower, chart, component="flower")
    docs = synth(chart)
    assert find(docs, "Deployment", "shop-flower-dashboard")["metadata"]["labels"]["app.kubernetes.io/component"] == "flower"
    assert find(docs, "Service", "shop-flower-dashboard-service")["spec"]["ports"] == [{"port": 5555, "targetPort": 5555}]
    assert find(docs, "Service", named.name)["metadata"]["name"] == "shop-flower-ui"


def test_a_component_too_long_for_the_service_beside_it_is_refused() -> None:
    from cdk8s_django import ConfigError

    chart = _qa()
    component = "f" * 51  # shop-fff...-service: 64 characters
    flower = kplus.Deployment(chart, "Flower", containers=[kplus.ContainerProps(image="x", port_number=5555)])
    flower.expose_via_service()
    with pytest.raises(ConfigError, match=rf"^qa/Flower: invalid component='{component}': expected a shorter component: the Service"
                                          rf" beside the workload would be named 'shop-{component}-service' \(64 characters, at most 63\)"):
        run_with_app(flower, chart, component=component)


def _qa(django_app=main.shop) -> DjangoChart:  # type: ignore[no-untyped-def]
    return DjangoChart(App(), "qa", django_app=django_app, environment=main.environments[0])


def test_two_workloads_of_one_component_or_a_cron_jobs_name_are_refused() -> None:
    """Both would be one file in dist/ (and one selector): refused when the second is handed over, not at synth."""
    from dataclasses import replace

    from cdk8s_django import ConfigError

    chart = _qa()
    run_with_app(kplus.Deployment(chart, "F1", containers=[kplus.ContainerProps(image="x", port_number=5555)]), chart,
                 component="flower")
    second = kplus.Deployment(chart, "F2", containers=[kplus.ContainerProps(image="x", port_number=5555)])
    with pytest.raises(ConfigError, match=r"^qa/F2: invalid component='flower': expected a component the chart does not use"):
        run_with_app(second, chart, component="flower")
    chart = _qa(replace(main.shop, cron={"send_report": "0 3 * * *"}))  # its CronJob is shop-send-report
    job = kplus.CronJob(chart, "Report", schedule=cdk8s.Cron.daily(), containers=[kplus.ContainerProps(image="x")])
    with pytest.raises(ConfigError, match=r"^qa/Report: invalid component='send-report': expected a component"):
        run_with_app(job, chart, component="send-report")


def test_a_renamed_cron_job_must_fit_52_characters() -> None:
    from dataclasses import replace

    from cdk8s_django import ConfigError

    chart = _qa(replace(main.shop, name="customer-portal-api"))
    job = kplus.CronJob(chart, "Export", schedule=cdk8s.Cron.daily(), containers=[kplus.ContainerProps(image="x")])
    with pytest.raises(ConfigError) as raised:
        run_with_app(job, chart, component="export-invoices-to-accounting-sftp")
    assert str(raised.value) == (
        "qa/Export: invalid component='export-invoices-to-accounting-sftp': expected a shorter component: the CronJob would"
        " be named 'customer-portal-api-export-invoices-to-accounting-sftp' (54 characters, at most 52). Fix: shorten it by 2"
        " characters")

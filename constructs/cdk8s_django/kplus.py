"""cdk8s-plus-27 interop: a team's own workload (Celery Flower, a Channels server...) run as the app runs.

    import cdk8s_plus_27 as kplus
    from cdk8s_django.kplus import run_with_app

    flower = kplus.Deployment(chart, "Flower", replicas=1, containers=[kplus.ContainerProps(
        image=chart.runtime.image, command=["celery", "--app", "shop", "flower"], port_number=5555)])
    run_with_app(flower, chart, component="flower", reach_stores=True)

``run_with_app`` gives the workload's pods the app's runtime: its image, env vars (before the
container's own, which win), env ConfigMap and Secrets, config files, ServiceAccount (no API token), and the library's
restricted security context, whose UID/GID and seccomp profile cdk8s-plus-27 cannot
express (it defaults to UID 25000 and has no ``seccompProfile``). The rest stays the
team's, written with cdk8s-plus: command, ports, probes, resources, replicas, its own env vars.
It points at the library's Services by name (``chart.web.service.name``): cdk8s-plus-27's
``IngressBackend.from_service`` takes only a Service it made itself. Call it last: it reads the
containers and their env vars as they are then. A plain cdk8s-plus Job is neither hash-named nor a
hook: a new image needs a new Job name.

This module is the only one that imports ``cdk8s_plus_27`` (an extra: ``pip install
"cdk8s-django[kplus]"``): a chart that does not use it never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import cdk8s_plus_27 as kplus
from cdk8s import ApiObject, JsonPatch, Size

from .k8s._manifest import LABEL_PART_OF
from .k8s.runtime import CONFIG_FILES_VOLUME, TMP_MOUNT, TMP_SIZE_MIB, TMP_VOLUME, AppRuntime
from .model import _validation as v
from .model.plan import RESERVED_COMPONENTS

if TYPE_CHECKING:
    from .components.chart import DjangoChart

__all__ = ["run_with_app"]


def run_with_app(workload: kplus.AbstractPod, chart: DjangoChart, *, component: str, reach_stores: bool = False) -> None:
    """Give a cdk8s-plus workload (Deployment, StatefulSet, Job, CronJob, DaemonSet, Pod) the app's runtime.

    Args:
        workload: the cdk8s-plus-27 workload, in ``chart``.
        chart: the ``DjangoChart`` whose app it runs with.
        component: its ``app.kubernetes.io/component`` label, and its name in the labels' sense.
        reach_stores: label its pods as the app's own, so the NetworkPolicies let them reach the
            in-cluster Postgres and Redis (``app.kubernetes.io/part-of``). Default False: they can't.
    """
    from .components.chart import DjangoChart

    where = workload.node.path
    if not isinstance(chart, DjangoChart):
        raise v.ConfigError(where, "chart", chart, "a DjangoChart (the app whose runtime the workload takes)", "pass the DjangoChart")
    v.check_dns_label(where, "component", component)
    taken = {*RESERVED_COMPONENTS, *(w.name for w in chart.plan.app.workers), *chart.plan.app.cron}
    if component in taken:  # its pods would match that component's Service and selectors
        raise v.ConfigError(where, "component", component, f"a component the chart does not use ({', '.join(sorted(taken))})",
                            f"name it after what it runs, e.g. '{component}-flower'")
    if workload.service_account is not None:
        raise v.ConfigError(where, "service_account", workload.service_account.name,
                            "none: the pods run as the app's ServiceAccount", "drop service_account=")
    runtime = chart.runtime
    labels = runtime.labels(component)
    if not reach_stores:
        labels.pop(LABEL_PART_OF)
    for key, value in labels.items():
        workload.metadata.add_label(key, value)
        if isinstance(workload, kplus.Workload):
            workload.pod_metadata.add_label(key, value)
    _mount_app_volumes(workload, runtime)
    main = ApiObject.of(workload)
    pod = _pod_path(workload)
    patches = [
        JsonPatch.add("/metadata/namespace", runtime.namespace),  # the chart's objects each carry it; DjangoChart sets none
        JsonPatch.add(f"{pod}/automountServiceAccountToken", False),
        JsonPatch.add(f"{pod}/securityContext", runtime.security.pod_context()),
    ]
    if runtime.service_account:
        patches.append(JsonPatch.add(f"{pod}/serviceAccountName", runtime.service_account))
    main.add_json_patch(*patches, *_container_patches(workload, pod, runtime))
    # What cdk8s-plus made beside the workload (a StatefulSet's headless Service): the namespace and labels too.
    for child in workload.node.find_all():
        if isinstance(child, ApiObject) and child.node.path != main.node.path:
            child.add_json_patch(JsonPatch.add("/metadata/namespace", runtime.namespace))
            for key, value in labels.items():
                child.metadata.add_label(key, value)


def _container_patches(workload: kplus.AbstractPod, pod: str, runtime: AppRuntime) -> list[JsonPatch]:
    patches = []
    for index, kplus_container in enumerate(workload.containers):
        container = f"{pod}/containers/{index}"
        patches += [
            JsonPatch.add(f"{container}/image", runtime.image),
            JsonPatch.add(f"{container}/env", _env(runtime, kplus_container)),
            JsonPatch.add(f"{container}/securityContext", runtime.security.container_context()),
        ]
        if kplus_container.env.sources:  # the container's own envFrom stays; the app's come after it
            patches += [JsonPatch.add(f"{container}/envFrom/-", source) for source in runtime.env_from()]
        elif runtime.env_from():
            patches.append(JsonPatch.add(f"{container}/envFrom", runtime.env_from()))
    for index in range(len(workload.init_containers)):  # the team's image and command, the restricted context
        patches.append(JsonPatch.add(f"{pod}/initContainers/{index}/securityContext", runtime.security.container_context()))
    return patches


def _mount_app_volumes(workload: kplus.AbstractPod, runtime: AppRuntime) -> None:
    """/tmp (the root filesystem is read-only) and the app's config files, through cdk8s-plus: its
    typed rendering drops a quantity (``sizeLimit``) given to it as a plain patch."""
    tmp = kplus.Volume.from_empty_dir(workload, "AppTmp", str(TMP_VOLUME["name"]), size_limit=Size.mebibytes(TMP_SIZE_MIB))
    files = None
    if runtime.files_config_map:
        config_map = kplus.ConfigMap.from_config_map_name(workload, "AppFilesConfigMap", runtime.files_config_map)
        files = kplus.Volume.from_config_map(workload, "AppFiles", config_map, name=CONFIG_FILES_VOLUME)
    for container in [*workload.containers, *workload.init_containers]:
        container.mount(TMP_MOUNT["mountPath"], tmp)
        if files is not None:
            container.mount(runtime.config_mount_path, files, read_only=True)


def _env(runtime: AppRuntime, container: kplus.Container) -> list[dict[str, Any]]:
    """The app's env vars, then the container's own (which win over the app's of the same name)."""
    own = [{"name": name, **({"value": value.value} if value.value is not None else {"valueFrom": value.value_from})}
           for name, value in container.env.variables.items()]
    names = {variable["name"] for variable in own}
    return [variable for variable in runtime.env() if variable["name"] not in names] + own


def _pod_path(workload: Any) -> str:
    """Where the pod spec sits in the workload's manifest."""
    if isinstance(workload, kplus.CronJob):
        return "/spec/jobTemplate/spec/template/spec"
    if isinstance(workload, kplus.Pod):
        return "/spec"
    return "/spec/template/spec"

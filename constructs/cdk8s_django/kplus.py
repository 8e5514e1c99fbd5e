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
team's, written with cdk8s-plus: command, ports, probes, replicas, its own env vars.
It points at the library's Services by name (``chart.web.service.name``): cdk8s-plus-27's
``IngressBackend.from_service`` takes only a Service it made itself. Call it last: it reads the
containers and their env vars as they are then. A plain cdk8s-plus Job is neither hash-named nor a
hook: a new image needs a new Job name.

The library's defaults replace cdk8s-plus-27's, as for the library's own workloads:

- **Resources.** A container (or init container) whose resources the team left unset gets the
  library's small size (beat's: 50m CPU and 256Mi memory requested, staging 10m and 192Mi), a memory
  limit equal to the request and no CPU limit, instead of cdk8s-plus's 1000m/1500m CPU and
  512Mi/2048Mi memory. Resources the team set are kept as written, explicit limits included (a CPU
  limit throttles: the library sets none, but a team's is its own choice); only what is missing is
  filled: a memory limit equal to the memory request, and the small size's for a resource given
  neither a request nor a limit (a CPU request; a memory request and the limit equal to it).
  cdk8s-plus keeps no record of its props, so "left unset" means "exactly cdk8s-plus's defaults":
  a team that writes those very values gets the library's.
- **imagePullPolicy.** cdk8s-plus writes ``Always`` unless told otherwise; the library writes none,
  so the kubelet's default applies (``IfNotPresent`` for a tag or digest, which production requires).
  ``Always`` is therefore removed, whether cdk8s-plus or the team wrote it (the two cannot be told
  apart); ``IfNotPresent`` and ``Never`` stay. To force ``Always``, add a JSON patch after the call.
- **Names.** A workload named by cdk8s-plus (``<chart id>-<construct id>``, e.g. ``qa-flower``) is
  renamed ``<app>-<component>`` (``shop-flower``), as the library names its own objects; a name the
  team gave stays. What cdk8s-plus made inside the workload follows, its suffix kept: a StatefulSet's
  headless Service (``shop-daphne-service``, and the StatefulSet's ``serviceName``), the Service of
  ``expose_via_service`` (``shop-flower-service``) and the Ingress of ``expose_via_ingress``, whose
  backend names the renamed Service. An object outside the workload that names it or its Service (a
  cdk8s-plus HorizontalPodAutoscaler, an Ingress built on the Service) still reads cdk8s-plus's name:
  name the workload yourself (``metadata=ApiObjectMetadata(name=chart.runtime.name("flower"))``) and
  its Service (``expose_via_service(name=...)``), and the names stay.

This module is the only one that imports ``cdk8s_plus_27`` (an extra: ``pip install
"cdk8s-django[kplus]"``): a chart that does not use it never loads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import cdk8s_plus_27 as kplus
from cdk8s import ApiObject, JsonPatch, Size
from cdk8s_plus_27 import k8s

from .components.management_cron_job import CRON_JOB_NAME_MAX
from .k8s._manifest import LABEL_PART_OF
from .k8s.runtime import CONFIG_FILES_VOLUME, TMP_MOUNT, TMP_SIZE_MIB, TMP_VOLUME, AppRuntime, resources_dict
from .model import _validation as v
from .model.defaults import DEFAULT_KPLUS_RESOURCES, STAGING_KPLUS_RESOURCES
from .model.environment import EnvironmentKind
from .model.options import Resources
from .model.plan import RESERVED_COMPONENTS

if TYPE_CHECKING:
    from .components.chart import DjangoChart

__all__ = ["run_with_app"]

# What cdk8s-plus-27 (2.9.5) renders for a container given no ``resources``: its Container constructor takes
# ``props.resources ?? defaultResourceSpec`` and keeps no record of the props, so the rendered value is the only
# trace of "not set" (a fresh object each time: no identity to compare either).
KPLUS_DEFAULT_RESOURCES = {"limits": {"cpu": "1500m", "memory": "2048Mi"}, "requests": {"cpu": "1000m", "memory": "512Mi"}}
# Its ``ImagePullPolicy`` default, written whether or not the team chose it.
KPLUS_DEFAULT_PULL_POLICY = "Always"


def run_with_app(workload: kplus.AbstractPod, chart: DjangoChart, *, component: str, reach_stores: bool = False) -> None:
    """Give a cdk8s-plus workload (Deployment, StatefulSet, Job, CronJob, DaemonSet, Pod) the app's runtime.

    Its containers' unset resources and cdk8s-plus's ``imagePullPolicy: Always`` become the library's, and
    a name cdk8s-plus generated becomes ``<app>-<component>`` (the module's docstring has the rules).

    Args:
        workload: the cdk8s-plus-27 workload, in ``chart``.
        chart: the ``DjangoChart`` whose app it runs with.
        component: its ``app.kubernetes.io/component`` label, and its name after the app's (``<app>-<component>``).
        reach_stores: label its pods as the app's own, so the NetworkPolicies let them reach the
            in-cluster Postgres and Redis (``app.kubernetes.io/part-of``). Default False: they can't.
    """
    from .components.chart import DjangoChart

    where = workload.node.path
    if not isinstance(chart, DjangoChart):
        raise v.ConfigError(where, "chart", chart, "a DjangoChart (the app whose runtime the workload takes)", "pass the DjangoChart")
    v.check_dns_label(where, "component", component)
    # The chart's components as named in the cluster (a cron key `send_report` is the CronJob `send-report`), and
    # those already handed to run_with_app: two workloads of one component would be one file and one selector.
    handed: set[str] = chart.__dict__.setdefault("_kplus_components", set())
    taken = {*RESERVED_COMPONENTS, *(w.component for w in chart.plan.workloads), *handed}
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
    beside = [child for child in workload.node.find_all() if isinstance(child, ApiObject) and child.node.path != main.node.path]
    renames = _renames(chart, main, beside, runtime.name(component), where, component)
    handed.add(component)  # checked: the next workload may not take it
    rendered = main.to_json()  # cdk8s-plus's rendering of what the team wrote, in one crossing of the bridge
    pod = _pod_path(workload)
    small = STAGING_KPLUS_RESOURCES if chart.plan.environment.kind is EnvironmentKind.STAGING else DEFAULT_KPLUS_RESOURCES
    patches = [
        JsonPatch.add("/metadata/namespace", runtime.namespace),  # the chart's objects each carry it; DjangoChart sets none
        JsonPatch.add(f"{pod}/automountServiceAccountToken", False),
        JsonPatch.add(f"{pod}/securityContext", runtime.security.pod_context()),
    ]
    if runtime.service_account:
        patches.append(JsonPatch.add(f"{pod}/serviceAccountName", runtime.service_account))
    patches += _container_patches(workload, pod, _at(rendered, pod), runtime, small)
    main.add_json_patch(*patches, *_name_patches(main, rendered, renames))
    # What cdk8s-plus made inside the workload (a StatefulSet's headless Service, expose's Service and Ingress):
    # the namespace, the labels and the new names too.
    for child in beside:
        child.add_json_patch(JsonPatch.add("/metadata/namespace", runtime.namespace), *_name_patches(child, child.to_json(), renames))
        for key, value in labels.items():
            child.metadata.add_label(key, value)


# The longest name each kind may take: a CronJob's Jobs append 11 characters; the rest are DNS labels here.
_NAME_MAX = {"CronJob": CRON_JOB_NAME_MAX}


def _renames(chart: DjangoChart, main: ApiObject, beside: list[ApiObject], name: str, where: str, component: str) -> dict[str, str]:
    """Old name to new for each object cdk8s-plus named itself: the workload becomes ``name``; an object inside it keeps
    its suffix after the workload's (``qa-flower-service`` to ``shop-flower-service``). A name the team gave stays."""
    generated = chart.generate_object_name(main)
    final = name if main.name == generated else main.name
    limit = _NAME_MAX.get(main.kind, v.DNS_LABEL_MAX)
    if final != main.name and len(final) > limit:
        raise v.ConfigError(where, "component", component,
                            f"a shorter component: the {main.kind} would be named '{final}' ({len(final)} characters, at most {limit})",
                            f"shorten it by {len(final) - limit} characters")
    renames = {generated: final} if final != generated else {}
    for child in beside:
        if child.name == chart.generate_object_name(child) and child.name.startswith(f"{generated}-"):
            new = final + child.name[len(generated):]
            if child.kind == "Service" and len(new) > v.DNS_LABEL_MAX:  # a Service name is a DNS-1035 label
                raise v.ConfigError(where, "component", component,
                                    f"a shorter component: the Service beside the workload would be named '{new}'"
                                    f" ({len(new)} characters, at most {v.DNS_LABEL_MAX})",
                                    f"shorten it by {len(new) - v.DNS_LABEL_MAX} characters")
            if new != child.name:
                renames[child.name] = new
    return renames


def _name_patches(obj: ApiObject, rendered: Mapping[str, Any], renames: Mapping[str, str]) -> list[JsonPatch]:
    """Its own new name, and the new name of each object it names (a StatefulSet's ``serviceName``, an Ingress backend)."""
    patches = [JsonPatch.replace("/metadata/name", renames[obj.name])] if obj.name in renames else []
    return patches + [JsonPatch.replace(pointer, renames[value]) for pointer, value in _references(rendered) if value in renames]


def _references(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, name) of each other object cdk8s-plus names in a manifest: ``serviceName`` and backends' Services."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _references(item, f"{pointer}/{index}")
    elif isinstance(node, dict):
        for key, value in node.items():
            here = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
            if here == "/metadata":
                continue
            if key == "serviceName" and isinstance(value, str):
                yield here, value
            elif key in ("backend", "defaultBackend") and isinstance(value, dict) and isinstance(value.get("service"), dict) \
                    and isinstance(value["service"].get("name"), str):
                yield f"{here}/service/name", value["service"]["name"]
            else:
                yield from _references(value, here)


def _container_patches(workload: kplus.AbstractPod, pod: str, rendered: Mapping[str, Any], runtime: AppRuntime,
                       small: Resources) -> list[JsonPatch]:
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
    for key in ("containers", "initContainers"):
        for index, container_json in enumerate(rendered.get(key, [])):
            container = f"{pod}/{key}/{index}"
            # As cdk8s-plus's own Quantity objects: its typed rendering runs after the patches and keeps a quantity's
            # ``value`` only (a plain string would render as nothing, the trap of ``sizeLimit`` above).
            resources = _resources(container_json.get("resources"), small)
            typed = {kind: {name: k8s.Quantity.from_string(q) for name, q in quantities.items()} for kind, quantities in resources.items()}
            patches.append(JsonPatch.add(f"{container}/resources", typed))
            if container_json.get("imagePullPolicy") == KPLUS_DEFAULT_PULL_POLICY:  # the kubelet's default, as the library's
                patches.append(JsonPatch.remove(f"{container}/imagePullPolicy"))
    return patches


def _resources(given: Mapping[str, Any] | None, small: Resources) -> dict[str, Any]:
    """The library's rule over what cdk8s-plus rendered: its defaults become ``small``; the team's values stay, and
    what they lack is filled (memory limit = memory request; a resource with neither request nor limit gets ``small``'s)."""
    if given == KPLUS_DEFAULT_RESOURCES:
        return resources_dict(small)
    requests, limits = dict((given or {}).get("requests") or {}), dict((given or {}).get("limits") or {})
    if "cpu" not in requests and "cpu" not in limits:
        requests["cpu"] = small.cpu
    if "memory" not in requests and "memory" not in limits:
        requests["memory"], limits["memory"] = small.memory, small.limit
    elif "memory" not in limits:
        limits["memory"] = requests["memory"]
    return {"requests": requests, "limits": limits}


def _at(document: Mapping[str, Any], pointer: str) -> Mapping[str, Any]:
    """The object at a JSON pointer without escapes (a pod spec's path)."""
    node = document
    for part in pointer.strip("/").split("/"):
        node = node[part]
    return node


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

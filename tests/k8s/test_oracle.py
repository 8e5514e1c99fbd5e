"""Unit tests for tests/oracle.py, the library-independent API-server validation oracle.

Every rule has at least one manifest that passes and one that fails with the exact violation
text. The last tests run the oracle over everything in dist/ and check that it stays
independent of the library it judges.
"""

from __future__ import annotations

import ast
import copy
import sys
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, TESTS
from oracle import violations

ORACLE = TESTS / "oracle.py"

# The oracle's reason texts, spelled out here so that the tests pin them.
LABEL = "must be a DNS-1123 label (lowercase alphanumerics and '-', alphanumeric at both ends)"
SUBDOMAIN = "must be a DNS-1123 subdomain (DNS-1123 labels joined by '.')"
DNS1035 = "must be a DNS-1035 label (lowercase alphanumerics and '-', starting with a letter)"
NAME_PART = "name part must be made of alphanumerics, '-', '_' or '.', alphanumeric at both ends"
LABEL_VALUE = "must be empty or made of alphanumerics, '-', '_' or '.', alphanumeric at both ends"
CM_KEY = "must be made of alphanumerics, '-', '_' or '.'"
ENV_NAME = "must be made of letters, digits, '_', '-' or '.', not starting with a digit"
QUANTITY = "must be a quantity (signed decimal, optional suffix Ki/Mi/Gi/Ti/Pi/Ei, n/u/m/k/M/G/T/P/E or e<exponent>)"
PORT_CHARSET = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
CIDR = "must be a valid CIDR in slash notation (e.g. 10.0.0.0/16 or fd00::/8)"
POD = "spec.template.spec"
C0 = f"{POD}.containers[0]"


# ---------------------------------------------------------------------------------------------
# Minimal valid manifests; each test changes one thing
# ---------------------------------------------------------------------------------------------
def container(name: str = "app", **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "registry.example.com/app:1", **fields}


def pod_spec(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"containers": list(containers) or [container()], **fields}


def deployment(spec: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec() if spec is None else spec}},
    }
    doc["spec"].update(fields)
    return doc


def statefulset(spec: dict[str, Any] | None = None, claim: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = deployment(spec)
    doc["kind"], doc["metadata"]["name"] = "StatefulSet", "db"
    doc["spec"]["volumeClaimTemplates"] = [claim if claim is not None else pvc()]
    return doc


def pvc(name: str = "data", storage: Any = "10Gi", **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}, **spec}}


def job(spec: dict[str, Any] | None = None, name: str = "migrate") -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"template": {"spec": pod_spec(restartPolicy="Never") if spec is None else spec}}}


def cronjob(name: str = "report", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
            "spec": {"schedule": "0 6 * * 1",
                     "jobTemplate": {"spec": {"template": {"spec": pod_spec(restartPolicy="OnFailure")}}}, **spec}}


def obj(kind: str, name: str = "x", api_version: str = "v1", **fields: Any) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}, **fields}


def service(name: str = "web", **spec: Any) -> dict[str, Any]:
    return obj("Service", name, spec={"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}], **spec})


def netpol(*ingress: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return obj("NetworkPolicy", "web", "networking.k8s.io/v1", spec={"podSelector": {"matchLabels": {"app": "web"}},
                                                                   "ingress": list(ingress), **spec})


def ip_rule(cidr: Any, *excepts: str) -> dict[str, Any]:
    block = {"cidr": cidr, **({"except": list(excepts)} if excepts else {})}
    return {"from": [{"ipBlock": block}], "ports": [{"port": 8000, "protocol": "TCP"}]}


def ingress(host: str = "shop.example.com", backend: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    path = {"path": "/", "pathType": "Prefix", "backend": backend or {"service": {"name": "web", "port": {"name": "http"}}}}
    return obj("Ingress", "web", "networking.k8s.io/v1", spec={"rules": [{"host": host, "http": {"paths": [path]}}], **spec})


def hpa(**spec: Any) -> dict[str, Any]:
    base = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 10}
    return obj("HorizontalPodAutoscaler", "web", "autoscaling/v2", spec={**base, **spec})


def pdb(**spec: Any) -> dict[str, Any]:
    return obj("PodDisruptionBudget", "web", "policy/v1", spec={"selector": {"matchLabels": {"app": "web"}}, **spec})


def role(**rule: Any) -> dict[str, Any]:
    base = {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}
    return obj("Role", "shell-exec", "rbac.authorization.k8s.io/v1", rules=[{**base, **rule}])


def binding(subject: dict[str, Any] | None = None, kind: str = "RoleBinding", role_kind: str = "Role") -> dict[str, Any]:
    return obj(kind, "shell-exec", "rbac.authorization.k8s.io/v1",
               roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": "shell-exec"},
               subjects=[subject or {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "operators"}])


def with_container(**fields: Any) -> dict[str, Any]:
    return deployment(pod_spec(container(**fields)))


def edit(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``doc`` with the dotted ``path`` (list indexes as numbers) set to ``value``."""
    doc = copy.deepcopy(doc)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = doc
    for part in parents:
        target = target[part]
    target[last] = value
    return doc


def check(doc: dict[str, Any], *expected: str) -> None:
    assert violations([doc]) == list(expected)


# ---------------------------------------------------------------------------------------------
# The baseline manifests are valid
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("doc", [
    deployment(), statefulset(pod_spec(container(volumeMounts=[{"name": "data", "mountPath": "/data"}]))), job(), cronjob(),
    service(), netpol(ip_rule("10.0.0.0/16")), ingress(), hpa(), pdb(minAvailable=1), role(), binding(),
    obj("Namespace", "shop-qa"), obj("ConfigMap", "env", data={"A": "1"}), obj("Secret", "db", data={"password": "c2VjcmV0"}),
    obj("Pod", "debug", spec=pod_spec(restartPolicy="Never")),
], ids=lambda doc: doc["kind"])
def test_baseline_manifests_pass(doc: dict[str, Any]) -> None:
    check(doc)


def test_empty_documents_are_skipped_and_results_keep_document_order() -> None:
    docs = [None, obj("ConfigMap", "A"), obj("Secret", "B")]
    assert violations(docs) == [
        f'ConfigMap/A: metadata.name: invalid value "A": {SUBDOMAIN}',
        f'Secret/B: metadata.name: invalid value "B": {SUBDOMAIN}',
    ]


# ---------------------------------------------------------------------------------------------
# metadata.name / metadata.namespace
# ---------------------------------------------------------------------------------------------
def test_most_names_are_dns1123_subdomains() -> None:
    check(obj("ConfigMap", "shop.env-1"))
    check(obj("ConfigMap", "Web_1"), f'ConfigMap/Web_1: metadata.name: invalid value "Web_1": {SUBDOMAIN}')
    long_name = "a" * 254
    check(obj("ConfigMap", long_name),
          f'ConfigMap/{long_name}: metadata.name: invalid value "{"a" * 75}...": must be no more than 253 characters')


def test_name_is_required_unless_generate_name() -> None:
    check(edit(job(), "metadata", {"generateName": "migrate-"}))
    check(edit(obj("ConfigMap"), "metadata", {}), "ConfigMap/?: metadata.name: required value: name or generateName is required")


def test_namespace_names_are_dns1123_labels() -> None:
    check(obj("Namespace", "shop-qa"))
    check(obj("Namespace", "shop.qa"), f'Namespace/shop.qa: metadata.name: invalid value "shop.qa": {LABEL}')


def test_service_names_are_dns1035_labels() -> None:
    check(service("web-1"))
    check(service("1web"), f'Service/1web: metadata.name: invalid value "1web": {DNS1035}')
    # a Service of another API group is a custom resource: subdomain names, no Service checks
    check(obj("Service", "1web.a", "serving.knative.dev/v1", spec={"ports": []}))


def test_cronjob_names_are_at_most_52_characters() -> None:
    check(cronjob("c" * 52))
    name = "c" * 53
    check(cronjob(name), f'CronJob/{name}: metadata.name: invalid value "{name}": must be no more than 52 characters')


def test_job_names_are_at_most_63_characters() -> None:
    check(job(name="j" * 63))
    name = "j" * 64
    check(job(name=name), f'Job/{name}: metadata.name: invalid value "{name}": '
                          "must be no more than 63 characters (it becomes the job-name label of its pods)")


def test_rbac_names_are_path_segments() -> None:
    check(edit(role(), "metadata.name", "system:shop-Exec"))
    check(edit(role(), "metadata.name", "a/b"), """Role/a/b: metadata.name: invalid value "a/b": may not contain '/'""")


def test_namespace_field_is_a_dns1123_label() -> None:
    check(edit(obj("ConfigMap", "env"), "metadata.namespace", "shop-qa"))
    check(edit(obj("ConfigMap", "env"), "metadata.namespace", "Shop"), f'ConfigMap/env: metadata.namespace: invalid value "Shop": {LABEL}')


def test_custom_resources_get_metadata_checks_only() -> None:
    cr = obj("ExternalSecret", "db", "external-secrets.io/v1beta1", spec={"selector": "anything", "ports": [{"port": 0}]})
    check(cr)
    check(edit(cr, "metadata.labels", {"team": "-x"}), f'ExternalSecret/db: metadata.labels[team]: invalid value "-x": {LABEL_VALUE}')


# ---------------------------------------------------------------------------------------------
# Labels and annotations
# ---------------------------------------------------------------------------------------------
def labelled(labels: Any) -> dict[str, Any]:
    return edit(obj("ConfigMap", "env"), "metadata.labels", labels)


def test_label_keys_are_qualified_names() -> None:
    check(labelled({"app.kubernetes.io/name": "shop", "Tier_1": "a", "x": ""}))
    check(labelled({"Example.com/app": "a"}),
          f'ConfigMap/env: metadata.labels: invalid key "Example.com/app": prefix part {SUBDOMAIN}')
    check(labelled({"a/b/c": "a"}), 'ConfigMap/env: metadata.labels: invalid key "a/b/c": '
                                    "must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")
    check(labelled({"example.com/": "a"}), 'ConfigMap/env: metadata.labels: invalid key "example.com/": name part must be non-empty')
    key = "k" * 64
    check(labelled({key: "a"}), f'ConfigMap/env: metadata.labels: invalid key "{key}": name part must be no more than 63 characters')
    check(labelled({"-app": "a"}), f'ConfigMap/env: metadata.labels: invalid key "-app": {NAME_PART}')


def test_label_values() -> None:
    check(labelled({"a": "", "b": "v1.2_x-Y"}))
    value = "v" * 64
    check(labelled({"a": value}), f'ConfigMap/env: metadata.labels[a]: invalid value "{value}": must be no more than 63 characters')
    check(labelled({"a": "bad value"}), f'ConfigMap/env: metadata.labels[a]: invalid value "bad value": {LABEL_VALUE}')
    check(labelled({"a": 1}), "ConfigMap/env: metadata.labels[a]: invalid value 1: must be a string")


def annotated(annotations: Any) -> dict[str, Any]:
    return edit(obj("ConfigMap", "env"), "metadata.annotations", annotations)


def test_annotation_keys_are_qualified_names_lower_cased_first() -> None:
    check(annotated({"Example.COM/Checksum": "anything at all: {}", "note": ""}))
    check(annotated({"bad key": "x"}), f'ConfigMap/env: metadata.annotations: invalid key "bad key": {NAME_PART}')
    check(annotated({"version": 2}), "ConfigMap/env: metadata.annotations[version]: invalid value 2: must be a string")


def test_annotations_total_at_most_256_kib() -> None:
    check(annotated({"a": "x" * (256 * 1024 - 1)}))
    check(annotated({"a": "x" * (256 * 1024)}),
          "ConfigMap/env: metadata.annotations: too long: must have at most 262144 bytes (has 262145)")


def test_labels_of_templates_are_checked() -> None:
    bad = {"app": "web", "x": "-"}
    check(edit(deployment(), "spec.template.metadata.labels", bad),
          f'Deployment/web: spec.template.metadata.labels[x]: invalid value "-": {LABEL_VALUE}')
    check(edit(cronjob(), "spec.jobTemplate.metadata", {"labels": {"x": "-"}}),
          f'CronJob/report: spec.jobTemplate.metadata.labels[x]: invalid value "-": {LABEL_VALUE}')
    check(edit(cronjob(), "spec.jobTemplate.spec.template.metadata", {"annotations": {"-": "x"}}),
          f'CronJob/report: spec.jobTemplate.spec.template.metadata.annotations: invalid key "-": {NAME_PART}')
    check(statefulset(claim={**pvc(), "metadata": {"name": "data", "labels": {"x": "-"}}}),
          f'StatefulSet/db: spec.volumeClaimTemplates[0].metadata.labels[x]: invalid value "-": {LABEL_VALUE}')


# ---------------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------------
def selecting(selector: Any) -> dict[str, Any]:
    return edit(pdb(), "spec.selector", selector)


def test_match_labels_obey_label_rules() -> None:
    check(selecting({"matchLabels": {"app.kubernetes.io/name": "shop"}}))
    check(selecting({"matchLabels": {"app": "web/1"}}),
          f'PodDisruptionBudget/web: spec.selector.matchLabels[app]: invalid value "web/1": {LABEL_VALUE}')


def test_match_expressions() -> None:
    check(selecting({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]},
                                          {"key": "canary", "operator": "DoesNotExist"}]}))
    prefix = "PodDisruptionBudget/web: spec.selector.matchExpressions[0]"
    check(selecting({"matchExpressions": [{"key": "tier", "operator": "Equals", "values": ["a"]}]}),
          f'{prefix}.operator: unsupported value "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist"')
    check(selecting({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": []}]}),
          f"{prefix}.values: required value: must be specified when `operator` is 'In' or 'NotIn'")
    check(selecting({"matchExpressions": [{"key": "tier", "operator": "Exists", "values": ["a"]}]}),
          f"{prefix}.values: forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
    check(selecting({"matchExpressions": [{"key": "_tier", "operator": "In", "values": ["a b"]}]}),
          f'{prefix}.key: invalid value "_tier": {NAME_PART}', f'{prefix}.values[0]: invalid value "a b": {LABEL_VALUE}')


def test_selectors_everywhere_are_checked() -> None:
    check(edit(service(), "spec.selector", {"app": "web/1"}), f'Service/web: spec.selector[app]: invalid value "web/1": {LABEL_VALUE}')
    check(edit(netpol(), "spec.podSelector", {"matchLabels": {"-": "a"}}),
          f'NetworkPolicy/web: spec.podSelector.matchLabels: invalid key "-": {NAME_PART}')
    check(netpol({"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "Mon itoring"}}}]}),
          "NetworkPolicy/web: spec.ingress[0].from[0].namespaceSelector.matchLabels[kubernetes.io/metadata.name]: "
          f'invalid value "Mon itoring": {LABEL_VALUE}')
    spread = {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
              "labelSelector": {"matchLabels": {"app": "web"}}}
    check(deployment(pod_spec(topologySpreadConstraints=[spread])))
    bad_spread = {**spread, "labelSelector": {"matchLabels": {"app": "we b"}}}
    check(deployment(pod_spec(topologySpreadConstraints=[bad_spread])),
          f'Deployment/web: {POD}.topologySpreadConstraints[0].labelSelector.matchLabels[app]: invalid value "we b": {LABEL_VALUE}')


def test_workload_selector_must_match_template_labels() -> None:
    check(edit(deployment(), "spec.selector", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}))
    check(edit(deployment(), "spec.selector.matchLabels", {"app": "web", "tier": "front"}),
          "Deployment/web: spec.template.metadata.labels: invalid value: `selector` does not match template `labels`")
    check(edit(statefulset(), "spec.selector", {"matchLabels": {}}),
          "StatefulSet/db: spec.selector: invalid value: empty selector is invalid for statefulset")
    check(edit(deployment(), "spec.selector", None), "Deployment/web: spec.selector: required value")


# ---------------------------------------------------------------------------------------------
# ConfigMap and Secret keys
# ---------------------------------------------------------------------------------------------
def test_config_map_keys() -> None:
    check(obj("ConfigMap", "env", data={"config.yaml": "", "A_B-c.1": "", ".env": ""}, binaryData={"logo.png": "iVBORw0KGgo="}))
    check(obj("ConfigMap", "env", data={"conf/app.ini": ""}), f'ConfigMap/env: data: invalid key "conf/app.ini": {CM_KEY}')
    check(obj("ConfigMap", "env", data={"..data": ""}), """ConfigMap/env: data: invalid key "..data": must not start with '..'""")
    check(obj("ConfigMap", "env", data={".": ""}), """ConfigMap/env: data: invalid key ".": must not be '.'""")
    check(obj("ConfigMap", "env", binaryData={"..": "AA=="}), """ConfigMap/env: binaryData: invalid key "..": must not be '..'""")
    key = "k" * 254
    check(obj("ConfigMap", "env", data={key: ""}),
          f'ConfigMap/env: data: invalid key "{"k" * 75}...": must be no more than 253 characters')


def test_config_map_keys_unique_across_data_and_binary_data() -> None:
    check(obj("ConfigMap", "env", data={"a": ""}, binaryData={"a": "AA=="}),
          'ConfigMap/env: data: invalid key "a": duplicate of key present in binaryData')


def test_binary_and_secret_data_are_base64() -> None:
    check(obj("ConfigMap", "env", binaryData={"a": "not base64!"}),
          'ConfigMap/env: binaryData[a]: invalid value "not base64!": must be base64-encoded')
    check(obj("Secret", "db", data={"password": "secret"}), 'Secret/db: data[password]: invalid value "secret": must be base64-encoded')


def test_secret_keys() -> None:
    check(obj("Secret", "db", stringData={"tls.crt": "x"}))
    check(obj("Secret", "db", stringData={"user name": "x"}), f'Secret/db: stringData: invalid key "user name": {CM_KEY}')


# ---------------------------------------------------------------------------------------------
# Pod specs: containers, ports, env
# ---------------------------------------------------------------------------------------------
def test_container_names_are_unique_dns1123_labels() -> None:
    check(deployment(pod_spec(container("web"), initContainers=[container("wait-for-db")])))
    check(deployment(pod_spec(container("Web"))), f'Deployment/web: {C0}.name: invalid value "Web": {LABEL}')
    check(deployment(pod_spec(container("web"), initContainers=[container("web")])),
          f'Deployment/web: {POD}.initContainers[0].name: duplicate value "web"')


def test_pod_spec_needs_a_container() -> None:
    check(deployment({"containers": []}), f"Deployment/web: {POD}.containers: required value: a pod needs at least one container")


def test_container_port_names_are_iana_service_names() -> None:
    check(with_container(ports=[{"name": "http", "containerPort": 8000}, {"name": "metrics-9100", "containerPort": 9100}]))
    check(with_container(ports=[{"name": "Http", "containerPort": 8000}]),
          f'Deployment/web: {C0}.ports[0].name: invalid value "Http": {PORT_CHARSET}')
    check(with_container(ports=[{"name": "http-metrics-out", "containerPort": 8000}]),
          f'Deployment/web: {C0}.ports[0].name: invalid value "http-metrics-out": must be no more than 15 characters')
    check(with_container(ports=[{"name": "8080", "containerPort": 8080}]),
          f'Deployment/web: {C0}.ports[0].name: invalid value "8080": must contain at least one letter (a-z)')
    check(with_container(ports=[{"name": "-a--b", "containerPort": 80}]),
          f'Deployment/web: {C0}.ports[0].name: invalid value "-a--b": '
          "must not contain consecutive hyphens; must not begin or end with a hyphen")


def test_container_port_names_unique_per_container() -> None:
    port = {"name": "http", "containerPort": 8000}
    check(deployment(pod_spec(container("a", ports=[port]), container("b", ports=[port]))))
    check(with_container(ports=[port, {**port, "containerPort": 8001}]), f'Deployment/web: {C0}.ports[1].name: duplicate value "http"')


def test_container_port_numbers() -> None:
    check(with_container(ports=[{"containerPort": 65535}]))
    check(with_container(ports=[{"containerPort": 0}]), f"Deployment/web: {C0}.ports[0].containerPort: invalid value 0: "
                                                        "must be between 1 and 65535, inclusive")
    check(with_container(ports=[{"containerPort": 70000, "protocol": "HTTP"}]),
          f"Deployment/web: {C0}.ports[0].containerPort: invalid value 70000: must be between 1 and 65535, inclusive",
          f'Deployment/web: {C0}.ports[0].protocol: unsupported value "HTTP": supported values: "TCP", "UDP", "SCTP"')


def test_env_var_names() -> None:
    check(with_container(env=[{"name": "my.env-name", "value": "1"}, {"name": "_X", "value": "1"}, {"name": "_X", "value": "2"}]))
    check(with_container(env=[{"name": "1ABC", "value": "x"}]), f'Deployment/web: {C0}.env[0].name: invalid value "1ABC": {ENV_NAME}')
    check(with_container(env=[{"name": "..X"}]), f"""Deployment/web: {C0}.env[0].name: invalid value "..X": must not start with '..'""")
    check(with_container(env=[{"name": "A B"}]), f'Deployment/web: {C0}.env[0].name: invalid value "A B": {ENV_NAME}')


def test_env_key_refs() -> None:
    ok = [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "shop-db", "key": "password"}}},
          {"name": "B", "valueFrom": {"configMapKeyRef": {"name": "shop-env", "key": "B_1.x"}}}]
    check(with_container(env=ok))
    check(with_container(env=[{"name": "A", "valueFrom": {"secretKeyRef": {"name": "Shop_DB", "key": "pass/word"}}}]),
          f'Deployment/web: {C0}.env[0].valueFrom.secretKeyRef.name: invalid value "Shop_DB": {SUBDOMAIN}',
          f'Deployment/web: {C0}.env[0].valueFrom.secretKeyRef.key: invalid value "pass/word": {CM_KEY}')
    check(with_container(env=[{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "env"}}}]),
          f"Deployment/web: {C0}.env[0].valueFrom.configMapKeyRef.key: required value")


def test_env_value_from_shape() -> None:
    ref = {"secretKeyRef": {"name": "db", "key": "k"}}
    check(with_container(env=[{"name": "A", "value": "x", "valueFrom": ref}]),
          f"Deployment/web: {C0}.env[0].valueFrom: invalid value: may not be specified when `value` is not empty")
    check(with_container(env=[{"name": "A", "valueFrom": {**ref, "fieldRef": {"fieldPath": "status.podIP"}}}]),
          f"Deployment/web: {C0}.env[0].valueFrom: invalid value: may not have more than one field specified at a time")


def test_env_from() -> None:
    check(with_container(envFrom=[{"configMapRef": {"name": "shop-env"}}, {"secretRef": {"name": "shop-django"}, "prefix": "DJ_"}]))
    check(with_container(envFrom=[{"secretRef": {"name": "Shop"}}]),
          f'Deployment/web: {C0}.envFrom[0].secretRef.name: invalid value "Shop": {SUBDOMAIN}')
    check(with_container(envFrom=[{"configMapRef": {"name": "env"}, "prefix": "1X"}]),
          f'Deployment/web: {C0}.envFrom[0].prefix: invalid value "1X": {ENV_NAME}')
    check(with_container(envFrom=[{"prefix": "X"}]),
          f"Deployment/web: {C0}.envFrom[0]: required value: must specify one of: `configMapRef` or `secretRef`")


# ---------------------------------------------------------------------------------------------
# Pod specs: volumes and mounts
# ---------------------------------------------------------------------------------------------
def with_volumes(volumes: list[dict[str, Any]], mounts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return deployment(pod_spec(container(volumeMounts=mounts or []), volumes=volumes))


def test_volume_names_are_unique_dns1123_labels() -> None:
    check(with_volumes([{"name": "tmp", "emptyDir": {}}, {"name": "config-files", "configMap": {"name": "shop-files"}}]))
    check(with_volumes([{"name": "Tmp", "emptyDir": {}}]), f'Deployment/web: {POD}.volumes[0].name: invalid value "Tmp": {LABEL}')
    check(with_volumes([{"name": "tmp", "emptyDir": {}}, {"name": "tmp", "emptyDir": {}}]),
          f'Deployment/web: {POD}.volumes[1].name: duplicate value "tmp"')


def test_volume_has_exactly_one_source() -> None:
    check(with_volumes([{"name": "tmp"}]), f"Deployment/web: {POD}.volumes[0]: required value: must specify a volume type")
    check(with_volumes([{"name": "tmp", "emptyDir": None}]),
          f"Deployment/web: {POD}.volumes[0]: required value: must specify a volume type")
    check(with_volumes([{"name": "tmp", "emptyDir": {}, "secret": {"secretName": "s"}}]),
          f"Deployment/web: {POD}.volumes[0]: forbidden: may not specify more than 1 volume type")


def test_volume_sources_name_subdomains() -> None:
    check(with_volumes([{"name": "a", "secret": {"secretName": "tls.web", "items": [{"key": "tls.crt", "path": "cert/tls.crt"}]}},
                        {"name": "b", "projected": {"sources": [{"configMap": {"name": "files"}}]}}]))
    check(with_volumes([{"name": "a", "configMap": {"name": "Files"}}]),
          f'Deployment/web: {POD}.volumes[0].configMap.name: invalid value "Files": {SUBDOMAIN}')
    check(with_volumes([{"name": "a", "secret": {}}]), f"Deployment/web: {POD}.volumes[0].secret.secretName: required value")
    check(with_volumes([{"name": "a", "secret": {"secretName": "s", "items": [{"key": "k", "path": "../k"}]}}]),
          f"""Deployment/web: {POD}.volumes[0].secret.items[0].path: invalid value "../k": must not contain '..'""")


def test_volume_mounts_refer_to_volumes() -> None:
    volumes = [{"name": "tmp", "emptyDir": {}}]
    check(with_volumes(volumes, [{"name": "tmp", "mountPath": "/tmp"}]))
    check(with_volumes(volumes, [{"name": "cache", "mountPath": "/cache"}]),
          f'Deployment/web: {C0}.volumeMounts[0].name: not found: "cache" (no volume of that name)')
    check(with_volumes(volumes, [{"name": "tmp", "mountPath": "/tmp"}, {"name": "tmp", "mountPath": "/tmp", "subPath": "/x"}]),
          f'Deployment/web: {C0}.volumeMounts[1].mountPath: invalid value "/tmp": must be unique',
          f'Deployment/web: {C0}.volumeMounts[1].subPath: invalid value "/x": must be a relative path')


def test_statefulset_mounts_may_name_claim_templates() -> None:
    mounts = [{"name": "data", "mountPath": "/data"}]
    check(statefulset(pod_spec(container(volumeMounts=mounts))))
    check(deployment(pod_spec(container(volumeMounts=mounts))),
          f'Deployment/web: {C0}.volumeMounts[0].name: not found: "data" (no volume of that name)')


# ---------------------------------------------------------------------------------------------
# Pod specs: resources, identities, timings, probes, restart policy, spreading
# ---------------------------------------------------------------------------------------------
def resources(**sections: dict[str, Any]) -> dict[str, Any]:
    return with_container(resources=sections)


@pytest.mark.parametrize("value", ["500m", "1.5Gi", "1e3", "2", 2, 0.5, "+1k", ".5", "1E", "100n", "1Ei", "0"])
def test_valid_quantities(value: Any) -> None:
    check(resources(requests={"cpu": value}))


@pytest.mark.parametrize("value", ["1.5 Gi", "1GB", "1gi", "1e", "Ki", "", "ten", True])
def test_invalid_quantities(value: Any) -> None:
    shown = "true" if value is True else f'"{value}"'
    check(resources(requests={"cpu": value}), f"Deployment/web: {C0}.resources.requests[cpu]: invalid value {shown}: {QUANTITY}")


def test_quantities_are_non_negative() -> None:
    check(resources(limits={"memory": "-1Gi"}),
          f'Deployment/web: {C0}.resources.limits[memory]: invalid value "-1Gi": must be greater than or equal to 0')


def test_requests_at_most_limits() -> None:
    check(resources(requests={"cpu": "250m", "memory": "1Gi"}, limits={"cpu": "0.25", "memory": "1024Mi"}))
    check(resources(requests={"memory": "2Gi"}, limits={"memory": "1Gi"}),
          f'Deployment/web: {C0}.resources.requests[memory]: invalid value "2Gi": must be less than or equal to memory limit of 1Gi')
    check(resources(requests={"cpu": 1}, limits={"cpu": "500m"}),
          f"Deployment/web: {C0}.resources.requests[cpu]: invalid value 1: must be less than or equal to cpu limit of 500m")


def test_resource_names() -> None:
    check(resources(limits={"nvidia.com/gpu": 1, "ephemeral-storage": "1Gi", "hugepages-2Mi": "4Mi"}))
    check(resources(requests={"cpus": "1"}),
          f'Deployment/web: {C0}.resources.requests: invalid resource name "cpus": must be a standard resource for containers')
    check(resources(requests={"nvidia.com/gpu": 1}),
          f"Deployment/web: {C0}.resources.requests[nvidia.com/gpu]: required value: Limit must be set for non overcommitable resources")
    check(resources(limits={"nvidia.com/gpu": "0.5"}),
          f'Deployment/web: {C0}.resources.limits[nvidia.com/gpu]: invalid value "0.5": must be an integer')


def test_service_account_name_is_a_subdomain() -> None:
    check(deployment(pod_spec(serviceAccountName="shop")))
    check(deployment(pod_spec(serviceAccountName="Shop_SA")),
          f'Deployment/web: {POD}.serviceAccountName: invalid value "Shop_SA": {SUBDOMAIN}')


def test_user_and_group_ids() -> None:
    check(deployment(pod_spec(securityContext={"runAsUser": 0, "runAsGroup": 10001, "fsGroup": 2**31 - 1})))
    check(deployment(pod_spec(securityContext={"runAsUser": -1, "fsGroup": -5})),
          f"Deployment/web: {POD}.securityContext.runAsUser: invalid value -1: must be between 0 and 2147483647, inclusive",
          f"Deployment/web: {POD}.securityContext.fsGroup: invalid value -5: must be between 0 and 2147483647, inclusive")
    check(with_container(securityContext={"runAsGroup": 2**31}),
          f"Deployment/web: {C0}.securityContext.runAsGroup: invalid value 2147483648: must be between 0 and 2147483647, inclusive")


def test_privileged_needs_privilege_escalation() -> None:
    check(with_container(securityContext={"allowPrivilegeEscalation": False, "privileged": False}))
    check(with_container(securityContext={"allowPrivilegeEscalation": False, "privileged": True}),
          f"Deployment/web: {C0}.securityContext: invalid value: cannot set `allowPrivilegeEscalation` to false and `privileged` to true")


def test_termination_grace_period_non_negative() -> None:
    check(deployment(pod_spec(terminationGracePeriodSeconds=0)))
    check(deployment(pod_spec(terminationGracePeriodSeconds=-1)),
          f"Deployment/web: {POD}.terminationGracePeriodSeconds: invalid value -1: must be greater than or equal to 0")


def test_restart_policy_fits_the_owner() -> None:
    check(job(pod_spec(restartPolicy="OnFailure")))
    check(job(pod_spec()), 'Job/migrate: spec.template.spec.restartPolicy: required value: defaults to "Always", '
                           'supported values: "OnFailure", "Never"')
    check(deployment(pod_spec(restartPolicy="Never")),
          f'Deployment/web: {POD}.restartPolicy: unsupported value "Never": supported values: "Always"')


def test_probes() -> None:
    http = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10}
    check(with_container(readinessProbe={**http, "successThreshold": 2}, livenessProbe={"tcpSocket": {"port": 8000}}))
    check(with_container(livenessProbe={**http, "successThreshold": 2}),
          f"Deployment/web: {C0}.livenessProbe.successThreshold: invalid value 2: must be 1")
    check(with_container(startupProbe={"httpGet": {"port": "Http"}}),
          f'Deployment/web: {C0}.startupProbe.httpGet.port: invalid value "Http": '
          f"{PORT_CHARSET}")
    check(with_container(readinessProbe={**http, "exec": {"command": ["true"]}, "timeoutSeconds": -1}),
          f"Deployment/web: {C0}.readinessProbe: forbidden: may not specify more than 1 handler type",
          f"Deployment/web: {C0}.readinessProbe.timeoutSeconds: invalid value -1: must be greater than or equal to 0")


def test_topology_spread_constraints() -> None:
    spread = {"maxSkew": 0, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule"}
    check(deployment(pod_spec(topologySpreadConstraints=[spread])),
          f"Deployment/web: {POD}.topologySpreadConstraints[0].maxSkew: invalid value 0: must be greater than zero")


# ---------------------------------------------------------------------------------------------
# StatefulSet volumeClaimTemplates
# ---------------------------------------------------------------------------------------------
def test_claim_template_storage_is_a_positive_quantity() -> None:
    check(statefulset(claim=pvc(storage="500Mi", storageClassName="gp3")))
    path = "StatefulSet/db: spec.volumeClaimTemplates[0]"
    check(statefulset(claim=pvc(storage="0")), f'{path}.spec.resources.requests[storage]: invalid value "0": must be greater than zero')
    check(statefulset(claim=pvc(storage="10 GB")), f'{path}.spec.resources.requests[storage]: invalid value "10 GB": {QUANTITY}')
    check(statefulset(claim=pvc(storage=None)), f"{path}.spec.resources.requests[storage]: required value")


def test_claim_template_class_and_name() -> None:
    check(statefulset(claim=pvc(storageClassName="")))
    path = "StatefulSet/db: spec.volumeClaimTemplates[0]"
    check(statefulset(claim=pvc(storageClassName="GP3")), f'{path}.spec.storageClassName: invalid value "GP3": {SUBDOMAIN}')
    check(statefulset(claim=pvc(name="pg.data", accessModes=[])), f'{path}.metadata.name: invalid value "pg.data": {LABEL}',
          f"{path}.spec.accessModes: required value: at least 1 access mode is required")


# ---------------------------------------------------------------------------------------------
# Service
# ---------------------------------------------------------------------------------------------
def test_service_ports() -> None:
    check(service(ports=[{"name": "http", "port": 80, "targetPort": 8000}, {"name": "metrics", "port": 9100, "targetPort": "metrics"}]))
    check(service(ports=[{"port": 0}]), "Service/web: spec.ports[0].port: invalid value 0: must be between 1 and 65535, inclusive")
    check(service(ports=[{"name": "Web_1", "port": 80, "targetPort": "Http"}]),
          f'Service/web: spec.ports[0].name: invalid value "Web_1": {LABEL}',
          f'Service/web: spec.ports[0].targetPort: invalid value "Http": {PORT_CHARSET}')


def test_service_port_names_required_and_unique() -> None:
    check(service(ports=[{"port": 80}, {"name": "b", "port": 81}]), "Service/web: spec.ports[0].name: required value")
    check(service(ports=[{"name": "a", "port": 80}, {"name": "a", "port": 80}]),
          'Service/web: spec.ports[1].name: duplicate value "a"',
          'Service/web: spec.ports[1]: duplicate value {"port": 80, "protocol": "TCP"}')


def test_service_needs_ports_unless_headless() -> None:
    check(service(ports=[], clusterIP="None"))
    check(service(ports=[]), "Service/web: spec.ports: required value")


def test_external_name() -> None:
    check(obj("Service", "db", spec={"type": "ExternalName", "externalName": "db.example.com."}))
    check(obj("Service", "db", spec={"type": "ExternalName", "externalName": "DB.example.com"}),
          f'Service/db: spec.externalName: invalid value "DB.example.com": {SUBDOMAIN}')
    check(obj("Service", "db", spec={"type": "ExternalName", "externalName": "10.0.0.1"}),
          'Service/db: spec.externalName: invalid value "10.0.0.1": must be a DNS name, not an IP address')
    check(obj("Service", "db", spec={"type": "ExternalName"}), "Service/db: spec.externalName: required value")


# ---------------------------------------------------------------------------------------------
# NetworkPolicy
# ---------------------------------------------------------------------------------------------
CIDR_PATH = "NetworkPolicy/web: spec.ingress[0].from[0].ipBlock"


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "10.0.0.5/24", "0.0.0.0/0", "fd00::/8", "10.1.2.3/32"])
def test_valid_cidrs(cidr: str) -> None:
    check(netpol(ip_rule(cidr)))


@pytest.mark.parametrize("cidr", ["10.0.0.0/255.255.255.0", "10.0.0.1", "10.0.0.0/33", "10.0.0/8", "example.com/8", " 10.0.0.0/8"])
def test_invalid_cidrs(cidr: str) -> None:
    check(netpol(ip_rule(cidr)), f'{CIDR_PATH}.cidr: invalid value "{cidr}": {CIDR}')


def test_cidr_required() -> None:
    check(netpol(ip_rule("")), f"{CIDR_PATH}.cidr: required value")


def test_except_is_a_strict_subset() -> None:
    check(netpol(ip_rule("10.0.0.0/8", "10.1.0.0/16", "10.2.3.4/32")))
    check(netpol(ip_rule("10.0.0.0/8", "11.0.0.0/16", "10.0.0.0/8", "fd00::/16", "10.1.0.0/255.255.0.0")),
          f'{CIDR_PATH}.except[0]: invalid value "11.0.0.0/16": must be a strict subset of `cidr`',
          f'{CIDR_PATH}.except[1]: invalid value "10.0.0.0/8": must be a strict subset of `cidr`',
          f'{CIDR_PATH}.except[2]: invalid value "fd00::/16": must be a strict subset of `cidr`',
          f'{CIDR_PATH}.except[3]: invalid value "10.1.0.0/255.255.0.0": {CIDR}')


def test_network_policy_ports() -> None:
    check(netpol({"from": [{"podSelector": {}}], "ports": [{"port": "http"}, {"port": 8000, "endPort": 8100, "protocol": "UDP"}]}))
    path = "NetworkPolicy/web: spec.ingress[0].ports"
    check(netpol({"from": [{"podSelector": {}}], "ports": [{"port": 0}, {"port": 90, "endPort": 80}, {"port": "web", "endPort": 90}]}),
          f"{path}[0].port: invalid value 0: must be between 1 and 65535, inclusive",
          f"{path}[1].endPort: invalid value 80: must be greater than or equal to `port`",
          f"{path}[2].endPort: invalid value 90: may not be specified when `port` is non-numeric or not specified")


def test_rules_without_peers_admit_everything() -> None:
    check(netpol(ingress=[]))  # default deny: no rules at all
    check(netpol({"ports": [{"port": 8000}]}),
          "NetworkPolicy/web: spec.ingress[0].from: rule admits every source (`from` is absent or empty)")
    check(netpol(egress=[{"to": []}], policyTypes=["Egress"]),
          "NetworkPolicy/web: spec.egress[0].to: rule admits every destination (`to` is absent or empty)")


def test_network_policy_peers() -> None:
    check(netpol({"from": [{"podSelector": {"matchLabels": {"app": "a"}}, "namespaceSelector": {}}]}))
    check(netpol({"from": [{}]}), "NetworkPolicy/web: spec.ingress[0].from[0]: required value: must specify a peer")
    check(netpol({"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}),
          "NetworkPolicy/web: spec.ingress[0].from[0]: forbidden: may not specify both ipBlock and another peer")


# ---------------------------------------------------------------------------------------------
# Ingress
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["shop.example.com", "*.example.com", "localhost"])
def test_valid_ingress_hosts(host: str) -> None:
    check(ingress(host, tls=[{"hosts": [host], "secretName": "shop-tls"}]))


@pytest.mark.parametrize(("host", "reason"), [
    ("Shop.example.com", SUBDOMAIN),
    ("10.0.0.1", "must be a DNS name, not an IP address"),
    ("::1", "must be a DNS name, not an IP address"),
    ("*.*.example.com", "must be a wildcard DNS-1123 subdomain ('*.' and a DNS-1123 subdomain)"),
    ("shop.example.com:443", SUBDOMAIN),
])
def test_invalid_ingress_hosts(host: str, reason: str) -> None:
    check(ingress(host), f'Ingress/web: spec.rules[0].host: invalid value "{host}": {reason}')


def test_ingress_tls_and_class() -> None:
    check(ingress(tls=[{"hosts": ["Shop.example.com"], "secretName": "Shop_TLS"}], ingressClassName="Alb"),
          f'Ingress/web: spec.ingressClassName: invalid value "Alb": {SUBDOMAIN}',
          f'Ingress/web: spec.tls[0].hosts[0]: invalid value "Shop.example.com": {SUBDOMAIN}',
          f'Ingress/web: spec.tls[0].secretName: invalid value "Shop_TLS": {SUBDOMAIN}')


def test_ingress_backends() -> None:
    check(ingress(backend={"service": {"name": "web", "port": {"number": 8000}}}))
    path = "Ingress/web: spec.rules[0].http.paths[0].backend.service"
    check(ingress(backend={"service": {"name": "1web", "port": {"number": 8000}}}), f'{path}.name: invalid value "1web": {DNS1035}')
    check(ingress(backend={"service": {"name": "web", "port": {"name": "http", "number": 80}}}),
          f"{path}.port: invalid value: cannot set both port name & port number")
    check(ingress(backend={"service": {"name": "web", "port": {}}}), f"{path}.port: required value: port name or number is required")


def test_ingress_paths() -> None:
    doc = ingress()
    check(edit(doc, "spec.rules.0.http.paths.0.pathType", "ImplementationSpecific"))
    check(edit(doc, "spec.rules.0.http.paths.0.path", "api"),
          'Ingress/web: spec.rules[0].http.paths[0].path: invalid value "api": must be an absolute path')
    bare = edit(doc, "spec.rules.0.http.paths.0", {"path": "/", "backend": {"service": {"name": "web", "port": {"number": 80}}}})
    check(bare, "Ingress/web: spec.rules[0].http.paths[0].pathType: required value: pathType must be specified")


# ---------------------------------------------------------------------------------------------
# HorizontalPodAutoscaler, PodDisruptionBudget, Deployment strategy
# ---------------------------------------------------------------------------------------------
def test_hpa_replica_bounds() -> None:
    check(hpa(minReplicas=1, maxReplicas=1))
    check(hpa(minReplicas=0), "HorizontalPodAutoscaler/web: spec.minReplicas: invalid value 0: must be greater than or equal to 1")
    check(hpa(minReplicas=5, maxReplicas=3),
          "HorizontalPodAutoscaler/web: spec.maxReplicas: invalid value 3: must be greater than or equal to `minReplicas`")
    check(hpa(minReplicas=None, maxReplicas=0), "HorizontalPodAutoscaler/web: spec.maxReplicas: invalid value 0: must be greater than 0")


def test_hpa_target_and_metrics() -> None:
    metric = {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}
    check(hpa(metrics=[metric]))
    check(hpa(scaleTargetRef={"kind": "Deployment", "name": "Web"}),
          f'HorizontalPodAutoscaler/web: spec.scaleTargetRef.name: invalid value "Web": {SUBDOMAIN}')
    check(hpa(metrics=[edit(metric, "resource.target.averageUtilization", 0)]),
          "HorizontalPodAutoscaler/web: spec.metrics[0].resource.target.averageUtilization: invalid value 0: "
          "must be greater than or equal to 1")


def test_pdb_budgets() -> None:
    check(pdb(maxUnavailable="25%"))
    check(pdb(minAvailable=1, maxUnavailable=1),
          "PodDisruptionBudget/web: spec: invalid value: minAvailable and maxUnavailable cannot be both set")
    check(pdb(minAvailable="150%"), 'PodDisruptionBudget/web: spec.minAvailable: invalid value "150%": must not be greater than 100%')
    check(pdb(minAvailable="half"),
          """PodDisruptionBudget/web: spec.minAvailable: invalid value "half": must be a percentage such as '25%'""")


def test_deployment_rolling_update() -> None:
    check(deployment(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}))
    check(deployment(strategy={"rollingUpdate": {"maxSurge": "0%", "maxUnavailable": 0}}),
          "Deployment/web: spec.strategy.rollingUpdate.maxUnavailable: invalid value 0: may not be 0 when `maxSurge` is 0")
    check(deployment(strategy={"type": "Recreate", "rollingUpdate": {}}),
          "Deployment/web: spec.strategy.rollingUpdate: forbidden: may not be specified when strategy `type` is 'Recreate'")


# ---------------------------------------------------------------------------------------------
# CronJob
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("schedule", [
    "*/5 * * * *", "0 6 * * 1", "0 6 * * mon-fri", "0 0 1 jan,jul *", "15,45 8-18/2 ? * *", "@daily", "@hourly", "@every 1h30m",
])
def test_valid_schedules(schedule: str) -> None:
    check(cronjob(schedule=schedule))


@pytest.mark.parametrize(("schedule", "reason"), [
    ("0 6 * *", "expected exactly 5 fields, found 4: ['0', '6', '*', '*']"),
    ("0 6 * * * *", "expected exactly 5 fields, found 6: ['0', '6', '*', '*', '*', '*']"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("61 * * * *", "minute: '61' is outside 0-59"),
    ("0 6 * * 7", "day of week: '7' is outside 0-6"),
    ("0 6 0 * *", "day of month: '0' is outside 1-31"),
    ("5-1 * * * *", "minute: beginning of range (5) beyond end of range (1)"),
    ("*/0 * * * *", "minute: step of range should be a positive number"),
    ("0 6 * * funday", "day of week: 'funday' is not a number or name"),
    ("0 6 L * *", "day of month: 'L' is not a number or name"),
    ("0 6 * * 1#2", "day of week: '1#2' is not a cron range such as '*', '5', '1-5', 'mon-fri' or '*/15'"),
])
def test_invalid_schedules(schedule: str, reason: str) -> None:
    check(cronjob(schedule=schedule), f'CronJob/report: spec.schedule: invalid value "{schedule}": {reason}')


def test_schedule_may_not_carry_a_time_zone() -> None:
    check(cronjob(schedule="CRON_TZ=UTC 0 6 * * *"),
          'CronJob/report: spec.schedule: invalid value "CRON_TZ=UTC 0 6 * * *": '
          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")


def test_time_zone() -> None:
    check(cronjob(timeZone="Etc/UTC"))
    check(cronjob(timeZone=None))
    check(cronjob(timeZone=""), 'CronJob/report: spec.timeZone: invalid value "": timeZone must be nonempty')
    check(cronjob(timeZone="Local"), 'CronJob/report: spec.timeZone: invalid value "Local": '
                                     "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")


@pytest.mark.skipif(not zoneinfo.available_timezones(), reason="no tz database on this machine")
def test_unknown_time_zone() -> None:
    check(cronjob(timeZone="Europe/Dublin"))
    check(cronjob(timeZone="Mars/Olympus"), 'CronJob/report: spec.timeZone: invalid value "Mars/Olympus": unknown time zone Mars/Olympus')


def test_cronjob_job_template_is_checked_like_a_job() -> None:
    doc = edit(cronjob(), "spec.jobTemplate.spec.template.spec", pod_spec(container("Cmd"), restartPolicy="Always"))
    check(doc, f'CronJob/report: spec.jobTemplate.spec.template.spec.containers[0].name: invalid value "Cmd": {LABEL}',
          'CronJob/report: spec.jobTemplate.spec.template.spec.restartPolicy: unsupported value "Always": '
          'supported values: "OnFailure", "Never"')


# ---------------------------------------------------------------------------------------------
# RBAC
# ---------------------------------------------------------------------------------------------
def test_role_rules() -> None:
    check(role(resourceNames=["shop-shell-0"]))
    check(role(resourceNames=["shop-shell-0", ""]),
          "Role/shell-exec: rules[0].resourceNames[1]: required value: resource names must be non-empty")
    check(role(verbs=[]), "Role/shell-exec: rules[0].verbs: required value: verbs must contain at least one value")
    check(role(apiGroups=[], resources=[], nonResourceURLs=["/healthz"]),
          "Role/shell-exec: rules[0].nonResourceURLs: invalid value: namespaced rules cannot apply to non-resource URLs")
    cluster_role = {**role(apiGroups=[], resources=[], nonResourceURLs=["/healthz"]), "kind": "ClusterRole"}
    check(cluster_role)


def test_bindings() -> None:
    check(binding({"kind": "ServiceAccount", "name": "shop", "apiGroup": ""}))
    check(binding({"kind": "ServiceAccount", "name": "shop", "namespace": "shop"}, "ClusterRoleBinding", "ClusterRole"))
    check(binding(role_kind="Roles"),
          'RoleBinding/shell-exec: roleRef.kind: unsupported value "Roles": supported values: "Role", "ClusterRole"')
    check(binding({"kind": "ServiceAccount", "name": "Shop"}),
          f'RoleBinding/shell-exec: subjects[0].name: invalid value "Shop": {SUBDOMAIN}')
    check(binding({"kind": "ServiceAccount", "name": "shop"}, "ClusterRoleBinding", "ClusterRole"),
          "ClusterRoleBinding/shell-exec: subjects[0].namespace: required value")
    check(binding({"kind": "Group", "name": "ops"}),
          'RoleBinding/shell-exec: subjects[0].apiGroup: unsupported value "": supported values: "rbac.authorization.k8s.io"')


# ---------------------------------------------------------------------------------------------
# The real output, and the oracle's independence
# ---------------------------------------------------------------------------------------------
DIST_FILES = sorted((ROOT / "dist").rglob("*.yaml"))


def test_dist_has_manifests() -> None:
    assert DIST_FILES, "no YAML under dist/"


@pytest.mark.parametrize("path", DIST_FILES, ids=lambda p: str(p.relative_to(ROOT / "dist")))
def test_dist_manifests_pass_the_oracle(path: Path) -> None:
    assert violations([yaml.safe_load(path.read_text())]) == []


def test_oracle_is_independent_of_the_library() -> None:
    tree = ast.parse(ORACLE.read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names]
    assert imported
    assert [name for name in imported if "cdk8s_django" in name] == []
    # no dynamic import either: the name appears in no string of the module
    strings = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert [s for s in strings if "cdk8s_django" in s] == []
    # and only the standard library
    top_level = {name.split(".")[0] for name in imported if name and not name.startswith(".")}
    assert top_level - set(sys.stdlib_module_names) == set()

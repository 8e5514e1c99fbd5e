"""Output-side oracle for the Kubernetes API server's hand-written validation.

kubernetes-validate checks manifests against the OpenAPI schemas (types, required fields, enums
the schema knows). The API server additionally runs Go validation code
(``k8s.io/apimachinery/pkg/util/validation`` and ``k8s.io/kubernetes/pkg/apis/*/validation``)
that rejects, for example, a Service called ``1web``, a 64-character label value, a memory
request above its limit or a volumeMount naming no volume. This module re-implements the part
of those rules that matters for the manifests this project emits, from the manifests alone.

It deliberately knows nothing about the library that produced them: it reads plain dicts (as
``yaml.safe_load`` returns them) and imports only the standard library, so that a mistaken
belief cannot hide by being shared between the generator and its checker.

``violations(documents)`` returns one line per problem, ``<kind>/<metadata.name>: <field>:
<what is wrong>``; the wording follows the Go ``field.Error`` types (``invalid value``,
``required value``, ``unsupported value``, ``duplicate value``, ``not found``, ``forbidden``).

Built-in kinds are recognised by kind *and* API group; anything else (ExternalSecret,
ScaledObject, ServiceMonitor, ...) only gets the metadata checks.

Rules that are deliberately stricter than the API server are marked "(stricter)" where they
are implemented: an ExternalName that is an IP address, empty ``resourceNames`` entries, an
HPA target name that is not a DNS subdomain, a NetworkPolicy rule without peers, and pod specs
of StatefulSets (the API server leaves those to the controller, which then fails to create
pods; the volumeMount check there also accepts volumeClaimTemplates names).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
import zoneinfo
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any

__all__ = ["violations"]

Finding = tuple[str, str]  # (field path, message)
Findings = Iterator[Finding]

# ---------------------------------------------------------------------------------------------
# Formats: name -> (regex, what the message calls it). Each mirrors one apimachinery function
# (k8s.io/apimachinery/pkg/util/validation/validation.go; the label helpers now live in
# pkg/api/validate/content/kube.go; quantities in pkg/api/resource/quantity.go + suffix.go).
# Always matched with re.fullmatch, like Go's "^...$".
# ---------------------------------------------------------------------------------------------
_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
_KEY_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"

FORMATS: dict[str, tuple[str, str]] = {
    # IsDNS1123Label (max 63)
    "dns1123_label": (_LABEL, "a DNS-1123 label (lowercase alphanumerics and '-', alphanumeric at both ends)"),
    # IsDNS1123Subdomain (max 253)
    "dns1123_subdomain": (_SUBDOMAIN, "a DNS-1123 subdomain (DNS-1123 labels joined by '.')"),
    # IsWildcardDNS1123Subdomain (max 253)
    "wildcard_subdomain": (rf"\*\.{_SUBDOMAIN}", "a wildcard DNS-1123 subdomain ('*.' and a DNS-1123 subdomain)"),
    # IsDNS1035Label (max 63)
    "dns1035_label": ("[a-z]([-a-z0-9]*[a-z0-9])?", "a DNS-1035 label (lowercase alphanumerics and '-', starting with a letter)"),
    # IsQualifiedName / content.IsLabelKey: the name part after the optional "<subdomain>/" (max 63)
    "qualified_name_part": (_KEY_NAME, "made of alphanumerics, '-', '_' or '.', alphanumeric at both ends"),
    # IsValidLabelValue / content.IsLabelValue (max 63)
    "label_value": (f"({_KEY_NAME})?", "empty or made of alphanumerics, '-', '_' or '.', alphanumeric at both ends"),
    # IsConfigMapKey (max 253, plus hasChDirPrefix)
    "config_map_key": ("[-._a-zA-Z0-9]+", "made of alphanumerics, '-', '_' or '.'"),
    # IsEnvVarName (plus hasChDirPrefix); the pre-1.30 strict form, RelaxedEnvironmentVariableValidation off
    "env_var_name": ("[-._a-zA-Z][-._a-zA-Z0-9]*", "made of letters, digits, '_', '-' or '.', not starting with a digit"),
    # IsValidPortName: charset part (max 15, one letter, no leading/trailing/double '-')
    "port_name": ("[-a-z0-9]+", "lowercase alphanumerics and '-'"),
    # IsValidPercent
    "percent": ("[0-9]+%", "a percentage such as '25%'"),
    # resource.ParseQuantity: <sign><number><suffix>, suffix binarySI | decimalSI | e/E exponent
    "quantity": (
        r"(?P<number>[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+))(?P<suffix>[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?",
        "a quantity (signed decimal, optional suffix Ki/Mi/Gi/Ti/Pi/Ei, n/u/m/k/M/G/T/P/E or e<exponent>)",
    ),
    # robfig/cron (used by the CronJob validation): one comma-separated element of a field
    "cron_range": (r"(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?", "a cron range such as '*', '5', '1-5', 'mon-fri' or '*/15'"),
    # Go time.ParseDuration, for "@every <duration>"
    "go_duration": (r"([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h)(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))*", "a Go duration"),
}
_RE = {name: re.compile(regex) for name, (regex, _) in FORMATS.items()}

MAX_ANNOTATIONS_BYTES = 256 * 1024  # TotalAnnotationSizeLimitB
MAX_CONFIG_MAP_BYTES = 1024 * 1024  # core.MaxSecretSize, also used for ConfigMaps
MAX_ID = 2**31 - 1  # IsValidUserID / IsValidGroupID (1.27: math.MaxInt32)
CRONJOB_NAME_MAX = 52  # DNS1035LabelMaxLength - 11: the controller appends "-<timestamp>"

_QUANTITY_SUFFIXES: dict[str, Decimal] = {
    **{f"{p}i": Decimal(2) ** (10 * (i + 1)) for i, p in enumerate("KMGTPE")},
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
    **{p: Decimal(10) ** (3 * (i + 1)) for i, p in enumerate("kMGTPE")},
}
_CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
# (field name, minimum, maximum, names) as in robfig/cron's bounds
_CRON_FIELDS = (("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}), ("month", 1, 12, _MONTHS),
                ("day of week", 0, 6, _DAYS))
_PROTOCOLS = ("TCP", "UDP", "SCTP")
_STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:76] + '..."'


def _supported(values: tuple[str, ...]) -> str:
    return "supported values: " + ", ".join(f'"{v}"' for v in values)


def _invalid(path: str, value: Any, reasons: list[str], noun: str = "value") -> Findings:
    if reasons:
        yield path, f"invalid {noun} {_show(value)}: " + "; ".join(reasons)


def _enum(path: str, value: Any, allowed: tuple[str, ...]) -> Findings:
    if value is not None and value not in allowed:
        yield path, f"unsupported value {_show(value)}: {_supported(allowed)}"


def _required(path: str, value: Any, reasons_of: Callable[[Any], list[str]], detail: str = "") -> Findings:
    """A required string: missing or empty is ``required value``, otherwise ``reasons_of`` judges it."""
    if value is None or value == "":
        yield path, "required value" + (f": {detail}" if detail else "")
    else:
        yield from _invalid(path, value, reasons_of(value))


def _optional(path: str, value: Any, reasons_of: Callable[[Any], list[str]]) -> Findings:
    if value is not None:
        yield from _invalid(path, value, reasons_of(value))


def _int_at_least(path: str, value: Any, minimum: int, maximum: int | None = None) -> Findings:
    """ValidateNonnegativeField, IsValidPortNum, IsInRange... on an optional integer field."""
    if value is None:
        return
    if not _is_int(value):
        yield path, f"invalid value {_show(value)}: must be an integer"
    elif maximum is not None and not minimum <= value <= maximum:
        yield path, f"invalid value {value}: must be between {minimum} and {maximum}, inclusive"
    elif value < minimum:
        yield path, f"invalid value {value}: must be greater than or equal to {minimum}"


def _anything(value: Any) -> list[str]:
    return []


def _port_number(path: str, value: Any) -> Findings:
    yield from _int_at_least(path, value, 1, 65535)


# ---------------------------------------------------------------------------------------------
# String validators: each returns a list of reasons, empty when valid (like apimachinery)
# ---------------------------------------------------------------------------------------------
def _format_reasons(fmt: str, value: Any, max_len: int | None = None) -> list[str]:
    if not isinstance(value, str):
        return ["must be a string"]
    reasons = []
    if max_len is not None and len(value) > max_len:
        reasons.append(f"must be no more than {max_len} characters")
    if not _RE[fmt].fullmatch(value):
        reasons.append(f"must be {FORMATS[fmt][1]}")
    return reasons


def _chdir_reasons(value: str) -> list[str]:
    """hasChDirPrefix."""
    if value in (".", ".."):
        return [f"must not be '{value}'"]
    return ["must not start with '..'"] if value.startswith("..") else []


def is_dns1123_label(value: Any) -> list[str]:
    return _format_reasons("dns1123_label", value, 63)


def is_dns1123_subdomain(value: Any) -> list[str]:
    return _format_reasons("dns1123_subdomain", value, 253)


def is_dns1035_label(value: Any) -> list[str]:
    return _format_reasons("dns1035_label", value, 63)


def is_label_value(value: Any) -> list[str]:
    return _format_reasons("label_value", value, 63)


def is_config_map_key(value: Any) -> list[str]:
    reasons = _format_reasons("config_map_key", value, 253)
    return reasons + _chdir_reasons(value) if isinstance(value, str) else reasons


def is_env_var_name(value: Any) -> list[str]:
    reasons = _format_reasons("env_var_name", value)
    return reasons + _chdir_reasons(value) if isinstance(value, str) else reasons


def is_qualified_name(value: Any) -> list[str]:
    """IsQualifiedName: ``[<DNS-1123 subdomain>/]<name>``, name at most 63 characters."""
    if not isinstance(value, str):
        return ["must be a string"]
    parts = value.split("/")
    if len(parts) > 2:
        return ["must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    reasons = []
    if len(parts) == 2:
        prefix = parts[0]
        reasons += ["prefix part " + r for r in (is_dns1123_subdomain(prefix) if prefix else ["must be non-empty"])]
    name = parts[-1]
    if not name:
        return reasons + ["name part must be non-empty"]
    return reasons + ["name part " + r for r in _format_reasons("qualified_name_part", name, 63)]


def is_port_name(value: Any) -> list[str]:
    """IsValidPortName (an IANA_SVC_NAME)."""
    if not isinstance(value, str):
        return ["must be a string"]
    reasons = []
    if len(value) > 15:
        reasons.append("must be no more than 15 characters")
    if not _RE["port_name"].fullmatch(value):
        reasons.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", value):
        reasons.append("must contain at least one letter (a-z)")
    if "--" in value:
        reasons.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        reasons.append("must not begin or end with a hyphen")
    return reasons


def is_path_segment_name(value: Any) -> list[str]:
    """path.IsValidPathSegmentName (RBAC object names, HPA scaleTargetRef.kind)."""
    if not isinstance(value, str):
        return ["must be a string"]
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in "/%" if c in value]


def is_ingress_host(value: Any) -> list[str]:
    """Ingress rules[].host and tls[].hosts[]: not an IP, else a (wildcard) DNS-1123 subdomain."""
    if isinstance(value, str) and _parse_ip(value) is not None:
        return ["must be a DNS name, not an IP address"]
    if isinstance(value, str) and "*" in value:
        return _format_reasons("wildcard_subdomain", value, 253)
    return is_dns1123_subdomain(value)


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def parse_quantity(value: Any) -> Decimal | None:
    """resource.ParseQuantity; None when the text is not a quantity."""
    if _is_int(value) or isinstance(value, float):
        value = str(value)
    match = _RE["quantity"].fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    number, suffix = Decimal(match["number"]), match["suffix"] or ""
    if suffix in _QUANTITY_SUFFIXES:
        return number * _QUANTITY_SUFFIXES[suffix]
    return number.scaleb(int(suffix[1:]))  # decimal exponent: e<n> / E<n>


def is_quantity(value: Any) -> list[str]:
    return [] if parse_quantity(value) is not None else [f"must be {FORMATS['quantity'][1]}"]


def _parse_cidr(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """netutils.ParseCIDRSloppy: ``<ip>/<prefix length>``; no netmask form, no bare address."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Fa-f:.]+/[0-9]{1,3}", value):
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _is_cidr(value: Any) -> list[str]:
    return [] if _parse_cidr(value) is not None else ["must be a valid CIDR in slash notation (e.g. 10.0.0.0/16 or fd00::/8)"]


# ---------------------------------------------------------------------------------------------
# Metadata, labels, annotations, selectors
# ---------------------------------------------------------------------------------------------
def _check_labels(labels: Any, path: str) -> Findings:
    """ValidateLabels: keys are qualified names, values label values."""
    if labels is None:
        return
    if not isinstance(labels, dict):
        yield path, "must be a map of strings"
        return
    for key, value in labels.items():
        yield from _invalid(path, key, is_qualified_name(key), noun="key")
        yield from _invalid(f"{path}[{key}]", value, is_label_value(value))


def _check_annotations(annotations: Any, path: str) -> Findings:
    """ValidateAnnotations: keys are qualified names (lower-cased first), total size <= 256 KiB."""
    if annotations is None:
        return
    if not isinstance(annotations, dict):
        yield path, "must be a map of strings"
        return
    total = 0
    for key, value in annotations.items():
        yield from _invalid(path, key, is_qualified_name(key.lower() if isinstance(key, str) else key), noun="key")
        if not isinstance(value, str):
            yield f"{path}[{key}]", f"invalid value {_show(value)}: must be a string"
        total += len(str(key).encode()) + len(str(value).encode())
    if total > MAX_ANNOTATIONS_BYTES:
        yield path, f"too long: must have at most {MAX_ANNOTATIONS_BYTES} bytes (has {total})"


def _check_template_metadata(meta: Any, path: str) -> Findings:
    meta = _dict(meta)
    yield from _check_labels(meta.get("labels"), f"{path}.labels")
    yield from _check_annotations(meta.get("annotations"), f"{path}.annotations")


def _check_selector(selector: Any, path: str) -> Findings:
    """ValidateLabelSelector."""
    if selector is None:
        return
    if not isinstance(selector, dict):
        yield path, "must be a label selector"
        return
    yield from _check_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for i, requirement in enumerate(_list(selector.get("matchExpressions"))):
        yield from _check_requirement(_dict(requirement), f"{path}.matchExpressions[{i}]")


def _check_requirement(requirement: dict[str, Any], path: str) -> Findings:
    """ValidateLabelSelectorRequirement."""
    yield from _required(f"{path}.key", requirement.get("key"), is_qualified_name)
    operator, values = requirement.get("operator"), _list(requirement.get("values"))
    if operator in ("In", "NotIn") and not values:
        yield f"{path}.values", "required value: must be specified when `operator` is 'In' or 'NotIn'"
    elif operator in ("Exists", "DoesNotExist") and values:
        yield f"{path}.values", "forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
    elif operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
        yield f"{path}.operator", f"unsupported value {_show(operator)}: {_supported(('In', 'NotIn', 'Exists', 'DoesNotExist'))}"
    for i, value in enumerate(values):
        yield from _invalid(f"{path}.values[{i}]", value, is_label_value(value))


def _requirement_matches(requirement: dict[str, Any], labels: dict[str, Any]) -> bool:
    key, operator, values = requirement.get("key"), requirement.get("operator"), _list(requirement.get("values"))
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    return key not in labels if operator == "DoesNotExist" else True


def selector_matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """labels.Selector.Matches for a metav1.LabelSelector."""
    if any(labels.get(k) != v for k, v in _dict(selector.get("matchLabels")).items()):
        return False
    return all(_requirement_matches(_dict(r), labels) for r in _list(selector.get("matchExpressions")))


def _name_reasons(kind: str | None, name: Any) -> list[str]:
    """The NameIsDNS... function each built-in kind's ValidateObjectMeta uses; subdomain otherwise."""
    reasons = _NAME_RULES.get(kind or "", is_dns1123_subdomain)(name)
    if kind == "CronJob" and isinstance(name, str) and len(name) > CRONJOB_NAME_MAX:
        reasons.append(f"must be no more than {CRONJOB_NAME_MAX} characters")
    if kind == "Job" and isinstance(name, str) and len(name) > 63:
        reasons.append("must be no more than 63 characters (it becomes the job-name label of its pods)")
    return reasons


def _check_object_meta(doc: dict[str, Any], kind: str | None) -> Findings:
    """ValidateObjectMeta: name (per kind), namespace, labels, annotations."""
    meta = _dict(doc.get("metadata"))
    name = meta.get("name")
    if name is None and not meta.get("generateName"):
        yield "metadata.name", "required value: name or generateName is required"
    elif name is not None:
        yield from _invalid("metadata.name", name, _name_reasons(kind, name))
    yield from _optional("metadata.namespace", meta.get("namespace"), is_dns1123_label)
    yield from _check_template_metadata(meta, "metadata")


# ---------------------------------------------------------------------------------------------
# Pod specs
# ---------------------------------------------------------------------------------------------
def _check_pod_template(template: Any, path: str, restart_policies: tuple[str, ...], extra_volumes: frozenset[str]) -> Findings:
    """A PodTemplateSpec: template metadata, the pod spec, and the restartPolicy its owner allows."""
    template = _dict(template)
    yield from _check_template_metadata(template.get("metadata"), f"{path}.metadata")
    spec = _dict(template.get("spec"))
    yield from _check_pod_spec(spec, f"{path}.spec", extra_volumes)
    policy = spec.get("restartPolicy")
    if policy is None and "Always" not in restart_policies:
        yield f"{path}.spec.restartPolicy", f'required value: defaults to "Always", {_supported(restart_policies)}'
    yield from _enum(f"{path}.spec.restartPolicy", policy, restart_policies)


def _check_pod_spec(spec: dict[str, Any], path: str, extra_volumes: frozenset[str] = frozenset()) -> Findings:
    """ValidatePodSpec (the parts JSON schemas cannot express)."""
    containers = _list(spec.get("containers"))
    if not containers:
        yield f"{path}.containers", "required value: a pod needs at least one container"
    yield from _check_container_names(spec, path)
    volumes = _list(spec.get("volumes"))
    yield from _check_volumes(volumes, f"{path}.volumes")
    volume_names = {_dict(v).get("name") for v in volumes} | extra_volumes
    for field in ("initContainers", "containers"):
        for i, container in enumerate(_list(spec.get(field))):
            yield from _check_container(_dict(container), f"{path}.{field}[{i}]", volume_names, field == "initContainers")
    yield from _optional(f"{path}.serviceAccountName", spec.get("serviceAccountName") or None, is_dns1123_subdomain)
    yield from _int_at_least(f"{path}.terminationGracePeriodSeconds", spec.get("terminationGracePeriodSeconds"), 0)
    yield from _int_at_least(f"{path}.activeDeadlineSeconds", spec.get("activeDeadlineSeconds"), 1, MAX_ID)
    yield from _check_pod_security_context(_dict(spec.get("securityContext")), f"{path}.securityContext")
    yield from _check_scheduling(spec, path)
    yield from _enum(f"{path}.dnsPolicy", spec.get("dnsPolicy"), ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"))


def _check_container_names(spec: dict[str, Any], path: str) -> Findings:
    """Container names are DNS-1123 labels, unique across containers and initContainers."""
    seen: set[str] = set()
    for field in ("containers", "initContainers"):
        for i, container in enumerate(_list(spec.get(field))):
            name, name_path = _dict(container).get("name"), f"{path}.{field}[{i}].name"
            yield from _required(name_path, name, is_dns1123_label)
            if isinstance(name, str) and name in seen:
                yield name_path, f"duplicate value {_show(name)}"
            seen.add(name)


def _check_container(container: dict[str, Any], path: str, volume_names: set[Any], init: bool) -> Findings:
    yield from _check_container_ports(_list(container.get("ports")), f"{path}.ports")
    yield from _check_env(_list(container.get("env")), f"{path}.env")
    yield from _check_env_from(_list(container.get("envFrom")), f"{path}.envFrom")
    yield from _check_resources(_dict(container.get("resources")), f"{path}.resources")
    yield from _check_volume_mounts(_list(container.get("volumeMounts")), f"{path}.volumeMounts", volume_names)
    yield from _check_security_context(_dict(container.get("securityContext")), f"{path}.securityContext")
    yield from _enum(f"{path}.imagePullPolicy", container.get("imagePullPolicy"), ("Always", "Never", "IfNotPresent"))
    yield from _check_probes(container, path, init)
    for hook in ("postStart", "preStop"):
        handler = _dict(container.get("lifecycle")).get(hook)
        if handler is not None:
            yield from _check_handler(_dict(handler), f"{path}.lifecycle.{hook}", ("exec", "httpGet", "tcpSocket", "sleep"))


def _check_container_ports(ports: list[Any], path: str) -> Findings:
    """validateContainerPorts: names IANA_SVC_NAME and unique per container; port numbers in range."""
    names: set[str] = set()
    for i, port in enumerate(ports):
        port, port_path = _dict(port), f"{path}[{i}]"
        name = port.get("name")
        if name:
            yield from _invalid(f"{port_path}.name", name, is_port_name(name))
            if name in names:
                yield f"{port_path}.name", f"duplicate value {_show(name)}"
            names.add(name)
        if port.get("containerPort") is None:
            yield f"{port_path}.containerPort", "required value"
        yield from _port_number(f"{port_path}.containerPort", port.get("containerPort"))
        if port.get("hostPort"):
            yield from _port_number(f"{port_path}.hostPort", port.get("hostPort"))
        yield from _enum(f"{port_path}.protocol", port.get("protocol"), _PROTOCOLS)


def _check_env(env: list[Any], path: str) -> Findings:
    """validateEnv: names (IsEnvVarName), valueFrom sources. Duplicate names are allowed."""
    for i, var in enumerate(env):
        var, var_path = _dict(var), f"{path}[{i}]"
        yield from _required(f"{var_path}.name", var.get("name"), is_env_var_name)
        if var.get("valueFrom") is not None:
            yield from _check_env_source(_dict(var.get("valueFrom")), f"{var_path}.valueFrom", bool(var.get("value")))


def _check_env_source(source: dict[str, Any], path: str, has_value: bool) -> Findings:
    """validateEnvVarValueFrom: exactly one source; key selectors name a subdomain and a config map key."""
    if has_value:
        yield path, "invalid value: may not be specified when `value` is not empty"
    kinds = [k for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef") if source.get(k) is not None]
    if not kinds:
        yield path, "required value: must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
    elif len(kinds) > 1:
        yield path, "invalid value: may not have more than one field specified at a time"
    for kind in ("configMapKeyRef", "secretKeyRef"):
        if source.get(kind) is not None:
            selector = _dict(source.get(kind))
            yield from _required(f"{path}.{kind}.name", selector.get("name"), is_dns1123_subdomain)
            yield from _required(f"{path}.{kind}.key", selector.get("key"), is_config_map_key)


def _check_env_from(sources: list[Any], path: str) -> Findings:
    """validateEnvFrom: prefix is an env var name; exactly one of configMapRef/secretRef, naming a subdomain."""
    for i, source in enumerate(sources):
        source, source_path = _dict(source), f"{path}[{i}]"
        if source.get("prefix"):
            yield from _invalid(f"{source_path}.prefix", source["prefix"], is_env_var_name(source["prefix"]))
        refs = [k for k in ("configMapRef", "secretRef") if source.get(k) is not None]
        if not refs:
            yield source_path, "required value: must specify one of: `configMapRef` or `secretRef`"
        elif len(refs) > 1:
            yield source_path, "invalid value: may not have more than one field specified at a time"
        for ref in refs:
            yield from _required(f"{source_path}.{ref}.name", _dict(source[ref]).get("name"), is_dns1123_subdomain)


def _is_native_resource(name: str) -> bool:
    return "/" not in name or name.startswith("kubernetes.io/")


def _overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native, non-hugepages resources may have requests below limits."""
    return _is_native_resource(name) and not name.startswith("hugepages-")


def _container_resource_name_reasons(name: Any) -> list[str]:
    """validateContainerResourceName: a qualified name; unprefixed ones must be standard container resources."""
    reasons = is_qualified_name(name)
    if not reasons and "/" not in name and name not in _STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
        reasons.append("must be a standard resource for containers")
    return reasons


def _check_quantity(path: str, name: str, value: Any) -> Findings:
    """ValidateResourceQuantityValue: a quantity, non-negative; extended resources whole numbers."""
    quantity = parse_quantity(value)
    if quantity is None:
        yield from _invalid(path, value, is_quantity(value))
    elif quantity < 0:
        yield path, f"invalid value {_show(value)}: must be greater than or equal to 0"
    elif not _is_native_resource(name) and quantity != quantity.to_integral_value():
        yield path, f"invalid value {_show(value)}: must be an integer"


def _check_resources(resources: dict[str, Any], path: str) -> Findings:
    """ValidateResourceRequirements: names, quantities, and requests <= limits (== for extended resources)."""
    limits, requests = _dict(resources.get("limits")), _dict(resources.get("requests"))
    for section, values in (("limits", limits), ("requests", requests)):
        for name, value in values.items():
            yield from _invalid(f"{path}.{section}", name, _container_resource_name_reasons(name), noun="resource name")
            yield from _check_quantity(f"{path}.{section}[{name}]", str(name), value)
    for name, value in requests.items():
        yield from _check_request_against_limit(f"{path}.requests[{name}]", str(name), value, limits.get(name))


def _check_request_against_limit(path: str, name: str, request: Any, limit: Any) -> Findings:
    if limit is None:
        if not _overcommit_allowed(name):
            yield path, "required value: Limit must be set for non overcommitable resources"
        return
    request_value, limit_value = parse_quantity(request), parse_quantity(limit)
    if request_value is None or limit_value is None:
        return
    if not _overcommit_allowed(name) and request_value != limit_value:
        yield path, f"invalid value {_show(request)}: must be equal to {name} limit of {limit}"
    elif request_value > limit_value:
        yield path, f"invalid value {_show(request)}: must be less than or equal to {name} limit of {limit}"


def _check_volumes(volumes: list[Any], path: str) -> Findings:
    """ValidateVolumes: names DNS-1123 labels and unique, exactly one source each."""
    seen: set[str] = set()
    for i, volume in enumerate(volumes):
        volume, volume_path = _dict(volume), f"{path}[{i}]"
        name = volume.get("name")
        yield from _required(f"{volume_path}.name", name, is_dns1123_label)
        if isinstance(name, str) and name in seen:
            yield f"{volume_path}.name", f"duplicate value {_show(name)}"
        seen.add(name)
        sources = [key for key, value in volume.items() if key != "name" and value is not None]
        if not sources:
            yield volume_path, "required value: must specify a volume type"
        elif len(sources) > 1:
            yield volume_path, "forbidden: may not specify more than 1 volume type"
        yield from _check_volume_source(volume, volume_path)


def _check_volume_source(volume: dict[str, Any], path: str) -> Findings:
    """configMap / secret / projected sources name subdomains; items are key-to-path maps."""
    for source, name_field in (("configMap", "name"), ("secret", "secretName")):
        if volume.get(source) is not None:
            config = _dict(volume[source])
            yield from _required(f"{path}.{source}.{name_field}", config.get(name_field), is_dns1123_subdomain)
            yield from _check_key_to_paths(config, f"{path}.{source}")
    if volume.get("persistentVolumeClaim") is not None:
        yield from _required(f"{path}.persistentVolumeClaim.claimName", _dict(volume["persistentVolumeClaim"]).get("claimName"), _anything)
    for i, projection in enumerate(_list(_dict(volume.get("projected")).get("sources"))):
        for source in ("configMap", "secret"):
            if _dict(projection).get(source) is not None:
                projected, projected_path = _dict(projection[source]), f"{path}.projected.sources[{i}].{source}"
                yield from _required(f"{projected_path}.name", projected.get("name"), is_dns1123_subdomain)
                yield from _check_key_to_paths(projected, projected_path)


def _local_path_reasons(value: Any) -> list[str]:
    """validateLocalDescendingPath: relative, no '..' element."""
    if not isinstance(value, str):
        return ["must be a string"]
    reasons = ["must be a relative path"] if value.startswith("/") else []
    return reasons + (["must not contain '..'"] if ".." in value.split("/") else [])


def _check_key_to_paths(source: dict[str, Any], path: str) -> Findings:
    """validateKeyToPath for items[], and file modes 0..0777."""
    yield from _int_at_least(f"{path}.defaultMode", source.get("defaultMode"), 0, 0o777)
    for i, item in enumerate(_list(source.get("items"))):
        item, item_path = _dict(item), f"{path}.items[{i}]"
        yield from _required(f"{item_path}.key", item.get("key"), _anything)
        yield from _required(f"{item_path}.path", item.get("path"), _local_path_reasons)
        yield from _int_at_least(f"{item_path}.mode", item.get("mode"), 0, 0o777)


def _check_volume_mounts(mounts: list[Any], path: str, volume_names: set[Any]) -> Findings:
    """validateVolumeMounts: name refers to a volume; mountPath required and unique; subPath relative."""
    mount_paths: set[str] = set()
    for i, mount in enumerate(mounts):
        mount, mount_path = _dict(mount), f"{path}[{i}]"
        name = mount.get("name")
        if not name:
            yield f"{mount_path}.name", "required value"
        elif name not in volume_names:
            yield f"{mount_path}.name", f"not found: {_show(name)} (no volume of that name)"
        target = mount.get("mountPath")
        yield from _required(f"{mount_path}.mountPath", target, _anything)
        if target and target in mount_paths:
            yield f"{mount_path}.mountPath", f"invalid value {_show(target)}: must be unique"
        mount_paths.add(target)
        if mount.get("subPath"):
            yield from _invalid(f"{mount_path}.subPath", mount["subPath"], _local_path_reasons(mount["subPath"]))


def _check_ids(context: dict[str, Any], path: str, fields: tuple[str, ...]) -> Findings:
    """IsValidUserID / IsValidGroupID."""
    for field in fields:
        yield from _int_at_least(f"{path}.{field}", context.get(field), 0, MAX_ID)


def _check_pod_security_context(context: dict[str, Any], path: str) -> Findings:
    """ValidatePodSecurityContext: runAsUser/runAsGroup/fsGroup/supplementalGroups are valid ids."""
    yield from _check_ids(context, path, ("runAsUser", "runAsGroup", "fsGroup"))
    for i, group in enumerate(_list(context.get("supplementalGroups"))):
        yield from _int_at_least(f"{path}.supplementalGroups[{i}]", group, 0, MAX_ID)


def _check_security_context(context: dict[str, Any], path: str) -> Findings:
    """ValidateSecurityContext (container level)."""
    yield from _check_ids(context, path, ("runAsUser", "runAsGroup"))
    if context.get("allowPrivilegeEscalation") is False and context.get("privileged") is True:
        yield path, "invalid value: cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
    if context.get("allowPrivilegeEscalation") is False and "CAP_SYS_ADMIN" in _list(_dict(context.get("capabilities")).get("add")):
        yield path, "invalid value: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"


def _check_probes(container: dict[str, Any], path: str, init: bool) -> Findings:
    """validateProbe: one handler, valid ports, non-negative timings; liveness/startup successThreshold 1."""
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(kind)
        if probe is None:
            continue
        probe, probe_path = _dict(probe), f"{path}.{kind}"
        yield from _check_handler(probe, probe_path, ("exec", "httpGet", "tcpSocket", "grpc"))
        for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
            yield from _int_at_least(f"{probe_path}.{field}", probe.get(field), 0)
        if kind != "readinessProbe" and probe.get("successThreshold") not in (None, 1):
            yield f"{probe_path}.successThreshold", f"invalid value {_show(probe['successThreshold'])}: must be 1"


def _check_handler(handler: dict[str, Any], path: str, kinds: tuple[str, ...]) -> Findings:
    """A probe or lifecycle handler: exactly one action; httpGet/tcpSocket ports number-or-name, grpc numbers."""
    present = [kind for kind in kinds if handler.get(kind) is not None]
    if not present:
        yield path, "required value: must specify a handler type"
    elif len(present) > 1:
        yield path, "forbidden: may not specify more than 1 handler type"
    for kind in ("httpGet", "tcpSocket"):
        if handler.get(kind) is not None:
            yield from _port_number_or_name(f"{path}.{kind}.port", _dict(handler[kind]).get("port"))
    if handler.get("grpc") is not None:
        yield from _port_number(f"{path}.grpc.port", _dict(handler["grpc"]).get("port"))
    if handler.get("httpGet") is not None:
        yield from _enum(f"{path}.httpGet.scheme", _dict(handler["httpGet"]).get("scheme"), ("HTTP", "HTTPS"))


def _port_number_or_name(path: str, value: Any) -> Findings:
    """ValidatePortNumOrName (an IntOrString: a string is always a name, even "8080")."""
    if value is None:
        yield path, "required value"
    elif isinstance(value, str):
        yield from _invalid(path, value, is_port_name(value))
    else:
        yield from _port_number(path, value)


def _check_scheduling(spec: dict[str, Any], path: str) -> Findings:
    """topologySpreadConstraints and pod (anti-)affinity terms."""
    pairs: set[tuple[Any, Any]] = set()
    for i, constraint in enumerate(_list(spec.get("topologySpreadConstraints"))):
        constraint, constraint_path = _dict(constraint), f"{path}.topologySpreadConstraints[{i}]"
        yield from _check_spread_constraint(constraint, constraint_path)
        pair = (constraint.get("topologyKey"), constraint.get("whenUnsatisfiable"))
        if pair in pairs:
            yield f"{constraint_path}.{{topologyKey, whenUnsatisfiable}}", f"duplicate value {_show(list(pair))}"
        pairs.add(pair)
    affinity = _dict(spec.get("affinity"))
    for kind in ("podAffinity", "podAntiAffinity"):
        yield from _check_affinity(_dict(affinity.get(kind)), f"{path}.affinity.{kind}")


def _check_spread_constraint(constraint: dict[str, Any], path: str) -> Findings:
    """validateTopologySpreadConstraints."""
    skew = constraint.get("maxSkew")
    if _is_int(skew) and skew < 1:
        yield f"{path}.maxSkew", f"invalid value {skew}: must be greater than zero"
    yield from _required(f"{path}.topologyKey", constraint.get("topologyKey"), is_qualified_name)
    yield from _enum(f"{path}.whenUnsatisfiable", constraint.get("whenUnsatisfiable"), ("DoNotSchedule", "ScheduleAnyway"))
    yield from _check_selector(constraint.get("labelSelector"), f"{path}.labelSelector")
    for i, key in enumerate(_list(constraint.get("matchLabelKeys"))):
        yield from _invalid(f"{path}.matchLabelKeys[{i}]", key, is_qualified_name(key))


def _check_affinity(affinity: dict[str, Any], path: str) -> Findings:
    """validatePodAffinityTerm for required and preferred terms."""
    terms = [(f"{path}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", _dict(term))
             for i, term in enumerate(_list(affinity.get("requiredDuringSchedulingIgnoredDuringExecution")))]
    terms += [(f"{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm", _dict(_dict(term).get("podAffinityTerm")))
              for i, term in enumerate(_list(affinity.get("preferredDuringSchedulingIgnoredDuringExecution")))]
    for term_path, term in terms:
        yield from _check_selector(term.get("labelSelector"), f"{term_path}.labelSelector")
        yield from _check_selector(term.get("namespaceSelector"), f"{term_path}.namespaceSelector")
        yield from _required(f"{term_path}.topologyKey", term.get("topologyKey"), is_qualified_name)


# ---------------------------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------------------------
def _check_workload(doc: dict[str, Any]) -> Findings:
    """Deployment, StatefulSet, DaemonSet, ReplicaSet: selector, template, and (StatefulSet) claim templates."""
    kind, spec = doc.get("kind"), _dict(doc.get("spec"))
    template = _dict(spec.get("template"))
    yield from _check_workload_selector(str(kind), spec.get("selector"), template)
    yield from _int_at_least("spec.replicas", spec.get("replicas"), 0)
    yield from _int_at_least("spec.minReadySeconds", spec.get("minReadySeconds"), 0)
    yield from _int_at_least("spec.revisionHistoryLimit", spec.get("revisionHistoryLimit"), 0)
    claims = _list(spec.get("volumeClaimTemplates"))
    for i, claim in enumerate(claims):
        yield from _check_claim_template(_dict(claim), f"spec.volumeClaimTemplates[{i}]")
    claim_names = frozenset(_dict(_dict(claim).get("metadata")).get("name") for claim in claims)
    yield from _check_pod_template(template, "spec.template", ("Always",), claim_names)
    if kind == "Deployment":
        yield from _check_deployment_strategy(_dict(spec.get("strategy")))


def _check_workload_selector(kind: str, selector: Any, template: dict[str, Any]) -> Findings:
    """Selector required, non-empty, valid, and matching the template's labels."""
    if selector is None:
        yield "spec.selector", "required value"
        return
    yield from _check_selector(selector, "spec.selector")
    selector = _dict(selector)
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        yield "spec.selector", f"invalid value: empty selector is invalid for {kind.lower()}"
    elif not selector_matches(selector, _dict(_dict(template.get("metadata")).get("labels"))):
        yield "spec.template.metadata.labels", "invalid value: `selector` does not match template `labels`"


def _int_or_percent(value: Any) -> int | None:
    if _is_int(value):
        return value
    return int(value[:-1]) if isinstance(value, str) and _RE["percent"].fullmatch(value) else None


def _check_int_or_percent(path: str, value: Any) -> Findings:
    """ValidatePositiveIntOrPercent + IsNotMoreThan100Percent."""
    if value is None:
        return
    if isinstance(value, str):
        yield from _invalid(path, value, [] if _RE["percent"].fullmatch(value) else [f"must be {FORMATS['percent'][1]}"])
        if (_int_or_percent(value) or 0) > 100:
            yield path, f"invalid value {_show(value)}: must not be greater than 100%"
    else:
        yield from _int_at_least(path, value, 0)


def _check_deployment_strategy(strategy: dict[str, Any]) -> Findings:
    """ValidateDeploymentStrategy / ValidateRollingUpdateDeployment."""
    path, rolling = "spec.strategy.rollingUpdate", strategy.get("rollingUpdate")
    if strategy.get("type") == "Recreate":
        if rolling is not None:
            yield path, "forbidden: may not be specified when strategy `type` is 'Recreate'"
        return
    rolling = _dict(rolling)
    surge, unavailable = rolling.get("maxSurge", "25%"), rolling.get("maxUnavailable", "25%")
    yield from _check_int_or_percent(f"{path}.maxSurge", rolling.get("maxSurge"))
    yield from _check_int_or_percent(f"{path}.maxUnavailable", rolling.get("maxUnavailable"))
    if _int_or_percent(surge) == 0 and _int_or_percent(unavailable) == 0:
        yield f"{path}.maxUnavailable", f"invalid value {_show(unavailable)}: may not be 0 when `maxSurge` is 0"


def _check_claim_template(claim: dict[str, Any], path: str) -> Findings:
    """A StatefulSet volumeClaimTemplate: its name becomes a pod volume name; storage > 0; class a subdomain."""
    meta, spec = _dict(claim.get("metadata")), _dict(claim.get("spec"))
    yield from _required(f"{path}.metadata.name", meta.get("name"), is_dns1123_label)
    yield from _check_template_metadata(meta, f"{path}.metadata")
    if not _list(spec.get("accessModes")):
        yield f"{path}.spec.accessModes", "required value: at least 1 access mode is required"
    for i, mode in enumerate(_list(spec.get("accessModes"))):
        yield from _enum(f"{path}.spec.accessModes[{i}]", mode, ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"))
    storage_path, storage = f"{path}.spec.resources.requests[storage]", _dict(_dict(spec.get("resources")).get("requests")).get("storage")
    if storage is None:
        yield storage_path, "required value"
    elif parse_quantity(storage) is None:
        yield from _invalid(storage_path, storage, is_quantity(storage))
    elif (parse_quantity(storage) or 0) <= 0:
        yield storage_path, f"invalid value {_show(storage)}: must be greater than zero"
    yield from _optional(f"{path}.spec.storageClassName", spec.get("storageClassName") or None, is_dns1123_subdomain)


def _check_pod(doc: dict[str, Any]) -> Findings:
    spec = _dict(doc.get("spec"))
    yield from _check_pod_spec(spec, "spec")
    yield from _enum("spec.restartPolicy", spec.get("restartPolicy"), ("Always", "OnFailure", "Never"))


def _check_job_spec(spec: dict[str, Any], path: str) -> Findings:
    """ValidateJobSpec: counts non-negative; the template restarts OnFailure or Never."""
    for field in ("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"):
        yield from _int_at_least(f"{path}.{field}", spec.get(field), 0)
    yield from _check_pod_template(spec.get("template"), f"{path}.template", ("OnFailure", "Never"), frozenset())


def _check_job(doc: dict[str, Any]) -> Findings:
    yield from _check_job_spec(_dict(doc.get("spec")), "spec")


def _cron_value(text: str, names: dict[str, int]) -> int | None:
    if text.isdigit():
        return int(text)
    return names.get(text.lower())


def _cron_range_reasons(element: str, field: str, low: int, high: int, names: dict[str, int]) -> list[str]:
    """robfig/cron getRange for one element of one field."""
    if not _RE["cron_range"].fullmatch(element):
        return [f"{field}: {element!r} is not {FORMATS['cron_range'][1]}"]
    span, _, step = element.partition("/")
    if step and int(step) == 0:
        return [f"{field}: step of range should be a positive number"]
    if span in ("*", "?"):
        return []
    first, _, last = span.partition("-")
    start, end = _cron_value(first, names), _cron_value(last or first, names)
    if start is None or end is None:
        return [f"{field}: {span!r} is not a number or name"]
    if start < low or end > high:
        return [f"{field}: {span!r} is outside {low}-{high}"]
    return [f"{field}: beginning of range ({start}) beyond end of range ({end})"] if start > end else []


def cron_reasons(schedule: Any) -> list[str]:
    """cron.ParseStandard: five fields, a @macro, or @every <duration>."""
    if not isinstance(schedule, str):
        return ["must be a string"]
    if schedule.startswith("@every "):
        return [] if _RE["go_duration"].fullmatch(schedule[len("@every "):]) else ["@every needs a Go duration such as 1h30m"]
    if schedule.startswith("@"):
        return [] if schedule in _CRON_MACROS else [f"unrecognized descriptor: {schedule}"]
    fields = schedule.split()
    if len(fields) != 5:
        return [f"expected exactly 5 fields, found {len(fields)}: {fields}"]
    return [reason for text, (field, low, high, names) in zip(fields, _CRON_FIELDS)
            for element in text.split(",") for reason in _cron_range_reasons(element, field, low, high, names)]


@lru_cache(maxsize=1)
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone_reasons(zone: Any) -> list[str]:
    """validateTimeZone: non-empty, not 'Local', a zone time.LoadLocation knows (checked when tzdata is present)."""
    if not isinstance(zone, str) or not zone:
        return ["timeZone must be nonempty"]
    if zone.lower() == "local":
        return ["timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"]
    known = _known_time_zones()
    return [f"unknown time zone {zone}"] if known and zone not in known and zone != "UTC" else []


def _check_cronjob(doc: dict[str, Any]) -> Findings:
    """ValidateCronJobSpec."""
    spec = _dict(doc.get("spec"))
    schedule = spec.get("schedule")
    if isinstance(schedule, str) and "TZ" in schedule:
        yield "spec.schedule", f"invalid value {_show(schedule)}: cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
    else:
        yield from _required("spec.schedule", schedule, cron_reasons)
    if spec.get("timeZone") is not None:  # a nil pointer is fine; "" is not
        yield from _invalid("spec.timeZone", spec["timeZone"], _time_zone_reasons(spec["timeZone"]))
    yield from _enum("spec.concurrencyPolicy", spec.get("concurrencyPolicy"), ("Allow", "Forbid", "Replace"))
    for field in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        yield from _int_at_least(f"spec.{field}", spec.get(field), 0)
    job_template = _dict(spec.get("jobTemplate"))
    yield from _check_template_metadata(job_template.get("metadata"), "spec.jobTemplate.metadata")
    yield from _check_job_spec(_dict(job_template.get("spec")), "spec.jobTemplate.spec")


# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------
def _base64_reasons(value: Any) -> list[str]:
    try:
        base64.b64decode(str(value).replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return ["must be base64-encoded"]
    return []


def _check_keys(data: Any, path: str) -> Findings:
    for key in _dict(data):
        yield from _invalid(path, key, is_config_map_key(key), noun="key")


def _check_config_map(doc: dict[str, Any]) -> Findings:
    """ValidateConfigMap: keys are config map keys, unique across data and binaryData; total <= 1 MiB."""
    data, binary = _dict(doc.get("data")), _dict(doc.get("binaryData"))
    yield from _check_keys(data, "data")
    yield from _check_keys(binary, "binaryData")
    for key in sorted(set(data) & set(binary)):
        yield "data", f"invalid key {_show(key)}: duplicate of key present in binaryData"
    for key, value in binary.items():
        yield from _invalid(f"binaryData[{key}]", value, _base64_reasons(value))
    size = sum(len(str(v).encode()) for v in data.values()) + sum(len(str(v)) * 3 // 4 for v in binary.values())
    if size > MAX_CONFIG_MAP_BYTES:
        yield "data", f"too long: must have at most {MAX_CONFIG_MAP_BYTES} bytes (has about {size})"


def _check_secret(doc: dict[str, Any]) -> Findings:
    """ValidateSecret: data/stringData keys are config map keys; data values base64."""
    yield from _check_keys(doc.get("data"), "data")
    yield from _check_keys(doc.get("stringData"), "stringData")
    for key, value in _dict(doc.get("data")).items():
        yield from _invalid(f"data[{key}]", value, _base64_reasons(value))


# ---------------------------------------------------------------------------------------------
# Networking
# ---------------------------------------------------------------------------------------------
def _check_service(doc: dict[str, Any]) -> Findings:
    """ValidateService."""
    spec = _dict(doc.get("spec"))
    service_type = spec.get("type", "ClusterIP")
    yield from _enum("spec.type", service_type, ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"))
    yield from _check_labels(spec.get("selector"), "spec.selector")
    if service_type == "ExternalName":
        yield from _check_external_name(spec)
    ports = _list(spec.get("ports"))
    if not ports and service_type != "ExternalName" and spec.get("clusterIP") != "None":
        yield "spec.ports", "required value"
    yield from _check_service_ports(ports)


def _check_external_name(spec: dict[str, Any]) -> Findings:
    """ExternalName: a lowercase DNS-1123 subdomain (one trailing dot allowed); no clusterIP."""
    name = spec.get("externalName")
    cname = name.removesuffix(".") if isinstance(name, str) else name
    yield from _required("spec.externalName", cname, is_dns1123_subdomain)
    if isinstance(cname, str) and _parse_ip(cname) is not None:  # (stricter) the API server accepts a dotted quad
        yield "spec.externalName", f"invalid value {_show(name)}: must be a DNS name, not an IP address"
    if spec.get("clusterIP"):
        yield "spec.clusterIP", "forbidden: may not be set for ExternalName services"


def _check_service_ports(ports: list[Any]) -> Findings:
    """validateServicePort: names DNS-1123 labels, required when several, unique; (port, protocol) unique."""
    names: set[Any] = set()
    keys: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        port, path = _dict(port), f"spec.ports[{i}]"
        name = port.get("name")
        if name or len(ports) > 1:
            yield from _required(f"{path}.name", name, is_dns1123_label)
        if name and name in names:
            yield f"{path}.name", f"duplicate value {_show(name)}"
        names.add(name)
        yield from _check_service_port(port, path)
        key = (port.get("port"), port.get("protocol", "TCP"))
        if key in keys:
            yield path, f"duplicate value {_show({'port': key[0], 'protocol': key[1]})}"
        keys.add(key)


def _check_service_port(port: dict[str, Any], path: str) -> Findings:
    if port.get("port") is None:
        yield f"{path}.port", "required value"
    yield from _port_number(f"{path}.port", port.get("port"))
    if port.get("targetPort") not in (None, 0):
        yield from _port_number_or_name(f"{path}.targetPort", port.get("targetPort"))
    if port.get("nodePort"):
        yield from _port_number(f"{path}.nodePort", port.get("nodePort"))
    yield from _enum(f"{path}.protocol", port.get("protocol"), _PROTOCOLS)


def _check_network_policy(doc: dict[str, Any]) -> Findings:
    """ValidateNetworkPolicySpec, plus (stricter) rules without peers."""
    spec = _dict(doc.get("spec"))
    yield from _check_selector(spec.get("podSelector"), "spec.podSelector")
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(_list(spec.get(direction))):
            yield from _check_network_policy_rule(_dict(rule), f"spec.{direction}[{i}]", peers)
    types = _list(spec.get("policyTypes"))
    for i, policy_type in enumerate(types):
        yield from _enum(f"spec.policyTypes[{i}]", policy_type, ("Ingress", "Egress"))
    if len(types) > 2:
        yield "spec.policyTypes", f"invalid value {_show(types)}: may not specify more than two policyTypes"


def _check_network_policy_rule(rule: dict[str, Any], path: str, peers_field: str) -> Findings:
    peers = rule.get(peers_field)
    if not peers:  # (stricter) an absent or empty from/to matches every peer
        everyone = "source" if peers_field == "from" else "destination"
        yield f"{path}.{peers_field}", f"rule admits every {everyone} (`{peers_field}` is absent or empty)"
    for i, peer in enumerate(_list(peers)):
        yield from _check_network_policy_peer(_dict(peer), f"{path}.{peers_field}[{i}]")
    for i, port in enumerate(_list(rule.get("ports"))):
        yield from _check_network_policy_port(_dict(port), f"{path}.ports[{i}]")


def _check_network_policy_peer(peer: dict[str, Any], path: str) -> Findings:
    """ValidateNetworkPolicyPeer: at least one of the selectors/ipBlock; ipBlock alone."""
    present = [k for k in ("podSelector", "namespaceSelector", "ipBlock") if peer.get(k) is not None]
    if not present:
        yield path, "required value: must specify a peer"
    elif len(present) > 1 and "ipBlock" in present:
        yield path, "forbidden: may not specify both ipBlock and another peer"
    yield from _check_selector(peer.get("podSelector"), f"{path}.podSelector")
    yield from _check_selector(peer.get("namespaceSelector"), f"{path}.namespaceSelector")
    if peer.get("ipBlock") is not None:
        yield from _check_ip_block(_dict(peer["ipBlock"]), f"{path}.ipBlock")


def _check_ip_block(block: dict[str, Any], path: str) -> Findings:
    """validateIPBlock: cidr and except are CIDRs; every except a strict subset of cidr."""
    cidr = block.get("cidr")
    yield from _required(f"{path}.cidr", cidr, _is_cidr)
    network = _parse_cidr(cidr)
    for i, text in enumerate(_list(block.get("except"))):
        excluded = _parse_cidr(text)
        if excluded is None:
            yield from _invalid(f"{path}.except[{i}]", text, _is_cidr(text))
        elif network is not None and not _strict_subnet(excluded, network):
            yield f"{path}.except[{i}]", f"invalid value {_show(text)}: must be a strict subset of `cidr`"


def _strict_subnet(inner: Any, outer: Any) -> bool:
    return inner.version == outer.version and inner.subnet_of(outer) and inner.prefixlen > outer.prefixlen


def _check_network_policy_port(port: dict[str, Any], path: str) -> Findings:
    """ValidateNetworkPolicyPort."""
    yield from _enum(f"{path}.protocol", port.get("protocol"), _PROTOCOLS)
    number, end = port.get("port"), port.get("endPort")
    if isinstance(number, str):
        yield from _invalid(f"{path}.port", number, is_port_name(number))
    else:
        yield from _port_number(f"{path}.port", number)
    if end is None:
        return
    if not _is_int(number):
        yield f"{path}.endPort", f"invalid value {_show(end)}: may not be specified when `port` is non-numeric or not specified"
    elif _is_int(end) and end < number:
        yield f"{path}.endPort", f"invalid value {end}: must be greater than or equal to `port`"
    yield from _port_number(f"{path}.endPort", end)


def _check_ingress(doc: dict[str, Any]) -> Findings:
    """ValidateIngressSpec."""
    spec = _dict(doc.get("spec"))
    yield from _optional("spec.ingressClassName", spec.get("ingressClassName"), is_dns1123_subdomain)
    if spec.get("defaultBackend") is not None:
        yield from _check_ingress_backend(_dict(spec["defaultBackend"]), "spec.defaultBackend")
    for i, rule in enumerate(_list(spec.get("rules"))):
        rule, path = _dict(rule), f"spec.rules[{i}]"
        if rule.get("host"):
            yield from _invalid(f"{path}.host", rule["host"], is_ingress_host(rule["host"]))
        for j, http_path in enumerate(_list(_dict(rule.get("http")).get("paths"))):
            yield from _check_ingress_path(_dict(http_path), f"{path}.http.paths[{j}]")
    for i, tls in enumerate(_list(spec.get("tls"))):
        tls = _dict(tls)
        for j, host in enumerate(_list(tls.get("hosts"))):
            yield from _invalid(f"spec.tls[{i}].hosts[{j}]", host, is_ingress_host(host))
        yield from _optional(f"spec.tls[{i}].secretName", tls.get("secretName") or None, is_dns1123_subdomain)


def _check_ingress_path(http_path: dict[str, Any], path: str) -> Findings:
    """validateHTTPIngressPath: pathType required; Exact/Prefix paths absolute and clean."""
    path_type, value = http_path.get("pathType"), http_path.get("path", "")
    if path_type is None:
        yield f"{path}.pathType", "required value: pathType must be specified"
    yield from _enum(f"{path}.pathType", path_type, ("Exact", "Prefix", "ImplementationSpecific"))
    if (path_type in ("Exact", "Prefix") or value) and not str(value).startswith("/"):
        yield f"{path}.path", f"invalid value {_show(value)}: must be an absolute path"
    if path_type in ("Exact", "Prefix"):
        for bad in ("//", "/./", "/../", "%2f", "%2F"):
            if bad in str(value):
                yield f"{path}.path", f"invalid value {_show(value)}: must not contain '{bad}'"
    yield from _check_ingress_backend(_dict(http_path.get("backend")), f"{path}.backend")


def _check_ingress_backend(backend: dict[str, Any], path: str) -> Findings:
    """validateIngressBackend: service xor resource; service name DNS-1035; port name xor number."""
    if backend.get("service") is not None and backend.get("resource") is not None:
        yield path, "invalid value: cannot set both resource and service backends"
    if backend.get("service") is None:
        return
    service = _dict(backend["service"])
    yield from _required(f"{path}.service.name", service.get("name"), is_dns1035_label)
    port = _dict(service.get("port"))
    name, number = port.get("name"), port.get("number")
    if name and number:
        yield f"{path}.service.port", "invalid value: cannot set both port name & port number"
    elif name:
        yield from _invalid(f"{path}.service.port.name", name, is_port_name(name))
    elif number:
        yield from _port_number(f"{path}.service.port.number", number)
    else:
        yield f"{path}.service.port", "required value: port name or number is required"


# ---------------------------------------------------------------------------------------------
# Autoscaling, disruption budgets, RBAC
# ---------------------------------------------------------------------------------------------
_METRIC_SOURCES = {"Resource": "resource", "ContainerResource": "containerResource", "Pods": "pods", "Object": "object",
                   "External": "external"}


def _check_hpa(doc: dict[str, Any]) -> Findings:
    """ValidateHorizontalPodAutoscalerSpec."""
    spec = _dict(doc.get("spec"))
    low, high = spec.get("minReplicas"), spec.get("maxReplicas")
    yield from _int_at_least("spec.minReplicas", low, 1)
    if _is_int(high) and high < 1:
        yield "spec.maxReplicas", f"invalid value {high}: must be greater than 0"
    elif _is_int(high) and _is_int(low) and high < low:
        yield "spec.maxReplicas", f"invalid value {high}: must be greater than or equal to `minReplicas`"
    target = _dict(spec.get("scaleTargetRef"))
    yield from _required("spec.scaleTargetRef.kind", target.get("kind"), is_path_segment_name)
    # (stricter) the API server only asks for a path segment; anything scalable is named by a subdomain
    yield from _required("spec.scaleTargetRef.name", target.get("name"), is_dns1123_subdomain)
    for i, metric in enumerate(_list(spec.get("metrics"))):
        yield from _check_metric(_dict(metric), f"spec.metrics[{i}]")


def _check_metric(metric: dict[str, Any], path: str) -> Findings:
    """validateMetricSpec / validateMetricTarget."""
    source_field = _METRIC_SOURCES.get(metric.get("type"))  # type: ignore[arg-type]
    if source_field is None:
        yield from _enum(f"{path}.type", metric.get("type") or "", tuple(_METRIC_SOURCES))
        return
    if metric.get(source_field) is None:
        yield f"{path}.{source_field}", f"required value: must populate information for the given metric source ({metric['type']})"
        return
    target, target_path = _dict(_dict(metric[source_field]).get("target")), f"{path}.{source_field}.target"
    yield from _enum(f"{target_path}.type", target.get("type"), ("Utilization", "Value", "AverageValue"))
    yield from _int_at_least(f"{target_path}.averageUtilization", target.get("averageUtilization"), 1)
    for field in ("value", "averageValue"):
        value = target.get(field)
        if value is not None and not (parse_quantity(value) or 0) > 0:
            yield f"{target_path}.{field}", f"invalid value {_show(value)}: must be positive"


def _check_pdb(doc: dict[str, Any]) -> Findings:
    """ValidatePodDisruptionBudgetSpec."""
    spec = _dict(doc.get("spec"))
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        yield "spec", "invalid value: minAvailable and maxUnavailable cannot be both set"
    for field in ("minAvailable", "maxUnavailable"):
        yield from _check_int_or_percent(f"spec.{field}", spec.get(field))
    yield from _check_selector(spec.get("selector"), "spec.selector")


def _check_role(doc: dict[str, Any]) -> Findings:
    """ValidatePolicyRule, plus (stricter) non-empty resourceNames entries."""
    namespaced = doc.get("kind") == "Role"
    for i, rule in enumerate(_list(doc.get("rules"))):
        rule, path = _dict(rule), f"rules[{i}]"
        if not _list(rule.get("verbs")):
            yield f"{path}.verbs", "required value: verbs must contain at least one value"
        for j, name in enumerate(_list(rule.get("resourceNames"))):
            if not name:
                yield f"{path}.resourceNames[{j}]", "required value: resource names must be non-empty"
        yield from _check_rule_targets(rule, path, namespaced)


def _check_rule_targets(rule: dict[str, Any], path: str, namespaced: bool) -> Findings:
    if _list(rule.get("nonResourceURLs")):
        if namespaced:
            yield f"{path}.nonResourceURLs", "invalid value: namespaced rules cannot apply to non-resource URLs"
        if any(_list(rule.get(k)) for k in ("apiGroups", "resources", "resourceNames")):
            yield f"{path}.nonResourceURLs", "invalid value: rules cannot apply to both regular resources and non-resource URLs"
        return
    if not _list(rule.get("apiGroups")):
        yield f"{path}.apiGroups", "required value: resource rules must supply at least one api group"
    if not _list(rule.get("resources")):
        yield f"{path}.resources", "required value: resource rules must supply at least one resource"


def _check_binding(doc: dict[str, Any]) -> Findings:
    """ValidateRoleBinding / ValidateClusterRoleBinding."""
    namespaced = doc.get("kind") == "RoleBinding"
    ref = _dict(doc.get("roleRef"))
    yield from _enum("roleRef.apiGroup", ref.get("apiGroup") or "", ("rbac.authorization.k8s.io",))
    yield from _enum("roleRef.kind", ref.get("kind") or "", ("Role", "ClusterRole") if namespaced else ("ClusterRole",))
    yield from _required("roleRef.name", ref.get("name"), is_path_segment_name)
    for i, subject in enumerate(_list(doc.get("subjects"))):
        yield from _check_subject(_dict(subject), f"subjects[{i}]", namespaced)


def _check_subject(subject: dict[str, Any], path: str, namespaced: bool) -> Findings:
    """ValidateRoleBindingSubject."""
    kind, name = subject.get("kind"), subject.get("name")
    if kind == "ServiceAccount":
        yield from _required(f"{path}.name", name, is_dns1123_subdomain)
        yield from _enum(f"{path}.apiGroup", subject.get("apiGroup") or "", ("",))
        if not namespaced and not subject.get("namespace"):
            yield f"{path}.namespace", "required value"
    elif kind in ("User", "Group"):
        yield from _required(f"{path}.name", name, _anything)
        yield from _enum(f"{path}.apiGroup", subject.get("apiGroup") or "", ("rbac.authorization.k8s.io",))
    else:
        yield from _enum(f"{path}.kind", kind or "", ("ServiceAccount", "User", "Group"))


# ---------------------------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------------------------
_NAME_RULES: dict[str, Callable[[Any], list[str]]] = {
    "Namespace": is_dns1123_label,  # ValidateNamespaceName
    "Service": is_dns1035_label,  # ValidateServiceName
    **dict.fromkeys(("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"), is_path_segment_name),  # ValidateRBACName
}

_NO_CHECKS: Callable[[dict[str, Any]], Findings] = lambda doc: iter(())  # noqa: E731

# kind -> (API group, kind-specific checks); a kind in another group is treated as a custom resource
BUILTIN_KINDS: dict[str, tuple[str, Callable[[dict[str, Any]], Findings]]] = {
    "Namespace": ("", _NO_CHECKS),
    "ServiceAccount": ("", _NO_CHECKS),
    "ConfigMap": ("", _check_config_map),
    "Secret": ("", _check_secret),
    "Service": ("", _check_service),
    "Pod": ("", _check_pod),
    **dict.fromkeys(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"), ("apps", _check_workload)),
    "Job": ("batch", _check_job),
    "CronJob": ("batch", _check_cronjob),
    "NetworkPolicy": ("networking.k8s.io", _check_network_policy),
    "Ingress": ("networking.k8s.io", _check_ingress),
    "HorizontalPodAutoscaler": ("autoscaling", _check_hpa),
    "PodDisruptionBudget": ("policy", _check_pdb),
    **dict.fromkeys(("Role", "ClusterRole"), ("rbac.authorization.k8s.io", _check_role)),
    **dict.fromkeys(("RoleBinding", "ClusterRoleBinding"), ("rbac.authorization.k8s.io", _check_binding)),
}


def _builtin_kind(doc: dict[str, Any]) -> str | None:
    """The kind if it is a built-in one (kind and API group agree), else None."""
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    group = api_version.rpartition("/")[0] if isinstance(api_version, str) else None
    return kind if isinstance(kind, str) and kind in BUILTIN_KINDS and BUILTIN_KINDS[kind][0] == group else None


def check_document(doc: dict[str, Any]) -> Findings:
    """Every finding for one manifest, as (field path, message)."""
    kind = _builtin_kind(doc)
    yield from _check_object_meta(doc, kind)
    if kind is not None:
        yield from BUILTIN_KINDS[kind][1](doc)


def violations(documents: list[dict[str, Any]]) -> list[str]:
    """The API-server validation failures of ``documents``, one ``<kind>/<name>: <field>: <problem>`` line each.

    ``documents`` are parsed manifests (plain dicts); ``None`` entries (empty YAML documents) are skipped.
    An empty result means every document passes.
    """
    found = []
    for doc in documents:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            found.append(f"?/?: <document>: invalid value {_show(doc)}: must be a mapping")
            continue
        meta = _dict(doc.get("metadata"))
        label = f"{doc.get('kind') or '?'}/{meta.get('name') or meta.get('generateName') or '?'}"
        found.extend(f"{label}: {path}: {message}" for path, message in check_document(doc))
    return found

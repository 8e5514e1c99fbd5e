"""Construction-time checks: everything Kubernetes would reject later fails here.

Every check raises a ``ConfigError`` (a ``ValueError``) whose message names the
construct path, the prop, the value received, what is expected and how to fix
it, so a bad ``main.py`` stops before anything is written to ``dist/``. Each
rule is the API server's own (apimachinery's ``IsDNS1123Label``,
``IsDNS1035Label``, ``IsConfigMapKey``, ``resource.Quantity``, ``ParseCIDR``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from croniter import croniter

from .options import Autoscaling, NetworkAccess, QueueAutoscaling, Resources, SecretKeyRef

__all__ = [
    "ConfigError",
    "check_alb_ssl_policy",
    "check_autoscaling",
    "check_cidr",
    "check_config_key",
    "check_cpu_for_autoscaling",
    "check_cron",
    "check_dns1035_label",
    "check_dns_label",
    "check_dns_subdomain",
    "check_env_var_name",
    "check_host_name",
    "check_image",
    "check_int_range",
    "check_network_access",
    "check_port",
    "check_python_target",
    "check_quantity",
    "check_resources",
    "check_secret_ref",
    "check_storage",
    "check_time_zone",
    "check_unique",
    "check_url_path",
    "quantity_value",
]

DNS_LABEL_MAX = 63
DNS_SUBDOMAIN_MAX = 253

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_HOST_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", re.IGNORECASE)
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_ENV_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Kubernetes resource.Quantity: a decimal number and an optional binary (Ki..Ei),
# decimal (m, k, M..E) or exponent (e3, E-2) suffix.
_QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
_EXPONENT = re.compile(r"^[eE][+-]?\d+$")
# The distribution/reference grammar: [registry[:port]/]path[:tag][@digest].
_IMAGE = re.compile(
    r"^(?:(?P<registry>(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)"
    r"(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?)/)?"
    r"(?P<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?$"
)


class ConfigError(ValueError):
    """A prop that Kubernetes (or the design) would reject, caught at construction.

    Attributes: ``path`` (the construct path, or the factory), ``prop`` (the prop's
    path from the spec, e.g. ``environment.network.load_balancer_cidrs``), ``value``.
    """

    def __init__(self, path: object, prop: str, value: Any, expected: str, fix: str) -> None:
        self.path = path
        self.prop = prop
        self.value = value
        self.expected = expected
        self.fix = fix
        super().__init__(f"{path}: invalid {prop}={value!r}: expected {expected}. Fix: {fix}")


@contextlib.contextmanager
def props_as_typed(names: Mapping[str, str]) -> Iterator[None]:
    """Inside, a construct's ``ConfigError`` names the prop as the user typed it: ``DjangoChart`` hands a component
    ``threads=app.gunicorn_threads``, and ``{"threads": "django_app.gunicorn_threads"}`` turns the component's
    ``threads`` (and ``threads.x``, ``threads[0]``) into that. The rule stays the component's, written once; used
    directly, a component names its own props."""
    try:
        yield
    except ConfigError as error:
        for own in sorted(names, key=len, reverse=True):
            if error.prop == own or error.prop.startswith((f"{own}.", f"{own}[")):
                typed = names[own] + error.prop[len(own):]
                raise ConfigError(error.path, typed, error.value, error.expected, error.fix) from None
        raise


def check_dns_label(path: object, prop: str, value: Any, max_len: int = DNS_LABEL_MAX) -> str:
    """An RFC 1123 label: lower-case alphanumerics and '-', at most ``max_len`` characters."""
    if not isinstance(value, str) or not _DNS_LABEL.fullmatch(value):
        raise ConfigError(
            path, prop, value,
            "an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)",
            "use lower case and replace '_' or '.' with '-'",
        )
    if len(value) > max_len:
        raise ConfigError(
            path, prop, value, f"at most {max_len} characters (got {len(value)})",
            f"shorten it by {len(value) - max_len} characters",
        )
    return value


def check_dns_subdomain(path: object, prop: str, value: Any, max_len: int = DNS_SUBDOMAIN_MAX) -> str:
    """An RFC 1123 subdomain: dot-separated labels, at most ``max_len`` characters."""
    if not isinstance(value, str) or not value or len(value) > max_len or not all(
        _DNS_LABEL.fullmatch(part) for part in value.split(".")
    ):
        raise ConfigError(
            path, prop, value,
            f"an RFC 1123 subdomain of at most {max_len} characters (lower-case labels joined by '.')",
            "use lower-case letters, digits, '-' and '.'",
        )
    return value


def _is_host_name(text: str, wildcard: bool) -> bool:
    labels = text.split(".")
    if wildcard and labels and labels[0] == "*":
        labels = labels[1:]
    return (
        bool(text)
        and len(text) <= DNS_SUBDOMAIN_MAX
        and not _IPV4.fullmatch(text)
        and len(labels) >= 1
        and all(bool(_HOST_LABEL.fullmatch(label)) and len(label) <= DNS_LABEL_MAX for label in labels)
        and text == text.lower()
    )


def check_host_name(path: object, prop: str, value: Any, *, wildcard: bool = False) -> str:
    """A DNS host name (not an IP address); ``*.`` first label allowed when ``wildcard``."""
    text = value if isinstance(value, str) else ""
    ok = _is_host_name(text, wildcard)
    if not ok and text and not text.isascii():  # an internationalised name: DNS, Ingress and certificates take its punycode
        try:
            ascii_form = text.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_form = None
        if ascii_form is not None and _is_host_name(ascii_form, wildcard):  # never suggest a name this check refuses
            raise ConfigError(path, prop, value, "an ASCII host name: an internationalised (IDN) name in its punycode form",
                              f"use {ascii_form!r}")
    if not ok:
        raise ConfigError(
            path, prop, value,
            "a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port)",
            "give the bare DNS name; for an IP address create a DNS record first",
        )
    return text


def check_image(path: object, prop: str, value: Any) -> str:
    """A container image reference: ``[registry/]path[:tag][@sha256:digest]``."""
    if not isinstance(value, str) or len(value) > 255 or not _IMAGE.fullmatch(value):
        raise ConfigError(
            path, prop, value,
            "an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'",
            "use a lower-case repository path with a tag or a digest",
        )
    return value


def image_is_pinned(image: str) -> bool:
    """True when the reference names a tag other than ``latest`` or a digest."""
    match = _IMAGE.fullmatch(image)
    if not match:
        return False
    return bool(match.group("digest")) or (match.group("tag") not in (None, "latest"))


def check_cron(path: object, prop: str, value: Any) -> str:
    """A five-field cron schedule or a macro such as ``@daily`` (as CronJob accepts)."""
    macros = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
    ok = isinstance(value, str) and (
        value in macros or (len(value.split()) == 5 and bool(croniter.is_valid(value)) and _kubernetes_cron(value))
    )
    if not ok:
        raise ConfigError(
            path, prop, value,
            "a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6,"
            " no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly",
            "for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule",
        )
    return str(value)


_CRON_TOKEN = re.compile(r"^(\d+|\*|\?|[A-Za-z]{3})$")


def _kubernetes_cron(schedule: str) -> bool:
    """What croniter accepts beyond the API server's parser: L, W, # and a day of week 7."""
    fields = schedule.split()
    if not all(_CRON_TOKEN.fullmatch(token) for field in fields for token in re.split(r"[,/-]", field)):
        return False
    return not any(int(n) > 6 for n in re.findall(r"\d+", fields[4]))


def check_quantity(path: object, prop: str, value: Any) -> str:
    """A Kubernetes quantity such as ``10Gi``, ``500m`` or ``1``."""
    if not isinstance(value, str) or not _QUANTITY.fullmatch(value):
        raise ConfigError(
            path, prop, value,
            "a Kubernetes quantity such as '10Gi', '512Mi' or '250m'",
            "write the number then a suffix (Ki, Mi, Gi, Ti, m, k, M, G), as a string",
        )
    return value


_SUFFIX = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
    "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
}


def quantity_value(quantity: str) -> float:
    """A checked Kubernetes quantity as a number (bytes for memory, cores for CPU)."""
    match = _QUANTITY.fullmatch(quantity)
    if not match:
        raise ValueError(f"not a Kubernetes quantity: {quantity!r}")
    number = float(match.group(1)) * (-1 if quantity.startswith("-") else 1)
    suffix = match.group(3) or ""
    if _EXPONENT.fullmatch(suffix):
        return float(number * 10 ** int(suffix[1:]))
    return float(number * _SUFFIX[suffix])


def check_int_range(path: object, prop: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(
            path, prop, value, f"a whole number from {low} to {high}", f"pick a value between {low} and {high}"
        )
    return value


def check_port(path: object, prop: str, value: Any) -> int:
    return check_int_range(path, prop, value, 1, 65535)


def check_time_zone(path: object, prop: str, value: Any) -> str:
    if not isinstance(value, str) or value not in _time_zones():
        raise ConfigError(
            path, prop, value, "an IANA time zone name such as 'Etc/UTC' or 'Europe/Dublin'",
            "use a name from the tz database (zoneinfo.available_timezones())",
        )
    return value


def check_env_var_name(path: object, prop: str, value: Any) -> str:
    if not isinstance(value, str) or not _ENV_VAR.fullmatch(value):
        raise ConfigError(
            path, prop, value, "an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
            "use letters, digits and '_', not starting with a digit",
        )
    if len(value) > DNS_SUBDOMAIN_MAX:  # it becomes a ConfigMap key, which the API server limits to 253 characters
        raise ConfigError(path, prop, value, f"an environment variable name of at most {DNS_SUBDOMAIN_MAX} characters"
                          f" (a ConfigMap key; it has {len(value)})", f"shorten it to {DNS_SUBDOMAIN_MAX} characters or fewer")
    return value


def check_unique(path: object, prop: str, values: Iterable[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ConfigError(
                path, prop, value, "unique names", f"rename one of the two entries named {value!r}"
            )
        seen.add(value)


_TZ_CACHE: set[str] = set()


def _time_zones() -> set[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.update(zoneinfo.available_timezones())
    return _TZ_CACHE


def check_dns1035_label(path: object, prop: str, value: Any, max_len: int = DNS_LABEL_MAX) -> str:
    """An RFC 1035 label (a Service name): like an RFC 1123 label, but starting with a letter."""
    check_dns_label(path, prop, value, max_len)
    if not _DNS1035_LABEL.fullmatch(value):
        raise ConfigError(
            path, prop, value, "a name starting with a letter (it prefixes Service names, which are RFC 1035 labels)",
            f"prefix it with a letter, e.g. {re.sub('-{2,}', '-', 'app-' + value)[:max_len].rstrip('-')!r}",
        )
    return str(value)


def check_config_key(path: object, prop: str, value: Any) -> str:
    """A ConfigMap or Secret key: letters, digits, '-', '_' and '.', at most 253, never '.', '..' or '..*'."""
    if not isinstance(value, str) or not _CONFIG_KEY.fullmatch(value) or len(value) > DNS_SUBDOMAIN_MAX or value.startswith(".."):
        raise ConfigError(
            path, prop, value,
            "a key of letters, digits, '-', '_' and '.', at most 253 characters, not '.' and not starting with '..'",
            "rename it (names starting with '..' are the kubelet's own)",
        )
    if value == ".":
        raise ConfigError(path, prop, value, "a key other than '.'", "rename it")
    return value


def check_secret_ref(path: object, prop: str, ref: SecretKeyRef) -> SecretKeyRef:
    """A Secret key reference the API server accepts: a subdomain name and a config key."""
    check_dns_subdomain(path, f"{prop}.name", ref.name)
    check_config_key(path, f"{prop}.key", ref.key)
    return ref


def check_cidr(path: object, prop: str, value: Any) -> str:
    """A CIDR in prefix form with no host bits set, e.g. ``10.0.1.0/24`` (not a bare address or a netmask)."""
    text = value if isinstance(value, str) else ""
    address, _, prefix = text.partition("/")
    try:
        ok = bool(address) and prefix.isdigit() and str(ipaddress.ip_network(text, strict=True)) == text
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(
            path, prop, value, "a CIDR in prefix form with no host bits set, such as '10.0.1.0/24'",
            "give the subnet's CIDR block (for one address, '10.0.0.1/32')",
        )
    return text


def check_quantity_at_least(path: object, prop: str, value: Any, *, positive: bool, example: str | None = None) -> float:
    """A quantity that is not negative (requests and limits) or above zero (storage). ``example``: the value the
    fix suggests, when the prop's other checks ask more of it (a memory limit at least the request)."""
    check_quantity(path, prop, value)
    number = quantity_value(value)
    if number < 0 or (positive and number == 0):
        expected = "a quantity above zero" if positive else "a quantity of zero or more"
        example = repr(example) if example else "'10Gi'" if "storage" in prop else "'100m'" if prop.endswith("cpu") else "'256Mi'"
        fix = f"drop the sign; write e.g. {example}" if number < 0 else f"give a size, e.g. {example}"
        raise ConfigError(path, prop, value, expected, fix)
    return number


def check_storage(path: object, prop: str, value: Any) -> str:
    check_quantity_at_least(path, prop, value, positive=True)
    return str(value)


def check_resources(path: object, prop: str, resources: Resources) -> Resources:
    """Quantities Kubernetes accepts, and a memory limit no lower than the request."""
    check_quantity_at_least(path, f"{prop}.cpu", resources.cpu, positive=False)
    memory = check_quantity_at_least(path, f"{prop}.memory", resources.memory, positive=False)
    # Without memory_limit the limit is the request: a zero there is the request's, as the user typed it.
    limit_prop = f"{prop}.memory_limit" if resources.memory_limit is not None else f"{prop}.memory"
    limit = check_quantity_at_least(path, limit_prop, resources.limit, positive=True,
                                    example=resources.memory if memory > quantity_value("256Mi") else None)
    if limit < memory:
        raise ConfigError(
            path, f"{prop}.memory_limit", resources.limit, f"at least the memory request ({resources.memory})",
            "raise memory_limit or lower memory",
        )
    return resources


def check_cpu_for_autoscaling(path: object, prop: str, resources: Resources, scaling: object) -> None:
    """A CPU-utilization autoscaler divides by the CPU request: a request of zero leaves it nothing to scale on."""
    if isinstance(scaling, Autoscaling) and quantity_value(resources.cpu) == 0:
        raise ConfigError(path, f"{prop}.cpu", resources.cpu, "a CPU request above zero with a CPU-utilization autoscaler",
                          "give a request, e.g. cpu='100m', or drop the autoscaler")


def check_autoscaling(path: object, prop: str, scaling: Autoscaling | QueueAutoscaling) -> None:
    low = 0 if isinstance(scaling, QueueAutoscaling) else 1
    check_int_range(path, f"{prop}.min_replicas", scaling.min_replicas, low, 1000)
    check_int_range(path, f"{prop}.max_replicas", scaling.max_replicas, max(1, scaling.min_replicas), 1000)
    if isinstance(scaling, Autoscaling):
        check_int_range(path, f"{prop}.cpu_utilization", scaling.cpu_utilization, 1, 100)
        return
    check_int_range(path, f"{prop}.tasks_per_replica", scaling.tasks_per_replica, 1, 100000)
    check_int_range(path, f"{prop}.cooldown_seconds", scaling.cooldown_seconds, 0, 86400)
    if scaling.address is not None:
        host, _, port = scaling.address.rpartition(":")
        check_host_name(path, f"{prop}.address", host)
        check_port(path, f"{prop}.address", int(port) if port.isdigit() else port)


def check_network_access(path: object, prop: str, access: NetworkAccess) -> None:
    for index, cidr in enumerate(access.load_balancer_cidrs):
        check_cidr(path, f"{prop}.load_balancer_cidrs[{index}]", cidr)
    for name in ("ingress_namespace", "monitoring_namespace", "keda_namespace"):
        value = getattr(access, name)
        if value is not None:
            check_dns_label(path, f"{prop}.{name}", value)
    if access.egress is not None:
        for index, cidr in enumerate(access.egress.managed_cidrs):
            check_cidr(path, f"{prop}.egress.managed_cidrs[{index}]", cidr)
        for index, cidr in enumerate(access.egress.https_cidrs):
            check_cidr(path, f"{prop}.egress.https_cidrs[{index}]", cidr)


_PYTHON_TARGET = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_.]*)?$")


def check_python_target(path: object, prop: str, value: Any) -> str:
    """A dotted module path with an optional ``:attribute`` (``shop.wsgi:application``, ``shop``), never an option."""
    if not isinstance(value, str) or not _PYTHON_TARGET.fullmatch(value):
        raise ConfigError(path, prop, value, "a dotted Python path such as 'shop.wsgi:application' or 'shop'",
                          "name the module (and ':attribute') to load")
    return value


def check_url_path(path: object, prop: str, value: Any, example: str = "/metrics") -> str:
    """An absolute URL path such as ``/metrics``: no whitespace, no query string or fragment (a probe, the ALB
    health check and a ServiceMonitor each take a path alone)."""
    if not isinstance(value, str) or not value.startswith("/") or any(c.isspace() or c in "?#" for c in value):
        fix = "start the path with '/'" if not (isinstance(value, str) and value.startswith("/")) else \
            "drop the spaces, the query string and the fragment"
        raise ConfigError(path, prop, value, f"an absolute URL path such as {example!r}, without spaces, '?' or '#'", fix)
    return value


# AWS's predefined policies that accept TLS 1.2 and 1.3 only (FIPS and "Res"/"Ext" variants included).
_MODERN_SSL_POLICY = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-[A-Za-z0-9]+)*-\d{4}-\d{2}$")


def check_alb_ssl_policy(path: object, prop: str, value: str) -> str:
    """An ALB security policy that refuses TLS 1.0 and 1.1."""
    if not _MODERN_SSL_POLICY.fullmatch(value):
        raise ConfigError(
            path, prop, value,
            "an ALB security policy that accepts TLS 1.2 and 1.3 only (ELBSecurityPolicy-TLS13-1-2-..., -TLS-1-2-..., -FS-1-2-...)",
            "use the default ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy",
        )
    return value

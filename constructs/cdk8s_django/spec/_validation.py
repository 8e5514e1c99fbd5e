"""Construction-time checks: everything Kubernetes would reject later fails here.

Every check raises a plain ``ValueError`` whose message names the construct
path, the prop, the value received, what is expected and how to fix it, so a
bad ``main.py`` stops before anything is written to ``dist/``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from typing import Any

from croniter import croniter

__all__ = [
    "ConfigError",
    "check_cron",
    "check_dns_label",
    "check_dns_subdomain",
    "check_env_var_name",
    "check_host_name",
    "check_image",
    "check_int_range",
    "check_port",
    "check_quantity",
    "check_time_zone",
    "check_unique",
    "quantity_value",
]

DNS_LABEL_MAX = 63
DNS_SUBDOMAIN_MAX = 253

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_HOST_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", re.IGNORECASE)
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_ENV_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Kubernetes resource.Quantity: a decimal number and an optional binary (Ki..Ei),
# decimal (m, k, M..E) or exponent (e3, E-2) suffix.
_QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
# The distribution/reference grammar: [registry[:port]/]path[:tag][@digest].
_IMAGE = re.compile(
    r"^(?:(?P<registry>(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)"
    r"(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?)/)?"
    r"(?P<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?$"
)


class ConfigError(ValueError):
    """A prop that Kubernetes (or the design) would reject, caught at construction."""

    def __init__(self, path: object, prop: str, value: Any, expected: str, fix: str) -> None:
        self.path = path
        self.prop = prop
        self.value = value
        super().__init__(f"{path}: invalid {prop}={value!r}: expected {expected}. Fix: {fix}")


def check_dns_label(path: object, prop: str, value: Any, max_len: int = DNS_LABEL_MAX) -> str:
    """An RFC 1123 label: lower-case alphanumerics and '-', at most ``max_len`` characters."""
    if not isinstance(value, str) or not _DNS_LABEL.match(value):
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
        _DNS_LABEL.match(part) for part in value.split(".")
    ):
        raise ConfigError(
            path, prop, value,
            f"an RFC 1123 subdomain of at most {max_len} characters (lower-case labels joined by '.')",
            "use lower-case letters, digits, '-' and '.'",
        )
    return value


def check_host_name(path: object, prop: str, value: Any, *, wildcard: bool = False) -> str:
    """A DNS host name (not an IP address); ``*.`` first label allowed when ``wildcard``."""
    text = value if isinstance(value, str) else ""
    labels = text.split(".")
    if wildcard and labels and labels[0] == "*":
        labels = labels[1:]
    ok = (
        bool(text)
        and len(text) <= DNS_SUBDOMAIN_MAX
        and not _IPV4.match(text)
        and len(labels) >= 1
        and all(_HOST_LABEL.match(label) and len(label) <= DNS_LABEL_MAX for label in labels)
        and text == text.lower()
    )
    if not ok:
        raise ConfigError(
            path, prop, value,
            "a lower-case DNS host name such as 'shop.example.com' (not an IP address, no scheme or port)",
            "give the bare DNS name; for an IP address create a DNS record first",
        )
    return text


def check_image(path: object, prop: str, value: Any) -> str:
    """A container image reference: ``[registry/]path[:tag][@sha256:digest]``."""
    if not isinstance(value, str) or len(value) > 255 or not _IMAGE.match(value):
        raise ConfigError(
            path, prop, value,
            "an image reference like 'registry.example.com/shop:1.4.2' or 'shop@sha256:<64 hex>'",
            "use a lower-case repository path with a tag or a digest",
        )
    return value


def image_is_pinned(image: str) -> bool:
    """True when the reference names a tag other than ``latest`` or a digest."""
    match = _IMAGE.match(image)
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
            "a five-field cron schedule as Kubernetes reads it ('minute hour day-of-month month day-of-week', day of week 0-6, no L, W or #) or @hourly/@daily/@weekly/@monthly/@yearly",
            "for example '0 3 * * *' for 03:00 every day; set the time zone with time_zone, not in the schedule",
        )
    return str(value)


_CRON_TOKEN = re.compile(r"^(\d+|\*|\?|[A-Za-z]{3})$")


def _kubernetes_cron(schedule: str) -> bool:
    """What croniter accepts beyond the API server's parser: L, W, # and a day of week 7."""
    fields = schedule.split()
    if not all(_CRON_TOKEN.match(token) for field in fields for token in re.split(r"[,/-]", field)):
        return False
    return not any(int(n) > 6 for n in re.findall(r"\d+", fields[4]))


def check_quantity(path: object, prop: str, value: Any) -> str:
    """A Kubernetes quantity such as ``10Gi``, ``500m`` or ``1``."""
    if not isinstance(value, str) or not _QUANTITY.match(value):
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
    match = _QUANTITY.match(quantity)
    if not match:
        raise ValueError(f"not a Kubernetes quantity: {quantity!r}")
    number = float(match.group(1))
    suffix = match.group(3) or ""
    if suffix[:1] in ("e", "E") and len(suffix) > 1:
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
    if not isinstance(value, str) or not _ENV_VAR.match(value):
        raise ConfigError(
            path, prop, value, "an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
            "use letters, digits and '_', not starting with a digit",
        )
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

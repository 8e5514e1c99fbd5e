"""No secret value in ``dist/``: env var names and values, and config files, checked at construction.

Names: a documented token list (``SECRET_NAME_TOKENS``), any case; names that only look
secret (``STRIPE_PUBLISHABLE_KEY``, ``PASSWORD_RESET_TIMEOUT``) pass by ``NOT_SECRET_TOKENS``
or by ``DjangoApp.not_secret``. Values: detect-secrets' pattern detectors (AWS keys, Stripe,
Slack, GitHub, private keys, credentials in URLs, JWTs, ...), and in config files also its
keyword detector and ``key = value`` lines whose key is a secret name (``license_key = ...``).
The entropy detectors are left out: hashes and digests are not secrets.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ._validation import ConfigError

__all__ = ["NOT_SECRET_TOKENS", "SECRET_NAME_TOKENS", "check_file", "check_no_secrets", "looks_like_secret_name"]

# A name is secret when one of its words (split on anything but letters and digits) is one of
# these, or its last word ends in KEY (API_KEY, SECRET_KEY, STRIPE_KEY, LICENSE_KEY, APIKEY).
SECRET_NAME_TOKENS = frozenset({
    "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS", "TOKEN", "TOKENS", "CREDENTIAL", "CREDENTIALS",
    "DSN", "SALT", "PASSPHRASE",
})
# ... unless one of its words says it is not: a public key, a timeout, a length, a path.
NOT_SECRET_TOKENS = frozenset({
    "PUBLISHABLE", "PUBLIC", "PUB", "TIMEOUT", "TTL", "AGE", "LENGTH", "MIN", "MAX", "HASHERS", "VALIDATORS",
    "FILE", "PATH", "DIR", "NAME", "ID", "REGION", "URL", "HOST", "PORT", "ENABLED",
})
_WORDS = re.compile(r"[^A-Z0-9]+")
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(\S.*?)\s*$")
_REDACTED = "<redacted>"
_FIX = "put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"
# detect-secrets' detectors that look for a known format; entropy and public-IP detectors flag what is no secret.
_SKIPPED_DETECTORS = frozenset({"Base64 High Entropy String", "Hex High Entropy String", "Public IP (ipv4)", "Secret Keyword"})


def looks_like_secret_name(name: str, not_secret: Iterable[str] = ()) -> bool:
    if name in not_secret:
        return False
    words = [w for w in _WORDS.split(name.upper()) if w]
    if not words or NOT_SECRET_TOKENS.intersection(words):
        return False
    return bool(SECRET_NAME_TOKENS.intersection(words)) or words[-1].endswith("KEY")


@functools.cache
def _detectors() -> tuple[Any, ...]:
    """detect-secrets' format detectors, imported on first use (about 0.1 s)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    mapping: dict[str, Any] = get_mapping_from_secret_type_to_class()
    return tuple(cls() for kind, cls in sorted(mapping.items()) if kind not in _SKIPPED_DETECTORS)


@functools.cache
def _keyword_detector() -> Any:
    from detect_secrets.plugins.keyword import KeywordDetector

    return KeywordDetector()


def _found(text: str, filename: str, keywords: bool) -> str | None:
    """The kind of secret detect-secrets sees in one line, if any."""
    detectors = (*_detectors(), _keyword_detector()) if keywords else _detectors()
    for detector in detectors:
        for secret in detector.analyze_line(filename=filename, line=text, line_number=1):
            return str(secret.type)
    return None


def _refuse(where: object, prop: str, what: str) -> ConfigError:
    return ConfigError(where, prop, _REDACTED, f"no secret in dist/ (it is committed), found {what}", _FIX)


def check_no_secrets(
    where: object, prop: str, env: Mapping[str, str], files: Mapping[str, str], not_secret: Iterable[str] = (),
) -> None:
    """Refuse env vars whose name or value is a secret, and config files that hold one."""
    allowed = frozenset(not_secret)
    for name, value in env.items():
        if looks_like_secret_name(name, allowed):
            raise ConfigError(
                where, f"{prop}.env", name,
                "no secret in a ConfigMap (dist/ is committed): the name looks secret",
                f"{_FIX}; if it is not secret, list it in DjangoApp.not_secret",
            )
        kind = value and _found(value, "env", keywords=False)
        if kind:
            raise _refuse(where, f"{prop}.env[{name!r}]", f"what detect-secrets reads as {kind!r}")
    for file_name, content in files.items():
        check_file(where, f"{prop}.config_files[{file_name!r}]", file_name, content, allowed)


def check_file(where: object, prop: str, file_name: str, content: str, not_secret: Iterable[str] = ()) -> None:
    """Refuse a config file with a secret in it: a ``key = value`` line whose key is a secret name,
    or a line detect-secrets recognises."""
    not_secret = frozenset(not_secret)
    for number, line in enumerate(content.splitlines(), start=1):
        assignment = _ASSIGNMENT.match(line)
        if assignment and looks_like_secret_name(assignment.group(1), not_secret) and not assignment.group(2).startswith(("$", "%(")):
            raise _refuse(where, prop, f"a value for {assignment.group(1)!r} on line {number}")
        kind = _found(line, file_name, keywords=True) if line.strip() else None
        if kind:
            raise _refuse(where, prop, f"what detect-secrets reads as {kind!r} on line {number}")

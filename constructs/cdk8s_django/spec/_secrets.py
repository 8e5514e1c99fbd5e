"""No secret value in ``dist/``: env var names and values, and config files, checked at construction.

Names: documented word lists (``SECRET_NAME_TOKENS`` anywhere in a word, ``SECRET_LAST_WORDS``
as the last word), any case; names that only look secret (``STRIPE_PUBLISHABLE_KEY``,
``PASSWORD_RESET_TIMEOUT``) pass by ``NOT_SECRET_LAST_WORDS`` and ``PUBLIC_WORDS``, or by
``DjangoApp.not_secret``. Values: detect-secrets' pattern detectors (AWS keys, Stripe,
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

__all__ = [
    "NOT_SECRET_TOKENS", "SECRET_LAST_WORDS", "SECRET_NAME_TOKENS",
    "check_file", "check_no_secrets", "check_values", "looks_like_secret_name",
]

# A name is secret when a word contains one of these (PGPASSWORD, DB_PASSWORDS, API_TOKEN) ...
SECRET_NAME_TOKENS = frozenset({"PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "APIKEY", "PRIVATEKEY", "AUTHORIZATION"})
# ... or its last word is one of these (DB_PASS, STRIPE_KEY, FERNET_KEYS, BASIC_AUTH, SENTRY_DSN),
SECRET_LAST_WORDS = frozenset({"PASS", "PWD", "KEY", "KEYS", "AUTH", "DSN", "SALT", "PASSPHRASE"})
# unless its last word says what it is instead (PASSWORD_RESET_TIMEOUT, SECRET_KEY_FILE, ACCESS_TOKEN_LIFETIME)
NOT_SECRET_LAST_WORDS = frozenset({
    "TIMEOUT", "TTL", "AGE", "LIFETIME", "EXPIRY", "EXPIRES", "LENGTH", "MIN", "MAX", "HASHERS", "VALIDATORS", "BACKEND",
    "BACKENDS", "MODEL", "CLASS", "FILE", "PATH", "DIR", "NAME", "ID", "REGION", "HOST", "PORT", "ENABLED", "PREFIX",
})
# or it is public (STRIPE_PUBLISHABLE_KEY, JWT_PUBLIC_KEY, RECAPTCHA_SITE_KEY).
PUBLIC_WORDS = frozenset({"PUBLISHABLE", "PUBLIC", "PUB", "SITE"})
NOT_SECRET_TOKENS = NOT_SECRET_LAST_WORDS | PUBLIC_WORDS
_WORDS = re.compile(r"[^A-Z0-9]+")
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(\S.*?)\s*$")
# A placeholder, not a value: empty, null, or read from the environment at run time.
_PLACEHOLDER = re.compile(r"""^(|null|none|~|""|''|\$.*|%\(.*|os\.environ.*|os\.getenv.*|env\(.*|\{\{.*)$""", re.IGNORECASE)
# A URL with a password, user or not (redis://:pw@host): detect-secrets' basic-auth detector wants a user.
_URL_PASSWORD = re.compile(r"://[^/@\s:]*:[^/@\s]+@")
_REDACTED = "<redacted>"
_FIX = "put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"
# detect-secrets' detectors that look for a known format; entropy, public-IP and Artifactory's
# (AP followed by any 9 letters or digits) flag what is no secret.
_SKIPPED_DETECTORS = frozenset({
    "Base64 High Entropy String", "Hex High Entropy String", "Public IP (ipv4)", "Secret Keyword", "Artifactory Credentials",
})


def looks_like_secret_name(name: str, not_secret: Iterable[str] = ()) -> bool:
    if name in not_secret:
        return False
    words = [w for w in _WORDS.split(name.upper()) if w]
    if not words or words[-1] in NOT_SECRET_LAST_WORDS or PUBLIC_WORDS.intersection(words):
        return False
    return words[-1] in SECRET_LAST_WORDS or any(token in word for word in words for token in SECRET_NAME_TOKENS)


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
    """The kind of secret detect-secrets (or a password in a URL) shows in one line, if any."""
    if _URL_PASSWORD.search(text):
        return "Password in a URL"
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
        value = assignment.group(2).strip().rstrip(",;") if assignment else ""
        key = assignment.group(1) if assignment else ""
        # `keys = root` is Python's logging.ini listing its sections, not a key.
        if assignment and key.lower() != "keys" and looks_like_secret_name(key, not_secret) and not _PLACEHOLDER.match(value):
            raise _refuse(where, prop, f"a value for {assignment.group(1)!r} on line {number}")
        kind = _found(line, file_name, keywords=True) if line.strip() else None
        if kind:
            raise _refuse(where, prop, f"what detect-secrets reads as {kind!r} on line {number}")


def check_values(where: object, prop: str, values: Iterable[str]) -> None:
    """Refuse secrets in free-form values that end up in dist/ (a cron command's arguments)."""
    for value in values:
        kind = value and _found(value, "command", keywords=False)
        if kind:
            raise _refuse(where, prop, f"what detect-secrets reads as {kind!r}")

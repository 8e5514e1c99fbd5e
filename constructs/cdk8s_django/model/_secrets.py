"""No secret value in ``dist/``: env var names and values, command arguments and config files, checked at construction.

Names are split into words at ``_``, ``-``, ``.`` and camelCase (``stripeApiKey`` is STRIPE, API, KEY), any case.
A name is secret when a word contains one of ``SECRET_NAME_TOKENS`` (``PGPASSWORD``, ``PUB_SUB_CREDENTIALS``), or two
neighbouring words make one (``API_KEY``, ``PRIVATE_KEY``), or its last word is one of ``SECRET_LAST_WORDS``
(``DB_PW``, ``STRIPE_KEY``, ``SENTRY_DSN``); unless its last word says what the value is instead
(``NOT_SECRET_LAST_WORDS``: ``PASSWORD_RESET_TIMEOUT``, ``SECRET_KEY_FILE``, ``OAUTH_TOKEN_URL``), or a ``KEY`` is
public (``PUBLIC_WORDS`` right before it: ``STRIPE_PUBLISHABLE_KEY``, ``RECAPTCHA_SITE_KEY``). A public word waives
nothing else: ``SITE_ADMIN_PASSWORD`` and ``SITE_API_TOKEN`` are secret. ``DjangoApp.not_secret`` waives the name
rule for the names it lists, never the value checks below.

Values: detect-secrets' pattern detectors (AWS keys, Stripe, Slack, GitHub, private keys, credentials in URLs,
JWTs, ...). Config-file lines, and the values of names that ``not_secret`` waives, also meet its keyword detector
(``db_password = "hunter2"``), and a config line ``key = value`` whose key is a secret name is refused. Command
arguments: ``--<secret name>=<value>`` and ``--<secret name> <value>`` are refused unless the value is read at run
time (``$(VAR)``, which Kubernetes expands). The entropy detectors are left out: hashes and digests are not secrets.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._validation import ConfigError

__all__ = [
    "NOT_SECRET_LAST_WORDS", "NOT_SECRET_TOKENS", "PUBLIC_WORDS", "SECRET_LAST_WORDS", "SECRET_NAME_TOKENS",
    "check_file", "check_no_secrets", "check_values", "looks_like_secret_name", "name_words",
]

# A name is secret when a word contains one of these (PGPASSWORD, DB_PASSWORDS, PUB_SUB_CREDENTIALS), or two
# neighbouring words make one (API_KEY, apiKey, PRIVATE_KEY) ...
SECRET_NAME_TOKENS = frozenset({"PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "APIKEY", "PRIVATEKEY", "AUTHORIZATION"})
# ... or its last word is one of these (DB_PASS, DB_PW, STRIPE_KEY, stripeKey, FERNET_KEYS, BASIC_AUTH, SENTRY_DSN),
SECRET_LAST_WORDS = frozenset({"PASS", "PW", "PWD", "KEY", "KEYS", "AUTH", "DSN", "SALT", "PASSPHRASE", "CREDS"})
# unless its last word says what the value is instead (PASSWORD_RESET_TIMEOUT, SECRET_KEY_FILE, OAUTH_TOKEN_URL).
# Not ID: SECRET_KEY_ID holds what its name says (AWS_ACCESS_KEY_ID, with no secret word, passes anyway).
NOT_SECRET_LAST_WORDS = frozenset({
    "TIMEOUT", "TTL", "AGE", "LIFETIME", "EXPIRY", "EXPIRES", "LENGTH", "MIN", "MAX", "HASHERS", "VALIDATORS", "BACKEND",
    "BACKENDS", "MODEL", "CLASS", "FILE", "PATH", "DIR", "NAME", "REGION", "HOST", "PORT", "ENABLED", "PREFIX", "URL", "URI",
    "ENDPOINT", "SECONDS", "MINUTES", "HOURS", "DAYS",
})
# A KEY right after one of these is public (STRIPE_PUBLISHABLE_KEY, JWT_PUBLIC_KEY, RECAPTCHA_SITE_KEY).
PUBLIC_WORDS = frozenset({"PUBLISHABLE", "PUBLIC", "PUB", "SITE"})
_PUBLIC_LAST_WORDS = frozenset({"KEY", "KEYS"})
NOT_SECRET_TOKENS = NOT_SECRET_LAST_WORDS | PUBLIC_WORDS
# Words: a run of capitals not followed by a lower-case letter (API in APIKey), a capitalised or lower-case run, digits.
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(\S.*?)\s*$")
# A command-line flag, its value after '=' if it has one.
_FLAG = re.compile(r"^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$", re.DOTALL)
# A placeholder, not a value: empty, null, or read from the environment at run time.
_PLACEHOLDER = re.compile(r"""^(|null|none|~|""|''|\$.*|%\(.*|os\.environ.*|os\.getenv.*|env\(.*|\{\{.*)$""", re.IGNORECASE)
# A URL with a password, user or not (redis://:pw@host): detect-secrets' basic-auth detector wants a user.
_URL_PASSWORD = re.compile(r"://[^/@\s:]*:[^/@\s]+@")
_REDACTED = "<redacted>"
_FIX = "put it in a Secret listed in DjangoApp.secrets, or read it from AWS Secrets Manager (Environment.aws_secrets)"
_ARGUMENT_FIX = (f"{_FIX}, and pass it as $(NAME) of the env var that holds it (Kubernetes expands it in the command),"
                 " e.g. '--password=$(SMTP_PASSWORD)'")
# detect-secrets' detectors that look for a known format; entropy, public-IP and Artifactory's
# (AP followed by any 9 letters or digits) flag what is no secret.
_SKIPPED_DETECTORS = frozenset({
    "Base64 High Entropy String", "Hex High Entropy String", "Public IP (ipv4)", "Secret Keyword", "Artifactory Credentials",
})


def name_words(name: str) -> list[str]:
    """The words of a name, upper-case: ``stripeApiKey`` -> ``['STRIPE', 'API', 'KEY']``."""
    return [word.upper() for word in _WORDS.findall(name)]


def looks_like_secret_name(name: str) -> bool:
    """Whether an env var, config key or flag name says its value is a secret (the rules in the module docstring)."""
    words = name_words(name)
    if not words or words[-1] in NOT_SECRET_LAST_WORDS:
        return False
    pairs = {a + b for a, b in itertools.pairwise(words)}
    if pairs & SECRET_NAME_TOKENS or any(token in word for word in words for token in SECRET_NAME_TOKENS):
        return True
    public = len(words) > 1 and words[-1] in _PUBLIC_LAST_WORDS and words[-2] in PUBLIC_WORDS
    return words[-1] in SECRET_LAST_WORDS and not public


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


def _refuse(where: object, prop: str, what: str, value: object = _REDACTED, fix: str = _FIX) -> ConfigError:
    return ConfigError(where, prop, value, f"no secret in dist/ (it is committed), found {what}", fix)


def check_no_secrets(
    where: object, prop: str, env: Mapping[str, str], files: Mapping[str, str], not_secret: Iterable[str] = (),
) -> None:
    """Refuse env vars whose name or value is a secret, and config files that hold one.

    A name listed in ``not_secret`` may look secret, but its value then meets the keyword detector too,
    as a config line would (``DB_PASSWORD="hunter2"`` is refused, ``MAILCHIMP_LIST_KEY="list-42"`` passes)."""
    allowed = frozenset(not_secret)
    for name, value in env.items():
        secret_name = looks_like_secret_name(name)
        if secret_name and name not in allowed:
            raise ConfigError(
                where, f"{prop}.env", name,
                "no secret in a ConfigMap (dist/ is committed): the name looks secret",
                f"{_FIX}; if it is not secret, list it in DjangoApp.not_secret",
            )
        # A waived name: its value is read as the line `NAME = "value"`, keyword detector included.
        kind = value and _found(f'{name} = "{value}"' if secret_name else value, "env", keywords=secret_name)
        if kind:
            waiver = " (DjangoApp.not_secret waives how the name looks, not a secret value)" if secret_name else ""
            raise _refuse(where, f"{prop}.env[{name!r}]", f"what detect-secrets reads as {kind!r}{waiver}")
    for file_name, content in files.items():
        check_file(where, f"{prop}.config_files[{file_name!r}]", file_name, content, allowed)


def check_file(where: object, prop: str, file_name: str, content: str, not_secret: Iterable[str] = ()) -> None:
    """Refuse a config file with a secret in it: a ``key = value`` line whose key is a secret name
    (unless ``not_secret`` lists it), or a line detect-secrets recognises (keyword detector included)."""
    allowed = frozenset(not_secret)
    for number, line in enumerate(content.splitlines(), start=1):
        assignment = _ASSIGNMENT.match(line)
        value = assignment.group(2).strip().rstrip(",;") if assignment else ""
        key = assignment.group(1) if assignment else ""
        # `keys = root` is Python's logging.ini listing its sections, not a key.
        secret_key = assignment and key.lower() != "keys" and key not in allowed and looks_like_secret_name(key)
        if secret_key and not _PLACEHOLDER.match(value):
            raise _refuse(where, prop, f"a value for {key!r} on line {number}")
        kind = _found(line, file_name, keywords=True) if line.strip() else None
        if kind:
            raise _refuse(where, prop, f"what detect-secrets reads as {kind!r} on line {number}")


def check_values(where: object, prop: str, values: Sequence[str]) -> None:
    """Refuse secrets in command arguments that end up in dist/ (a cron task's): an argument detect-secrets
    recognises, or a secret-named flag with a literal value (``--password=hunter2``, ``--token hunter2``).
    The message shows the arguments with the secret one redacted."""
    args = tuple(values)
    for index, arg in enumerate(args):
        flag = _secret_flag(args, index)
        if flag is not None:
            name, at = flag
            shown = f"{name}={_REDACTED}" if at == index else _REDACTED
            raise _refuse(where, prop, f"a value for {name!r}", (*args[:at], shown, *args[at + 1:]), _ARGUMENT_FIX)
        kind = arg and _found(arg, "command", keywords=False)
        if kind:
            redacted = (*args[:index], _REDACTED, *args[index + 1:])
            raise _refuse(where, prop, f"what detect-secrets reads as {kind!r}", redacted, _ARGUMENT_FIX)


def _secret_flag(args: tuple[str, ...], index: int) -> tuple[str, int] | None:
    """A flag at ``index`` whose name is secret and whose value is literal: the flag as typed and where its
    value is (``index`` itself for ``--password=x``, the next argument for ``--password x``)."""
    flag = _FLAG.match(args[index])
    if flag is None or not looks_like_secret_name(flag.group(1)):
        return None
    name = args[index].split("=", 1)[0]
    if flag.group(2) is not None:
        return None if _PLACEHOLDER.match(flag.group(2)) else (name, index)
    following = args[index + 1] if index + 1 < len(args) else ""
    return None if following.startswith("-") or _PLACEHOLDER.match(following) else (name, index + 1)

"""Does a ConfigError's fix work? Put the value it suggests where the error points, and build again.

Shared by tests/spec/test_fix_suggestions.py and ``make fuzz`` (issue 21 §3).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import is_dataclass, replace
from typing import Any

from cdk8s import App
from cdk8s_django import ConfigError, DjangoApp, DjangoChart, Environment

__all__ = ["check_the_fix", "suggestion", "with_fix"]

# Where a fix names a value: after "use", "e.g.", "pass" or "set", with or without "<option>=".
_SUGGESTION = re.compile(r"\b(?:use|e\.g\.|pass|set)\s+(?:(\w+)=)?(?=['\"(\d-])")
_STEP = re.compile(r"""\.(\w+)|\[('(?:[^'\\]|\\.)*'|\d+)\]|^(django_app|environment)|^Worker\('([^']*)'\)""")


def suggestion(fix: str) -> tuple[str | None, Any] | None:
    """The first value the fix names, as Python (the longest literal that parses), and the option it names."""
    match = _SUGGESTION.search(fix)
    if match is None:
        return None
    rest = fix[match.end():]
    for end in range(len(rest), 0, -1):
        if rest[:end].rstrip().endswith(","):  # "e.g. 'x', or ..." names 'x', not the tuple ('x',)
            continue
        try:
            return match.group(1), ast.literal_eval(rest[:end])
        except (ValueError, SyntaxError):
            continue
    return None


def _steps(prop: str) -> list[tuple[str, Any]] | None:
    steps, at = [], 0
    while at < len(prop):
        match = _STEP.match(prop, at) if at else _STEP.match(prop)
        if match is None or match.start() != at:
            return None
        attr, key, root, worker = match.groups()
        steps.append(("root", root) if root else ("worker", worker) if worker is not None else
                     ("attr", attr) if attr else ("key", ast.literal_eval(key)))
        at = match.end()
    return steps


def _put(target: Any, steps: list[tuple[str, Any]], value: Any) -> Any:
    if not steps:
        return value
    (kind, name), rest = steps[0], steps[1:]
    if kind == "attr" and is_dataclass(target):
        return replace(target, **{name: _put(getattr(target, name), rest, value)})
    if kind == "key" and isinstance(target, Mapping):
        return {**target, name: _put(target[name], rest, value)}
    if kind == "key" and isinstance(target, tuple) and isinstance(name, int):
        return (*target[:name], _put(target[name], rest, value), *target[name + 1:])
    raise LookupError(kind, name)


def with_fix(app: DjangoApp, env: Environment, prop: str, option: str | None, value: Any) -> tuple[DjangoApp, Environment] | None:
    """The spec with ``value`` at ``prop`` (or at its sibling ``option`` when the fix names one); None if the
    prop is not one place of the spec (``django_app.workers and django_app.cron``)."""
    steps = _steps(prop)
    if not steps or steps[0][0] not in ("root", "worker"):
        return None
    if option is not None and steps[-1] != ("attr", option):
        steps = [*steps, ("attr", option)] if option not in {s[1] for s in steps} else steps
        if steps[-1] != ("attr", option):
            return None
    try:
        if steps[0] == ("root", "django_app"):
            return _put(app, steps[1:], value), env
        if steps[0] == ("root", "environment"):
            return app, _put(env, steps[1:], value)
        index = next(i for i, w in enumerate(app.workers) if w.name == steps[0][1])
        workers = list(app.workers)
        workers[index] = _put(workers[index], steps[1:], value)
        return replace(app, workers=tuple(workers)), env
    except (LookupError, TypeError, StopIteration):
        return None


def _build(app: DjangoApp, env: Environment) -> ConfigError | None:
    try:
        DjangoChart(App(), env.name, django_app=app, environment=env)
    except ConfigError as error:
        return error
    return None


def check_the_fix(app: DjangoApp, env: Environment) -> str | None:
    """None when the spec passes or its fix names no value that can be put back; otherwise the prop the fix was tried on."""
    error = _build(app, env)
    if error is None or (found := suggestion(error.fix)) is None:
        return None
    option, value = found
    fixed = with_fix(app, env, error.prop, option, value)
    if fixed is None:
        return None
    again = _build(*fixed)
    assert again is None or again.prop != error.prop, (
        f"the fix of {error} suggests {value!r}, which the same check refuses: {again}")
    return error.prop

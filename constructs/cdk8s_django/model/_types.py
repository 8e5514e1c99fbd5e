"""Type checks of a spec at the boundary: a wrong type is a ``ConfigError`` naming the prop.

Without them a ``str`` where an object belongs surfaces later as an
``AttributeError`` deep inside a construct, and ``hosts="a.example.com"`` is
silently read as a tuple of one-letter hosts. Walks the dataclass field
annotations (``typing.get_type_hints``), recursing into nested specs.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._validation import ConfigError
from .options import Unset

__all__ = ["check_arguments", "check_spec_types"]


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


_NAMES = {str: "a string", int: "a whole number", bool: "True or False", float: "a number", type(None): "None"}


def _describe(hint: Any) -> str:
    """The expected type in words; ``Unset`` is left out (it means "leave the option out")."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in typing.get_args(hint) if arg is not Unset)
    return _describe_one(hint)


def _describe_fix(hint: Any) -> str:
    """What to pass: the type without its ``None``, which the environment may refuse (a broker for an app
    that runs Celery); None is leaving the option out, which the message's expectation still shows."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not Unset]
        some = [arg for arg in args if arg is not type(None)] or args
        return " or ".join(_describe(arg) for arg in some)
    return _describe_one(hint)


def _describe_one(hint: Any) -> str:
    if hint in _NAMES:
        return _NAMES[hint]
    origin = typing.get_origin(hint)
    if origin in (tuple, Sequence):
        return f"a tuple of {_plural(typing.get_args(hint)[0])}"
    if origin in (Mapping, dict):
        key, value = typing.get_args(hint)
        return f"a mapping of {_plural(key)} to {_plural(value)}"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return " or ".join(f"{hint.__name__}.{member.name}" for member in hint)
    describe = getattr(hint, "describe", None)
    if isinstance(hint, type) and callable(describe):
        return str(describe())  # a store role's kinds (CacheOptions: Memcached(...))
    return f"{getattr(hint, '__name__', str(hint))}(...)"


def _plural(hint: Any) -> str:
    words = _describe(hint)
    return words.removeprefix("a ").removeprefix("an ") + "s" if words.startswith(("a ", "an ")) else words


def _matches(value: Any, hint: Any) -> bool:
    """Shallow: does ``value`` have the outer type ``hint`` asks for?"""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (tuple, Sequence):
        return isinstance(value, (tuple, list))
    if origin in (Mapping, dict):
        return isinstance(value, Mapping)
    if hint is Any:
        return True
    return isinstance(value, hint)


def _member_hint(value: Any, hint: Any) -> Any:
    """The alternative of a union that ``value`` matched (to recurse into it)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return next(arg for arg in typing.get_args(hint) if _matches(value, arg))
    return hint


# Free text, where whitespace and newlines are content: file contents and env values (keys are still names).
_FREE_TEXT_FIELDS = frozenset({"ini"})
_FREE_TEXT_MAPPINGS = frozenset({"env", "config_files", "files"})


def _check_edges(where: object, prop: str, value: str) -> None:
    """A name, host, path, image, schedule or argument never begins or ends with whitespace, nor holds a control
    character: ``"shop\n"`` reached the YAML where a ``re.match(r"...$")`` check let it through."""
    if not value.strip():
        return  # blank: each option's own check says what belongs there
    bad = next((char for char in value if not char.isprintable()), None)
    if bad is None and value != value.strip():
        bad = value[0] if value[0].isspace() else value[-1]
    if bad is not None:
        raise ConfigError(where, prop, value, "no leading or trailing whitespace and no control characters", f"remove the {bad!r}")


def _check_value(where: object, prop: str, value: Any, hint: Any, free_text: bool = False) -> None:
    if not _matches(value, hint):
        raise ConfigError(where, prop, value, _describe(hint), f"pass {_describe_fix(hint)}")
    if isinstance(value, str) and not free_text:
        _check_edges(where, prop, value)
    hint = _member_hint(value, hint)
    origin = typing.get_origin(hint)
    if origin in (tuple, Sequence):
        item = typing.get_args(hint)[0]
        for index, element in enumerate(value):
            _check_value(where, f"{prop}[{index}]", element, item)
    elif origin in (Mapping, dict):
        key_hint, value_hint = typing.get_args(hint)
        free_values = prop.rsplit(".", 1)[-1] in _FREE_TEXT_MAPPINGS
        for key, element in value.items():
            _check_value(where, f"{prop} key", key, key_hint)
            _check_value(where, f"{prop}[{key!r}]", element, value_hint, free_text=free_values)
    elif dataclasses.is_dataclass(value) and not isinstance(value, enum.Enum):
        check_spec_types(where, prop, value)


def check_spec_types(where: object, prop: str, spec: Any) -> None:
    """Check every field of the dataclass ``spec`` (and of the specs inside it) against its annotation, and that
    none of its strings but free text (file contents, env values) has whitespace at its edges."""
    hints = _hints(type(spec))  # type: ignore[arg-type]  # classes are hashable
    for field in dataclasses.fields(spec):
        _check_value(where, f"{prop}.{field.name}", getattr(spec, field.name), hints[field.name],
                     free_text=field.name in _FREE_TEXT_FIELDS)


@functools.cache
def _signature_hints(function: Callable[..., Any]) -> dict[str, Any]:
    return typing.get_type_hints(function)


def check_arguments(where: object, function: Callable[..., Any], arguments: Mapping[str, Any]) -> None:
    """Check the arguments given to ``function`` (a factory or a construct's ``__init__``) against
    its annotations: a wrong type is a ``ConfigError`` naming the prop, before any code reads it."""
    hints = _signature_hints(function)
    for name, value in arguments.items():
        if name in hints:
            _check_value(where, name, value, hints[name])

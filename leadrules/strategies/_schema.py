"""Reading a schema for the strategies: the fields of an attrs class, a dataclass, a TypedDict or
a mapping of names to types, each with what it takes to *build* a value of it.

``leadrules/lang/schema.py`` reads the same schemas, for another question: which names a rule
may use and what kind of value each holds (number, text, yes/no, date). Building leads needs
answers that one does not give, so the strategies keep their own reading:

- the fields are what ``__init__`` takes, under the names it takes them by (an attrs field
  ``_secret`` with ``alias="secret"`` is passed as ``secret``), without ``init=False`` fields
  and what ``__init__`` does not take (``Lead.extra``), each knowing whether it may be left out
  (a default, in the class or in the signature); lang/schema lists what rules can read
  (attribute names, dataclass properties, ``init=False`` fields, ``extra`` as "open");
- a field keeps its exact type (``int``, ``float`` or ``Decimal``; ``date`` or ``datetime``;
  the Enum class itself, to draw its members) and whether it is Optional, since values of that
  type are drawn; lang/schema keeps only kinds (number, text, bool, date) and no optionality;
- type hints that cannot be read are an error (a lead cannot be built without them), and what
  is not a schema gets the strategies' own messages; lang/schema reads what it can and takes
  the rest as Any;
- a union of several types or a ``NewType`` is "other" here (drawn with ``st.from_type`` and
  never named by generated rules), while lang/schema gives the union of kinds or the
  supertype's kind.

Nothing here draws a value: ``_leads`` builds leads from these fields, ``_vocab`` picks the
ones rules can name.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..errors import InvalidArgument
from ..lang import ast
from ..runtime.leads import Event


@attrs.frozen
class Field:
    """One field of a schema, as leads() and rule_sources() need it."""

    name: str  # the attribute or key name
    kind: str  # text number bool date datetime choice events nested list any other
    tp: Any  # the type, Optional removed
    optional: bool  # None is allowed
    has_default: bool  # may be left out
    choices: tuple[Any, ...] = ()
    nested: tuple[Field, ...] = ()
    item: Any = None  # for lists: the item type


_NONE_TYPE = type(None)


def strip_optional(tp: Any) -> tuple[Any, bool]:
    """The type without ``None`` in it, and whether ``None`` was allowed."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not _NONE_TYPE]
        optional = len(args) != len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], optional
        return typing.Union[tuple(args)], optional  # noqa: UP007 - runtime construction
    return tp, False


def _kind(tp: Any, name: str) -> tuple[str, tuple[Any, ...], Any]:
    """(kind, choices, item type) of a field type."""
    if tp is Any or tp is object:
        return "any", (), None
    if isinstance(tp, Mapping):
        return "nested", (), None  # a nested mapping schema: {"country": str}
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return "choice", tuple(typing.get_args(tp)), None
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return "choice", tuple(tp), None
        if issubclass(tp, bool):
            return "bool", (), None
        if issubclass(tp, (int, float, Decimal)):
            return "number", (), None
        if issubclass(tp, dt.datetime):
            return "datetime", (), None
        if issubclass(tp, dt.date):
            return "date", (), None
        if issubclass(tp, str):
            return "text", (), None
        if is_record_class(tp):
            return "nested", (), None
    if origin in (list, tuple, collections.abc.Sequence, collections.abc.Iterable, frozenset):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        item = args[0] if args else Any
        if ast.normalize_name(name) == "events":
            return "events", (), item
        return "list", (), item
    if tp in (list, tuple) and ast.normalize_name(name) == "events":
        return "events", (), Event
    return "other", (), None


def fields_of(schema: Any, seen: tuple[type, ...] = ()) -> tuple[Field, ...]:
    """The fields of a schema: an attrs class, a dataclass, a TypedDict or a mapping of names
    to types (:class:`~leadrules.errors.InvalidArgument` for anything else)."""
    if isinstance(schema, Mapping):
        out = []
        for key, tp in schema.items():
            if not isinstance(key, str) or not key.strip():
                raise InvalidArgument(f"schema: every field name must be text, not {key!r}")
            out.append(make_field(key, tp, has_default=True, seen=seen))
        return tuple(out)
    if typing.is_typeddict(schema):
        return _typeddict_fields(schema, seen)
    is_class = isinstance(schema, type)
    if not (is_class and (attrs.has(schema) or dataclasses.is_dataclass(schema))):
        instance = attrs.has(type(schema)) or dataclasses.is_dataclass(schema)
        raise InvalidArgument(
            "schema must be an attrs class, a dataclass, a TypedDict or a mapping of field "
            "names to types, "
            f"not {type(schema).__name__} ({schema!r})"
            + ("; pass the class, not an instance" if instance else "")
        )
    klass = typing.cast(type, schema)
    hints = _field_hints(klass, seen)
    parameters = _init_parameters(klass)
    out = []
    for name, declared, default, init in _declared_fields(klass):
        if not init or (parameters is not None and name not in parameters):
            continue  # a field the class's __init__ does not take (Lead.extra)
        tp = hints.get(name, declared if declared is not None else Any)
        has_default = default
        if parameters is not None:
            has_default = default or parameters[name].default is not inspect.Parameter.empty
        out.append(make_field(name, tp, has_default=has_default, seen=(*seen, klass)))
    return tuple(out)


def _field_hints(klass: Any, seen: tuple[type, ...]) -> dict[str, Any]:
    """The field types of a schema class, refusing one that contains itself."""
    if klass in seen:
        raise InvalidArgument(
            f"schema: {klass.__name__} contains itself; leads() cannot build it: "
            "override that field with a strategy"
        )
    try:
        return typing.get_type_hints(klass)
    except Exception as exc:
        raise InvalidArgument(
            f"schema: could not read the field types of {klass.__name__} ({exc})"
        ) from None


def _typeddict_fields(klass: Any, seen: tuple[type, ...]) -> tuple[Field, ...]:
    """The keys of a TypedDict: those it does not require may be left out."""
    hints = _field_hints(klass, seen)
    required = getattr(klass, "__required_keys__", frozenset(hints))
    return tuple(
        make_field(key, tp, has_default=key not in required, seen=(*seen, klass))
        for key, tp in hints.items()
    )


def is_dict_schema(schema: Any) -> bool:
    """A schema whose leads are dicts: a mapping of names to types, or a TypedDict."""
    return isinstance(schema, Mapping) or typing.is_typeddict(schema)


def _declared_fields(cls: type) -> list[tuple[str, Any, bool, bool]]:
    """(init name, declared type, has a default, taken by __init__) for each field."""
    if attrs.has(cls):
        return [
            (f.alias or f.name, f.type, f.default is not attrs.NOTHING, f.init)
            for f in attrs.fields(cls)
        ]
    return [
        (
            f.name,
            f.type,
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING,
            f.init,
        )
        for f in dataclasses.fields(cls)
    ]


def _signature(cls: type) -> inspect.Signature | None:
    """The signature of a class's ``__init__``, or None when it cannot be read."""
    try:
        return inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return None


def _init_parameters(cls: type) -> dict[str, inspect.Parameter] | None:
    """The parameters of a class's ``__init__`` that take one named value each (not ``*args``
    or ``**kwargs``), or None when the signature cannot be read."""
    signature = _signature(cls)
    if signature is None:
        return None
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {n: p for n, p in signature.parameters.items() if p.kind in named}


def accepts_extra(cls: Any) -> bool:
    """Whether the class's ``__init__`` takes any keyword (``**kwargs``, as Lead's does)."""
    if not isinstance(cls, type):
        return False
    signature = _signature(cls)
    if signature is None:
        return False
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())


def make_field(name: str, raw: Any, *, has_default: bool, seen: tuple[type, ...]) -> Field:
    """The field ``name`` of type ``raw``, nested schemas read (but those in ``seen``)."""
    tp, optional = strip_optional(raw)
    kind, choices, item = _kind(tp, name)
    nested: tuple[Field, ...] = ()
    if kind == "nested":
        if isinstance(tp, type) and tp in seen:
            kind = "other"  # a class that contains itself: not followed
        else:
            nested = fields_of(tp, seen)
    return Field(name, kind, tp, optional, has_default, choices, nested, item)


def is_record_class(tp: Any) -> bool:
    """An attrs class, a dataclass or a TypedDict: a class whose fields can be read."""
    return isinstance(tp, type) and (
        attrs.has(tp) or dataclasses.is_dataclass(tp) or typing.is_typeddict(tp)
    )


def event_parts(fields: tuple[Field, ...]) -> tuple[Field | None, Field | None, Field | None]:
    """The fields of an event class that hold its name, its time and its properties mapping
    (found as the evaluator finds them: ``name``; ``at``, else ``timestamp``; ``properties``)."""
    by_key: dict[str, Field] = {}
    for field in fields:
        by_key.setdefault(ast.normalize_name(field.name), field)
    return by_key.get("name"), by_key.get("at") or by_key.get("timestamp"), by_key.get("properties")


def is_open_mapping(field: Field) -> bool:
    """A field that holds a mapping of any keys (or anything at all)."""
    if field.kind == "any":
        return True
    origin = typing.get_origin(field.tp) or field.tp
    return isinstance(origin, type) and issubclass(origin, Mapping) and field.kind != "nested"


def choice_value(choice: Any) -> Any:
    """A choice of a Literal as it is, of an Enum as its value."""
    return choice.value if isinstance(choice, enum.Enum) else choice

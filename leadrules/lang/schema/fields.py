"""What a schema declares: the fields of an attrs class, a dataclass, a TypedDict or a plain
mapping of field names to types (``{"company size": int, "address": {"country": str}}``), the
type of each as the rules see it (:class:`FieldType`), how a rule writes each name, and where
a rule's name leads in a schema (:func:`walk`), found the way the language resolves names on a
lead (case and separators ignored, backticked names matched exactly first, dots into nested
classes). Annotations are read field by field (:mod:`.annotations`): one that cannot be read is
kept as such (:attr:`FieldType.unreadable`), never taken for "any type". Nothing here reads
rules or reports problems: that is :mod:`.check`.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import dataclasses
import datetime as dt
import enum
import fractions
import functools
import inspect
import numbers
import re
import types
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ...errors import InvalidArgument, LeadRulesError
from .. import ast
from ..literals import literal_text
from ..parser import parse
from .annotations import Unreadable, annotations_of, has_names_in_quotes, resolve_annotation

__all__ = [
    "ANY",
    "ANY_TYPE",
    "BOOL",
    "DATE",
    "LIST",
    "NUMBER",
    "RECORD",
    "TEXT",
    "FieldType",
    "Path",
    "Schema",
    "Unreadable",
    "event_properties",
    "resolve_field",
    "schema_of",
    "show_choices",
    "walk",
]


#: Scalar kinds a field can have; a field may allow several (``int | str``).
NUMBER, TEXT, BOOL, DATE = "number", "text", "bool", "date"
#: Kinds that stand alone.
LIST, RECORD, ANY = "list", "record", "any"


@attrs.frozen(slots=True)
class FieldType:
    """What the schema says about one field.

    ``kinds`` holds scalar kinds (number, text, bool, date), or exactly one of ``list``,
    ``record`` or ``any``. ``choices`` lists the allowed values of a ``Literal``/``Enum``
    field; ``item`` is the element type of a list; ``record`` the fields of a nested class.
    ``unreadable`` says why the annotation could not be read (the field is then ``any``, and a
    rule that tests it is an error).
    """

    kinds: frozenset[str]
    display: str
    choices: tuple[Any, ...] | None = None
    item: FieldType | None = None
    record: Schema | None = attrs.field(default=None, eq=False, repr=False)
    unreadable: Unreadable | None = None

    @property
    def is_any(self) -> bool:
        return ANY in self.kinds

    @property
    def is_list(self) -> bool:
        return LIST in self.kinds

    @property
    def is_record(self) -> bool:
        return RECORD in self.kinds

    def allows(self, kind: str) -> bool:
        return self.is_any or kind in self.kinds

    def describe(self) -> str:
        """``"a number (int)"``: how messages name the field's type."""
        if self.is_any:
            return f"of any type ({self.display})"
        if self.is_record:
            return f"a group of fields ({self.display})"
        if self.is_list:
            return f"a list ({self.display})"
        words = {NUMBER: "a number", TEXT: "text", BOOL: "yes/no", DATE: "a date"}
        kinds = [words[k] for k in (NUMBER, TEXT, BOOL, DATE) if k in self.kinds]
        what = " or ".join(kinds) or "a value"
        if self.choices is not None:
            what = f"one of {show_choices(self.choices)}"
        return f"{what} ({self.display})"


ANY_TYPE = FieldType(frozenset({ANY}), "Any")


class Schema:
    """The fields of one class or mapping, resolved lazily (so recursive classes work).

    ``open`` schemas (``leadrules.Lead``, whose ``extra`` takes any field) accept unknown
    names without complaint.
    """

    def __init__(
        self,
        title: str,
        entries: Mapping[str, Any],
        open: bool = False,
        owner: Any = None,
        reader: _Reader | None = None,
    ) -> None:
        self.title = title
        self.open = open
        self.owner = owner
        self.reader = reader or _READER
        self._raw: dict[str, Any] = {}
        self._exact: dict[str, str] = {}
        self._normal: dict[str, str] = {}
        self._types: dict[str, FieldType] = {}
        for key, raw in entries.items():
            if key.startswith("_"):
                continue  # private: never reachable from rules
            self._raw[key] = raw
            self._exact.setdefault(key, key)
            self._normal.setdefault(ast.normalize_name(key), key)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._raw)

    def find(self, part: ast.NamePart) -> str | None:
        """The field a name part refers to (as the evaluator finds it), or None."""
        if part.exact and part.text in self._exact:
            return part.text
        return self._normal.get(part.key)

    def find_flat(self, text: str) -> str | None:
        return text if text in self._exact else None

    def type_of(self, key: str) -> FieldType:
        cached = self._types.get(key)
        if cached is None:
            cached = _field_type(self._raw[key], self.reader)
            self._types[key] = cached
        return cached

    def events_field(self) -> FieldType | None:
        """The type of the lead's ``events`` field, when the schema has one."""
        key = self._normal.get("events")
        return None if key is None else self.type_of(key)

    def writable(self, key: str) -> str:
        """How a rule writes this field: ``company size``, or backticked when it must be."""
        return _writable(key)


# ----------------------------------------------------------------------------- from types


class _Reader:
    """Reads classes into schemas, looking names in annotations up in ``namespace`` too; the
    schemas it reads are kept, so that each class is read once (and recursive classes
    work)."""

    def __init__(self, namespace: Mapping[str, Any] | None = None) -> None:
        self.namespace = dict(namespace) if namespace else None
        self.records: dict[Any, Schema] = {}


#: The reader of schemas given without a namespace: classes are read once per process.
_READER = _Reader()


def schema_of(schema: Any, namespace: Mapping[str, Any] | None = None) -> Schema:
    """A :class:`Schema` for an attrs class, a dataclass, a TypedDict or a mapping of names to
    types; :class:`~leadrules.errors.InvalidArgument` for anything else.

    ``namespace`` holds names the classes' annotations use that are not defined in their
    modules, such as those of the function a class is defined in:
    ``compile(source, schema=schema_of(Prospect, namespace=locals()))``.
    """
    if namespace is not None and not isinstance(namespace, Mapping):
        raise InvalidArgument(
            f"namespace must be a mapping of names to values (such as locals()), "
            f"not {type(namespace).__name__}"
        )
    reader = _Reader(namespace) if namespace else _READER
    if isinstance(schema, Schema):
        return schema
    if isinstance(schema, Mapping):
        return _mapping_schema(schema, "the schema", reader)
    if isinstance(schema, type):
        record = _record_schema(schema, reader)
        if record is not None:
            return record
        raise InvalidArgument(
            f"schema must be an attrs class, a dataclass, a TypedDict or a mapping of field "
            f"names to types, not the class {schema.__name__}"
        )
    if attrs.has(type(schema)) or dataclasses.is_dataclass(schema):
        raise InvalidArgument(
            f"schema must be a class, not an instance of it: pass {type(schema).__name__}, "
            f"not {type(schema).__name__}(...)"
        )
    raise InvalidArgument(
        f"schema must be an attrs class, a dataclass, a TypedDict or a mapping of field names "
        f"to types, not {type(schema).__name__} ({_short(schema)})"
    )


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


def _mapping_schema(mapping: Mapping[Any, Any], title: str, reader: _Reader) -> Schema:
    entries: dict[str, Any] = {}
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise InvalidArgument(f"schema field names must be text, not {_short(key)}")
        if isinstance(value, Mapping):
            entries[key] = _mapping_schema(value, f"`{key}`", reader)
        elif _is_type_like(value):
            if has_names_in_quotes(value):
                raise InvalidArgument(
                    f"schema field {key!r}: {_short(value)} names a type in quotes, which a "
                    "mapping gives no module to look up in (write the type itself)"
                )
            entries[key] = value
        else:
            raise InvalidArgument(
                f"schema field {key!r}: {_short(value)} is not a type "
                "(write a type such as int, str, datetime, or a nested mapping)"
            )
    return Schema(title, entries, reader=reader)


def _is_type_like(value: Any) -> bool:
    if isinstance(value, (type, Schema, typing.TypeVar)) or value is Any or value is None:
        return True
    if typing.get_origin(value) is not None:
        return True
    return callable(getattr(value, "__supertype__", None)) or hasattr(value, "__supertype__")


def _record_schema(cls: type, reader: _Reader) -> Schema | None:
    cached = reader.records.get(cls)
    if cached is not None:
        return cached
    entries: dict[str, Any] = {}
    open_schema = False
    if attrs.has(cls):
        with contextlib.suppress(Exception):  # unresolvable names: read field by field below
            attrs.resolve_types(cls)
        hints = annotations_of(cls, reader.namespace)
        for field in attrs.fields(cls):
            tp = hints.get(field.name, field.type)
            tp = Any if tp is None else resolve_annotation(tp, cls, field.name, reader.namespace)
            if field.name == "extra" and _is_open_mapping(tp):
                open_schema = True  # extra fields are read like the others (leadrules.Lead)
                continue
            entries[field.name] = tp
    elif dataclasses.is_dataclass(cls):
        hints = annotations_of(cls, reader.namespace)
        for dfield in dataclasses.fields(cls):
            tp = hints.get(dfield.name, dfield.type)
            entries[dfield.name] = resolve_annotation(tp, cls, dfield.name, reader.namespace)
        for klass in cls.__mro__:
            for key, member in vars(klass).items():
                if isinstance(member, property) and key not in entries:
                    entries[key] = _type_of_property(klass, key, member, reader)
    elif typing.is_typeddict(cls):
        entries.update(annotations_of(cls, reader.namespace))
    else:
        return None
    schema = Schema(cls.__name__, entries, open=open_schema, owner=cls, reader=reader)
    reader.records[cls] = schema
    return schema


def _type_of_property(klass: type, key: str, prop: property, reader: _Reader) -> Any:
    """The return annotation of a property (Any without one)."""
    try:
        written = inspect.get_annotations(prop.fget).get("return") if prop.fget else None
    except Exception:  # pragma: no cover - annotations that fail to evaluate lazily
        written = None
    return Any if written is None else resolve_annotation(written, klass, key, reader.namespace)


def _is_open_mapping(tp: Any) -> bool:
    origin = typing.get_origin(tp) or tp
    return tp is Any or (isinstance(origin, type) and issubclass(origin, cabc.Mapping))


def _display(tp: Any) -> str:
    if isinstance(tp, Schema):
        return tp.title
    if isinstance(tp, type) and typing.get_origin(tp) is None:
        return tp.__name__
    text = repr(tp)
    return re.sub(r"\b(typing|collections\.abc|datetime|decimal)\.", "", text)


_LIST_ORIGINS: tuple[Any, ...] = (
    list,
    tuple,
    set,
    frozenset,
    cabc.Sequence,
    cabc.MutableSequence,
    cabc.Iterable,
    cabc.Collection,
    cabc.Set,
    cabc.MutableSet,
)
_UNION_ORIGINS: tuple[Any, ...] = (typing.Union, types.UnionType)


def _field_type(tp: Any, reader: _Reader) -> FieldType:
    """Convert one annotation to a :class:`FieldType`; anything unfamiliar is ``any``, and an
    annotation that could not be read is ``any`` marked unreadable."""
    if isinstance(tp, Unreadable):
        return FieldType(frozenset({ANY}), tp.annotation, unreadable=tp)
    display = _display(tp)
    if isinstance(tp, Schema):
        return FieldType(frozenset({RECORD}), tp.title, record=tp)
    if tp is Any or tp is object or isinstance(tp, (typing.TypeVar, str, typing.ForwardRef)):
        return FieldType(frozenset({ANY}), display)
    supertype = getattr(tp, "__supertype__", None)
    if supertype is not None:  # NewType
        return attrs.evolve(_field_type(supertype, reader), display=display)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _field_type(args[0], reader)
    if origin in _UNION_ORIGINS:
        members = [a for a in args if a is not type(None) and a is not None]
        if not members:
            return FieldType(frozenset({ANY}), display)
        converted = [_field_type(m, reader) for m in members]
        if len(converted) == 1:
            return attrs.evolve(converted[0], display=display)
        if any(c.is_any or c.is_list or c.is_record for c in converted):
            return FieldType(frozenset({ANY}), display)
        kinds = frozenset().union(*(c.kinds for c in converted))
        choices: tuple[Any, ...] | None = None
        if all(c.choices is not None for c in converted):
            choices = tuple(v for c in converted for v in (c.choices or ()))
        return FieldType(kinds, display, choices)
    if origin is typing.Literal:
        values = tuple(a for a in args if a is not None)
        return FieldType(_kinds_of_values(values), display, values)
    if origin is not None and origin in _LIST_ORIGINS:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            item = _field_type(args[0], reader) if len(set(args)) == 1 and args else ANY_TYPE
        else:
            item = _field_type(args[0], reader) if args else ANY_TYPE
        return FieldType(frozenset({LIST}), display, item=item)
    if origin is not None and isinstance(origin, type) and issubclass(origin, cabc.Mapping):
        return FieldType(frozenset({ANY}), display)
    if origin is type or origin is not None:
        return FieldType(frozenset({ANY}), display)
    if not isinstance(tp, type):
        return FieldType(frozenset({ANY}), display)
    if issubclass(tp, enum.Enum):
        values = tuple(member.value for member in tp)
        return FieldType(_kinds_of_values(values), display, values)
    if issubclass(tp, bool):
        return FieldType(frozenset({BOOL}), display)
    if issubclass(tp, (int, float, Decimal, fractions.Fraction)) or (
        issubclass(tp, numbers.Number) and not issubclass(tp, complex)
    ):
        return FieldType(frozenset({NUMBER}), display)
    if issubclass(tp, str):
        return FieldType(frozenset({TEXT}), display)
    if issubclass(tp, (dt.date, dt.datetime)):
        return FieldType(frozenset({DATE}), display)
    if issubclass(tp, (list, tuple, set, frozenset)):
        return FieldType(frozenset({LIST}), display, item=ANY_TYPE)
    if issubclass(tp, Mapping):
        return FieldType(frozenset({ANY}), display)
    record = _record_schema(tp, reader)
    if record is not None:
        return FieldType(frozenset({RECORD}), display, record=record)
    return FieldType(frozenset({ANY}), display)


def _kinds_of_values(values: Iterable[Any]) -> frozenset[str]:
    kinds: set[str] = set()
    for value in values:
        if isinstance(value, bool):
            kinds.add(BOOL)
        elif isinstance(value, (int, float, Decimal)):
            kinds.add(NUMBER)
        elif isinstance(value, str):
            kinds.add(TEXT)
        elif isinstance(value, (dt.date, dt.datetime)):
            kinds.add(DATE)
        else:
            return frozenset({ANY})
    return frozenset(kinds) or frozenset({ANY})


def show_choices(choices: tuple[Any, ...]) -> str:
    """``["GB", "IE", ...]``: the choices of a field for a message (the first eight)."""
    shown = [literal_text(c) for c in choices[:8]]
    if len(choices) > 8:
        shown.append("...")
    return "[" + ", ".join(shown) + "]"


_PLAIN_NAME = re.compile(r"[^\W\d_]\w*(?: [^\W\d_]\w*)*")


@functools.lru_cache(maxsize=1024)
def _writable(key: str) -> str:
    """How a rule writes the field ``key``: its words (``company size``) when they parse as
    that name, else the key in backticks."""
    plain = ast.normalize_name(key)
    if _PLAIN_NAME.fullmatch(plain):
        try:
            tree = parse(f"+1 when {plain} is present")
        except LeadRulesError:
            tree = None
        if tree is not None and len(tree.statements) == 1:
            rule = tree.statements[0]
            condition = rule.condition if isinstance(rule, ast.ScoreRule) else None
            if isinstance(condition, ast.Presence) and condition.name.key == plain:
                return plain
    return f"`{key}`"


def event_properties(events: FieldType | None) -> Schema | None:
    """The schema that names inside ``where`` resolve against, or None when unchecked."""
    if events is None or not events.is_list or events.item is None:
        return None
    element = events.item
    if not element.is_record or element.record is None:
        return None
    record = element.record
    props = record.find(ast.NamePart("properties"))
    if props is not None:
        kind = record.type_of(props)
        if not kind.is_record:
            return None  # a mapping (or untyped): the properties are open
    return record


# ----------------------------------------------------------------------------- names


@attrs.frozen
class Path:
    """Where a name led in a schema: ``field``, its type (ANY_TYPE past an open record or an
    Any field), or None where the walk stopped: at part ``index``, looked up in ``where``,
    after the fields in ``trail``, because there was no such field (``parent`` None) or
    because the field before it, ``parent``, holds no record."""

    field: FieldType | None
    index: int = 0
    where: Schema | None = None
    trail: tuple[str, ...] = ()
    parent: FieldType | None = None


def walk(schema: Schema, name: ast.Name) -> Path:
    """Follow ``name`` part by part through ``schema`` (a dotted name may also be one flat
    key, such as ``address.city`` in a CSV header)."""
    parts = name.parts
    current = schema
    trail: list[str] = []
    for index, part in enumerate(parts):
        key = current.find(part)
        if key is None and index == 0 and len(parts) > 1:
            flat = current.find_flat(".".join(p.text for p in parts))
            if flat is not None:
                return Path(current.type_of(flat))
        if key is None:
            if current.open:
                return Path(ANY_TYPE)
            return Path(None, index, current, tuple(trail))
        trail.append(current.writable(key))
        field = current.type_of(key)
        if index == len(parts) - 1:
            return Path(field)
        if field.is_any:
            return Path(field if field.unreadable is not None else ANY_TYPE)
        if not field.is_record or field.record is None:
            return Path(None, index, current, tuple(trail), field)
        current = field.record
    raise AssertionError("a name has at least one part")  # pragma: no cover


def resolve_field(schema: Any, name: ast.Name) -> FieldType | None:
    """The type of the field ``name`` refers to in ``schema`` (ANY when open or unchecked), or
    None when it is not a field (an event, or unknown)."""
    return walk(schema_of(schema), name).field

"""Checking rules against a schema: an attrs class, a dataclass, a TypedDict, or a plain mapping
of field names to types (``{"company size": int, "address": {"country": str}}``).

Every name in the checked tree is resolved to a field the way the language resolves names on a
lead (case and separators ignored, backticked names matched exactly first, dots into nested
classes), and every test is checked against the field's type. All problems are reported at once
in one :class:`~leadrules.errors.SchemaError`.

See ``docs/checking.md`` for the rules, with examples.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import dataclasses
import datetime as dt
import enum
import fractions
import functools
import numbers
import re
import types
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..errors import Diagnostic, InvalidArgument, LeadRulesError, SchemaError
from ..runtime.values import to_number, to_text
from . import ast
from .checker import CheckedRules
from .messages import did_you_mean
from .parser import parse

__all__ = ["FieldType", "Schema", "check_schema", "make_diagnostic", "resolve_field", "schema_of"]

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
    """

    kinds: frozenset[str]
    display: str
    choices: tuple[Any, ...] | None = None
    item: FieldType | None = None
    record: Schema | None = attrs.field(default=None, eq=False, repr=False)

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
            what = f"one of {_show_choices(self.choices)}"
        return f"{what} ({self.display})"


ANY_TYPE = FieldType(frozenset({ANY}), "Any")


class Schema:
    """The fields of one class or mapping, resolved lazily (so recursive classes work).

    ``open`` schemas (``leadrules.Lead``, whose ``extra`` takes any field) accept unknown
    names without complaint.
    """

    def __init__(
        self, title: str, entries: Mapping[str, Any], open: bool = False, owner: Any = None
    ) -> None:
        self.title = title
        self.open = open
        self.owner = owner
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
            cached = _field_type(self._raw[key])
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

_RECORD_CACHE: dict[Any, Schema] = {}


def schema_of(schema: Any) -> Schema:
    """A :class:`Schema` for an attrs class, a dataclass, a TypedDict or a mapping of names to
    types; :class:`~leadrules.errors.InvalidArgument` for anything else."""
    if isinstance(schema, Schema):
        return schema
    if isinstance(schema, Mapping):
        return _mapping_schema(schema, "the schema")
    if isinstance(schema, type):
        record = _record_schema(schema)
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


def _mapping_schema(mapping: Mapping[Any, Any], title: str) -> Schema:
    entries: dict[str, Any] = {}
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise InvalidArgument(f"schema field names must be text, not {_short(key)}")
        if isinstance(value, Mapping):
            entries[key] = _mapping_schema(value, f"`{key}`")
        elif _is_type_like(value):
            entries[key] = value
        else:
            raise InvalidArgument(
                f"schema field {key!r}: {_short(value)} is not a type "
                "(write a type such as int, str, datetime, or a nested mapping)"
            )
    return Schema(title, entries)


def _is_type_like(value: Any) -> bool:
    if isinstance(value, (type, Schema, typing.TypeVar)) or value is Any or value is None:
        return True
    if typing.get_origin(value) is not None:
        return True
    return callable(getattr(value, "__supertype__", None)) or hasattr(value, "__supertype__")


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:
        return {}


def _record_schema(cls: type) -> Schema | None:
    cached = _RECORD_CACHE.get(cls)
    if cached is not None:
        return cached
    entries: dict[str, Any] = {}
    open_schema = False
    if attrs.has(cls):
        with contextlib.suppress(Exception):  # unresolvable names: read what can be read
            attrs.resolve_types(cls)
        hints = _hints(cls)
        for field in attrs.fields(cls):
            tp = field.type if not isinstance(field.type, str) else hints.get(field.name, Any)
            if tp is None:
                tp = hints.get(field.name, Any)
            if field.name == "extra" and _is_open_mapping(tp):
                open_schema = True  # extra fields are read like the others (leadrules.Lead)
                continue
            entries[field.name] = tp
    elif dataclasses.is_dataclass(cls):
        hints = _hints(cls)
        for dfield in dataclasses.fields(cls):
            tp = dfield.type if not isinstance(dfield.type, str) else hints.get(dfield.name, Any)
            entries[dfield.name] = tp
        for klass in cls.__mro__:
            for key, member in vars(klass).items():
                if isinstance(member, property) and key not in entries:
                    entries[key] = _hints_of_property(member)
    elif typing.is_typeddict(cls):
        entries.update(_hints(cls))
    else:
        return None
    schema = Schema(cls.__name__, entries, open=open_schema, owner=cls)
    _RECORD_CACHE[cls] = schema
    return schema


def _hints_of_property(prop: property) -> Any:
    try:
        return typing.get_type_hints(prop.fget).get("return", Any)
    except Exception:
        return Any


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


def _field_type(tp: Any) -> FieldType:
    """Convert one annotation to a :class:`FieldType`; anything unfamiliar is ``any``."""
    display = _display(tp)
    if isinstance(tp, Schema):
        return FieldType(frozenset({RECORD}), tp.title, record=tp)
    if tp is Any or tp is object or isinstance(tp, (typing.TypeVar, str, typing.ForwardRef)):
        return FieldType(frozenset({ANY}), display)
    supertype = getattr(tp, "__supertype__", None)
    if supertype is not None:  # NewType
        return attrs.evolve(_field_type(supertype), display=display)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _field_type(args[0])
    if origin in _UNION_ORIGINS:
        members = [a for a in args if a is not type(None) and a is not None]
        if not members:
            return FieldType(frozenset({ANY}), display)
        converted = [_field_type(m) for m in members]
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
            item = _field_type(args[0]) if len(set(args)) == 1 and args else ANY_TYPE
        else:
            item = _field_type(args[0]) if args else ANY_TYPE
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
    record = _record_schema(tp)
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


def _show_choices(choices: tuple[Any, ...]) -> str:
    shown = [_show_value(c) for c in choices[:8]]
    if len(choices) > 8:
        shown.append("...")
    return "[" + ", ".join(shown) + "]"


def _show_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Decimal):
        return ast._format_decimal(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


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


def _quoted(written: str) -> str:
    """A name as written, in backticks for a message (unless it has some already)."""
    return written if "`" in written else f"`{written}`"


def _nested_match(schema: Schema, part: ast.NamePart) -> str | None:
    """``address.country`` when ``country`` (or a near miss like ``contry``) is not a field
    but a field of a nested class."""
    candidates: dict[str, str] = {}
    for key in schema.names:
        field = schema.type_of(key)
        if field.is_record and field.record is not None:
            for inner in field.record.names:
                written = f"{schema.writable(key)}.{field.record.writable(inner)}"
                candidates.setdefault(ast.normalize_name(inner), written)
    guess = did_you_mean(part.key, candidates)
    return None if guess is None else candidates[guess]


# ----------------------------------------------------------------------------- diagnostics


def make_diagnostic(
    rules: CheckedRules,
    span: ast.Span,
    message: str,
    hint: str | None = None,
    severity: str = "error",
) -> Diagnostic:
    """A :class:`Diagnostic` at ``span`` of ``rules``' source, with the line and a caret."""
    return Diagnostic.at(rules.file.source, rules.file.filename, span, message, hint, severity)


# ----------------------------------------------------------------------------- the checker


class _Event:
    """The result of resolving a bare name that is an event, not a field."""


EVENT = _Event()

_LITERAL_WORDS = {NUMBER: "a number", TEXT: "a text", BOOL: "true/false", DATE: "a date"}


def _literal_kind(value: ast.Value) -> str | None:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, Decimal):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, (dt.date, dt.datetime)):
        return DATE
    return None


class _Scope:
    """Where names resolve: the lead's schema (``events`` allowed) or an event's properties.
    ``schema`` None means the names are not checked."""

    def __init__(self, schema: Schema | None, path: str = "", top: bool = True) -> None:
        self.schema = schema
        self.path = path
        self.top = top


class _SchemaChecker:
    def __init__(self, rules: CheckedRules, schema: Schema) -> None:
        self.rules = rules
        self.schema = schema
        self.problems: list[Diagnostic] = []
        self.root = _Scope(schema)
        events = schema.events_field()
        self.has_events = events is not None or schema.open
        self.event_scope = _Scope(_event_properties(events), "the event's", top=False)

    def error(self, span: ast.Span, message: str, hint: str | None = None) -> None:
        self.problems.append(make_diagnostic(self.rules, span, message, hint))

    def run(self) -> None:
        for definition in self.rules.definitions:
            self.cond(definition.condition, self.root)
        for rule in self.rules.score_rules:
            if rule.condition is not None:
                self.cond(rule.condition, self.root)
            if rule.per is not None:
                self.per(rule.per)
        for dq in self.rules.disqualifications:
            self.cond(dq.condition, self.root)
        for stage in self.rules.stages:
            if stage.condition is not None:
                self.cond(stage.condition, self.root)
        if self.problems:
            self.problems.sort(key=lambda d: (d.line, d.column))
            raise SchemaError(self.problems)

    # ---- names

    def resolve(
        self, name: ast.Name, scope: _Scope, *, event_ok: bool = False, modifiers: bool = False
    ) -> FieldType | _Event | None:
        """The field ``name`` refers to; EVENT for an event; None after reporting a problem.
        ANY_TYPE when the scope is not checked."""
        schema = scope.schema
        if schema is None:
            return ANY_TYPE
        path = _walk(schema, name)
        if path.field is not None:
            return path.field
        trail = list(path.trail)
        if path.parent is None:  # no such field where the walk stopped
            assert path.where is not None
            if path.index == 0 and scope.top and event_ok and self.has_events:
                return EVENT
            self.unknown(name, name.parts[path.index], path.where, trail, scope, modifiers)
            return None
        self.error(
            name.span,
            f"{_quoted('.'.join(trail))} is {path.parent.describe()}: it has no field "
            f"`{name.parts[path.index + 1]}`",
            f"write {_quoted('.'.join(trail))} alone, or name another field",
        )
        return None

    def unknown(
        self,
        name: ast.Name,
        part: ast.NamePart,
        where: Schema,
        trail: list[str],
        scope: _Scope,
        modifiers: bool,
    ) -> None:
        prefix = ".".join(trail)
        lead = prefix + "." if prefix else ""
        keys = {ast.normalize_name(k): k for k in where.names}
        guess = did_you_mean(part.key, keys)
        nested = _nested_match(where, part)
        hint: str | None = None
        if guess is not None:
            hint = f"did you mean {_quoted(lead + where.writable(keys[guess]))}?"
        elif nested is not None:
            hint = f"did you mean {_quoted(lead + nested)}?"
        elif scope.top and not prefix and modifiers and not self.has_events:
            hint = "add an `events` field (e.g. `events: list[leadrules.Event]`) to the schema"
        elif 0 < len(where.names) <= 12:
            shown = ", ".join(_quoted(where.writable(k)) for k in where.names)
            hint = f"the fields are: {shown}"
        if prefix:
            message = f"`{prefix}` has no field `{part}`"
        elif not scope.top:
            message = f"`{name}` is not a property of the events ({where.title})"
        else:
            message = f"`{name}` is not a field of {where.title}"
        if scope.top and not prefix and modifiers and not self.has_events:
            message += f", and {where.title} has no `events` field, so it cannot be an event"
        self.error(name.span, message, hint)

    # ---- conditions

    def cond(self, node: ast.Cond, scope: _Scope) -> None:
        if isinstance(node, (ast.And, ast.Or)):
            for operand in node.operands:
                self.cond(operand, scope)
            return
        if isinstance(node, ast.Not):
            self.cond(node.operand, scope)
            return
        if isinstance(node, ast.DefRef):
            return  # checked where it is defined
        if isinstance(node, ast.Fact):
            self.fact(node, scope)
            return
        field = self.resolve(node.name, scope)
        if not isinstance(field, FieldType) or field.is_any:
            return
        if isinstance(node, ast.Compare):
            self.compare(node, field, node.op, node.value)
        elif isinstance(node, ast.In):
            for item in node.values.items:
                self.compare(node, field, "=", item, in_list=True)
        elif isinstance(node, ast.Between):
            if field.kinds == frozenset({BOOL}):
                self.error(
                    node.span,
                    f"`between` does not apply to `{node.name}`, which is yes/no",
                    f"write `{node.name} = true` or `{node.name} = false`",
                )
                return
            self.compare(node, field, ">=", node.low)
            if _literal_kind(node.low) != _literal_kind(node.high) or not self.fits(
                field, node.low
            ):
                return
            self.compare(node, field, "<=", node.high)
        elif isinstance(node, ast.TextTest):
            self.text_test(node, field)
        elif isinstance(node, ast.Matches) and not field.allows(TEXT):
            self.error(
                node.span,
                f"`matches` tests text, but `{node.name}` is {field.describe()}",
                _hint_for(field, node.name),
            )

    def fits(self, field: FieldType, value: ast.Value) -> bool:
        kind = _literal_kind(value)
        return kind is not None and field.allows(kind)

    def compare(
        self,
        node: ast.Compare | ast.In | ast.Between,
        field: FieldType,
        op: str,
        value: ast.Value,
        in_list: bool = False,
    ) -> None:
        kind = _literal_kind(value)
        if kind is None:
            return  # a list or a duration: the checker has reported it
        name = node.name
        where = f"the list for `{name}` holds {_show_value(value)}, " if in_list else ""
        if field.is_list or field.is_record:
            what = "a list" if field.is_list else "a group of fields"
            hint = (
                f"to test its items write `{name} contains {_show_value(value)}`"
                if field.is_list
                else f"name one of its fields, like `{name}.<field>`"
            )
            self.error(
                node.span,
                f"{where}`{name}` is {what} ({field.display}), so it cannot be compared "
                f"with {_LITERAL_WORDS[kind]}",
                hint,
            )
            return
        if field.allows(kind):
            if field.choices is not None and op in ("=", "!="):
                self.choice(node, field, value, in_list)
            return
        if kind == BOOL and field.allows(TEXT):
            return  # yes/no written as text ("yes", "false"), as CSV files carry them
        if in_list:
            message = (
                f"{where}{_LITERAL_WORDS[kind]}, but `{name}` is {field.describe()}: "
                "every item must be of the field's type"
            )
        elif kind == NUMBER and op in ("<", "<=", ">", ">="):
            message = (
                f"`{op}` compares numbers here, but `{name}` is {field.describe()}"
                if not isinstance(node, ast.Between)
                else f"`between` compares numbers here, but `{name}` is {field.describe()}"
            )
        else:
            message = (
                f"`{name}` is {field.describe()}, so it cannot be compared with "
                f"{_LITERAL_WORDS[kind]} ({_show_value(value)})"
            )
        self.error(node.span, message, _hint_for(field, name, value))

    def choice(
        self, node: ast.Compare | ast.In | ast.Between, field: FieldType, value: Any, in_list: bool
    ) -> None:
        choices = field.choices or ()
        if any(_same(choice, value) for choice in choices):
            return
        texts = {str(c): c for c in choices if isinstance(c, str)}
        guess = did_you_mean(str(value), texts) if isinstance(value, str) else None
        hint = (
            f"did you mean {_show_value(texts[guess])}?"
            if guess is not None
            else f"use one of {_show_choices(choices)}"
        )
        self.error(
            node.span,
            f"{_show_value(value)} is not one of the choices for `{node.name}`: "
            f"{_show_choices(choices)}",
            hint,
        )

    def text_test(self, node: ast.TextTest, field: FieldType) -> None:
        if field.is_list:
            if node.op != "contains":
                self.error(
                    node.span,
                    f"`{node.op}` tests text, but `{node.name}` is a list ({field.display})",
                    f"to test whether the list holds an item write `{node.name} contains ...`",
                )
                return
            item = field.item or ANY_TYPE
            if item.is_any:
                return
            kind = _literal_kind(node.value)
            if kind is not None and not item.allows(kind):
                self.error(
                    node.span,
                    f"the items of `{node.name}` are {item.describe()}, so it cannot contain "
                    f"{_LITERAL_WORDS[kind]} ({_show_value(node.value)})",
                    f"write an item of type {item.display}",
                )
            elif item.choices is not None and not any(_same(c, node.value) for c in item.choices):
                self.error(
                    node.span,
                    f"{_show_value(node.value)} is not one of the choices for the items of "
                    f"`{node.name}`: {_show_choices(item.choices)}",
                    f"use one of {_show_choices(item.choices)}",
                )
            return
        if not field.allows(TEXT):
            self.error(
                node.span,
                f"`{node.op}` tests text, but `{node.name}` is {field.describe()}",
                _hint_for(field, node.name),
            )

    # ---- facts and events

    def fact(self, node: ast.Fact, scope: _Scope) -> None:
        if not scope.top:
            self.resolve(node.name, scope)
            return
        found = self.resolve(node.name, scope, event_ok=True, modifiers=node.has_modifiers)
        if found is None:
            return
        if isinstance(found, _Event):
            if node.where is not None:
                self.cond(node.where, self.event_scope)
            return
        if found.is_any:
            if node.where is not None:
                self.cond(node.where, _Scope(None, top=False))
            return
        if node.count is not None or node.where is not None:
            self.error(
                node.span,
                f"`{node.name}` is a field of {self.schema.title} ({found.display}), not an "
                "event: `at least`, `at most` and `where` count events",
                "test the field itself, e.g. "
                f"`{node.name} is present`, or use the name of an event",
            )
            return
        if node.windows:
            if not found.allows(DATE):
                words = sorted({w.kind for w in node.windows})
                self.error(
                    node.span,
                    f"`{'`/`'.join(words)}` tests dates, but `{node.name}` is {found.describe()}",
                    _hint_for(found, node.name),
                )
            return
        if found.is_record:
            self.error(
                node.span,
                f"`{node.name}` is a group of fields ({found.display}); on its own it is "
                "neither true nor false",
                f"test one of its fields, like `{node.name}.<field> is present`",
            )

    def per(self, node: ast.Fact) -> None:
        found = self.resolve(node.name, self.root, event_ok=True, modifiers=True)
        if found is None:
            return
        if isinstance(found, _Event):
            if node.where is not None:
                self.cond(node.where, self.event_scope)
            return
        if found.is_any:
            return
        if node.has_modifiers:
            self.error(
                node.span,
                f"`{node.name}` is a field of {self.schema.title} ({found.display}): `per` with "
                "a count, a time window or `where` needs an event",
                f"write `per {node.name}` alone to give points for each unit of the field",
            )
            return
        if not (found.allows(NUMBER) or found.is_list):
            self.error(
                node.span,
                f"`per` counts events, list items or the units of a number, but "
                f"`{node.name}` is {found.describe()}",
                f"write `+N when {node.name} ...` to give points once",
            )


def _event_properties(events: FieldType | None) -> Schema | None:
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


def _same(choice: Any, value: Any) -> bool:
    if isinstance(choice, bool) or isinstance(value, bool):
        return isinstance(choice, bool) and isinstance(value, bool) and choice == value
    if isinstance(value, Decimal):
        number = to_number(choice)
        return isinstance(number, Decimal) and number == value
    if isinstance(value, str):
        text = to_text(choice)
        return isinstance(text, str) and text == value.strip().casefold()
    if isinstance(value, (dt.date, dt.datetime)):
        return bool(choice == value)
    return False


def _hint_for(field: FieldType, name: ast.Name, value: Any = None) -> str:
    """What to write instead, for a test that does not suit ``field``."""
    if field.is_list:
        return f"to test the list's items write `{name} contains ...`"
    if field.is_record:
        return f"name one of its fields, like `{name}.<field>`"
    if field.choices is not None:
        return f"compare it with one of {_show_choices(field.choices)}"
    if field.allows(NUMBER):
        if isinstance(value, str) and not isinstance(to_number(value), Decimal):
            return f"compare it with a number, like `{name} >= 50`"
        if isinstance(value, str):
            return f"write the number without quotes: `{name} = {value.strip()}`"
        return f"compare numbers with =, <, >, between, like `{name} >= 50`"
    if field.allows(DATE):
        return f"test dates with within/since/before/after, like `{name} within 30 days`"
    if field.allows(BOOL):
        return f"write `{name}` or `not {name}`"
    if field.allows(TEXT):
        if isinstance(value, Decimal):
            return f'compare it with text in quotes: `{name} = "{_show_value(value)}"`'
        return f'compare text with =, in, contains, starts with, like `{name} = "..."`'
    return "change the field's type in the schema, or the test"


def check_schema(rules: CheckedRules, schema: Any) -> None:
    """Raise SchemaError listing every name in ``rules`` that ``schema`` lacks and every test
    that does not suit its field's type; InvalidArgument when ``schema`` is not a schema."""
    _SchemaChecker(rules, schema_of(schema)).run()


@attrs.frozen
class _Path:
    """Where a name led in a schema: ``field``, its type (ANY_TYPE past an open record or an
    Any field), or None where the walk stopped: at part ``index``, looked up in ``where``,
    after the fields in ``trail``, because there was no such field (``parent`` None) or
    because the field before it, ``parent``, holds no record."""

    field: FieldType | None
    index: int = 0
    where: Schema | None = None
    trail: tuple[str, ...] = ()
    parent: FieldType | None = None


def _walk(schema: Schema, name: ast.Name) -> _Path:
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
                return _Path(current.type_of(flat))
        if key is None:
            if current.open:
                return _Path(ANY_TYPE)
            return _Path(None, index, current, tuple(trail))
        trail.append(current.writable(key))
        field = current.type_of(key)
        if index == len(parts) - 1:
            return _Path(field)
        if field.is_any:
            return _Path(ANY_TYPE)
        if not field.is_record or field.record is None:
            return _Path(None, index, current, tuple(trail), field)
        current = field.record
    raise AssertionError("a name has at least one part")  # pragma: no cover


def resolve_field(schema: Any, name: ast.Name) -> FieldType | None:
    """The type of the field ``name`` refers to in ``schema`` (ANY when open or unchecked), or
    None when it is not a field (an event, or unknown)."""
    return _walk(schema_of(schema), name).field

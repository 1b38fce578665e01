"""Checking rules against a schema (see :mod:`.fields` for what a schema declares).

Every name in the checked tree is resolved to a field, and every test is checked against the
field's type. All problems are reported at once in one :class:`~leadrules.errors.SchemaError`.

See ``docs/checking.md`` for the rules, with examples.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ...errors import Diagnostic, SchemaError
from ...runtime.values import fold, to_number, to_text
from .. import ast, literals
from ..checker import CheckedRules
from ..literals import literal_text
from ..messages import did_you_mean
from ..visitor import Visitor
from .fields import (
    ANY_TYPE,
    BOOL,
    DATE,
    NUMBER,
    TEXT,
    FieldType,
    Schema,
    Unreadable,
    event_properties,
    schema_of,
    show_choices,
    walk,
)

__all__ = ["EVENT", "check_schema", "make_diagnostic"]


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


def _literal_kind(value: ast.Value) -> str | None:
    """The kind of a literal as a field's kinds name it (a date-time is a date)."""
    kind = literals.kind(value)
    if kind is None:
        return None
    return DATE if kind is literals.Kind.DATETIME else kind.value


def _words(kind: str) -> str:
    """How a message names a literal of a field kind: ``"a number"``, ``"true/false"``."""
    return literals.Kind(kind).words


class _Scope:
    """Where names resolve: the lead's schema (``events`` allowed) or an event's properties.
    ``schema`` None means the names are not checked."""

    def __init__(self, schema: Schema | None, path: str = "", top: bool = True) -> None:
        self.schema = schema
        self.path = path
        self.top = top


class _SchemaChecker(Visitor[[_Scope], None]):
    """One check of rules against a schema; as a visitor, it checks one condition in a scope
    (see :meth:`cond`)."""

    def __init__(self, rules: CheckedRules, schema: Schema) -> None:
        self.rules = rules
        self.schema = schema
        self.problems: list[Diagnostic] = []
        self.root = _Scope(schema)
        events = schema.events_field()
        self.has_events = events is not None or schema.open
        self.events_unreadable = None if events is None else events.unreadable
        self.event_scope = _Scope(event_properties(events), "the event's", top=False)

    def error(self, span: ast.Span, message: str, hint: str | None = None) -> None:
        self.problems.append(make_diagnostic(self.rules, span, message, hint))

    def run(self) -> None:
        for condition in self.rules.conditions(per=False):
            self.cond(condition, self.root)
        for rule in self.rules.score_rules:
            if rule.per is not None:
                self.per(rule.per)
        if self.problems:
            self.problems.sort(key=lambda d: (d.line, d.column))
            raise SchemaError(self.problems)

    # ---- names

    def resolve(
        self,
        name: ast.Name,
        scope: _Scope,
        *,
        event_ok: bool = False,
        modifiers: bool = False,
        typed: bool = True,
    ) -> FieldType | _Event | None:
        """The field ``name`` refers to; EVENT for an event; None after reporting a problem
        (among them a field whose type could not be read, unless ``typed`` is False: the test
        does not depend on the type). ANY_TYPE when the scope is not checked."""
        schema = scope.schema
        if schema is None:
            return ANY_TYPE
        path = walk(schema, name)
        if path.field is not None:
            if path.field.unreadable is not None and typed:
                self.unreadable(name.span, f"`{name}`", path.field.unreadable, own=True)
                return None
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

    def unreadable(self, span: ast.Span, what: str, why: Unreadable, own: bool) -> None:
        """``what`` cannot be checked because the annotation ``why`` could not be read."""
        owner = why.owner_name
        whose = "its type" if own else f"the type of `{why.field}`"
        found = (
            f"names `{why.missing}`, which cannot be found where {owner} is defined"
            if why.missing is not None
            else f"cannot be read ({why.problem})"
        )
        if why.missing is None:
            fix = "write the annotation as a type, such as `int`, `str` or `Literal[...]`"
        elif why.local:
            fix = (
                f"{owner} is defined inside a function, so its annotations cannot see that "
                f"function's imports: define {owner} at module level, or compile with "
                f"`schema=schema_of({owner}, namespace=locals())` (from leadrules.lang.schema)"
            )
        else:
            fix = (
                f"import `{why.missing}` at run time where {owner} is defined (not only for "
                f"type checkers), or compile with `schema=schema_of({owner}, "
                f'namespace={{"{why.missing}": {why.missing}}})` (from leadrules.lang.schema)'
            )
        self.error(
            span, f"{what} cannot be checked: {whose} in {owner}, `{why.annotation}`, {found}", fix
        )

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
        self.visit(node, scope)

    def _operands(self, node: ast.And | ast.Or, scope: _Scope) -> None:
        for operand in node.operands:
            self.visit(operand, scope)

    visit_and = visit_or = _operands

    def visit_not(self, node: ast.Not, scope: _Scope) -> None:
        self.visit(node.operand, scope)

    def visit_defref(self, node: ast.DefRef, scope: _Scope) -> None:
        return  # checked where it is defined

    def visit_fact(self, node: ast.Fact, scope: _Scope) -> None:
        self.fact(node, scope)

    def typed_field(self, name: ast.Name, scope: _Scope) -> FieldType | None:
        """The field ``name`` refers to, when its type is known (not an event, not Any)."""
        field = self.resolve(name, scope)
        if not isinstance(field, FieldType) or field.is_any:
            return None
        return field

    def visit_presence(self, node: ast.Presence, scope: _Scope) -> None:
        self.resolve(node.name, scope, typed=False)  # any field can be present or missing

    def visit_compare(self, node: ast.Compare, scope: _Scope) -> None:
        field = self.typed_field(node.name, scope)
        if field is not None:
            self.compare(node, field, node.op, node.value)

    def visit_in(self, node: ast.In, scope: _Scope) -> None:
        field = self.typed_field(node.name, scope)
        if field is not None:
            for item in node.values.items:
                self.compare(node, field, "=", item, in_list=True)

    def visit_between(self, node: ast.Between, scope: _Scope) -> None:
        field = self.typed_field(node.name, scope)
        if field is None:
            return
        if field.kinds == frozenset({BOOL}):
            self.error(
                node.span,
                f"`between` does not apply to `{node.name}`, which is yes/no",
                f"write `{node.name} = true` or `{node.name} = false`",
            )
            return
        self.compare(node, field, ">=", node.low)
        if _literal_kind(node.low) != _literal_kind(node.high) or not self.fits(field, node.low):
            return
        self.compare(node, field, "<=", node.high)

    def visit_text_test(self, node: ast.TextTest, scope: _Scope) -> None:
        field = self.typed_field(node.name, scope)
        if field is not None:
            self.text_test(node, field)

    def visit_matches(self, node: ast.Matches, scope: _Scope) -> None:
        field = self.typed_field(node.name, scope)
        if field is not None and not field.allows(TEXT):
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
        where = f"the list for `{name}` holds {literal_text(value)}, " if in_list else ""
        if field.is_list or field.is_record:
            what = "a list" if field.is_list else "a group of fields"
            hint = (
                f"to test its items write `{name} contains {literal_text(value)}`"
                if field.is_list
                else f"name one of its fields, like `{name}.<field>`"
            )
            self.error(
                node.span,
                f"{where}`{name}` is {what} ({field.display}), so it cannot be compared "
                f"with {_words(kind)}",
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
                f"{where}{_words(kind)}, but `{name}` is {field.describe()}: "
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
                f"{_words(kind)} ({literal_text(value)})"
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
            f"did you mean {literal_text(texts[guess])}?"
            if guess is not None
            else f"use one of {show_choices(choices)}"
        )
        self.error(
            node.span,
            f"{literal_text(value)} is not one of the choices for `{node.name}`: "
            f"{show_choices(choices)}",
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
                    f"{_words(kind)} ({literal_text(node.value)})",
                    f"write an item of type {item.display}",
                )
            elif item.choices is not None and not any(_same(c, node.value) for c in item.choices):
                self.error(
                    node.span,
                    f"{literal_text(node.value)} is not one of the choices for the items of "
                    f"`{node.name}`: {show_choices(item.choices)}",
                    f"use one of {show_choices(item.choices)}",
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
                self.event_filter(node.where)
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

    def event_filter(self, where: ast.Cond) -> None:
        """Check the names of a `where` against the events' type."""
        if self.events_unreadable is not None:
            what = "the names after `where`"
            self.unreadable(where.span, what, self.events_unreadable, own=False)
            return
        self.cond(where, self.event_scope)

    def per(self, node: ast.Fact) -> None:
        found = self.resolve(node.name, self.root, event_ok=True, modifiers=True)
        if found is None:
            return
        if isinstance(found, _Event):
            if node.where is not None:
                self.event_filter(node.where)
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


def _same(choice: Any, value: Any) -> bool:
    if isinstance(choice, bool) or isinstance(value, bool):
        return isinstance(choice, bool) and isinstance(value, bool) and choice == value
    if isinstance(value, Decimal):
        number = to_number(choice)
        return isinstance(number, Decimal) and number == value
    if isinstance(value, str):
        text = to_text(choice)
        return isinstance(text, str) and text == fold(value)
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
        return f"compare it with one of {show_choices(field.choices)}"
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
            return f'compare it with text in quotes: `{name} = "{literal_text(value)}"`'
        return f'compare text with =, in, contains, starts with, like `{name} = "..."`'
    return "change the field's type in the schema, or the test"


def check_schema(rules: CheckedRules, schema: Any) -> None:
    """Raise SchemaError listing every name in ``rules`` that ``schema`` lacks and every test
    that does not suit its field's type; InvalidArgument when ``schema`` is not a schema."""
    _SchemaChecker(rules, schema_of(schema)).run()

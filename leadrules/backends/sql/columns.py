"""The columns of the tables a query reads, and how rule names bind to them.

A table is known by its columns in order, each with a :class:`Kind`: the class of Python value
the reference evaluator sees for it when a row is read as a lead (text, a whole number, a
float, a Decimal, a yes/no, a date, a date-time, a list, a record). Names bind to columns when
the query is built, by the rules a lead's fields are found by
(:meth:`leadrules.runtime.leads.Record.lookup`): the name as written, then in snake_case
(unless backticked), then the first column, in the table's order, whose normal form is the
name's; private names (``_x``) never bind. A dotted name reads a field of a record column, or
else a column literally named with the dots.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import attrs

from ...lang import ast
from ...runtime.names import normalize_name

__all__ = ["Binding", "Column", "Kind", "Table", "bind", "column_of", "kind_of_type"]


class Kind(enum.Enum):
    """The class of value a column holds, as the reference evaluator reads it."""

    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"  # without a zone: taken as UTC
    TIMESTAMPTZ = "timestamptz"
    LIST = "list"
    RECORD = "record"  # a STRUCT: a mapping of fields
    NULL = "null"  # nothing but NULLs (or a path through a value that has no fields)
    OTHER = "other"  # a type leadrules cannot read (BLOB, INTERVAL, MAP, ...)


@attrs.frozen
class Column:
    """One column (or record field, or list item): its name, kind and the engine's name of
    its type; a record's fields, a list's items, a decimal's scale."""

    name: str
    kind: Kind
    type_name: str = ""
    fields: tuple[Column, ...] = ()
    item: Column | None = None
    scale: int = 0


@attrs.frozen
class Table:
    """The columns of a table, in order."""

    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@attrs.frozen
class Binding:
    """Where a name reads its value: a column, and a path of record fields in it (empty: the
    column itself). ``kind`` is the kind of the value read (NULL when the path passes through
    a value that has no such field: always missing)."""

    column: Column
    path: tuple[str, ...] = ()
    kind: Kind = Kind.NULL
    leaf: Column | None = None


def find(columns: Sequence[Column], part: ast.NamePart) -> Column | None:
    """The column (or field) one undotted part of a name binds to, as Record.lookup finds a
    field: exactly as written, then in snake_case, then by normal form, in order."""
    text = part.text
    if text.startswith("_"):
        return None
    public = [c for c in columns if not c.name.startswith("_")]
    for column in public:
        if column.name == text:
            return column
    if not part.exact:
        snake = text.replace(" ", "_")
        for column in public:
            if column.name == snake:
                return column
    key = normalize_name(text)
    for column in public:
        if normalize_name(column.name) == key:
            return column
    return None


def column_named(table: Table, name: str) -> Column | None:
    """A column the caller names (the lead id, the events' id): exactly that name, else the
    first whose normal form is its normal form."""
    for column in table.columns:
        if column.name == name:
            return column
    key = normalize_name(name)
    for column in table.columns:
        if normalize_name(column.name) == key:
            return column
    return None


def bind(table: Table, name: ast.Name) -> Binding | None:
    """The column (and record fields) ``name`` reads, or None when the table has none for
    it: as :meth:`leadrules.runtime.leads.Record.get` reads a lead."""
    if name.is_private:
        return None
    first, *rest = name.parts
    column = find(table.columns, first)
    if column is None:
        if rest:  # a flat column named with the dots, as CSV headers sometimes are
            flat = find(table.columns, ast.NamePart(".".join(p.text for p in name.parts), True))
            if flat is not None:
                return Binding(flat, (), flat.kind, flat)
        return None
    path: list[str] = []
    current = column
    for part in rest:
        found = find(current.fields, part) if current.kind is Kind.RECORD else None
        if found is None:
            return Binding(column, tuple(path), Kind.NULL, None)
        path.append(found.name)
        current = found
    return Binding(column, tuple(path), current.kind, current)


# ----------------------------------------------------------------------------- DuckDB types

_TEXT = {"VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "ENUM", "UUID"}
_INTEGERS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "INT",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}


def kind_of_type(type_name: str) -> Kind:
    """The kind of a DuckDB type, by its name (``DECIMAL(18,2)``, ``VARCHAR[]``, ...)."""
    upper = type_name.upper().strip()
    if upper.endswith("]"):
        return Kind.LIST
    base = upper.split("(", 1)[0].strip()
    if base in _TEXT and base != "UUID":
        return Kind.TEXT
    if base in _INTEGERS:
        return Kind.INTEGER
    if base in ("FLOAT", "DOUBLE", "REAL", "DOUBLE PRECISION", "FLOAT8", "FLOAT4"):
        return Kind.FLOAT
    if base in ("DECIMAL", "NUMERIC"):
        return Kind.DECIMAL
    if base in ("BOOLEAN", "BOOL"):
        return Kind.BOOLEAN
    if base == "DATE":
        return Kind.DATE
    if base in ("INT8", "INT4", "INT2", "SERIAL", "BIGSERIAL"):
        return Kind.INTEGER
    if base in (
        "TIMESTAMP",
        "DATETIME",
        "TIMESTAMP_S",
        "TIMESTAMP_MS",
        "TIMESTAMP WITHOUT TIME ZONE",
    ):
        return Kind.TIMESTAMP
    if base in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return Kind.TIMESTAMPTZ
    if base == "STRUCT":
        return Kind.RECORD
    if base in ('"NULL"', "NULL"):
        return Kind.NULL
    return Kind.OTHER


def column_of(name: str, type_: Any) -> Column:
    """A Column from a DuckDB type object (``DuckDBPyType``)."""
    type_name = str(type_)
    kind = kind_of_type(type_name)
    if kind is Kind.RECORD:
        fields = tuple(column_of(str(n), t) for n, t in type_.children)
        return Column(name, kind, type_name, fields=fields)
    if kind is Kind.LIST:
        return Column(name, kind, type_name, item=column_of("", type_.child))
    if kind is Kind.DECIMAL:
        scale = int(type_name.rsplit(",", 1)[1].rstrip(")").strip()) if "," in type_name else 3
        return Column(name, kind, type_name, scale=scale)
    return Column(name, kind, type_name)


def table_of(names: Sequence[str], types: Sequence[Any]) -> Table:
    """The Table of a DuckDB relation (its ``columns`` and ``types``)."""
    return Table(tuple(column_of(n, t) for n, t in zip(names, types, strict=True)))


def table_from_spec(spec: Sequence[str] | Sequence[tuple[str, str]]) -> Table:
    """The Table of ``columns=`` as :meth:`RuleSet.to_sql` takes it: names (text columns, as a
    CSV gives them) or (name, SQL type) pairs."""
    columns = []
    for item in spec:
        if isinstance(item, str):
            columns.append(Column(item, Kind.TEXT, "VARCHAR"))
        else:
            name, type_name = item
            kind = kind_of_type(type_name)
            scale = 0
            if kind is Kind.DECIMAL and "," in type_name:
                scale = int(type_name.rsplit(",", 1)[1].rstrip(")").strip())
            columns.append(Column(name, kind, type_name, scale=scale))
    return Table(tuple(columns))

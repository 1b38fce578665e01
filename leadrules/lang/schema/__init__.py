"""Rules and a declared lead type: :mod:`.fields` reads what a schema declares (attrs classes,
dataclasses, TypedDicts, mappings of names to types), with :mod:`.annotations` reading the
classes' annotations field by field; :mod:`.check` checks rules against it.

Every public name of both is importable from here (``leadrules.lang.schema.check_schema``,
``resolve_field``, ``schema_of``, ``FieldType``, ...).
"""

from __future__ import annotations

from .check import EVENT, check_schema, make_diagnostic
from .fields import (
    ANY,
    ANY_TYPE,
    BOOL,
    DATE,
    LIST,
    NUMBER,
    RECORD,
    TEXT,
    FieldType,
    Path,
    Schema,
    Unreadable,
    event_properties,
    resolve_field,
    schema_of,
    show_choices,
    walk,
)

__all__ = [
    "ANY",
    "ANY_TYPE",
    "BOOL",
    "DATE",
    "EVENT",
    "LIST",
    "NUMBER",
    "RECORD",
    "TEXT",
    "FieldType",
    "Path",
    "Schema",
    "Unreadable",
    "check_schema",
    "event_properties",
    "make_diagnostic",
    "resolve_field",
    "schema_of",
    "show_choices",
    "walk",
]

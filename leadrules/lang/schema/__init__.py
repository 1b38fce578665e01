"""Rules and a declared lead type: :mod:`.fields` reads what a schema declares (attrs classes,
dataclasses, TypedDicts, mappings of names to types), with :mod:`.annotations` reading the
classes' annotations field by field; :mod:`.check` checks rules against it; :mod:`.sample`
infers a schema from a sample of leads (``infer_schema``).

Every public name of them is importable from here (``leadrules.lang.schema.check_schema``,
``resolve_field``, ``schema_of``, ``FieldType``, ``infer_schema``, ...).
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
from .sample import infer_schema

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
    "infer_schema",
    "make_diagnostic",
    "resolve_field",
    "schema_of",
    "show_choices",
    "walk",
]

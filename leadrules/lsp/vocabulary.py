"""The names the language server can offer that are not in the rule file: the fields, events
and event properties of a configured schema (``MODULE:CLASS``, as ``leadrules check --schema``
takes it) or of a sample leads file (a CSV file's header; the keys, events and event
properties of the records of a JSON Lines or JSON file).

Each name is offered as a rule writes it (``company size`` for the column ``Company Size``,
backticked when it must be), through :meth:`leadrules.lang.schema.Schema.writable`. Nothing
here knows the protocol or the rule file being edited.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from types import ModuleType
from typing import Any

import attrs

from ..lang import ast
from ..lang.schema import FieldType, Schema, event_properties, schema_of, walk

__all__ = ["Entry", "Vocabulary", "VocabularyError", "from_sample", "from_schema", "load_schema"]

#: A sample file is read up to this many records (its names are in the first ones).
SAMPLE_RECORDS = 1000
_EVENT_KEYS = frozenset({"name", "at", "timestamp", "properties"})


class VocabularyError(Exception):
    """A schema or sample file that cannot be used; the message says why."""


@attrs.frozen(slots=True)
class Entry:
    """A name to offer: as a rule writes it, and what it is (``a number (int)``, ``event``)."""

    text: str
    detail: str


@attrs.frozen(slots=True)
class Vocabulary:
    """Fields, events and event properties to offer, and the schema they came from (if any)."""

    fields: tuple[Entry, ...] = ()
    events: tuple[Entry, ...] = ()
    properties: tuple[Entry, ...] = ()
    schema: Schema | None = None

    def merged(self, other: Vocabulary) -> Vocabulary:
        """Both vocabularies' names (each text once, this one's first); this one's schema, or
        the other's."""

        def union(a: tuple[Entry, ...], b: tuple[Entry, ...]) -> tuple[Entry, ...]:
            seen = {e.text for e in a}
            return a + tuple(e for e in b if e.text not in seen)

        return Vocabulary(
            union(self.fields, other.fields),
            union(self.events, other.events),
            union(self.properties, other.properties),
            self.schema if self.schema is not None else other.schema,
        )

    def nested(self, name: ast.Name) -> tuple[Entry, ...]:
        """The fields of the record ``name`` leads to in the schema (``address`` →
        ``country``, ``city``), for a name being written after a dot."""
        if self.schema is None:
            return ()
        field = walk(self.schema, name).field
        if field is None or field.record is None:
            return ()
        return _entries(field.record)


# ----------------------------------------------------------------------------- schemas


def load_schema(spec: str, root: str | None = None) -> Any:
    """The class ``spec`` names: ``package.module:Class`` (importable from ``root``, the
    workspace folder, or the installed packages) or ``path/to/file.py:Class``."""
    module_name, sep, attr_path = spec.partition(":")
    if not sep or not module_name or not attr_path:
        raise VocabularyError(f"{spec!r} is not MODULE:CLASS (for example myapp.models:Lead)")
    try:
        module = _import(module_name, root)
    except Exception as exc:
        raise VocabularyError(
            f"cannot import {module_name!r}: {type(exc).__name__}: {exc}"
        ) from exc
    target: Any = module
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise VocabularyError(f"{module_name!r} has no {attr_path!r}") from None
    try:
        schema_of(target)
    except Exception as exc:
        raise VocabularyError(f"{spec}: {exc}") from exc
    return target


def _import(name: str, root: str | None) -> ModuleType:
    if name.endswith(".py") or os.sep in name or "/" in name:
        path = name if os.path.isabs(name) or root is None else os.path.join(root, name)
        spec = importlib.util.spec_from_file_location(
            os.path.splitext(os.path.basename(path))[0], path
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"not a Python file: {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules.setdefault(spec.name, module)
        spec.loader.exec_module(module)
        return module
    if root is not None and root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(name)


def _entries(
    schema: Schema, leave_out: frozenset[str] = frozenset({"events"})
) -> tuple[Entry, ...]:
    return tuple(
        Entry(schema.writable(key), schema.type_of(key).describe())
        for key in schema.names
        if key.lower() not in leave_out
    )


def _event_names(events: FieldType | None) -> tuple[Entry, ...]:
    """The event names a schema allows, when its events' ``name`` is a Literal or an Enum."""
    if events is None or events.item is None or events.item.record is None:
        return ()
    record = events.item.record
    key = record.find(ast.NamePart("name"))
    choices = None if key is None else record.type_of(key).choices
    written = Schema("events", {})
    return tuple(Entry(written.writable(str(c)), "event") for c in choices or ())


def from_schema(schema: Any) -> Vocabulary:
    """The names a schema declares: its fields, its events' names (when they are a Literal or
    an Enum) and their properties."""
    declared = schema_of(schema)
    events = declared.events_field()
    properties = event_properties(events)
    return Vocabulary(
        fields=_entries(declared),
        events=_event_names(events),
        properties=() if properties is None else _entries(properties, _EVENT_KEYS),
        schema=declared,
    )


# ----------------------------------------------------------------------------- sample files


def _records(path: str) -> Iterator[Mapping[str, Any]]:
    lower = path.lower()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if lower.endswith(".csv") or lower.endswith(".tsv"):
            delimiter = "\t" if lower.endswith(".tsv") else ","
            header = next(csv.reader(handle, delimiter=delimiter), [])
            yield {name: None for name in header if name.strip()}
            return
        if lower.endswith(".json"):
            data = json.load(handle)
            items = data if isinstance(data, list) else [data]
            yield from (item for item in items[:SAMPLE_RECORDS] if isinstance(item, Mapping))
            return
        for count, line in enumerate(handle):
            if count >= SAMPLE_RECORDS:
                return
            if line.strip():
                item = json.loads(line)
                if isinstance(item, Mapping):
                    yield item


def _first_seen(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        if isinstance(name, str) and name.strip() and not name.startswith("_"):
            seen.setdefault(ast.normalize_name(name), name)
    return tuple(seen.values())


def from_sample(path: str) -> Vocabulary:
    """The names used by the leads of a sample file (``.csv``, ``.tsv``, ``.json``, JSON Lines
    otherwise): its fields, the names of its events and their properties."""
    fields: list[str] = []
    events: list[str] = []
    properties: list[str] = []
    try:
        for record in _records(path):
            for key, value in record.items():
                if str(key).lower() != "events":
                    fields.append(str(key))
                    continue
                for event in value if isinstance(value, list) else ():
                    if not isinstance(event, Mapping):
                        continue
                    events.append(str(event.get("name", "")))
                    props = event.get("properties")
                    if isinstance(props, Mapping):
                        properties.extend(str(k) for k in props)
                    else:
                        properties.extend(str(k) for k in event if k not in _EVENT_KEYS)
    except (OSError, ValueError) as exc:
        raise VocabularyError(f"cannot read the sample leads {path}: {exc}") from exc
    written = Schema("sample", {})
    return Vocabulary(
        fields=tuple(
            Entry(written.writable(k), "field of the sample leads") for k in _first_seen(fields)
        ),
        events=tuple(
            Entry(written.writable(e), "event of the sample leads") for e in _first_seen(events)
        ),
        properties=tuple(
            Entry(written.writable(k), "event property of the sample leads")
            for k in _first_seen(properties)
        ),
    )

"""An events file (``--events``): loaded into memory keyed by lead id, and joined to each lead
as it is read.

This is the one input that is not streamed: memory grows with the number of events, not of
leads. Not here: reading the file's records (:mod:`.records`).
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from ..lang.ast import normalize_name
from .inputs import InputFile, Reporter
from .records import LeadItem, find_field, id_text, json_error, lead_id, read_records

__all__ = ["EventTable", "attach_events", "load_events"]

_LEAD_ID_NAMES = ("lead id", "lead")
_NAME_NAMES = ("name", "event", "event name", "type", "activity")
_AT_NAMES = ("at", "timestamp", "time", "date", "occurred at", "created at")


@attrs.define
class EventTable:
    """Events loaded from a file, by lead id; ``used`` records the ids that met a lead."""

    by_lead: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    count: int = 0
    used: set[str] = attrs.field(factory=set)

    def unused(self) -> tuple[int, int]:
        """(events, lead ids) that matched no lead."""
        ids = [key for key in self.by_lead if key not in self.used]
        return sum(len(self.by_lead[key]) for key in ids), len(ids)


def _pick(keys: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in keys:
            return keys[name]
    return None


def load_events(source: InputFile, id_field: str, reporter: Reporter) -> EventTable:
    """Read an events file into memory, keyed by lead id.

    Each record needs the lead's id (a column ``lead id``/``lead_id``/``lead``, else the
    ``id_field`` column), the event's name (``name``, ``event``, ``event name``, ``type``) and its
    time (``at``, ``timestamp``, ``time``, ``date``). Properties come from a ``properties`` value
    (an object; in CSV, JSON text) and from every other column.
    """
    table = EventTable()
    id_names = (*_LEAD_ID_NAMES, normalize_name(id_field))
    for item in read_records(source, reporter):
        keys: dict[str, str] = {}
        for key in item.data:
            keys.setdefault(normalize_name(key), key)
        id_key = _pick(keys, id_names)
        name_key = _pick(keys, _NAME_NAMES)
        at_key = _pick(keys, _AT_NAMES)
        props_key = keys.get("properties")
        owner = None if id_key is None else id_text(item.data[id_key])
        if owner is None:
            reporter.skip(item.where, f"the event has no lead id (a lead_id or {id_field} column)")
            continue
        name = None if name_key is None else item.data[name_key]
        if not isinstance(name, str) or not name.strip():
            reporter.skip(item.where, "the event has no name (a name or event column)")
            continue
        properties: dict[str, Any] = {}
        if props_key is not None:
            raw = item.data[props_key]
            if isinstance(raw, str):
                try:
                    raw = json.loads(raw)
                except json.JSONDecodeError as exc:
                    reporter.note(item.where, f"properties: {json_error(exc)}; ignored")
                    raw = None
            if isinstance(raw, dict):
                properties.update(raw)
            elif raw is not None:
                reporter.note(item.where, "properties must be an object; ignored")
        used = {id_key, name_key, at_key, props_key}
        for key, value in item.data.items():
            if key not in used and value is not None:
                properties.setdefault(key, value)
        event = {
            "name": name,
            "at": None if at_key is None else item.data[at_key],
            "properties": properties,
        }
        table.by_lead.setdefault(owner, []).append(event)
        table.count += 1
    return table


def attach_events(item: LeadItem, table: EventTable, id_field: str) -> None:
    """Add the lead's events from ``table`` to its ``events`` (after any it already has)."""
    key = lead_id(item, id_field)
    if key is None:
        return
    joined = table.by_lead.get(key)
    if joined is None:
        return
    table.used.add(key)
    found = find_field(item.data, "events")
    if found is not None and isinstance(found[1], list):
        item.data[found[0]] = [*found[1], *joined]
    else:
        item.data["events" if found is None else found[0]] = list(joined)

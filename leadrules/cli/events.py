"""An events file (``--events``): loaded into memory keyed by lead id, and joined to each lead
as it is read; what matched no lead.

This is the one input that is not streamed: memory grows with the number of events, not of
leads. Problems met in many rows (events without a lead id or a name) are reported once each,
with a count and the lines, after the file is read. Not here: reading the file's records
(:mod:`.records`), choosing the id columns (:mod:`.ids`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from ..runtime.names import normalize_name
from .ids import headers_text
from .inputs import Reporter
from .records import LeadItem, find_field, id_text, json_error

__all__ = [
    "AT_NAMES",
    "NAME_NAMES",
    "EventTable",
    "Problems",
    "attach_events",
    "load_events",
    "read_events",
]

#: Columns that hold an event's name, and its time (normalised), in order of preference.
NAME_NAMES = ("name", "event", "event name", "event type", "type", "activity", "activity type")
AT_NAMES = (
    "at",
    "timestamp",
    "time",
    "date",
    "occurred at",
    "created at",
    "event date",
    "event time",
    "activity date",
)


@attrs.define
class EventTable:
    """Events loaded from a file, by lead id; ``used`` records the ids that met a lead."""

    by_lead: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    count: int = 0
    used: set[str] = attrs.field(factory=set)
    id_column: str | None = None  # the events' column that holds the lead id
    example_lead: str | None = None  # the first lead id of the leads file, for messages
    #: When the join was made elsewhere (in SQL): what :meth:`unused` says, and whether any
    #: event met a lead.
    counted: tuple[int, int, str | None] | None = None
    joined: bool | None = None

    @property
    def any_used(self) -> bool:
        """Whether any event met a lead of the file."""
        return self.joined if self.joined is not None else bool(self.used)

    def unused(self) -> tuple[int, int, str | None]:
        """(events, lead ids) that matched no lead, and the first such id."""
        if self.counted is not None:
            return self.counted
        ids = [key for key in self.by_lead if key not in self.used]
        return sum(len(self.by_lead[key]) for key in ids), len(ids), ids[0] if ids else None


def _pick(keys: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in keys:
            return keys[name]
    return None


class Problems:
    """Row problems of one kind, reported once: how many, and on which lines (the first
    few)."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}

    def add(self, message: str, where: str, count: int = 1) -> None:
        """``count`` rows with this problem, the first of them at ``where``."""
        lines = self.lines.setdefault(message, [])
        if len(lines) < 5:
            lines.append(where.rpartition(":")[2])
        self.counts[message] = self.counts.get(message, 0) + count

    def report(self, name: str, reporter: Reporter, skipped: bool) -> None:
        for message, lines in self.lines.items():
            count = self.counts[message]
            shown = ", ".join(lines[:5]) + (f" and {count - 5:,} more" if count > 5 else "")
            where = f"line {shown}" if count == 1 else f"lines {shown}"
            if skipped:
                events = f"{count:,} event{'s' if count != 1 else ''}"
                text = f"{events} skipped: {message} ({where})"
                reporter.skip_many(name, count, text)
            else:
                reporter.warn_once(name, f"{message} ({where})")


def read_events(
    records: Iterable[LeadItem], name: str, id_column: str, reporter: Reporter
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each event of an events file's records as ``(lead id, event)``, the event a dict of
    ``name``, ``at`` and ``properties`` (see :func:`load_events`); the records that are not
    events are reported, once each kind, when the records run out."""
    skipped = Problems()
    noted = Problems()
    wanted_id = normalize_name(id_column)
    columns: list[str] = []
    count = 0
    for item in records:
        if not columns:
            columns = [k for k in item.data if isinstance(k, str)]
        keys: dict[str, str] = {}
        for key in item.data:
            keys.setdefault(normalize_name(key), key)
        id_key = id_column if id_column in item.data else keys.get(wanted_id)
        name_key = _pick(keys, NAME_NAMES)
        at_key = _pick(keys, AT_NAMES)
        props_key = keys.get("properties")
        if id_key is None:
            skipped.add(
                f"no {id_column!r} field for the lead's id (fields: "
                f"{headers_text(list(item.data))})",
                item.where,
            )
            continue
        owner = id_text(item.data[id_key])
        if owner is None:
            skipped.add(f"the lead id ({id_key!r}) is blank", item.where)
            continue
        event_name = None if name_key is None else item.data[name_key]
        if not isinstance(event_name, str) or not event_name.strip():
            what = (
                f"the event's name ({name_key!r}) is blank"
                if name_key is not None
                else "no column for the event's name (name, event, event name, type; fields: "
                f"{headers_text(list(item.data))})"
            )
            skipped.add(what, item.where)
            continue
        properties: dict[str, Any] = {}
        if props_key is not None:
            raw = item.data[props_key]
            if isinstance(raw, str):
                try:
                    raw = json.loads(raw)
                except json.JSONDecodeError as exc:
                    noted.add(f"properties: {json_error(exc)}; ignored", item.where)
                    raw = None
            if isinstance(raw, dict):
                properties.update(raw)
            elif raw is not None:
                noted.add("properties must be an object; ignored", item.where)
        used = {id_key, name_key, at_key, props_key}
        for key, value in item.data.items():
            if key not in used and value is not None:
                properties.setdefault(key, value)
        count += 1
        yield (
            owner,
            {
                "name": event_name,
                "at": None if at_key is None else item.data[at_key],
                "properties": properties,
            },
        )
    skipped.report(name, reporter, skipped=True)
    noted.report(name, reporter, skipped=False)
    if not count and skipped.lines:
        reporter.warn_once(
            name,
            f"no event was read; if the lead id is not in {id_column!r}, name its column with "
            f"--events-id-field COLUMN (the columns: {headers_text(columns)})",
        )


def load_events(
    records: Iterable[LeadItem], name: str, id_column: str, reporter: Reporter
) -> EventTable:
    """Read an events file's records into memory, keyed by the lead id in ``id_column`` (see
    :func:`.ids.choose_events_id`).

    Each record needs the event's name (``name``, ``event``, ``event name``, ``type``, ...)
    and its time (``at``, ``timestamp``, ``time``, ``date``, ...). Properties come from a
    ``properties`` value (an object; in CSV, JSON text) and from every other column.
    """
    table = EventTable(id_column=id_column)
    for owner, event in read_events(records, name, id_column, reporter):
        table.by_lead.setdefault(owner, []).append(event)
        table.count += 1
    return table


def attach_events(item: LeadItem, table: EventTable, key: str | None) -> None:
    """Add the lead's events from ``table`` (the lead's id is ``key``) to its ``events``
    (after any it already has). A lead with an id that no event has did nothing: its events
    are an empty list, so that `not opened email` is true of it. A lead without an id cannot
    be joined: its events stay unknown (unless it has some of its own)."""
    if key is None:
        return
    if table.example_lead is None:
        table.example_lead = key
    joined = table.by_lead.get(key)
    if joined is not None:
        table.used.add(key)
    found = find_field(item.data, "events")
    if found is not None and isinstance(found[1], list):
        if joined:
            item.data[found[0]] = [*found[1], *joined]
    elif found is None or found[1] is None:
        item.data["events" if found is None else found[0]] = list(joined or ())

"""The names rules read, held against the names a file of leads has: names never found in any
lead (with a did-you-mean against the columns and events seen), and bare facts whose events
are hidden by a column of the same name (a field always wins over events).

The names come from the checked tree (:meth:`CheckedRules.conditions`, :func:`ast.tests`):
every name a test reads; a bare fact may also be an event; names inside ``where`` are event
properties, checked against the properties of the events seen. Leads are watched one at a
time (:meth:`NameWatch.observe`), in bounded memory. Not here: the summary that shows what is
found (:mod:`.findings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ..lang import ast
from ..lang.checker import CheckedRules
from ..lang.messages import did_you_mean
from ..lang.schema import Schema
from ..runtime.leads import ABSENT, Record
from ..runtime.names import normalize_name
from ..runtime.values import MISSING, is_missing, to_bool

__all__ = [
    "EventGroup",
    "HiddenEvents",
    "NameUse",
    "NameWatch",
    "UnknownName",
    "names_read",
    "quoted",
    "writable",
]

#: A lead's events of one name: the name as written, how many, and an event (or a stand-in)
#: whose properties are the ones those events have (None: not known).
EventGroup = tuple[str, int, Any]

#: How many distinct headers, event names and property names are kept for did-you-mean.
_MAX_CANDIDATES = 2000


def writable(key: str) -> str:
    """How a rule writes the field ``key``: ``job title``, or ``Country/Region`` in
    backticks."""
    return _WRITER.writable(key)


_WRITER = Schema("", {})


def quoted(written: str) -> str:
    """A name as written, in backticks for a message (unless it has some already)."""
    return written if "`" in written else f"`{written}`"


@attrs.define
class NameUse:
    """A name the rules read: as written, where (the lines of each rule file), and whether
    it is read as a bare fact (so that an event of that name also answers it)."""

    name: ast.Name
    lines: dict[str, list[int]] = attrs.field(factory=dict)
    fact: bool = False
    modifiers: bool = False  # read as an event with a count, a window or `where`

    @property
    def written(self) -> str:
        return str(self.name)

    def add(self, filename: str, line: int, fact: bool) -> None:
        lines = self.lines.setdefault(filename, [])
        if line not in lines:
            lines.append(line)
        self.fact = self.fact or fact

    def where(self) -> str:
        """``line 4``, ``lines 4, 9``, ``old.leadrules line 4; new.leadrules line 5``."""
        parts = []
        for filename, lines in self.lines.items():
            shown = ", ".join(str(n) for n in sorted(lines))
            text = f"line {shown}" if len(lines) == 1 else f"lines {shown}"
            parts.append(text if len(self.lines) == 1 else f"{filename} {text}")
        return "; ".join(parts)

    def all_lines(self) -> list[int]:
        return sorted({n for lines in self.lines.values() for n in lines})


def names_read(
    rulesets: Iterable[CheckedRules],
) -> tuple[dict[str, NameUse], dict[str, dict[str, NameUse]]]:
    """(the names the rules read of a lead, by normalised key; the names read of events'
    properties inside ``where``, by event name and property). Private names are left out:
    no lead can have them."""
    fields: dict[str, NameUse] = {}
    properties: dict[str, dict[str, NameUse]] = {}
    for rules in rulesets:
        filename = rules.file.filename
        for condition in rules.conditions(definitions=True, per=True):
            for test in ast.tests(condition):
                if isinstance(test, ast.DefRef) or test.name.is_private:
                    continue
                is_fact = isinstance(test, ast.Fact)
                use = fields.setdefault(test.name.key, NameUse(test.name))
                use.add(filename, test.name.span.line, is_fact)
                if isinstance(test, ast.Fact) and test.has_modifiers:
                    use.modifiers = True
                if isinstance(test, ast.Fact) and test.where is not None:
                    inside = properties.setdefault(test.name.key, {})
                    for prop in ast.tests(test.where):
                        if isinstance(prop, ast.DefRef) or prop.name.is_private:
                            continue
                        puse = inside.setdefault(prop.name.key, NameUse(prop.name))
                        puse.add(filename, prop.name.span.line, False)
    return fields, properties


@attrs.frozen
class UnknownName:
    """A name the rules read that no lead had; ``event`` names the event for a property
    read inside ``where``."""

    use: NameUse
    suggestion: str | None  # how a rule would write the closest name seen
    suggested_header: str | None  # that name as the file writes it
    event: str | None = None

    def text(self, kind: str, lead: str = "lead") -> str:
        """``job titel (lines 4, 5): no lead has this column; did you mean `job title`?``"""
        if self.event is not None:
            what = f"no {self.event!r} event has this property"
        elif self.use.fact:
            what = f"no {lead} has a {kind} or events of this name"
        else:
            what = f"no {lead} has this {kind}"
        out = f"{quoted(self.use.written)} ({self.use.where()}): {what}"
        if self.suggestion is not None:
            out += f"; did you mean {quoted(self.suggestion)}"
            if self.suggested_header is not None and normalize_name(
                self.suggested_header
            ) != normalize_name(self.suggestion.strip("`")):
                out += f" ({self.suggested_header!r})"
            out += "?"
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.use.written,
            "event": self.event,
            "lines": self.use.all_lines(),
            "files": {f: sorted(lines) for f, lines in self.use.lines.items()},
            "did_you_mean": self.suggestion,
            "did_you_mean_header": self.suggested_header,
        }


@attrs.define
class HiddenEvents:
    """A bare fact answered by a field although the lead also had events of that name."""

    use: NameUse
    column: str  # the field's name as the lead has it
    event: str  # the events' name as the lead has it
    leads: int = 0
    events: int = 0

    def lines(self, kind: str) -> list[str]:
        leads = "1 lead has" if self.leads == 1 else f"{self.leads:,} leads have"
        events = f"{self.events:,} {self.event!r} event{'s' if self.events != 1 else ''}"
        field = (
            f"a {self.column!r} {kind}"
            if self.use.modifiers
            else f"a {self.column!r} {kind} that is not yes"
        )
        return [
            f"{quoted(self.use.written)} ({self.use.where()}): {leads} {field} and {events}; "
            f"the {kind} was read, not the events",
            f"  a field always wins over events of its name (backticks do not change that): to "
            f"count the events, rename the {kind} or the events so that the names differ",
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.use.written,
            "lines": self.use.all_lines(),
            "column": self.column,
            "event": self.event,
            "leads": self.leads,
            "events": self.events,
        }


class NameWatch:
    """Watches leads for the names the rules read (see the module's docstring)."""

    def __init__(self, rulesets: Sequence[CheckedRules], headers: Sequence[str] = ()) -> None:
        self.fields, self.properties = names_read(rulesets)
        self.unfound: dict[str, NameUse] = dict(self.fields)
        self.facts = {key: use for key, use in self.fields.items() if use.fact}
        self.unfound_props: dict[tuple[str, str], NameUse] = {
            (event, prop): use for event, props in self.properties.items()
            for prop, use in props.items()
        }  # fmt: skip
        self.headers: dict[str, str] = {}  # normalised -> as written
        self.event_names: dict[str, str] = {}
        self.property_names: dict[str, dict[str, str]] = {}
        self.hidden: dict[str, HiddenEvents] = {}
        self.leads = 0
        self._normal: dict[str, str] = {}  # names as written -> normalised, for speed
        self.add_headers(headers)

    def normal(self, text: str) -> str:
        """``normalize_name``, remembered for the names met again and again."""
        found = self._normal.get(text)
        if found is None:
            found = normalize_name(text)
            if len(self._normal) < 4 * _MAX_CANDIDATES:
                self._normal[text] = found
        return found

    def add_headers(self, headers: Iterable[Any]) -> None:
        for header in headers:
            if (
                isinstance(header, str)
                and header not in self._normal
                and len(self.headers) < _MAX_CANDIDATES
            ):
                self.headers.setdefault(self.normal(header), header)

    def observe(self, lead: Any, groups: Sequence[EventGroup] | None = None) -> None:
        """Look at one lead: the names it has, its events and their properties. ``groups``:
        the lead's events, counted by name, when they are not in the lead itself (an engine
        that joined them in a table); else the lead's own ``events`` are read."""
        self.leads += 1
        record = Record(lead)
        if isinstance(lead, Mapping) and len(self.headers) < _MAX_CANDIDATES:
            self.add_headers(lead)
        for key, use in list(self.unfound.items()):
            if record.get(use.name) is not MISSING:
                del self.unfound[key]
        if groups is None:
            groups = _groups_of(record)
            if groups is None:
                return
        names: dict[str, list[Any]] = {}  # normalised -> [first name as written, count]
        watched = {event for event, _ in self.unfound_props}
        for raw, count, event in groups:
            key = self.normal(raw)
            entry = names.get(key)
            if entry is None:
                names[key] = [raw, count]
            else:
                entry[1] += count
            if len(self.event_names) < _MAX_CANDIDATES:
                self.event_names.setdefault(key, raw.strip())
            if key in watched and event is not None:
                self._properties(key, Record(event))
        for key in names:
            if key in self.facts:
                self.unfound.pop(key, None)
        self._hidden(lead, record, names)

    def _properties(self, key: str, event: Record) -> None:
        props = event.lookup("properties")
        holder = Record(props) if isinstance(props, Mapping) else event
        seen = self.property_names.setdefault(key, {})
        if isinstance(props, Mapping) and len(seen) < _MAX_CANDIDATES:
            for name in props:
                if isinstance(name, str):
                    seen.setdefault(self.normal(name), name)
        for prop, use in self.properties[key].items():
            if (key, prop) in self.unfound_props and holder.get(use.name) is not MISSING:
                del self.unfound_props[(key, prop)]

    def _hidden(self, lead: Any, record: Record, names: Mapping[str, list[Any]]) -> None:
        """Bare facts the lead answers with a field that says other than its events: a field
        that is not yes while there are events (which would make the fact true), or any field
        when the rules count the events, window them or filter them with `where`."""
        for key, use in self.facts.items():
            events = names.get(key)  # [first name as written, count]
            if not events or len(use.name.parts) != 1:
                continue
            part = use.name.parts[0]
            value = record.lookup(part.text, part.exact)
            if value is ABSENT:
                continue
            if not use.modifiers and not is_missing(value) and to_bool(value) is True:
                continue  # the field says yes, as the events would
            hidden = self.hidden.get(key)
            if hidden is None:
                column = _key_of(lead, part.text) or part.text
                hidden = self.hidden[key] = HiddenEvents(use, column, str(events[0]).strip())
            hidden.leads += 1
            hidden.events += events[1]

    def unknown(self) -> list[UnknownName]:
        """The names no lead had, in the order of the rule files."""
        out: list[UnknownName] = []
        for key, use in self.unfound.items():
            candidates = dict(self.headers)
            if use.fact:
                for name, raw in self.event_names.items():
                    candidates.setdefault(name, raw)
            out.append(_unknown(use, key, candidates))
        for (event, prop), use in self.unfound_props.items():
            if event in self.unfound:
                continue  # the event itself was never seen: said above
            candidates = self.property_names.get(event, {})
            shown = self.event_names.get(event, event)
            out.append(attrs.evolve(_unknown(use, prop, candidates), event=shown))
        return out

    def hidden_events(self) -> list[HiddenEvents]:
        return list(self.hidden.values())


def _groups_of(record: Record) -> list[EventGroup] | None:
    """A lead's own events as groups of one, in order (None when it has no list of them)."""
    events = record.events()
    if events is MISSING or events is None or isinstance(events, (str, bytes, Mapping)):
        return None
    try:
        listed = list(events)
    except Exception:  # the backend warns about events it cannot read
        return None
    groups: list[EventGroup] = []
    for event in listed:
        raw = event.get("name") if type(event) is dict else Record(event).lookup("name")
        if isinstance(raw, str) and raw.strip():
            groups.append((raw, 1, event))
    return groups


def _unknown(use: NameUse, key: str, candidates: Mapping[str, str]) -> UnknownName:
    guess = did_you_mean(key, candidates)
    if guess is None:
        return UnknownName(use, None, None)
    header = candidates[guess]
    # A name written in backticks gets the header in backticks, as it is written.
    exact = len(use.name.parts) == 1 and use.name.parts[0].exact and "`" not in header
    return UnknownName(use, f"`{header}`" if exact else writable(header), header)


def _key_of(lead: Any, text: str) -> str | None:
    """The key of a mapping lead that the name ``text`` finds (for a message)."""
    if not isinstance(lead, Mapping):
        return None
    if text in lead:
        return text
    wanted = normalize_name(text)
    for key in lead:
        if isinstance(key, str) and normalize_name(key) == wanted:
            return key
    return None

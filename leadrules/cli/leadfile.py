"""The leads file that ``score``, ``explain`` and ``diff`` read: opened, its id column chosen
(:mod:`.ids`), its events (``--events``) joined to each lead as it is read, a progress bar over
it, and each lead scored so that one that cannot be scored is reported and the rest of the file
still is.

Not here: reading the file's records (:mod:`.records`) and events (:mod:`.events`), or what is
written for each lead (:mod:`.writers`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ..errors import LeadRulesError
from ..result import Result
from ..ruleset import RuleSet
from .base import Failure, counted, echo_err, open_input
from .events import EventTable, attach_events, load_events
from .ids import LEAD_ID_HEADERS, choose_events_id, choose_lead_id, find_header, headers_text
from .inputs import InputFile, Reporter
from .names import EventGroup
from .records import LeadItem, Records, find_field, id_text, read_records
from .terminal import Progress

__all__ = ["LeadFile", "LeadSource", "Scored", "peek"]


@attrs.frozen(slots=True)
class Scored:
    """A lead read and its result (None when it could not be scored); ``groups``: its events
    counted by name, when they were joined in a table rather than in the lead."""

    item: LeadItem
    result: Result | None
    groups: Sequence[EventGroup] | None = None


_FORMAT_NAMES = {"csv": "CSV", "tsv": "TSV", "jsonl": "JSON Lines", "json": "JSON"}


def peek(records: Records) -> tuple[LeadItem | None, Iterator[LeadItem]]:
    """The first record, and every record (the first included) still to be read."""
    items = iter(records)
    first = next(items, None)
    return first, items if first is None else itertools.chain((first,), items)


def _headers(records: Records, first: LeadItem | None) -> list[str]:
    """A CSV file's header, or the fields of a JSON file's first record."""
    if records.header is not None:
        return [h for h in records.header if h]
    return [k for k in first.data if isinstance(k, str)] if first is not None else []


class LeadSource:
    """What the commands that read a file of leads ask of it, whichever engine reads it: the
    leads' names for their id, and what the events file's join came to."""

    kind: str
    header: list[str] | None
    headers: list[str]
    id_field: str | None
    explicit_id: bool
    events: EventTable | None
    events_name: str | None
    reporter: Reporter

    @property
    def name(self) -> str:
        raise NotImplementedError

    def id_header(self) -> str:
        """The header of the id column in output: the leads' own (``Record ID``), else ``id``."""
        return self.id_field or "id"

    def lead_id(self, item: LeadItem) -> str | None:
        """The lead's id as text, if it has one: its id column's value; a JSON lead without
        that field may have another recognised id field (``id``, ``Record ID``, ...)."""
        if self.id_field is not None:
            data = item.data
            found = (
                (self.id_field, data[self.id_field])
                if self.id_field in data
                else find_field(data, self.id_field)
            )
            if found is not None or self.explicit_id:
                return None if found is None else id_text(found[1])
        if self.explicit_id or self.header is not None:
            return None
        for key in LEAD_ID_HEADERS:
            header = find_header([k for k in item.data if isinstance(k, str)], key)
            if header is not None:
                return id_text(item.data[header])
        return None

    def label(self, item: LeadItem) -> str:
        """The lead's id, or ``#N`` when it has none."""
        return self.lead_id(item) or f"#{item.number}"

    def columns(self, names: Sequence[str], option: str) -> list[str]:
        """The headers the leads' columns ``names`` are (exact header first, then as rules
        match names); a :class:`Failure` naming the headers found for one the leads lack."""
        out: list[str] = []
        for name in names:
            found = find_header(self.headers, name)
            if found is None:
                raise Failure(
                    f"{option} {name!r}: {self.name} has no {self.kind} {name!r} (its "
                    f"{self.kind}s: {headers_text(self.headers)})"
                )
            if found not in out:
                out.append(found)
        return out

    def field(self, item: LeadItem, header: str) -> Any:
        """The value of one of the leads' columns (found as :func:`.ids.find_header` finds
        it), or None."""
        data = item.data
        if header in data:
            return data[header]
        found = find_field(data, header)
        return None if found is None else found[1]

    def events_lines(self) -> list[str]:
        """For the summary: how many events matched no lead of the file, with an example."""
        if self.events is None:
            return []
        events, ids, example = self.events.unused()
        if not events:
            return []
        if not self.events.any_used and self.events.example_lead is not None:
            return [
                f"  no event matched a lead: the events' {self.events.id_column!r} (e.g. "
                f"{example!r}) is never the leads' {self.id_header()!r} (e.g. "
                f"{self.events.example_lead!r}); choose the columns with --id-field and "
                "--events-id-field"
            ]
        return [
            f"  {counted(events, 'event')} for {counted(ids, 'lead id')} not in the leads "
            f"file, e.g. {example!r}"
        ]

    def note_unused_events(self) -> None:
        """On standard error: how many events matched no lead of the file."""
        for line in self.events_lines():
            echo_err(line)

    def events_summary(self) -> dict[str, Any] | None:
        """The events join, for a JSON summary."""
        if self.events is None:
            return None
        events, ids, example = self.events.unused()
        return {
            "file": self.events_name,
            "id_column": self.events.id_column,
            "leads_id_column": self.id_field,
            "events": self.events.count,
            "unmatched_events": events,
            "unmatched_lead_ids": ids,
            "unmatched_example": example,
        }


class LeadFile(LeadSource):
    """The leads of ``path``, one at a time, with their events; problems met in either file
    go to :attr:`reporter`. The events file is read at once; of the leads file, only a CSV
    header (or a JSON file's first record), so that a file that cannot be read, or an id
    column that is not there, stops the command before any output."""

    def __init__(
        self,
        path: str,
        input_format: str | None,
        encoding: str,
        events_path: str | None,
        id_field: str | None,
        events_id_field: str | None = None,
    ) -> None:
        self.reporter = Reporter()
        self.events: EventTable | None = None
        self.events_name: str | None = None
        self.explicit_id = id_field is not None
        events_source: InputFile | None = None
        try:
            events_items: Iterator[LeadItem] = iter(())
            events_headers: list[str] | None = None
            events_kind = "column"
            if events_path is not None:
                events_source = open_input(events_path, None, encoding)
                self.events_name = events_source.name
                events_records = read_records(events_source, self.reporter)
                events_first, events_items = peek(events_records)
                events_headers = _headers(events_records, events_first)
                events_kind = "column" if events_records.header is not None else "field"
            self.source = open_input(path, input_format, encoding)
            for source in (events_source, self.source):
                if source is not None and source.guessed is not None:
                    self.reporter.warn_once(
                        source.name,
                        f"read as {_FORMAT_NAMES[source.fmt]}: {source.guessed} (choose the "
                        "format with --input-format, or rename the file)",
                    )
            try:
                records = read_records(self.source, self.reporter)
                first, self._items = peek(records)
                self.header = records.header
                #: The leads' columns (CSV), or the fields of the first lead (JSON).
                self.headers = _headers(records, first)
                self.kind = "column" if records.header is not None else "field"
                self.id_field: str | None = None
                if self.headers or first is not None:
                    self.id_field = choose_lead_id(
                        self.headers,
                        id_field,
                        self.source.name,
                        events_headers=events_headers,
                        kind=self.kind,
                    )
                if events_source is not None and events_headers is not None:
                    column = choose_events_id(
                        events_headers,
                        events_id_field,
                        events_source.name,
                        self.id_field,
                        kind=events_kind,
                    )
                    self.events = load_events(
                        events_items, events_source.name, column, self.reporter
                    )
            except BaseException:
                self.source.close()
                raise
        except LeadRulesError as exc:
            raise Failure(str(exc)) from exc
        finally:
            if events_source is not None:
                events_source.close()

    @property
    def name(self) -> str:
        return self.source.name

    def __iter__(self) -> Iterator[LeadItem]:
        try:
            for item in self._items:
                if self.events is not None:
                    attach_events(item, self.events, self.lead_id(item))
                yield item
        except LeadRulesError as exc:
            raise Failure(str(exc)) from exc

    def __enter__(self) -> LeadFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.source.close()
        self.reporter.finish()

    @contextlib.contextmanager
    def progress(self, enabled: bool, desc: str) -> Iterator[Progress]:
        """A progress bar over the file while the block runs (problems are printed above it);
        the file is closed at the end."""
        bar = Progress(self.source, enabled, desc)
        self.reporter.set_writer(bar.write)
        try:
            yield bar
        finally:
            bar.close()
            self.source.close()
            self.reporter.set_writer(_stderr)
            self.reporter.finish()

    def evaluate(
        self, ruleset: RuleSet, item: LeadItem, now: dt.datetime, debug: bool
    ) -> Result | None:
        """The lead's result; None (reported as skipped) if scoring it failed."""
        try:
            return ruleset.evaluate(item.data, now)
        except Exception as exc:  # evaluate() must not raise; never lose the rest of a big file
            if debug:
                raise
            self.reporter.skip(
                item.where, f"could not be scored (internal error {type(exc).__name__}: {exc})"
            )
            return None

    def scored(
        self, ruleset: RuleSet, now: dt.datetime, debug: bool, explain: bool = False
    ) -> Iterator[Scored]:
        """Each lead with its result (None: it could not be scored, and was reported)."""
        for item in self:
            yield Scored(item, self.evaluate(ruleset, item, now, debug))


def _stderr(text: str) -> None:
    echo_err(text)

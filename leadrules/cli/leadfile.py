"""The leads file that ``score``, ``explain`` and ``diff`` read: opened, its events
(``--events``) joined to each lead as it is read, a progress bar over it, and each lead scored
so that one that cannot be scored is reported and the rest of the file still is.

Not here: reading the file's records (:mod:`.records`) and events (:mod:`.events`), or what is
written for each lead (:mod:`.writers`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from ..result import Result
from ..ruleset import RuleSet
from .base import counted, echo_err, open_input
from .events import EventTable, attach_events, load_events
from .inputs import Reporter
from .records import LeadItem, lead_id, lead_label, read_records
from .terminal import Progress

__all__ = ["LeadFile"]


class LeadFile:
    """The leads of ``path``, one at a time, with their events; problems met in either file
    go to :attr:`reporter`. The events file is read at once; of the leads file, only a CSV
    header, so that a header that cannot be read stops the command before any output."""

    def __init__(
        self,
        path: str,
        input_format: str | None,
        encoding: str,
        events_path: str | None,
        id_field: str,
    ) -> None:
        self.id_field = id_field
        self.reporter = Reporter()
        self.events: EventTable | None = None
        if events_path is not None:
            with open_input(events_path, None, encoding) as events_source:
                self.events = load_events(events_source, id_field, self.reporter)
        self.source = open_input(path, input_format, encoding)
        try:
            self._records = read_records(self.source, self.reporter)
        except BaseException:
            self.source.close()
            raise

    @property
    def name(self) -> str:
        return self.source.name

    def __iter__(self) -> Iterator[LeadItem]:
        for item in self._records:
            if self.events is not None:
                attach_events(item, self.events, self.id_field)
            yield item

    def __enter__(self) -> LeadFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.source.close()

    def lead_id(self, item: LeadItem) -> str | None:
        """The lead's ``--id-field`` value as text, if it has one."""
        return lead_id(item, self.id_field)

    def label(self, item: LeadItem) -> str:
        """The lead's id, or ``#N`` when it has none."""
        return lead_label(item, self.id_field)

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

    def note_unused_events(self) -> None:
        """On standard error: how many events matched no lead of the file."""
        if self.events is None:
            return
        events, ids = self.events.unused()
        if events:
            echo_err(
                f"  {counted(events, 'event')} for {counted(ids, 'lead id')} not in the leads file"
            )

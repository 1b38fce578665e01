"""A lead's events as rules see them: read once per lead into an index by normalised name.

An event is any object or mapping with a ``name`` and a time ``at`` (or ``timestamp``), and
optionally ``properties`` (else its own other fields are its details for `where`). Events after
``now`` have not happened yet and are left out; an event whose time cannot be read is kept,
timeless, and makes the counts that it could change uncertain. What counts as a match is the
backends' business; this module only reads and orders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from .leads import ABSENT, Record
from .names import normalize_name
from .values import Problem, is_missing, show, to_datetime

__all__ = ["FAR_PAST", "EventIndex", "EventItem", "Unlistable", "event_time"]

UTC = dt.timezone.utc


@attrs.frozen(slots=True)
class EventItem:
    """One event of a lead: its name as written, its time (None: it could not be read) and
    its details."""

    name: str
    at: dt.datetime | None
    record: Record


#: Where events without a time sort: before every other.
FAR_PAST = dt.datetime.min.replace(tzinfo=UTC)


def event_time(item: EventItem) -> dt.datetime:
    """An event's time, FAR_PAST for one without a time (the key a time-ordered bucket is
    searched by)."""
    return item.at or FAR_PAST


def _order(item: EventItem) -> tuple[bool, dt.datetime]:
    """The sort key of a bucket: events without a time first, then by time. (An event at the
    first moment of year 1 is FAR_PAST itself; it still sorts after every timeless one.)"""
    return (item.at is not None, item.at or FAR_PAST)


class Unlistable:
    """Events whose listing failed, standing in for them where they are read again: listing
    it fails the same way (a one-shot iterator cannot be read twice)."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __iter__(self) -> Iterator[Any]:
        raise self.error


class EventIndex:
    """A lead's events by normalised name, each list in time order, built once per lead.
    Events after ``now`` have not happened yet and are left out.

    ``read`` is what was read from the lead, in a form that reads the same again: the list
    when the events were listed (an iterator or a generator is consumed by that), the value
    itself when it was not a list of events, an :class:`Unlistable` when listing failed."""

    read: Any

    def __init__(
        self,
        events: Any,
        now: dt.datetime,
        warn: Callable[[str], None],
        dayfirst: bool = False,
    ) -> None:
        self.by_name: dict[str, list[EventItem]] = {}
        self.dayfirst = dayfirst
        for position, event in enumerate(self.listed(events, warn)):
            self.add(position, event, now, warn)
        self.sort()

    def listed(self, events: Any, warn: Callable[[str], None]) -> list[Any]:
        """The lead's events as a list; none (and a warning) when they are not a list. Sets
        ``read``."""
        self.read = events
        if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Iterable):
            warn(f"events: expected a list of events, found {show(events)}")
            return []
        try:
            self.read = list(events)
        except Exception as exc:
            self.read = Unlistable(exc)
            warn(f"events: could not read the list of events ({type(exc).__name__})")
            return []
        return self.read  # type: ignore[no-any-return]

    def add(self, position: int, event: Any, now: dt.datetime, warn: Callable[[str], None]) -> None:
        """Index one event (any object or mapping with a name and a time)."""
        record = Record(event)
        raw_name = record.lookup("name")
        if not isinstance(raw_name, str) or not raw_name.strip():
            warn(f"events[{position}]: an event without a name was ignored")
            return
        raw_at = record.lookup("at")
        if raw_at is ABSENT:
            raw_at = record.lookup("timestamp")
        at: dt.datetime | None
        if raw_at is ABSENT or is_missing(raw_at):
            warn(f"events[{position}] ({raw_name}): the event has no time")
            at = None
        else:
            parsed = to_datetime(raw_at, self.dayfirst)
            if isinstance(parsed, Problem):
                warn(f"events[{position}] ({raw_name}): could not read {show(raw_at)} as a time")
                at = None
            else:
                at = parsed
                if at > now:
                    return
        props = record.lookup("properties")
        prop_record = Record(props) if isinstance(props, Mapping) else record
        key = normalize_name(raw_name)
        self.by_name.setdefault(key, []).append(EventItem(raw_name, at, prop_record))

    def sort(self) -> None:
        """Each name's events in time order (events without a time first)."""
        for bucket in self.by_name.values():
            bucket.sort(key=_order)

    def get(self, key: str) -> list[EventItem]:
        return self.by_name.get(key, [])

"""The data warnings of many results summarised by field: ``company size: 37 values could not
be read as a number, e.g. 'about 20', 'lots' (lines 9, 10)``.

Results carry warnings as text (``line 37: company size: could not read 'unknown' as a
number``); this module reads that text back, by the fixed forms the backends write (see
``docs/language.md`` §8). A warning in no known form is still counted, grouped by its text.
Bounded memory: a few examples per group. Not here: where the summary is shown
(:mod:`.findings`).
"""

from __future__ import annotations

import ast as python_ast
import re
from collections.abc import Iterable
from typing import Any

import attrs

from .base import counted

__all__ = ["WarningGroup", "WarningTally", "parse_warning"]

_LINE = re.compile(r"line (\d+): (.*)", re.DOTALL)
_UNREADABLE = re.compile(
    r"(?P<field>.+?): could not read (?P<value>.+) as "
    r"(?P<wanted>a number|a date|text|yes or no|a number of units below [\d,]+)",
    re.DOTALL,
)
_EVENT_TIME = re.compile(
    r"events\[(?P<index>\d+)\] \((?P<event>.*)\): could not read (?P<value>.+) as a time",
    re.DOTALL,
)
_EVENT_UNTIMED = re.compile(r"events\[(?P<index>\d+)\] \((?P<event>.*)\): the event has no time")
_UNDECIDED = re.compile(
    r"(?P<field>.+?): (?P<count>\d+) event\(s\) could not be decided and were not counted"
)
_INDEX = re.compile(r"events\[\d+\]")
#: A numeric date as a warning shows it: ``'13/11/2026'``, ``'11/13/26 10:00'``.
_NUMERIC_DATE = re.compile(r"'?(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")

#: Examples kept per group.
EXAMPLES = 3


@attrs.frozen
class Parsed:
    """One warning read back: what it is about (``subject``), the kind of problem, the value
    shown (if any), the rule's line (if any), and a key telling apart what it counts (one per
    lead, or one per event of the lead)."""

    subject: str | None
    problem: str
    value: str | None
    line: int | None
    item: str = ""
    events: int = 0  # for events left out of a count: how many


def parse_warning(text: str) -> Parsed:
    """A warning's parts (see :class:`Parsed`); an unknown form is its own problem."""
    line: int | None = None
    match = _LINE.fullmatch(text)
    body = text
    if match is not None:
        line, body = int(match.group(1)), match.group(2)
    found = _EVENT_TIME.fullmatch(body)
    if found is not None:
        return Parsed(
            f"{found['event']} events",
            "with a time that could not be read",
            found["value"],
            line,
            found["index"],
        )
    found = _EVENT_UNTIMED.fullmatch(body)
    if found is not None:
        return Parsed(f"{found['event']} events", "without a time", None, line, found["index"])
    found = _UNDECIDED.fullmatch(body)
    if found is not None:
        return Parsed(found["field"], "events not counted", None, line, events=int(found["count"]))
    found = _UNREADABLE.fullmatch(body)
    if found is not None and not found["field"].startswith("events["):
        return Parsed(
            found["field"], f"could not be read as {found['wanted']}", found["value"], line
        )
    return Parsed(None, _INDEX.sub("events[…]", body), None, line)


def _plain(shown: str) -> str:
    """A value as the warning showed it (``'about 20'``), as the file had it (``about 20``)."""
    if shown[:1] in ("'", '"'):
        try:
            value = python_ast.literal_eval(shown)
        except (ValueError, SyntaxError):
            return shown
        if isinstance(value, str):
            return value
    return shown


@attrs.define
class WarningGroup:
    """The warnings of one kind about one field: how many leads (or events) had it, a few
    of the values, and the lines of the rules that met them."""

    subject: str | None
    problem: str
    count: int = 0
    events: int = 0
    examples: list[str] = attrs.field(factory=list)
    lines: set[int] = attrs.field(factory=set)
    #: For dates: a value whose first number cannot be a month (13/11/2026), or whose second
    #: cannot be (11/13/2026).
    day_first: str | None = None
    month_first: str | None = None

    def note_date(self, shown: str) -> None:
        match = _NUMERIC_DATE.match(shown)
        if match is None:
            return
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second and self.day_first is None:
            self.day_first = shown
        if second > 12 >= first and self.month_first is None:
            self.month_first = shown

    def hint(self) -> str | None:
        """For dates in the other order: the option that reads them."""
        if self.day_first is not None and self.month_first is None:
            return (
                f"{self.day_first} can only be day first: if the file writes dates day first, "
                "score with --dayfirst"
            )
        if self.month_first is not None and self.day_first is None:
            return (
                f"{self.month_first} can only be month first: if the file writes dates month "
                "first, score without --dayfirst"
            )
        return None

    def text(self) -> str:
        where = ""
        if self.lines:
            shown = ", ".join(str(n) for n in sorted(self.lines))
            where = f" (line {shown})" if len(self.lines) == 1 else f" (lines {shown})"
        example = ", ".join(self.examples)
        if example:
            example = f", e.g. {example}"
        if self.subject is None:
            return f"{self.problem}: {counted(self.count, 'lead')}{where}"
        if self.problem == "events not counted":
            return (
                f"{self.subject}: {counted(self.events, 'event')} could not be decided (a "
                f"property or the time missing) and were not counted, on "
                f"{counted(self.count, 'lead')}{where}"
            )
        hint = self.hint()
        hint = f"; {hint}" if hint else ""
        if self.subject.endswith(" events"):
            return f"{self.subject}: {self.count:,} {self.problem}{example}{where}{hint}"
        return (
            f"{self.subject}: {counted(self.count, 'value')} {self.problem}{example}{where}{hint}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.subject,
            "problem": self.problem,
            "count": self.count,
            **({"events": self.events} if self.problem == "events not counted" else {}),
            "examples": [_plain(e) for e in self.examples],
            "lines": sorted(self.lines),
            "hint": self.hint(),
        }


class WarningTally:
    """The warnings of many results, by field and kind of problem."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str | None, str], WarningGroup] = {}
        self.total = 0
        self.leads = 0

    def add(self, warnings: Iterable[str]) -> None:
        """The warnings of one lead's result."""
        seen: set[tuple[str | None, str, str]] = set()
        any_warning = False
        for text in warnings:
            any_warning = True
            self.total += 1
            parsed = parse_warning(text)
            key = (parsed.subject, parsed.problem)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = WarningGroup(parsed.subject, parsed.problem)
            if parsed.line is not None:
                group.lines.add(parsed.line)
            counted_key = (*key, parsed.item)
            if counted_key in seen:
                continue
            group.events += parsed.events
            seen.add(counted_key)
            group.count += 1
            if parsed.value is not None and parsed.problem.endswith(("a date", "be read")):
                group.note_date(parsed.value)
            if (
                parsed.value is not None
                and len(group.examples) < EXAMPLES
                and parsed.value not in group.examples
            ):
                group.examples.append(parsed.value)
        if any_warning:
            self.leads += 1

    def ordered(self) -> list[WarningGroup]:
        """Most frequent first (then in the order first met)."""
        return sorted(self.groups.values(), key=lambda g: -g.count)

    def lines(self, indent: str = "    ") -> list[str]:
        return [indent + group.text() for group in self.ordered()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "leads": self.leads,
            "by_field": [group.to_dict() for group in self.ordered()],
        }

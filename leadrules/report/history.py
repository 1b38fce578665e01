"""A lead's history: the same lead scored at each moment its score can change up to ``now``
(each of its events, each moment an event leaves a rule's time window, the decay steps of
decaying rules, the dates the rules name), and each change labelled with the rules whose
points changed.

The lead's fields are taken as they are (an export is a picture of today: nobody knows when a
field changed); only its events and the passing of time move the score. An event counts from
its time on, as at any ``now``. Between two moments nothing that the rules read changes, but
decay: a decaying rule's points shrink a little every day, and the history shows them at each
of its steps (``every 30 days``) after each event.

Not here: scoring (the caller passes the rules' ``evaluate``), drawing (:mod:`.charts`), the
command line (``leadrules explain --history``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from ..lang import ast
from ..lang.checker import CheckedRules
from ..lang.decimal_text import number_text
from ..result import Result, json_number
from ..runtime.events import EventIndex
from ..runtime.leads import ABSENT, Record
from ..runtime.values import Problem, to_datetime
from .comparison import RuleChange, fmt_signed, rule_changes
from .population import outcome

__all__ = ["History", "HistoryPoint", "lead_history", "moments"]

UTC = dt.timezone.utc
#: Decay steps shown after each event, per decaying rule.
DECAY_STEPS = 4
#: At most this many moments are scored (events first, then the other moments in time order).
MAX_MOMENTS = 400
_SECOND = dt.timedelta(seconds=1)


@attrs.frozen(slots=True)
class HistoryPoint:
    """The lead at one moment: why the moment was chosen, its result, and the rules whose
    points changed since the moment before."""

    at: dt.datetime
    why: str
    result: Result
    changes: tuple[RuleChange, ...] = ()

    @property
    def score(self) -> Decimal:
        return self.result.score

    @property
    def stage(self) -> str:
        """The stage, ``(no stage)`` or ``(disqualified)``."""
        return outcome(self.result)

    def label(self) -> str:
        """What changed, in words: ``+30 requested demo; -10 Hardly opens our emails``, or
        the stage's reason when only the stage moved."""
        parts = [f"{fmt_signed(c.change)} {c.label}" for c in self.changes]
        return "; ".join(parts)


@attrs.frozen(slots=True)
class History:
    """A lead scored at every moment its score could change, oldest first; the last point
    is ``now``."""

    points: tuple[HistoryPoint, ...]
    now: dt.datetime

    def changes(self) -> list[HistoryPoint]:
        """The first point, every point whose score or stage differs from the point before,
        and the last (``now``)."""
        out: list[HistoryPoint] = []
        for i, point in enumerate(self.points):
            before = self.points[i - 1] if i else None
            if (
                before is None
                or i == len(self.points) - 1
                or point.score != before.score
                or point.stage != before.stage
            ):
                out.append(point)
        return out

    def table(self) -> str:
        """The changes as a table for the terminal, one row each."""
        rows = self.changes()
        header = ("when", "score", "change", "stage", "what changed")
        lines: list[tuple[str, ...]] = []
        previous: HistoryPoint | None = None
        for point in rows:
            change = "" if previous is None else fmt_signed(point.score - previous.score)
            if previous is not None and change == "0" and point.stage == previous.stage:
                change = ""
            what = point.why
            label = point.label()
            if label:
                what = f"{what}: {label}" if what else label
            stage = point.stage
            if previous is not None and point.stage != previous.stage:
                stage = f"{previous.stage} -> {point.stage}"
            lines.append((_when(point.at), number_text(point.score), change, stage, what))
            previous = point
        widths = [max(len(row[i]) for row in [header, *lines]) for i in range(4)]
        out = []
        for row in [header, *lines]:
            cells = [
                row[0].ljust(widths[0]),
                row[1].rjust(widths[1]),
                row[2].rjust(widths[2]),
                row[3].ljust(widths[3]),
                row[4],
            ]
            out.append("  ".join(cells).rstrip())
        return "\n".join(out) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "points": [
                {
                    "at": p.at.isoformat(),
                    "why": p.why,
                    "score": json_number(p.score),
                    "stage": p.result.stage,
                    "disqualified": p.result.disqualified,
                    "changes": [c.to_dict() for c in p.changes],
                }
                for p in self.points
            ],
        }


def _when(at: dt.datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _walk(node: Any) -> Iterator[Any]:
    """Every node under ``node`` of the checked tree (attrs instances and tuples of them)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif attrs.has(type(item)):
            if isinstance(item, ast.Define):
                if id(item) in seen:
                    continue  # a definition used many times is walked once
                seen.add(id(item))
            yield item
            for field in attrs.fields(type(item)):
                if field.name in ("span", "file", "reading"):
                    continue
                stack.append(getattr(item, field.name))


def _delta(duration: ast.Duration) -> dt.timedelta | relativedelta:
    """A duration as a step in time (months and years by the calendar); only for choosing
    the moments to score at."""
    amount = duration.amount
    if duration.unit in ("months", "years"):
        whole = int(amount)
        days = float(amount - whole) * (30.436875 if duration.unit == "months" else 365.2425)
        calendar = (
            relativedelta(months=whole) if duration.unit == "months" else relativedelta(years=whole)
        )
        return calendar + dt.timedelta(days=days)
    return dt.timedelta(**{duration.unit: float(amount)})


def _event_times(lead: Any, now: dt.datetime, dayfirst: bool) -> list[tuple[dt.datetime, str]]:
    events = Record(lead).lookup("events")
    if events is ABSENT or events is None:
        return []
    index = EventIndex(events, now, lambda _text: None, dayfirst)
    return sorted(
        (item.at, item.name)
        for bucket in index.by_name.values()
        for item in bucket
        if item.at is not None
    )


def _date_fields(lead: Any, dayfirst: bool) -> list[tuple[dt.datetime, bool, str]]:
    """The lead's fields that hold a moment: (when, whether it is a plain date, its name).
    Only text and date values are read as moments (a number is not a date here)."""
    if isinstance(lead, Mapping):
        fields = list(lead.items())
    else:
        try:
            fields = [(k, v) for k, v in vars(lead).items() if k != "events"]
            fields.extend(getattr(lead, "extra", {}).items())
        except TypeError:
            return []
    out = []
    for name, value in fields:
        if not isinstance(name, str) or name.startswith("_") or name == "events":
            continue
        if isinstance(value, dt.date):
            plain = not isinstance(value, dt.datetime)
        elif isinstance(value, str) and 6 <= len(value.strip()) <= 40:
            plain = len(value.strip()) == 10
        else:
            continue
        at = to_datetime(value, dayfirst)
        if not isinstance(at, Problem):
            out.append((at, plain, name))
    return out


def moments(
    rules: CheckedRules, lead: Any, now: dt.datetime, dayfirst: bool = False
) -> list[tuple[dt.datetime, str]]:
    """The moments a lead's score can change, up to ``now``, oldest first, each with why it
    was chosen: each event, each moment an event leaves a
    time window (``within 30 days``) of the rules, the decay steps after each event, the dates
    the rules name (``since 2026-09-01``) after the first event, the dates in the lead's
    fields and the moments they leave a window; a second before the first of them (the lead
    before anything happened), and ``now``."""
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    events = _event_times(lead, now, dayfirst)
    windows: list[ast.Duration] = []
    steps: list[ast.Duration] = []
    dates: list[dt.datetime] = []
    for node in _walk(rules.items + rules.disqualifications + rules.stages):
        if isinstance(node, ast.Window):
            if isinstance(node.value, ast.Duration):
                windows.append(node.value)
            elif isinstance(node.value, dt.datetime):
                dates.append(node.value if node.value.tzinfo else node.value.replace(tzinfo=UTC))
            else:
                dates.append(dt.datetime.combine(node.value, dt.time(), UTC))
        elif isinstance(node, ast.Decay):
            steps.append(node.every)
    found: dict[dt.datetime, list[str]] = {}

    def note(at: dt.datetime, why: str) -> None:
        if at <= now:
            reasons = found.setdefault(at, [])
            if why not in reasons:
                reasons.append(why)

    for at, name in events:
        note(at, name)
    extra: dict[dt.datetime, list[str]] = {}
    for at, name in events:
        for window in dict.fromkeys(windows):
            try:
                when = at + _delta(window) + _SECOND
            except (OverflowError, ValueError):
                continue
            extra.setdefault(when, []).append(f"{name} of {_when(at)[:10]} now over {window} old")
        for every in dict.fromkeys(steps):
            when = at
            for _ in range(DECAY_STEPS):
                try:
                    when = when + _delta(every)
                except (OverflowError, ValueError):
                    break
                extra.setdefault(when, []).append("decay step")
    for at, plain, name in _date_fields(lead, dayfirst):
        extra.setdefault(at, []).append(f"{name} {_when(at)[:10] if plain else _when(at)}")
        for window in dict.fromkeys(windows):
            try:
                # A plain date leaves a window the day after it is `window` old.
                when = at + _delta(window) + (dt.timedelta(days=1) if plain else _SECOND)
            except (OverflowError, ValueError):
                continue
            extra.setdefault(when, []).append(f"{name} now over {window} old")
    if events:
        for date in dict.fromkeys(dates):
            if date > events[0][0]:
                extra.setdefault(date, []).append(f"the rules' date {_when(date)}")
                extra.setdefault(date + _SECOND, []).append(f"after {_when(date)}")
    budget = MAX_MOMENTS - len(found) - 1
    for at in sorted(extra):
        if budget <= 0:
            break
        if at <= now and at not in found:
            budget -= 1
        for why in extra[at]:
            note(at, why)
    if found:
        first = min(found)
        # The lead before anything happened, so that the first change is labelled too.
        found.setdefault(first - _SECOND, []).append("before")
    found.setdefault(now, []).append("now")
    return [(at, ", ".join(found[at])) for at in sorted(found)]


def lead_history(
    evaluate: Callable[[Any, dt.datetime], Result],
    rules: CheckedRules,
    lead: Any,
    now: dt.datetime,
) -> History:
    """The lead scored (with ``evaluate(lead, moment)``) at each of :func:`moments`."""
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    points: list[HistoryPoint] = []
    previous: Result | None = None
    for at, why in moments(rules, lead, now, rules.reading.dayfirst):
        result = evaluate(lead, at)
        changes = () if previous is None else tuple(rule_changes(previous, result))
        points.append(HistoryPoint(at, why, result, changes))
        previous = result
    return History(tuple(points), now)

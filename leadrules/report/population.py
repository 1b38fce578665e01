"""The numbers of a scored population, as the report shows them: leads per stage (the funnel),
the score distribution, per rule how often it fired, the points it gave and how often it was
undecided for want of data (by field), per group the distribution of subtotals and how often
each limit bit, the disqualification reasons, and the top leads with a one-line reason.

:class:`Population` reads results one at a time in bounded memory (counters, distributions
and a heap of the top leads). It reads only what :class:`ScoredLead` names, so rows of a table
engine that carry the same fields can feed it as well as :class:`leadrules.Result` objects;
two populations of the same rules merge (``merge``).

Not here: reading files (the command line), the data warnings by field and unknown names
(the command line's summary, passed to the report as its ``notes``), drawing (:mod:`.charts`).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from ..lang import ast
from ..lang.checker import CheckedGroup, CheckedRules
from ..lang.decimal_text import signed_number_text
from ..result import json_number
from .histogram import Distribution, Mark

__all__ = [
    "DISQUALIFIED",
    "NO_STAGE",
    "GroupStats",
    "Population",
    "RuleInfo",
    "RuleStats",
    "ScoredLead",
    "TopLead",
    "one_line_reason",
    "outcome",
    "share_text",
]

#: How a lead without a stage, and a disqualified lead, are shown (as ``leadrules score``).
NO_STAGE = "(no stage)"
DISQUALIFIED = "(disqualified)"
_ZERO = Decimal(0)


class _Contribution(Protocol):
    @property
    def points(self) -> Decimal: ...
    @property
    def label(self) -> str: ...
    @property
    def group(self) -> str | None: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def kind(self) -> str: ...


class _Disqualification(Protocol):
    @property
    def reason(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


class _Undecided(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def missing(self) -> Sequence[str]: ...
    @property
    def reasons(self) -> Sequence[str]: ...


class ScoredLead(Protocol):
    """What a population reads of a scored lead: a :class:`leadrules.Result`, or a row of a
    table of results with the same fields. A contribution whose ``uncapped_points`` attribute
    is set (not None) is a rule that its ``up to`` cut."""

    @property
    def score(self) -> Decimal: ...
    @property
    def stage(self) -> str | None: ...
    @property
    def disqualified(self) -> bool: ...
    @property
    def contributions(self) -> Sequence[_Contribution]: ...
    @property
    def disqualifications(self) -> Sequence[_Disqualification]: ...
    @property
    def undecided(self) -> Sequence[_Undecided]: ...
    @property
    def groups(self) -> Mapping[str, Decimal]: ...
    @property
    def warnings(self) -> Sequence[str]: ...


def outcome(lead: ScoredLead) -> str:
    """The lead's stage, ``(disqualified)`` or ``(no stage)``."""
    if lead.disqualified:
        return DISQUALIFIED
    return lead.stage if lead.stage is not None else NO_STAGE


def one_line_reason(lead: ScoredLead, rules: int = 3) -> str:
    """Why a lead scored what it did, in one line: the reasons it was disqualified, else the
    rules that gave it the most points (``+30 requested demo; +20 Decision maker; and 4
    more``)."""
    if lead.disqualified:
        return "disqualified: " + "; ".join(d.reason for d in lead.disqualifications)
    given = [c for c in lead.contributions if c.kind == "rule" and c.points > 0]
    given.sort(key=lambda c: -c.points)  # stable: file order among equal points
    parts = [f"{signed_number_text(c.points)} {c.label}" for c in given[:rules]]
    if len(given) > rules:
        parts.append(f"and {len(given) - rules} more")
    return "; ".join(parts) if parts else "no rule gave points"


@attrs.frozen(slots=True)
class RuleInfo:
    """A rule of the file as the report names it."""

    line: int
    column: int
    kind: str  # "score rule", "disqualify" or "stage"
    group: str | None
    label: str
    capped: bool = False  # a rule with `up to`


@attrs.define(slots=True)
class RuleStats:
    """What one rule did over the population."""

    fired: int = 0  # leads it gave points to (or disqualified)
    points: Decimal = _ZERO  # points given in all (before group limits)
    capped: int = 0  # leads whose points its `up to` cut
    undecided: int = 0  # leads for which its condition was unknown
    #: (field, "missing" or "unreadable") -> leads
    fields: Counter[tuple[str, str]] = attrs.field(factory=Counter)


@attrs.define(slots=True)
class GroupStats:
    """A group's subtotals (after its limits) and how often each limit bit."""

    subtotals: Distribution = attrs.field(factory=Distribution)
    hit_max: int = 0
    hit_min: int = 0
    points_cut: Decimal = _ZERO  # points the max took away, in all
    points_added: Decimal = _ZERO  # points the min gave back, in all


@attrs.frozen(slots=True, order=True)
class TopLead:
    """A lead among the highest scores, and why in one line."""

    score: Decimal
    order: int  # minus its position in the file: earlier leads win ties
    label: str = attrs.field(order=False)
    outcome: str = attrs.field(order=False)
    reason: str = attrs.field(order=False)


def _catalogue(rules: CheckedRules) -> dict[tuple[int, int], RuleInfo]:
    found: dict[tuple[int, int], RuleInfo] = {}
    for item in rules.items:
        group, listed = (
            (item.name, item.rules) if isinstance(item, CheckedGroup) else (None, (item,))
        )
        for rule in listed:
            key = (rule.span.line, rule.span.column)
            found[key] = RuleInfo(*key, "score rule", group, rule.display, rule.cap is not None)
    for dq in rules.disqualifications:
        key = (dq.span.line, dq.span.column)
        label = f"disqualify: {dq.reason}" if dq.reason else dq.text
        found[key] = RuleInfo(*key, "disqualify", None, label)
    for stage in rules.stages:
        if stage.condition is not None:
            key = (stage.span.line, stage.span.column)
            found[key] = RuleInfo(*key, "stage", None, stage.text)
    return dict(sorted(found.items()))


def _unreadable_field(reason: str) -> str | None:
    """The field an undecided rule's reason blames for a value it could not read
    (``company size: could not read 'lots' as a number``); None for a missing value."""
    if reason.endswith(" is missing"):
        return None
    head, sep, _ = reason.partition(": ")
    return head if sep else reason


class Population:
    """Every number of the report on one set of rules, read lead by lead (``add``)."""

    def __init__(self, rules: CheckedRules, top: int = 20) -> None:
        self.filename = rules.file.filename
        self.stages: tuple[ast.Stage, ...] = rules.stages  # lowest threshold first
        self.group_names = tuple(g.name for g in rules.groups)
        self.group_limits = {g.name: (g.max, g.min) for g in rules.groups}
        self.rules = _catalogue(rules)
        self.stats = {key: RuleStats() for key in self.rules}
        self.groups = {name: GroupStats() for name in self.group_names}
        self.outcomes: Counter[str] = Counter()
        self.scores: dict[str, Distribution] = {}
        self.reasons: Counter[str] = Counter()
        self.leads = 0
        self.warnings = 0
        self.leads_with_warnings = 0
        self.undecided_leads = 0
        self.top = top
        self._top: list[TopLead] = []

    # ------------------------------------------------------------------ reading

    def add(self, lead: ScoredLead, label: str | None = None, number: int | None = None) -> None:
        """One scored lead; ``label`` names it in the top leads (``#N`` by default) and
        ``number`` is its position in the file (ties among the top go to the earlier)."""
        self.leads += 1
        position = self.leads if number is None else number
        shown = outcome(lead)
        self.outcomes[shown] += 1
        self.scores.setdefault(shown, Distribution()).add(lead.score)
        fired: set[tuple[int, int]] = set()
        for c in lead.contributions:
            key = (c.line, c.column)
            if c.kind == "clamp":
                group = self.groups.get(c.group or "")
                if group is not None:
                    if c.points < 0:
                        group.hit_max += 1
                        group.points_cut -= c.points
                    else:
                        group.hit_min += 1
                        group.points_added += c.points
                continue
            stats = self.stats.get(key)
            if stats is None:  # pragma: no cover - results of other rules
                continue
            stats.points += c.points
            if key not in fired:
                fired.add(key)
                stats.fired += 1
            if getattr(c, "uncapped_points", None) is not None:
                stats.capped += 1
        for d in lead.disqualifications:
            key = (d.line, d.column)
            self.reasons[d.reason] += 1
            if key not in fired and key in self.stats:
                fired.add(key)
                self.stats[key].fired += 1
        if lead.undecided:
            self.undecided_leads += 1
        for u in lead.undecided:
            stats = self.stats.get((u.line, u.column))
            if stats is None:  # pragma: no cover - results of other rules
                continue
            stats.undecided += 1
            blamed = {(name, "missing") for name in u.missing}
            for reason in u.reasons:
                name = _unreadable_field(reason)
                if name is not None:
                    blamed.add((name, "unreadable"))
            stats.fields.update(blamed)
        for name, subtotal in lead.groups.items():
            group = self.groups.get(name)
            if group is not None:
                group.subtotals.add(subtotal)
        if lead.warnings:
            self.warnings += len(lead.warnings)
            self.leads_with_warnings += 1
        if self.top > 0:
            entry_key = (lead.score, -position)
            if len(self._top) < self.top or entry_key > (self._top[0].score, self._top[0].order):
                entry = TopLead(
                    lead.score, -position, label or f"#{position}", shown, one_line_reason(lead)
                )
                if len(self._top) < self.top:
                    heapq.heappush(self._top, entry)
                else:
                    heapq.heapreplace(self._top, entry)

    def add_all(self, leads: Iterable[ScoredLead]) -> Population:
        for lead in leads:
            self.add(lead)
        return self

    def merge(self, other: Population) -> None:
        """Add another population of the same rules (another shard of the same leads; its
        leads come after this one's in the top leads' ties)."""
        if other.rules.keys() != self.rules.keys():
            raise ValueError("populations of different rules cannot be merged")
        self.leads += other.leads
        self.outcomes.update(other.outcomes)
        for name, dist in other.scores.items():
            self.scores.setdefault(name, Distribution()).merge(dist)
        self.reasons.update(other.reasons)
        for key, theirs in other.stats.items():
            mine = self.stats[key]
            mine.fired += theirs.fired
            mine.points += theirs.points
            mine.capped += theirs.capped
            mine.undecided += theirs.undecided
            mine.fields.update(theirs.fields)
        for name, theirs_g in other.groups.items():
            mine_g = self.groups[name]
            mine_g.subtotals.merge(theirs_g.subtotals)
            mine_g.hit_max += theirs_g.hit_max
            mine_g.hit_min += theirs_g.hit_min
            mine_g.points_cut += theirs_g.points_cut
            mine_g.points_added += theirs_g.points_added
        self.warnings += other.warnings
        self.leads_with_warnings += other.leads_with_warnings
        self.undecided_leads += other.undecided_leads
        for entry in other._top:
            if len(self._top) < self.top:
                heapq.heappush(self._top, entry)
            elif (entry.score, entry.order) > (self._top[0].score, self._top[0].order):
                heapq.heapreplace(self._top, entry)

    # ------------------------------------------------------------------ answers

    def score_distribution(self) -> Distribution:
        """Every lead's score, whatever its stage."""
        merged = Distribution()
        for dist in self.scores.values():
            merged.merge(dist)
        return merged

    def marks(self) -> list[Mark]:
        """The stage thresholds, lowest first."""
        return [Mark(s.threshold, s.name) for s in self.stages]

    def stage_rows(self) -> list[tuple[str, int]]:
        """(stage, leads), highest stage first, then ``no stage`` and ``disqualified``: the
        rows of ``leadrules score``'s summary."""
        rows = [(s.name, self.outcomes[s.name]) for s in reversed(self.stages)]
        rows.append(("no stage", self.outcomes[NO_STAGE]))
        rows.append(("disqualified", self.outcomes[DISQUALIFIED]))
        return rows

    def funnel(self) -> list[tuple[str, int]]:
        """All leads, those not disqualified, then those at each stage or higher (lowest
        stage first): each step holds the next."""
        steps = [("all leads", self.leads), ("not disqualified", self.leads - self.disqualified)]
        for i, stage in enumerate(self.stages):
            higher = self.stages[i:]
            count = sum(self.outcomes[s.name] for s in higher)
            name = stage.name if i == len(self.stages) - 1 else f"{stage.name} or higher"
            steps.append((name, count))
        return steps

    @property
    def disqualified(self) -> int:
        return self.outcomes[DISQUALIFIED]

    @property
    def qualified(self) -> int:
        return sum(self.outcomes[s.name] for s in self.stages)

    def points_moved(self) -> Decimal:
        """All the points score rules gave or took, in absolute value (before limits)."""
        return sum(
            (abs(s.points) for k, s in self.stats.items() if self.rules[k].kind == "score rule"),
            _ZERO,
        )

    def share_of_points(self, key: tuple[int, int]) -> Decimal | None:
        """A score rule's points as a part of all the points rules gave or took."""
        moved = self.points_moved()
        if not moved or self.rules[key].kind != "score rule":
            return None
        return abs(self.stats[key].points) / moved

    def top_leads(self) -> list[TopLead]:
        """The highest scores, highest first (the earlier lead first among equal scores)."""
        return sorted(self._top, reverse=True)

    def to_dict(self) -> dict[str, Any]:
        """Every number, as JSON-ready data (numbers as int when whole, else float)."""

        def num(value: Decimal | None) -> int | float | None:
            return None if value is None else json_number(value)

        def dist(d: Distribution) -> dict[str, Any]:
            return {
                "count": d.count,
                "min": num(d.low),
                "max": num(d.high),
                "mean": num(None if d.mean is None else round(d.mean, 2)),
                "bins": [[num(b.low), num(b.high), b.count] for b in d.bins()],
            }

        rules = []
        for key, info in self.rules.items():
            s = self.stats[key]
            share = self.share_of_points(key)
            rules.append(
                {
                    "line": info.line,
                    "column": info.column,
                    "kind": info.kind,
                    "group": info.group,
                    "label": info.label,
                    "leads": s.fired,
                    "points": json_number(s.points),
                    "share_of_points": None if share is None else round(float(share), 4),
                    "capped": s.capped,
                    "undecided": s.undecided,
                    "undecided_fields": [
                        {"field": f, "why": why, "leads": n}
                        for (f, why), n in sorted(s.fields.items(), key=lambda i: (-i[1], i[0]))
                    ],
                }
            )
        return {
            "rules_file": self.filename,
            "leads": self.leads,
            "stages": dict(self.stage_rows()),
            "funnel": dict(self.funnel()),
            "thresholds": {s.name: json_number(s.threshold) for s in self.stages},
            "scores": dist(self.score_distribution()),
            "rules": rules,
            "groups": {
                name: {
                    "max": num(self.group_limits[name][0]),
                    "min": num(self.group_limits[name][1]),
                    "hit_max": g.hit_max,
                    "hit_min": g.hit_min,
                    "points_cut": json_number(g.points_cut),
                    "points_added": json_number(g.points_added),
                    "subtotals": dist(g.subtotals),
                }
                for name, g in self.groups.items()
            },
            "disqualification_reasons": dict(
                sorted(self.reasons.items(), key=lambda i: (-i[1], i[0]))
            ),
            "undecided_leads": self.undecided_leads,
            "warnings": self.warnings,
            "leads_with_warnings": self.leads_with_warnings,
            "top_leads": [
                {
                    "id": t.label,
                    "score": json_number(t.score),
                    "stage": t.outcome,
                    "reason": t.reason,
                }
                for t in self.top_leads()
            ],
        }


def share_text(part: int, whole: int) -> str:
    """``40%``, ``<1%``, ``>99%``, as ``leadrules score``'s summary writes shares."""
    if not whole:
        return "-"
    percent = 100 * part / whole
    if 0 < percent < 0.5:
        return "<1%"
    if 99.5 <= percent < 100:
        return ">99%"
    return f"{round(percent)}%"

"""The leads of an assessment: each lead's outcome and decision moment read, the leads whose
outcome or moment cannot be used set aside (counted, with examples), and every other lead
scored **as of its own moment**, so that events after the decision do not count.

What is kept of each lead (:class:`Observation`) is what the statistics need: whether it
converted, its score and stage, the rules that fired and how strongly, the rules left
undecided, the disqualify rules that were true, which stages its data allowed, and the lead
itself (the suggestion scores it again under fitted points). Plain Python: nothing here needs
numpy.

Not here: the statistics (:mod:`.stats`, :mod:`.measures`), reading files (the command line's
``leadfile``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..lang import ast
from ..lang.checker import CheckedGroup
from ..result import Result, Undecided
from ..ruleset import RuleSet
from ..runtime.leads import ABSENT, Record
from ..runtime.names import normalize_name
from ..runtime.values import (
    NO_WORDS,
    YES_WORDS,
    Problem,
    is_missing,
    show,
    to_bool,
    to_datetime,
    to_number,
)
from .model import Exclusion

__all__ = [
    "AS_OF_DEFAULTS",
    "Candidate",
    "Observation",
    "Population",
    "RuleInfo",
    "dated_outcome",
    "default_as_of",
    "observe",
    "read_moment",
    "read_outcome",
    "rule_infos",
]

Key = tuple[int, int]

#: The fields a lead's decision moment is read from when none is named: its creation date,
#: as CRMs call it (normalised names; HubSpot's ``Create Date``, Salesforce's ``Created
#: Date``, ``created_at`` ...), first found first.
AS_OF_DEFAULTS = (
    "created at",
    "create date",
    "created date",
    "createdate",
    "date created",
    "created",
    "lead created at",
    "lead created date",
)

#: How many examples an exclusion keeps.
EXAMPLES = 3

_NUMBER_TEXT = re.compile(r"[+-]?\d+(\.\d*)?")


@attrs.frozen(slots=True)
class RuleInfo:
    """A score rule as the assessment names it: its position (``key``: line, column, where
    results say it is), label, group, points and what kind of rule it is."""

    key: Key
    label: str
    group: str | None
    points: Decimal
    per: bool
    cap: Decimal | None
    decays: bool


def rule_infos(rules: RuleSet) -> tuple[RuleInfo, ...]:
    """The score rules of a rule set, in file order."""
    out: list[RuleInfo] = []
    for item in rules.checked.items:
        group, listed = (
            (item.name, item.rules) if isinstance(item, CheckedGroup) else (None, (item,))
        )
        for rule in listed:
            out.append(_info(rule, group))
    return tuple(out)


def _info(rule: ast.ScoreRule, group: str | None) -> RuleInfo:
    return RuleInfo(
        (rule.span.line, rule.span.column),
        rule.display,
        group,
        rule.points,
        rule.per is not None,
        rule.cap,
        rule.decay is not None,
    )


@attrs.frozen(slots=True)
class Candidate:
    """A lead offered to the assessment: its id (``label``, for examples), the lead, and the
    raw values of its outcome and of its decision moment (or a datetime for every lead)."""

    label: str
    lead: Any
    outcome: Any
    moment: Any


@attrs.frozen(slots=True)
class Observation:
    """One assessed lead. ``strengths``: for each score rule that fired, its points over the
    rule's points (1 for a plain rule; less when decayed; the units counted for a ``per``
    rule, after its ``up to``). ``eligible``: per stage, lowest first, whether the lead's data
    allows it (not disqualified, and the stage's condition, if any, true)."""

    label: str
    lead: Any
    moment: dt.datetime
    converted: bool
    score: Decimal
    stage: str | None
    disqualified_by: tuple[Key, ...]
    strengths: Mapping[Key, float]
    undecided: tuple[Undecided, ...]
    eligible: tuple[bool, ...]

    @property
    def disqualified(self) -> bool:
        return bool(self.disqualified_by)


@attrs.frozen(slots=True)
class Population:
    """The observations, the leads left out with why, and what was assumed in reading them
    (``notes``: a blank outcome of a column of dates read as no)."""

    observations: tuple[Observation, ...]
    excluded: tuple[Exclusion, ...]
    notes: tuple[str, ...] = ()


# ------------------------------------------------------------------------------ reading


def read_outcome(value: Any, dayfirst: bool = False) -> bool | Problem | None:
    """A lead's outcome, read as the language reads a yes/no (language.md §8): ``yes``,
    ``true``, ``1``, ``no``, ``0``, ... a number is yes unless zero, a date is yes (a ``won
    date`` column, where :func:`observe` reads a blank as no: :func:`dated_outcome`); None
    when missing, a Problem for other text."""
    if value is ABSENT or is_missing(value):
        return None
    return to_bool(value, dayfirst)


def read_moment(value: Any, dayfirst: bool = False) -> dt.datetime | Problem | None:
    """A lead's decision moment: a date-time as the language reads dates; a date with no time
    of day is the **end** of that day (events on the day of the decision count, since the
    hour is not known); None when missing."""
    if value is ABSENT or is_missing(value):
        return None
    moment = to_datetime(value, dayfirst)
    if isinstance(moment, Problem):
        return moment
    if _date_only(value):
        return moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    return moment


def dated_outcome(values: Iterable[Any], dayfirst: bool = False) -> bool:
    """Whether an outcome column is a column of dates (a ``won date``, HubSpot's ``Became a
    Customer Date``): some value is a date, and none is a yes/no word or a number. In such a
    column a blank means the lead has not converted (yet), not that the outcome is unknown."""
    dated = False
    for value in values:
        if value is ABSENT or is_missing(value):
            continue
        if isinstance(value, (dt.date, dt.datetime)):
            dated = True
            continue
        if not isinstance(value, str):
            return False
        text = value.strip()
        if text.casefold() in YES_WORDS or text.casefold() in NO_WORDS:
            return False
        if not isinstance(to_number(text), Problem):
            return False
        if not isinstance(to_datetime(text, dayfirst), Problem):
            dated = True
    return dated


def _date_only(value: Any) -> bool:
    if isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.date):
        return True
    if isinstance(value, str):
        text = value.strip()
        return ":" not in text and not _NUMBER_TEXT.fullmatch(text)
    return False


def default_as_of(names: Iterable[str]) -> str | None:
    """Of ``names`` (a file's columns, a lead's fields), the one the decision moment is read
    from when none is named (:data:`AS_OF_DEFAULTS`)."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(normalize_name(name), name)
    for wanted in AS_OF_DEFAULTS:
        if wanted in by_key:
            return by_key[wanted]
    return None


def field_value(lead: Any, name: str) -> Any:
    """The value of a lead's field named as rules name fields (ABSENT when there is none)."""
    return Record(lead).lookup(name)


# ------------------------------------------------------------------------------ scoring


class _Excluded:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}

    def add(self, reason: str, example: str) -> None:
        self.counts[reason] += 1
        listed = self.examples.setdefault(reason, [])
        if len(listed) < EXAMPLES:
            listed.append(example)

    def result(self) -> tuple[Exclusion, ...]:
        return tuple(
            Exclusion(reason, count, tuple(self.examples[reason]))
            for reason, count in self.counts.items()
        )


def observe(
    rules: RuleSet,
    candidates: Iterable[Candidate],
    *,
    outcome_name: str,
    as_of_name: str,
    on_result: Callable[[Any, Result], None] | None = None,
) -> Population:
    """Score every candidate whose outcome and moment can be read, as of its moment."""
    infos = {info.key: info for info in rule_infos(rules)}
    stages = rules.checked.stages
    conditional = tuple(stage.condition is not None for stage in stages)
    excluded = _Excluded()
    observations: list[Observation] = []
    dayfirst = rules.dayfirst
    listed = list(candidates)
    dated = dated_outcome((c.outcome for c in listed), dayfirst)
    blank = 0
    for candidate in listed:
        converted = read_outcome(candidate.outcome, dayfirst)
        if converted is None and dated:
            converted = False
            blank += 1
        if converted is None:
            excluded.add(f"{outcome_name} is missing", candidate.label)
            continue
        if isinstance(converted, Problem):
            excluded.add(
                f"{outcome_name} is not yes or no",
                f"{candidate.label}: {show(candidate.outcome)}",
            )
            continue
        moment = read_moment(candidate.moment, dayfirst)
        if moment is None:
            excluded.add(f"{as_of_name} is missing", candidate.label)
            continue
        if isinstance(moment, Problem):
            excluded.add(
                f"{as_of_name} is not a date", f"{candidate.label}: {show(candidate.moment)}"
            )
            continue
        result = rules.evaluate(candidate.lead, moment)
        if on_result is not None:
            on_result(candidate.lead, result)
        observations.append(_observation(candidate, moment, converted, result, infos, conditional))
    notes = (
        (
            f"{outcome_name} holds dates: a lead with a date there converted, and the "
            f"{blank:,} with none did not.",
        )
        if dated
        else ()
    )
    return Population(tuple(observations), excluded.result(), notes)


def _observation(
    candidate: Candidate,
    moment: dt.datetime,
    converted: bool,
    result: Result,
    infos: Mapping[Key, RuleInfo],
    conditional: Sequence[bool],
) -> Observation:
    strengths: dict[Key, float] = {}
    for contribution in result.contributions:
        if contribution.kind != "rule":
            continue
        key = (contribution.line, contribution.column)
        info = infos.get(key)
        if info is None:  # pragma: no cover - every rule contribution is of a score rule
            continue
        strengths[key] = _strength(info, contribution.points, contribution.count)
    dq = tuple((d.line, d.column) for d in result.disqualifications)
    eligible = tuple(
        not dq and (not needs or outcome.condition is True)
        for needs, outcome in zip(conditional, result.stages, strict=True)
    )
    return Observation(
        candidate.label,
        candidate.lead,
        moment,
        converted,
        result.score,
        result.stage,
        dq,
        strengths,
        result.undecided,
        eligible,
    )


def _strength(info: RuleInfo, points: Decimal, count: Decimal | None) -> float:
    """How much of the rule a lead got, in units of the rule's points (see Observation)."""
    if info.points != 0:
        return float(points / info.points)
    if info.per and count is not None:
        return float(count)
    return 1.0

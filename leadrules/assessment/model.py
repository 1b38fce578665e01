"""What an assessment of a rule file against known outcomes is made of: plain, immutable data,
each part with a ``to_dict()`` of JSON types only, so that a report (text, HTML, a notebook)
can render it without computing anything.

Rates are floats between 0 and 1 with a 95% interval; points and thresholds are Decimal, as
everywhere in leadrules. Nothing here computes a statistic or imports numpy: see
:mod:`.stats` (the arithmetic), :mod:`.measures` (the tables), :mod:`.fit` (the suggestion).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..result import json_number

__all__ = [
    "Assessment",
    "AucEstimate",
    "Band",
    "DisqualifyRow",
    "Exclusion",
    "FieldGap",
    "Proportion",
    "Ratio",
    "RuleRow",
    "StageRow",
    "SuggestedRule",
    "SuggestedStage",
    "Suggestion",
    "ThresholdRow",
]


def _round(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(float(value), places)


def _number(value: Decimal | None) -> int | float | None:
    return None if value is None else json_number(value)


@attrs.frozen(slots=True)
class Proportion:
    """``count`` of ``total`` (converted leads of a band, say), their share ``rate`` and its
    95% Wilson interval ``low``..``high``; the three are None when ``total`` is 0."""

    count: int
    total: int
    rate: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "total": self.total,
            "rate": _round(self.rate),
            "low": _round(self.low),
            "high": _round(self.high),
        }


@attrs.frozen(slots=True)
class Ratio:
    """A ratio of two rates (a rule's lift) and its 95% interval; an interval that holds 1
    means the data cannot tell the two rates apart."""

    value: float
    low: float
    high: float

    @property
    def includes_one(self) -> bool:
        return self.low <= 1.0 <= self.high

    def to_dict(self) -> dict[str, Any]:
        return {"value": _round(self.value), "low": _round(self.low), "high": _round(self.high)}


@attrs.frozen(slots=True)
class Exclusion:
    """Leads left out of the assessment for one reason, how many, and a few of them (the
    lead's id and the value that could not be used)."""

    reason: str
    count: int
    examples: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "count": self.count, "examples": list(self.examples)}


@attrs.frozen(slots=True)
class StageRow:
    """The leads whose stage (the highest they reached) is ``stage`` -- ``(no stage)`` and
    ``(disqualified)`` are rows too -- and how many of them converted."""

    stage: str
    conversion: Proportion

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "conversion": self.conversion.to_dict()}


@attrs.frozen(slots=True)
class Band:
    """A score band (about a tenth of the leads not disqualified; leads with the same score
    stay in one band): its lowest and highest score and how many of its leads converted."""

    low_score: Decimal
    high_score: Decimal
    conversion: Proportion

    def to_dict(self) -> dict[str, Any]:
        return {
            "low_score": _number(self.low_score),
            "high_score": _number(self.high_score),
            "conversion": self.conversion.to_dict(),
        }


@attrs.frozen(slots=True)
class AucEstimate:
    """How well the score ranks leads: the chance that a converted lead outscores one that
    did not (ties count half), with a 95% interval (Hanley and McNeil)."""

    value: float
    low: float
    high: float
    converted: int
    others: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _round(self.value),
            "low": _round(self.low),
            "high": _round(self.high),
            "converted": self.converted,
            "others": self.others,
        }


@attrs.frozen(slots=True)
class ThresholdRow:
    """The leads at a stage or above: ``precision`` (how many of them converted),
    ``recall`` (how many of all converted leads they hold) and ``lift`` (their conversion
    rate over the rate of all leads assessed)."""

    stage: str
    threshold: Decimal
    leads: int
    precision: Proportion
    recall: Proportion
    lift: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "threshold": _number(self.threshold),
            "leads": self.leads,
            "precision": self.precision.to_dict(),
            "recall": self.recall.to_dict(),
            "lift": _round(self.lift),
        }


@attrs.frozen(slots=True)
class RuleRow:
    """One score rule judged against the outcomes of the leads not disqualified.

    ``among_converted`` / ``among_others``: the share of converted and of other leads it
    fired for; ``when_fired`` / ``when_not``: the conversion rate of the leads it fired for and
    of the rest; ``lift``: the first over the second, None when it fired for every lead or
    none. ``verdict`` is one of ``earns``, ``no evidence``, ``opposite``, ``wrong sign``,
    ``never fired``, ``always fired``; ``finding`` says it in plain words."""

    line: int
    column: int
    label: str
    group: str | None
    points: Decimal
    per: bool
    leads: int
    fired: int
    among_converted: Proportion
    among_others: Proportion
    when_fired: Proportion
    when_not: Proportion
    lift: Ratio | None
    undecided: int
    verdict: str
    finding: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "label": self.label,
            "group": self.group,
            "points": json_number(self.points),
            "per": self.per,
            "leads": self.leads,
            "fired": self.fired,
            "among_converted": self.among_converted.to_dict(),
            "among_others": self.among_others.to_dict(),
            "when_fired": self.when_fired.to_dict(),
            "when_not": self.when_not.to_dict(),
            "lift": None if self.lift is None else self.lift.to_dict(),
            "undecided": self.undecided,
            "verdict": self.verdict,
            "finding": self.finding,
        }


@attrs.frozen(slots=True)
class FieldGap:
    """A field whose value was missing (``problem == "missing"``) or could not be read
    (``"unreadable"``) for ``leads`` leads, leaving the rules on ``lines`` undecided for
    them; ``example`` is one reason as the results word it."""

    field: str
    problem: str
    leads: int
    lines: tuple[int, ...]
    example: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "problem": self.problem,
            "leads": self.leads,
            "lines": list(self.lines),
            "example": self.example,
        }


@attrs.frozen(slots=True)
class DisqualifyRow:
    """A disqualify rule: the leads it was true for (``removed.total``), how many of them
    converted all the same (``removed.count``), a few of those (their ids), and the words."""

    line: int
    column: int
    reason: str
    removed: Proportion
    converted_examples: tuple[str, ...]
    finding: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
            "removed": self.removed.to_dict(),
            "converted_examples": list(self.converted_examples),
            "finding": self.finding,
        }


@attrs.frozen(slots=True)
class SuggestedRule:
    """A score rule's points today and suggested (and a ``per`` rule's ``up to``, scaled with
    its points); ``weight`` is the fitted change in log-odds of converting per point-unit of
    the rule (None when the rule was not fitted, ``note`` says why)."""

    line: int
    column: int
    label: str
    group: str | None
    points: Decimal
    suggested: Decimal
    cap: Decimal | None
    suggested_cap: Decimal | None
    weight: float | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "label": self.label,
            "group": self.group,
            "points": json_number(self.points),
            "suggested": json_number(self.suggested),
            "cap": _number(self.cap),
            "suggested_cap": _number(self.suggested_cap),
            "weight": _round(self.weight),
            "note": self.note,
        }


@attrs.frozen(slots=True)
class SuggestedStage:
    """A stage's threshold today and suggested, with the leads at that stage or above under
    each: the suggested threshold keeps their number as close to today's as it can."""

    stage: str
    threshold: Decimal
    suggested: Decimal
    leads: int
    suggested_leads: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "threshold": json_number(self.threshold),
            "suggested": json_number(self.suggested),
            "leads": self.leads,
            "suggested_leads": self.suggested_leads,
        }


@attrs.frozen(slots=True)
class Suggestion:
    """Points fitted to the outcomes, written into the same rule file (``text``), and how the
    current and the suggested points rank leads they were not fitted on: the AUC of each of
    ``folds`` held-out parts (``fold_auc``, ``fold_auc_suggested``) and their means."""

    text: str
    rules: tuple[SuggestedRule, ...]
    stages: tuple[SuggestedStage, ...]
    folds: int
    auc: float | None
    auc_suggested: float | None
    fold_auc: tuple[float, ...]
    fold_auc_suggested: tuple[float, ...]
    leads: int
    scale: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "rules": [r.to_dict() for r in self.rules],
            "stages": [s.to_dict() for s in self.stages],
            "folds": self.folds,
            "auc": _round(self.auc),
            "auc_suggested": _round(self.auc_suggested),
            "fold_auc": [_round(v) for v in self.fold_auc],
            "fold_auc_suggested": [_round(v) for v in self.fold_auc_suggested],
            "leads": self.leads,
            "scale": _round(self.scale),
            "method": self.method,
        }


@attrs.frozen(slots=True)
class Assessment:
    """A rule file judged against the outcomes of historical leads, each scored as of the
    moment its decision was made (``as_of`` says which moment).

    ``leads`` were assessed (``excluded`` says which were not, and why), ``converted`` of
    them converted; ``stages``, ``bands``, ``auc`` and ``thresholds`` judge the score as a
    whole; ``rules``, ``fields`` and ``disqualify`` judge the rules one by one; ``findings``
    are the headlines in plain words; ``suggestion`` is there when it was asked for (and
    could be made). :meth:`text` is the report ``leadrules assess`` prints; :meth:`to_dict`
    the same as JSON."""

    rules_file: str
    outcome: str
    as_of: str
    leads: int
    converted: int
    base: Proportion
    excluded: tuple[Exclusion, ...]
    stages: tuple[StageRow, ...]
    bands: tuple[Band, ...]
    auc: AucEstimate | None
    thresholds: tuple[ThresholdRow, ...]
    rules: tuple[RuleRow, ...]
    fields: tuple[FieldGap, ...]
    disqualify: tuple[DisqualifyRow, ...]
    findings: tuple[str, ...]
    suggestion: Suggestion | None = None
    notes: tuple[str, ...] = ()
    #: Where the leads came from (a file's name), when known.
    source: str | None = None

    def rule(self, line: int, column: int | None = None) -> RuleRow:
        """The row of the score rule on ``line`` (and ``column``, when a line holds several);
        KeyError if there is none."""
        for row in self.rules:
            if row.line == line and (column is None or row.column == column):
                return row
        raise KeyError(f"no score rule on line {line}")

    def text(self) -> str:
        """The assessment as the report ``leadrules assess`` prints."""
        from .text import render

        return render(self)

    def to_dict(self) -> dict[str, Any]:
        data: Mapping[str, Any] = {
            "rules_file": self.rules_file,
            "source": self.source,
            "outcome": self.outcome,
            "as_of": self.as_of,
            "leads": self.leads,
            "converted": self.converted,
            "base": self.base.to_dict(),
            "excluded": [e.to_dict() for e in self.excluded],
            "stages": [s.to_dict() for s in self.stages],
            "bands": [b.to_dict() for b in self.bands],
            "auc": None if self.auc is None else self.auc.to_dict(),
            "thresholds": [t.to_dict() for t in self.thresholds],
            "rules": [r.to_dict() for r in self.rules],
            "fields": [f.to_dict() for f in self.fields],
            "disqualify": [d.to_dict() for d in self.disqualify],
            "findings": list(self.findings),
            "notes": list(self.notes),
            "suggestion": None if self.suggestion is None else self.suggestion.to_dict(),
        }
        return dict(data)

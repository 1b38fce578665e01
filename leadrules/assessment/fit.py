"""Suggested points: a regularised logistic regression of the outcome on what each score rule
gave each lead, its coefficients scaled into points of the size the file already uses, written
into the same rule file (only numbers change); held-out AUC of the current and the suggested
points side by side; and stage thresholds that keep today's number of leads at each stage.

The model, in the words docs/assess.md uses: each rule is one input -- 1 when it fired, 0 when
not (a decayed rule: the share of its points it gave; a ``per`` rule: the units it counted,
after its ``up to``) -- so that points times input is what the rule gives. scikit-learn's
``LogisticRegression`` (L2 penalty, ``C = 1``, on inputs scaled to unit spread, so the penalty
treats every rule alike) fits the change in log-odds of converting each rule is worth. The
log-odds are then scaled to points so that the strongest rule gives a typical lead it fires
for as many points as the strongest rule does today, and rounded as the file writes that
rule's points. A ``per`` rule's ``up to`` is scaled with its points, so the same number of
events still counts. Group limits stay as they are; the held-out AUC is of the suggested file
as leadrules scores it, limits and all.

Rules that fired for fewer than :data:`MIN_FIRED` leads (or for all but that many) keep their
points: there is too little to fit them to.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import attrs
import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from ..lang.checker import MAX_DECIMALS, MAX_LIMIT, MAX_POINTS
from ..lang.renumber import NumberKind, renumber
from ..ruleset import RuleSet
from ..ruleset import compile as compile_rules
from .model import SuggestedRule, SuggestedStage, Suggestion
from .population import Observation, RuleInfo, rule_infos
from .stats import auc_value

__all__ = ["METHOD", "MIN_FIRED", "C", "inputs", "suggest"]

#: The inverse strength of the L2 penalty (scikit-learn's default).
C = 1.0
#: A rule must have fired, and not fired, for this many leads to be fitted.
MIN_FIRED = 10
#: The method, as the suggestion records it.
METHOD = (
    "L2-regularised logistic regression (C=1) of the outcome on each rule's fired/not input "
    "(a per rule's units, a decayed rule's share of its points), inputs scaled to unit spread; "
    "log-odds scaled so the strongest rule gives as many points as today's strongest"
)

Key = tuple[int, int]
Changes = dict[tuple[NumberKind, int, int], Decimal]


@attrs.frozen(slots=True)
class _Fitted:
    points: Mapping[Key, Decimal]
    caps: Mapping[Key, Decimal]
    weights: Mapping[Key, float]
    notes: Mapping[Key, str]
    scale: float


def inputs(infos: Sequence[RuleInfo], observations: Sequence[Observation]) -> NDArray[np.float64]:
    """One row per lead, one column per rule: what the rule gave the lead, in its points."""
    matrix = np.zeros((len(observations), len(infos)))
    for row, o in enumerate(observations):
        for column, info in enumerate(infos):
            value = o.strengths.get(info.key)
            if value is not None:
                matrix[row, column] = value
    return matrix


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -exponent)) if isinstance(exponent, int) else 0


def _points(value: float, info: RuleInfo) -> Decimal:
    """Fitted points, rounded as the file writes the rule's points (a ``per`` rule: to two
    significant digits if that needs more decimals), within the language's limits."""
    places = _decimals(info.points)
    if info.per and value != 0:
        places = max(places, min(MAX_DECIMALS, 1 - math.floor(math.log10(abs(value)))))
    bounded = max(-float(MAX_POINTS), min(float(MAX_POINTS), value))
    rounded = Decimal(repr(bounded)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    return rounded if rounded != 0 else Decimal(0)


def _fit(infos: Sequence[RuleInfo], matrix: NDArray[np.float64], y: NDArray[np.bool_]) -> _Fitted:
    n = len(y)
    fired = (matrix > 0).sum(axis=0)
    notes: dict[Key, str] = {}
    columns: list[int] = []
    for j, info in enumerate(infos):
        count = int(fired[j])
        if count == 0:
            notes[info.key] = "never fired: points kept"
        elif count < MIN_FIRED:
            notes[info.key] = f"fired for only {count} leads: points kept"
        elif n - count < MIN_FIRED:
            notes[info.key] = (
                "fired for every lead: points kept"
                if count == n
                else f"fired for all but {n - count} leads: points kept"
            )
        else:
            columns.append(j)
    points = {info.key: info.points for info in infos}
    caps = {info.key: info.cap for info in infos if info.cap is not None}
    if not columns or y.all() or not y.any():
        return _Fitted(points, caps, {}, notes, 0.0)
    chosen = matrix[:, columns]
    spread = chosen.std(axis=0)
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(chosen / spread, y)
    betas = model.coef_[0] / spread
    typical = [float(np.median(chosen[chosen[:, k] > 0, k])) for k in range(len(columns))]
    today = [abs(float(infos[j].points)) * typical[k] for k, j in enumerate(columns)]
    raw = [abs(float(betas[k])) * typical[k] for k in range(len(columns))]
    target = max(today) or max(abs(float(info.points)) for info in infos) or 10.0
    scale = target / max(raw) if max(raw) > 0 else 0.0
    weights: dict[Key, float] = {}
    for k, j in enumerate(columns):
        info = infos[j]
        weights[info.key] = float(betas[k])
        new = _points(scale * float(betas[k]), info)
        points[info.key] = new
        if info.cap is not None and info.points != 0 and new != 0:
            cap = info.cap * abs(new) / abs(info.points)
            cap = min(MAX_LIMIT, cap.quantize(Decimal(1).scaleb(-MAX_DECIMALS), ROUND_HALF_EVEN))
            caps[info.key] = cap.normalize() if cap != 0 else Decimal(0)
    return _Fitted(points, caps, weights, notes, scale)


def _changes(infos: Sequence[RuleInfo], fitted: _Fitted) -> Changes:
    changes: Changes = {}
    for info in infos:
        line, column = info.key
        if fitted.points[info.key] != info.points:
            changes[("points", line, column)] = fitted.points[info.key]
        cap = fitted.caps.get(info.key)
        if cap is not None and cap != info.cap:
            changes[("cap", line, column)] = cap
    return changes


def _compile(rules: RuleSet, text: str) -> RuleSet:
    return compile_rules(
        text, filename=rules.filename, backend=rules.backend, dayfirst=rules.dayfirst
    )


def _scores(rules: RuleSet, observations: Sequence[Observation]) -> NDArray[np.float64]:
    return np.array([float(rules.evaluate(o.lead, o.moment).score) for o in observations])


def _cross_validate(
    rules: RuleSet,
    infos: Sequence[RuleInfo],
    decided: Sequence[Observation],
    matrix: NDArray[np.float64],
    y: NDArray[np.bool_],
    folds: int,
    seed: int,
) -> tuple[list[float], list[float]]:
    today = np.array([float(o.score) for o in decided])
    now_aucs: list[float] = []
    new_aucs: list[float] = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(matrix, y):
        fitted = _fit(infos, matrix[train], y[train])
        fold_rules = _compile(rules, renumber(rules.source, _changes(infos, fitted)))
        held_out = [decided[i] for i in test]
        now_auc = auc_value(today[test], y[test])
        new_auc = auc_value(_scores(fold_rules, held_out), y[test])
        if now_auc is not None and new_auc is not None:
            now_aucs.append(now_auc)
            new_aucs.append(new_auc)
    return now_aucs, new_aucs


def _floor(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), ROUND_FLOOR)


def _closest(
    candidates: Sequence[Decimal],
    ordered: NDArray[np.float64],
    already: int,
    target: int,
    today: Decimal,
) -> Decimal:
    """The candidate threshold that puts the number of leads at the stage or above (those
    ``already`` above it, and those of ``ordered`` scores at least the threshold) nearest
    ``target``; of equals, the one nearest today's threshold, then the higher."""

    def miss(threshold: Decimal) -> int:
        reached = len(ordered) - int(np.searchsorted(ordered, float(threshold), "left"))
        return abs(already + reached - target)

    return min(candidates, key=lambda t: (miss(t), abs(t - today), -t))


def _thresholds(
    rules: RuleSet, observations: Sequence[Observation], scores: Sequence[Decimal]
) -> list[SuggestedStage]:
    """Thresholds, highest stage first, each keeping the leads at that stage or above as
    near today's count as it can, below the threshold of the stage above."""
    stages = rules.checked.stages
    rank = {stage.name: index for index, stage in enumerate(stages)}
    current = np.array([-1 if o.stage is None else rank[o.stage] for o in observations])
    values = np.array([float(s) for s in scores])
    above = np.zeros(len(observations), dtype=bool)
    out: list[SuggestedStage] = []
    upper: Decimal | None = None
    for index in reversed(range(len(stages))):
        stage = stages[index]
        target = int((current >= index).sum())
        eligible = np.array([o.eligible[index] for o in observations], dtype=bool)
        places = _decimals(stage.threshold)
        step = Decimal(1).scaleb(-places)
        pool = [s for s, ok, done in zip(scores, eligible, above, strict=True) if ok and not done]
        candidates = sorted({_floor(s, places) for s in pool})
        if candidates:
            candidates.append(candidates[-1] + step)
        if upper is not None:
            candidates = [c for c in candidates if c < upper]
        if candidates:
            ordered = np.sort(np.array([float(s) for s in pool]))
            chosen = _closest(candidates, ordered, int(above.sum()), target, stage.threshold)
        elif upper is None or stage.threshold < upper:
            chosen = stage.threshold
        else:
            chosen = upper - step
        above |= eligible & (values >= float(chosen))
        out.append(SuggestedStage(stage.name, stage.threshold, chosen, target, int(above.sum())))
        upper = chosen
    out.reverse()
    return out


def suggest(
    rules: RuleSet, observations: Sequence[Observation], *, folds: int = 5, seed: int = 0
) -> Suggestion | str:
    """The suggestion for these scored leads, or why none can be made."""
    infos = rule_infos(rules)
    decided = [o for o in observations if not o.disqualified]
    y = np.array([o.converted for o in decided], dtype=bool)
    positives = int(y.sum())
    if not infos:
        return "the rules have no score rule to fit"
    if min(positives, len(y) - positives) < folds:
        return (
            f"too few leads to fit points: {positives} converted and {len(y) - positives} "
            f"did not among the leads not disqualified; at least {folds} of each are needed "
            f"for {folds} folds"
        )
    matrix = inputs(infos, decided)
    fold_now, fold_new = _cross_validate(rules, infos, decided, matrix, y, folds, seed)
    fitted = _fit(infos, matrix, y)
    changes = _changes(infos, fitted)
    points_only = _compile(rules, renumber(rules.source, changes))
    scores = [points_only.evaluate(o.lead, o.moment).score for o in observations]
    stages = _thresholds(rules, observations, scores)
    for stage, found in zip(rules.checked.stages, stages, strict=True):
        if found.suggested != stage.threshold:
            changes[("threshold", stage.span.line, stage.span.column)] = found.suggested
    text = renumber(rules.source, changes)
    final = _compile(rules, text)
    if final.stages != rules.stages:  # pragma: no cover - thresholds keep their order
        raise AssertionError("the suggested thresholds changed the order of the stages")
    suggested_rules = tuple(
        SuggestedRule(
            line=info.key[0],
            column=info.key[1],
            label=info.label,
            group=info.group,
            points=info.points,
            suggested=fitted.points[info.key],
            cap=info.cap,
            suggested_cap=fitted.caps.get(info.key),
            weight=fitted.weights.get(info.key),
            note=fitted.notes.get(info.key),
        )
        for info in infos
    )
    return Suggestion(
        text=text,
        rules=suggested_rules,
        stages=tuple(stages),
        folds=len(fold_now),
        auc=float(np.mean(fold_now)) if fold_now else None,
        auc_suggested=float(np.mean(fold_new)) if fold_new else None,
        fold_auc=tuple(fold_now),
        fold_auc_suggested=tuple(fold_new),
        leads=len(decided),
        scale=fitted.scale,
        method=METHOD,
    )
